"""The ``oai_dc`` record of one article, as an lxml element for the OAI-PMH endpoint to embed in
``<metadata>``. Every localized value carries ``xml:lang``, so harvesters keep the languages apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lxml import etree

from app.exporters import article_fields as af
from app.exporters.registry import Exporter, register
from app.exporters.xml_building import XML_LANG, sub_if, to_bytes, xml_safe_model
from app.schemas import ArticlePublic, ReferencePublic

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
METADATA_PREFIX = "oai_dc"


def _dc(parent: etree._Element, name: str, text: str | None, lang: str | None = None) -> None:
    sub_if(parent, f"{{{DC_NS}}}{name}", text, {XML_LANG: lang} if lang else None)


def _source_line(journal_title: str, article: ArticlePublic) -> str:
    """OJS's dc:source form: ``Journal; Vol. 8 No. 2 (2021); 27-31``."""
    parts = [journal_title]
    issue = article.issue
    if issue:
        label = " ".join(
            p for p in (
                f"Vol. {issue.volume}" if issue.volume else "",
                f"No. {issue.number}" if issue.number else "",
                f"({issue.year})" if issue.year else "",
            ) if p
        )
        if label:
            parts.append(label)
    if article.pages:
        parts.append(article.pages)
    return "; ".join(parts)


def article_to_oai_dc(article: ArticlePublic) -> etree._Element:
    """The ``oai_dc:dc`` element (valid against oai_dc.xsd) for an OAI-PMH GetRecord/ListRecords."""
    article = xml_safe_model(article)
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc",
        {f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATION},
        nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS},
    )
    lang, title = af.main_title(article)
    _dc(root, "title", title, lang)
    for t_lang, text in af.other_titles(article).items():
        _dc(root, "title", text, t_lang)
    for author in sorted(article.authors, key=lambda a: a.position):
        _dc(root, "creator", af.inverted_name(author))
    for kw_lang, words in article.keywords.items():
        for word in words:
            _dc(root, "subject", word, kw_lang)
    for a_lang, text in article.abstract.items():
        _dc(root, "description", text, a_lang)
    _dc(root, "publisher", article.journal.publisher)
    if article.published:
        _dc(root, "date", article.published.isoformat())
    elif (year := af.year(article)) is not None:
        _dc(root, "date", str(year))
    _dc(root, "type", "info:eu-repo/semantics/article")
    _dc(root, "type", "info:eu-repo/semantics/publishedVersion")
    pdf = af.pdf_url(article)
    if pdf:
        _dc(root, "format", "application/pdf")
    _dc(root, "identifier", article.source_url)
    _dc(root, "identifier", af.doi_url(article.doi))
    for j_lang, journal_title in article.journal.title.items():
        _dc(root, "source", _source_line(journal_title, article), j_lang)
    for _, issn in af.issns(article.journal):
        _dc(root, "source", issn)
    _dc(root, "language", article.language)
    if pdf:
        _dc(root, "relation", pdf)
    return root


def render_article(
    article: ArticlePublic,
    *,
    references: Sequence[ReferencePublic] = (),
    params: Mapping[str, str] | None = None,
) -> bytes:
    return to_bytes(article_to_oai_dc(article))


EXPORTER = register(
    Exporter(
        name="oai_dc",
        media_type="application/xml",
        extension="xml",
        aliases=("oai-dc", "dc"),
        preference=90,
        negotiable=False,  # application/xml is too generic to claim by Accept.
        renderers={"article": render_article},
        description="Dublin Core record as served by OAI-PMH (?format=oai_dc only)",
    )
)
