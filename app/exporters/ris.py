"""RIS (``application/x-research-info-systems``), written with rispy from the CSL-JSON items."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import rispy

from app.exporters import article_fields as af
from app.exporters.csl_json import article_to_csl, reference_to_csl
from app.exporters.registry import Exporter, register
from app.schemas import ArticlePublic, ReferencePublic

MEDIA_TYPE = "application/x-research-info-systems"

RIS_TYPES = {
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "book": "BOOK",
    "chapter": "CHAP",
    "paper-conference": "CPAPER",
    "thesis": "THES",
    "report": "RPRT",
    "webpage": "ELEC",
    "dataset": "DATA",
}


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its ``1.`` counter lines, which the RIS specification lacks and
    some reference managers import as garbage; CRLF line ends as the specification says."""

    NEWLINE = "\r\n"

    def set_header(self, count: int) -> str:
        return ""


def _line(value: Any) -> str:
    """RIS is line-based: a value never spans lines."""
    return " ".join(str(value).split())


def _names(names: Iterable[Mapping[str, Any]]) -> list[str]:
    out = []
    for name in names:
        family, given = name.get("family"), name.get("given")
        text = f"{family}, {given}" if family and given else family or given or name.get("literal")
        if text:
            out.append(_line(text))
    return out


def csl_to_ris(item: Mapping[str, Any]) -> dict[str, Any]:
    """rispy's dict (keys are its long tag names) for one CSL item."""
    ris: dict[str, Any] = {"type_of_reference": RIS_TYPES.get(str(item.get("type")), "GEN")}
    if item.get("author"):
        ris["authors"] = _names(item["author"])
    if item.get("editor"):
        ris["secondary_authors"] = _names(item["editor"])
    title = item.get("title") or (item.get("note") if not item.get("author") else None)
    if title:
        ris["title"] = _line(title)
    if item.get("container-title"):
        ris["secondary_title"] = _line(item["container-title"])
    issued = item.get("issued")
    if isinstance(issued, Mapping) and issued.get("date-parts") and issued["date-parts"][0]:
        parts = [int(p) for p in issued["date-parts"][0]]
        ris["year"] = str(parts[0])
        if len(parts) > 1:
            ris["date"] = "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts)) + "/"
    simple = {
        "volume": "volume",
        "issue": "number",
        "DOI": "doi",
        "publisher": "publisher",
        "publisher-place": "place_published",
        "ISSN": "issn",
        "ISBN": "issn",
        "language": "language",
        "abstract": "abstract",
        "edition": "edition",
    }
    for csl_key, ris_key in simple.items():
        if item.get(csl_key):
            ris[ris_key] = _line(item[csl_key])
    first, last = af.split_pages(str(item["page"])) if item.get("page") else (None, None)
    if first:
        ris["start_page"] = first
    if last:
        ris["end_page"] = last
    if item.get("URL"):
        ris["urls"] = [_line(item["URL"])]
    if item.get("keyword"):
        ris["keywords"] = [k.strip() for k in str(item["keyword"]).split(",") if k.strip()]
    if item.get("title") and item.get("note"):
        ris["notes"] = [_line(item["note"])]
    return ris


def render_records(records: Sequence[Mapping[str, Any]]) -> bytes:
    return rispy.dumps(list(records), implementation=_RisWriter).encode("utf-8")


def article_to_ris(article: ArticlePublic) -> dict[str, Any]:
    """The article record, with its keywords in every language and translated titles in ``TT``."""
    item = article_to_csl(article)
    record = csl_to_ris(item)
    record["keywords"] = [k for words in article.keywords.values() for k in words]
    if not record["keywords"]:
        del record["keywords"]
    translated = [_line(t) for lang, t in article.title.items() if t and t != item.get("title")]
    if translated:
        record["translated_title"] = translated[0]
    if article.source_url:
        record["urls"] = [u for u in [af.doi_url(article.doi), article.source_url] if u]
    if (pdf := af.pdf_url(article)) is not None:
        record["file_attachments1"] = pdf
    return record


def render_article(
    article: ArticlePublic,
    *,
    references: Sequence[ReferencePublic] = (),
    params: Mapping[str, str] | None = None,
) -> bytes:
    return render_records([article_to_ris(article)])


def render_references(
    references: Sequence[ReferencePublic], *, params: Mapping[str, str] | None = None
) -> bytes:
    ordered = sorted(references, key=lambda r: r.position)
    return render_records([csl_to_ris(reference_to_csl(r)) for r in ordered])


def render_reference(
    reference: ReferencePublic, *, params: Mapping[str, str] | None = None
) -> bytes:
    return render_records([csl_to_ris(reference_to_csl(reference))])


EXPORTER = register(
    Exporter(
        name="ris",
        media_type=MEDIA_TYPE,
        extension="ris",
        preference=50,
        renderers={
            "article": render_article,
            "references": render_references,
            "reference": render_reference,
        },
        description="RIS",
    )
)
