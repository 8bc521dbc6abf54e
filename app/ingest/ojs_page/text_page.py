"""An OJS article page saved as text → ``ArticleRecord``: lines → blocks → fields."""

from __future__ import annotations

import re

from app.ingest.ojs_page.authors import authors_from_lines, cited_families, with_cited_families
from app.ingest.ojs_page.fields import (
    after,
    author_zone,
    authors_before_abstract,
    citation_text,
    container_title,
    drop_cut_off_reference,
    find_abstracts,
    find_references,
    find_title,
    header_journal,
    keyword_lines,
    paragraphs,
)
from app.ingest.ojs_page.identity import parse_address
from app.ingest.ojs_page.keywords import labelled_keywords, split_keywords
from app.ingest.ojs_page.kinds import FULL_TEXT, kind_error, page_kind
from app.ingest.ojs_page.labels import language_of
from app.ingest.ojs_page.lines import Line, classify
from app.ingest.records import ArticleRecord, JournalRecord, PageError
from app.ingest.text import repair_line_break_hyphens


def parse_text(text: str, *, source_url: str | None = None) -> ArticleRecord:
    """Read the text of an OJS article page; ``PageError`` when it is not one."""
    page = classify(text)
    address = parse_address(source_url)
    kind = page_kind(page, address)
    refused = kind_error(kind, page)
    if refused:
        raise PageError(refused)
    citation = citation_text(page)
    title_line = find_title(page, citation)
    if title_line is None:
        if not page.has_ojs_lines():
            raise PageError("not an OJS article page: no title line, only running text")
        raise PageError("not an OJS article page: no article title found")
    title = title_line.text
    ui_language = page.ui_language()
    title_language = language_of(title, ui_language) or "und"

    rest = after(page, title_line)
    zone, zone_length = author_zone(rest)
    authors = authors_from_lines(zone) or authors_before_abstract(rest) or page.authors
    authors = with_cited_families(authors, cited_families(citation))
    body = paragraphs(rest[zone_length:])
    full_text = kind == FULL_TEXT
    labelled = "references" in page.roles() or full_text
    abstracts_printed, after_abstract = find_abstracts(body, labelled_only=full_text)
    references, after_references = _references(body[after_abstract:], labelled=labelled)
    references = drop_cut_off_reference(
        references, body[after_abstract:], after_references
    )
    if not references and not page.has_ojs_lines() and not authors:
        # a heading over running text is not an article page: nothing OJS prints is there
        raise PageError(
            "not an OJS article page: no ISSN, galley, label, locale key or references"
        )
    lines = keyword_lines(body, after_abstract + after_references)
    if "keywords" in page.roles() and any(re.search(r"[;,]", line) for line in lines):
        keywords = labelled_keywords(lines, ui_language)
    else:
        keywords = split_keywords(lines)
    if full_text and "keywords" not in page.roles():
        keywords = {}

    as_printed: dict[str, str] = {}
    repaired: dict[str, str] = {}
    for abstract in abstracts_printed:
        language = language_of(abstract, ui_language) or "und"
        if language in as_printed:
            continue
        as_printed[language] = abstract
        repaired[language] = repair_line_break_hyphens(abstract, language)

    locales = {galley.locale for galley in page.galleys if galley.locale}
    return ArticleRecord(
        journal=JournalRecord(
            titles=page.journal_titles
            or container_title(page, citation, title_line)
            or header_journal(page, title_line),
            issn_print=page.issn_print,
            issn_online=page.issn_online,
        ),
        titles={title_language: title},
        issue=page.issue,
        abstracts=repaired,
        abstracts_as_printed=as_printed,
        keywords=keywords,
        authors=authors,
        galleys=page.galleys,
        references=references,
        source_url=source_url,
        ojs_article_id=address.article_id if address else None,
        doi=page.doi,
        language=next(iter(locales)) if len(locales) == 1 else None,
        published=page.published,
        page_kind=kind,
    )


def _references(blocks: list[list[Line]], *, labelled: bool) -> tuple[list[str], int]:
    """References; when the page labels them, only what follows the label."""
    if not labelled:
        return find_references(blocks)
    for index, lines in enumerate(blocks):
        if any(line.kind == "heading" and line.value == "references" for line in lines):
            found, end = find_references(blocks[index:])
            return found, index + end
    return [], 0
