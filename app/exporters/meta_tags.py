"""What machines read in an article's landing page: Highwire ``citation_*`` tags (Google Scholar,
Zotero), Dublin Core ``DC.*`` tags with the language of each localized value, and the schema.org
JSON-LD. The public site's article template (``app/site/pages.py``) prints them; the ``html``
format (:mod:`app.exporters.html`) serves that page."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import NamedTuple

from app.exporters import article_fields as af
from app.exporters.jsonld import article_to_jsonld
from app.exporters.safe_links import safe_http_url
from app.schemas import ArticlePublic, ReferencePublic


class MetaTag(NamedTuple):
    name: str
    content: str
    lang: str | None = None


def _tags(candidates: Sequence[tuple[str, str | None, str | None]]) -> list[MetaTag]:
    return [MetaTag(name, content, lang) for name, content, lang in candidates if content]


def highwire_tags(
    article: ArticlePublic, references: Sequence[ReferencePublic], *, lang: str | None = None
) -> list[MetaTag]:
    """Highwire Press tags as Google Scholar's inclusion guidelines list them; the title in the
    page's language ``lang`` when the page has one (else the article's main language)."""
    main = af.main_language(article)
    title_lang, title = af.pick(article.title, lang, main)
    tags: list[tuple[str, str | None, str | None]] = [("citation_title", title, title_lang)]
    for author in sorted(article.authors, key=lambda a: a.position):
        tags.append(("citation_author", af.inverted_name(author), None))
        tags.append(("citation_author_institution", author.affiliation, None))
        tags.append(("citation_author_orcid", safe_http_url(af.orcid_url(author.orcid)), None))
    tags.append(("citation_journal_title", af.journal_title(article.journal, lang, main), None))
    tags.append(("citation_publisher", article.journal.publisher, None))
    for _, issn in af.issns(article.journal):
        tags.append(("citation_issn", issn, None))
    if article.issue:
        tags.append(("citation_volume", article.issue.volume, None))
        tags.append(("citation_issue", article.issue.number, None))
    first, last = af.split_pages(article.pages)
    tags.append(("citation_firstpage", first, None))
    tags.append(("citation_lastpage", last, None))
    tags.append(("citation_doi", article.doi, None))
    if article.published:
        tags.append(("citation_publication_date", article.published.strftime("%Y/%m/%d"), None))
    elif (year := af.year(article)) is not None:
        tags.append(("citation_publication_date", str(year), None))
    # Harvesters follow these two: a stored "javascript:" URL is not handed on.
    tags.append(("citation_pdf_url", safe_http_url(af.pdf_url(article)), None))
    tags.append(("citation_abstract_html_url", safe_http_url(article.source_url), None))
    tags.append(("citation_language", article.language, None))
    for kw_lang, words in article.keywords.items():
        tags.append(("citation_keywords", "; ".join(words), kw_lang))
    for reference in sorted(references, key=lambda r: r.position):
        tags.append(("citation_reference", reference.raw, None))
    return _tags(tags)


def dublin_core_tags(article: ArticlePublic, *, lang: str | None = None) -> list[MetaTag]:
    """DC.* tags in the OJS/DCMI-in-HTML convention, one localized tag per language."""
    tags: list[tuple[str, str | None, str | None]] = []
    title_lang, _ = af.pick(article.title, lang, af.main_language(article))
    for t_lang, text in article.title.items():
        name = "DC.title" if t_lang == title_lang else "DC.title.alternative"
        tags.append((name, text, t_lang))
    for author in sorted(article.authors, key=lambda a: a.position):
        tags.append(("DC.creator.personalName", af.inverted_name(author), None))
    for a_lang, text in article.abstract.items():
        tags.append(("DC.description", text, a_lang))
    for kw_lang, words in article.keywords.items():
        for word in words:
            tags.append(("DC.subject", word, kw_lang))
    if article.published:
        tags.append(("DC.date.issued", article.published.isoformat(), None))
    tags.append(("DC.date.modified", article.updated_at.date().isoformat(), None))
    tags.append(("DC.identifier.doi", article.doi, None))
    tags.append(("DC.identifier.uri", af.doi_url(article.doi) or article.source_url, None))
    tags.append(("DC.language", article.language, None))
    tags.append(("DC.publisher", article.journal.publisher, None))
    for j_lang, text in article.journal.title.items():
        tags.append(("DC.source", text, j_lang))
    for _, issn in af.issns(article.journal):
        tags.append(("DC.source.issn", issn, None))
    if article.issue:
        tags.append(("DC.source.volume", article.issue.volume, None))
        tags.append(("DC.source.issue", article.issue.number, None))
    first, last = af.split_pages(article.pages)
    tags.append(("DC.citation.spage", first, None))
    tags.append(("DC.citation.epage", last, None))
    tags.append(("DC.type", "Text.Serial.Journal", None))
    return _tags(tags)


def json_ld_text(article: ArticlePublic, references: Sequence[ReferencePublic]) -> str:
    """The JSON-LD for a ``<script type="application/ld+json">`` element, safe to embed as is."""
    text = json.dumps(article_to_jsonld(article, references), ensure_ascii=False)
    # Script content is not escaped by HTML serializers; JSON's \u escapes keep any value from
    # closing the element ("</script") or entering the script-data comment states ("<!--").
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text
