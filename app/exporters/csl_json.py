"""CSL-JSON (``application/vnd.citationstyles.csl+json``): the pivot of the bibliographic formats.

BibTeX, RIS, styled citations, JATS and Crossref citations are all built from these items, so a
field mapped once here is mapped the same way everywhere.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from app.exporters import article_fields as af
from app.exporters.registry import Exporter, register
from app.schemas import ArticlePublic, ReferencePublic

MEDIA_TYPE = "application/vnd.citationstyles.csl+json"


def article_id(article: ArticlePublic) -> str:
    """Stable CSL item id: the DOI when there is one (as doi.org does), else our id."""
    return article.doi or f"article-{article.id}"


def reference_id(reference: ReferencePublic) -> str:
    return f"ref-{reference.article_id}-{reference.position}"


def article_to_csl(article: ArticlePublic, *, lang: str | None = None) -> dict[str, Any]:
    """One CSL item for the article; text fields in ``lang`` when available, else the main language.

    CSL-JSON has one ``title``; the other languages go to ``note`` (readable by any CSL consumer)
    and to the ``multi`` extension that citeproc-js understands.
    """
    main = af.main_language(article)
    title_lang, title = af.pick(article.title, lang, main)
    item: dict[str, Any] = {"id": article_id(article), "type": "article-journal"}
    if title:
        item["title"] = title
    others = {k: v for k, v in article.title.items() if k != title_lang and v}
    if others:
        item["note"] = "; ".join(f"Title ({k}): {v}" for k, v in others.items())
        item["multi"] = {"_keys": {"title": others}}
    container = af.journal_title(article.journal, lang, main)
    if container:
        item["container-title"] = container
    issn = [value for _, value in af.issns(article.journal)]
    if issn:
        item["ISSN"] = issn[0]
    if article.journal.publisher:
        item["publisher"] = article.journal.publisher
    if article.issue:
        if article.issue.volume:
            item["volume"] = article.issue.volume
        if article.issue.number:
            item["issue"] = article.issue.number
    first, last = af.split_pages(article.pages)
    if first:
        item["page"] = f"{first}-{last}" if last else first
        item["page-first"] = first
    if article.doi:
        item["DOI"] = article.doi
    url = af.doi_url(article.doi) or article.source_url
    if url:
        item["URL"] = url
    if article.published:
        d = article.published
        item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
    elif (y := af.year(article)) is not None:
        item["issued"] = {"date-parts": [[y]]}
    authors = []
    for author in sorted(article.authors, key=lambda a: a.position):
        name: dict[str, str] = {}
        if author.family:
            name["family"] = author.family
        if author.given:
            name["given"] = author.given
        if not name:
            continue
        if author.orcid:
            name["ORCID"] = af.orcid_url(author.orcid) or author.orcid
        authors.append(name)
    if authors:
        item["author"] = authors
    kw_lang = lang if lang in article.keywords else main
    keywords = af.keywords_in(article, kw_lang) or [
        k for words in article.keywords.values() for k in words
    ]
    if keywords:
        item["keyword"] = ", ".join(keywords)
    _, abstract = af.pick(article.abstract, lang, main)
    if abstract:
        item["abstract"] = abstract
    language = article.language or main
    if language:
        item["language"] = language
    return item


def reference_to_csl(reference: ReferencePublic) -> dict[str, Any]:
    """The parsed CSL item with a stable id and the DOI filled in; unparsed ones keep the raw."""
    item: dict[str, Any] = dict(reference.csl)
    item["id"] = reference_id(reference)
    item.setdefault("type", "document" if not reference.csl else "article-journal")
    if reference.doi and not item.get("DOI"):
        item["DOI"] = reference.doi
    if not item.get("title") and not item.get("author"):
        item.setdefault("note", reference.raw)
    return item


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def render_article(
    article: ArticlePublic,
    *,
    references: Sequence[ReferencePublic] = (),
    params: Mapping[str, str] | None = None,
) -> bytes:
    """One CSL-JSON item, as doi.org answers for a single DOI."""
    return _dump(article_to_csl(article))


def render_references(
    references: Sequence[ReferencePublic], *, params: Mapping[str, str] | None = None
) -> bytes:
    return _dump([reference_to_csl(r) for r in references])


def render_reference(
    reference: ReferencePublic, *, params: Mapping[str, str] | None = None
) -> bytes:
    return _dump(reference_to_csl(reference))


EXPORTER = register(
    Exporter(
        name="csl-json",
        media_type=MEDIA_TYPE,
        extension="json",
        aliases=("csl", "csljson", "citeproc-json"),
        accept_types=("application/citeproc+json",),
        preference=20,
        renderers={
            "article": render_article,
            "references": render_references,
            "reference": render_reference,
        },
        description="CSL-JSON items",
    )
)
