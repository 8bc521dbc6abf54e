"""Crossref 5.3.1 deposit XML (``application/vnd.crossref.deposit+xml``), built with lxml.

Only the deposit schema is produced: ``application/vnd.crossref.unixsd+xml`` (what doi.org answers)
is Crossref's *query result* wrapper, a different document, so it is deliberately not claimed.
A deposit registers a DOI at a landing page, so an article without a DOI or URL cannot be
deposited: :class:`CrossrefDepositError` says why (the route answers 409-like problem).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from lxml import etree

from app.exporters import article_fields as af
from app.exporters.csl_json import reference_to_csl
from app.exporters.registry import Exporter, register
from app.exporters.xml_building import (
    XML_LANG,
    sub,
    sub_if,
    to_bytes,
    xml_safe_model,
    xml_safe_models,
)
from app.schemas import ArticlePublic, ReferencePublic

MEDIA_TYPE = "application/vnd.crossref.deposit+xml"
CROSSREF_NS = "http://www.crossref.org/schema/5.3.1"
JATS_NS = "http://www.ncbi.nlm.nih.gov/JATS1"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{CROSSREF_NS} https://www.crossref.org/schemas/crossref5.3.1.xsd"

DEFAULT_DEPOSITOR_NAME = "Journal Metadata API"
DEFAULT_DEPOSITOR_EMAIL = "metadata@example.org"


def deposit_problem(article: ArticlePublic) -> str | None:
    """Why this article cannot be deposited, or None when it can."""
    if not article.doi:
        return f"Article {article.id} has no DOI; a Crossref deposit registers one."
    if not article.source_url:
        return f"Article {article.id} has no landing-page URL for the DOI to resolve to."
    if not article.published and af.year(article) is None:
        return f"Article {article.id} has no publication date."
    return None


class CrossrefDepositError(ValueError):
    """The article lacks something a Crossref deposit requires (a DOI, a landing page)."""


def _c(tag: str) -> str:
    return f"{{{CROSSREF_NS}}}{tag}"


def _language(tag: str | None) -> str | None:
    """Crossref's ``language`` attribute takes ISO 639-1 codes only (``ru``, not ``ru-RU``)."""
    if not tag:
        return None
    primary = tag.split("-")[0].lower()
    return primary if len(primary) == 2 else None


def _lang_attrib(tag: str | None) -> dict[str, str]:
    lang = _language(tag)
    return {"language": lang} if lang else {}


def _date(parent: etree._Element, tag: str, year: int, month: int | None = None,
          day: int | None = None) -> None:
    date = sub(parent, _c(tag), attrib={"media_type": "online"})
    if month:
        sub(date, _c("month"), f"{month:02d}")
    if day:
        sub(date, _c("day"), f"{day:02d}")
    sub(date, _c("year"), str(year))


def _head(root: etree._Element, article: ArticlePublic, params: Mapping[str, str]) -> None:
    head = sub(root, _c("head"))
    timestamp = params.get("timestamp") or deposit_timestamp(article.updated_at)
    batch_id = params.get("batch_id") or f"article-{article.id}-{timestamp}"
    sub(head, _c("doi_batch_id"), batch_id)
    # Crossref accepts a re-deposit only with a larger timestamp; updated_at grows with each change.
    sub(head, _c("timestamp"), timestamp)
    depositor = sub(head, _c("depositor"))
    name = params.get("depositor_name") or article.journal.publisher or DEFAULT_DEPOSITOR_NAME
    sub(depositor, _c("depositor_name"), name)
    sub(depositor, _c("email_address"), params.get("depositor_email") or DEFAULT_DEPOSITOR_EMAIL)
    sub(head, _c("registrant"), params.get("registrant") or article.journal.publisher or name)


def _journal_metadata(journal_el: etree._Element, article: ArticlePublic) -> None:
    main = af.main_language(article)
    title_lang, title = af.pick(article.journal.title, main)
    meta = sub(journal_el, _c("journal_metadata"), attrib=_lang_attrib(title_lang))
    sub(meta, _c("full_title"), title or "")
    for media, issn in af.issns(article.journal):
        sub(meta, _c("issn"), issn, {"media_type": media})


def _journal_issue(journal_el: etree._Element, article: ArticlePublic) -> None:
    issue = article.issue
    year = (issue.year if issue else None) or af.year(article)
    if issue is None or year is None:
        return
    node = sub(journal_el, _c("journal_issue"))
    _date(node, "publication_date", year)
    if issue.volume:
        volume = sub(node, _c("journal_volume"))
        sub(volume, _c("volume"), issue.volume)
    sub_if(node, _c("issue"), issue.number)


def _contributors(parent: etree._Element, article: ArticlePublic) -> None:
    if not article.authors:
        return
    contributors = sub(parent, _c("contributors"))
    for index, author in enumerate(sorted(article.authors, key=lambda a: a.position)):
        person = sub(contributors, _c("person_name"), attrib={
            "sequence": "first" if index == 0 else "additional",
            "contributor_role": "author",
        })
        # Crossref requires a surname; a single printed name is treated as one.
        sub_if(person, _c("given_name"), author.given if author.family else None)
        sub(person, _c("surname"), author.family or author.given or "")
        if author.affiliation:
            institution = sub(sub(person, _c("affiliations")), _c("institution"))
            sub(institution, _c("institution_name"), author.affiliation)
        sub_if(person, _c("ORCID"), af.orcid_url(author.orcid))


def citation_element(reference: ReferencePublic) -> etree._Element:
    """A ``citation``: structured fields when the parser found them, else the printed string."""
    item: Mapping[str, Any] = reference_to_csl(reference)
    citation = etree.Element(_c("citation"), {"key": f"ref{reference.position}"})
    structured = bool(item.get("title") or item.get("author"))
    if structured:
        csl_type = item.get("type")
        container = item.get("container-title")
        if csl_type in ("article-journal", "article-magazine", "article-newspaper"):
            sub_if(citation, _c("journal_title"), container)
            sub_if(citation, _c("article_title"), item.get("title"))
        elif csl_type in ("chapter", "paper-conference"):
            sub_if(citation, _c("volume_title"), container)
            sub_if(citation, _c("article_title"), item.get("title"))
        else:
            sub_if(citation, _c("volume_title"), item.get("title"))
        authors = item.get("author") or []
        if authors and isinstance(authors[0], Mapping):
            sub_if(citation, _c("author"), authors[0].get("family") or authors[0].get("literal"))
        sub_if(citation, _c("volume"), item.get("volume"))
        sub_if(citation, _c("issue"), item.get("issue"))
        first, _ = af.split_pages(str(item["page"])) if item.get("page") else (None, None)
        sub_if(citation, _c("first_page"), first)
        issued = item.get("issued")
        if isinstance(issued, Mapping) and issued.get("date-parts") and issued["date-parts"][0]:
            sub(citation, _c("cYear"), str(issued["date-parts"][0][0]))
        sub_if(citation, _c("edition_number"), item.get("edition"))
    sub_if(citation, _c("doi"), item.get("DOI") or reference.doi)
    if not structured:
        sub(citation, _c("unstructured_citation"), reference.raw)
    return citation


def article_to_crossref(
    article: ArticlePublic,
    references: Sequence[ReferencePublic] = (),
    *,
    params: Mapping[str, str] | None = None,
) -> etree._Element:
    """The ``doi_batch`` for one article. Raises CrossrefDepositError without DOI or landing page.

    ``params`` may set depositor_name, depositor_email, registrant, batch_id and timestamp.
    """
    problem = deposit_problem(article)
    if problem is not None:
        raise CrossrefDepositError(problem)
    params = params or {}
    article, references = xml_safe_model(article), xml_safe_models(references)
    nsmap = {None: CROSSREF_NS, "xsi": XSI_NS, "jats": JATS_NS}
    root = etree.Element(_c("doi_batch"), {"version": "5.3.1",
                                            f"{{{XSI_NS}}}schemaLocation": SCHEMA_LOCATION},
                         nsmap=nsmap)
    _head(root, article, params)
    journal_el = sub(sub(root, _c("body")), _c("journal"))
    _journal_metadata(journal_el, article)
    _journal_issue(journal_el, article)
    main = af.main_language(article)
    node = sub(journal_el, _c("journal_article"),
               attrib={"publication_type": "full_text", **_lang_attrib(article.language or main)})
    _, title = af.main_title(article)
    # One <titles> per language, the article's own first (Crossref allows up to 20).
    for text in [title, *af.other_titles(article).values()]:
        if text:
            titles = sub(node, _c("titles"))
            sub(titles, _c("title"), text)
    _contributors(node, article)
    abstract_lang, _ = af.pick(article.abstract, main)
    ordered_abstracts = sorted(article.abstract.items(), key=lambda kv: kv[0] != abstract_lang)
    for a_lang, text in ordered_abstracts:
        if text:
            abstract = sub(node, f"{{{JATS_NS}}}abstract", attrib={XML_LANG: a_lang})
            sub(abstract, f"{{{JATS_NS}}}p", text)
    year = af.year(article)
    if article.published:
        d = article.published
        _date(node, "publication_date", d.year, d.month, d.day)
    elif year is not None:
        _date(node, "publication_date", year)
    else:
        raise CrossrefDepositError(f"Article {article.id} has no publication date.")
    first, last = af.split_pages(article.pages)
    if first:
        pages = sub(node, _c("pages"))
        sub(pages, _c("first_page"), first)
        sub_if(pages, _c("last_page"), last)
    doi_data = sub(node, _c("doi_data"))
    sub(doi_data, _c("doi"), article.doi)
    sub(doi_data, _c("resource"), article.source_url)
    if references:
        citation_list = sub(node, _c("citation_list"))
        for reference in sorted(references, key=lambda r: r.position):
            citation_list.append(citation_element(reference))
    return root


def render_article(
    article: ArticlePublic,
    *,
    references: Sequence[ReferencePublic] = (),
    params: Mapping[str, str] | None = None,
) -> bytes:
    return to_bytes(article_to_crossref(article, references, params=params))


def deposit_timestamp(moment: datetime) -> str:
    """Crossref's timestamp format (digits only, increasing per deposit of the same DOI)."""
    return moment.strftime("%Y%m%d%H%M%S")


EXPORTER = register(
    Exporter(
        name="crossref",
        media_type=MEDIA_TYPE,
        extension="xml",
        aliases=("crossref-xml", "crossref-deposit"),
        preference=80,
        renderers={"article": render_article},
        description="Crossref 5.3.1 deposit XML (needs a DOI)",
        renders_article=lambda article: deposit_problem(article) is None,
    )
)
