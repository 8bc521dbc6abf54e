"""JATS 1.3 Journal Publishing XML (``application/jats+xml``) built with lxml: front matter from the
article, back matter with each reference as ``element-citation`` (from its CSL-JSON) plus the
printed string as ``mixed-citation``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

from lxml import etree

from app.exporters import article_fields as af
from app.exporters.csl_json import reference_to_csl
from app.exporters.registry import Exporter, register
from app.exporters.safe_links import safe_http_url
from app.exporters.xml_building import (
    XLINK,
    XML_LANG,
    sub,
    sub_if,
    to_bytes,
    xml_safe_model,
    xml_safe_models,
)
from app.schemas import ArticlePublic, JournalSummary, ReferencePublic

MEDIA_TYPE = "application/jats+xml"
MML = "http://www.w3.org/1998/Math/MathML"
DTD_VERSION = "1.3"

# CSL type → JATS publication-type (JATS4R recommended values).
PUBLICATION_TYPES = {
    "article-journal": "journal",
    "article-magazine": "journal",
    "article-newspaper": "newspaper",
    "book": "book",
    "chapter": "book",
    "paper-conference": "confproc",
    "thesis": "thesis",
    "report": "report",
    "webpage": "webpage",
    "patent": "patent",
    "dataset": "data",
}


def journal_id(journal: JournalSummary) -> str:
    """The publisher's short journal code: the OJS path segment when known, else our id."""
    if journal.base_url:
        path = urlparse(journal.base_url).path.rstrip("/").split("/")
        if path and path[-1] and path[-1] != "index.php":
            return path[-1]
    return f"journal-{journal.id}"


def _journal_meta(front: etree._Element, article: ArticlePublic) -> None:
    journal = article.journal
    meta = sub(front, "journal-meta")
    sub(meta, "journal-id", journal_id(journal), {"journal-id-type": "publisher-id"})
    if journal.title:
        group = sub(meta, "journal-title-group")
        lang, title = af.pick(journal.title, af.main_language(article))
        sub(group, "journal-title", title, {XML_LANG: lang or ""})
        for other_lang, other in journal.title.items():
            if other_lang != lang and other:
                trans = sub(group, "trans-title-group", attrib={XML_LANG: other_lang})
                sub(trans, "trans-title", other)
    for media, issn in af.issns(journal):
        sub(meta, "issn", issn, {"publication-format": media, "pub-type": _pub_type(media)})
    if journal.publisher:
        publisher = sub(meta, "publisher")
        sub(publisher, "publisher-name", journal.publisher)


def _pub_type(media: str) -> str:
    return "ppub" if media == "print" else "epub"


def _article_meta(front: etree._Element, article: ArticlePublic) -> None:
    meta = sub(front, "article-meta")
    sub_if(meta, "article-id", article.doi, {"pub-id-type": "doi"})
    sub(meta, "article-id", str(article.id), {"pub-id-type": "publisher-id"})
    titles = sub(meta, "title-group")
    lang, title = af.main_title(article)
    sub(titles, "article-title", title or "", {XML_LANG: lang} if lang else {})
    for other_lang, other in af.other_titles(article).items():
        trans = sub(titles, "trans-title-group", attrib={XML_LANG: other_lang})
        sub(trans, "trans-title", other)
    if article.authors:
        contribs = sub(meta, "contrib-group")
        for author in sorted(article.authors, key=lambda a: a.position):
            contrib = sub(contribs, "contrib", attrib={"contrib-type": "author"})
            if author.orcid:
                sub(contrib, "contrib-id", af.orcid_url(author.orcid),
                    {"contrib-id-type": "orcid"})
            if author.family:
                name = sub(contrib, "name", attrib={"name-style": "western"})
                sub(name, "surname", author.family)
                sub_if(name, "given-names", author.given)
            else:
                sub(contrib, "string-name", author.given or "")
            sub_if(contrib, "aff", author.affiliation)
    if article.published:
        d = article.published
        date = sub(meta, "pub-date", attrib={"publication-format": "electronic",
                                             "date-type": "pub"})
        sub(date, "day", f"{d.day:02d}")
        sub(date, "month", f"{d.month:02d}")
        sub(date, "year", str(d.year))
    elif (year := af.year(article)) is not None:
        date = sub(meta, "pub-date", attrib={"date-type": "collection"})
        sub(date, "year", str(year))
    if article.issue:
        sub_if(meta, "volume", article.issue.volume)
        sub_if(meta, "issue", article.issue.number)
    first, last = af.split_pages(article.pages)
    if first:
        sub(meta, "fpage", first)
        sub_if(meta, "lpage", last)
    if source := safe_http_url(article.source_url):
        sub(meta, "self-uri", source, {f"{{{XLINK}}}href": source})
    if pdf := safe_http_url(af.pdf_url(article)):
        sub(meta, "self-uri", attrib={f"{{{XLINK}}}href": pdf, "content-type": "pdf"})
    main = af.main_language(article)
    abstract_lang, abstract = af.pick(article.abstract, main)
    if abstract:
        node = sub(meta, "abstract", attrib={XML_LANG: abstract_lang or ""})
        sub(node, "p", abstract)
        for other_lang, text in article.abstract.items():
            if other_lang != abstract_lang and text:
                trans = sub(meta, "trans-abstract", attrib={XML_LANG: other_lang})
                sub(trans, "p", text)
    for kw_lang, words in article.keywords.items():
        if words:
            group = sub(meta, "kwd-group", attrib={XML_LANG: kw_lang})
            for word in words:
                sub(group, "kwd", word)


def _person_group(parent: etree._Element, names: Sequence[Mapping[str, Any]], role: str) -> None:
    group = sub(parent, "person-group", attrib={"person-group-type": role})
    for person in names:
        if person.get("family"):
            name = sub(group, "name")
            sub(name, "surname", str(person["family"]))
            sub_if(name, "given-names", person.get("given"))
        elif person.get("literal") or person.get("given"):
            sub(group, "string-name", str(person.get("literal") or person.get("given")))


def element_citation(item: Mapping[str, Any]) -> etree._Element | None:
    """JATS ``element-citation`` from a CSL item, or None when the item has no structure."""
    if not item.get("title") and not item.get("author"):
        return None
    csl_type = str(item.get("type") or "")
    attrib = {"publication-type": PUBLICATION_TYPES.get(csl_type, "other")}
    if item.get("language"):
        attrib[XML_LANG] = str(item["language"])
    citation = etree.Element("element-citation", attrib)
    if item.get("author"):
        _person_group(citation, item["author"], "author")
    if item.get("editor"):
        _person_group(citation, item["editor"], "editor")
    title, container = item.get("title"), item.get("container-title")
    if csl_type == "chapter":
        sub_if(citation, "chapter-title", title)
        sub_if(citation, "source", container)
    elif csl_type in ("book", "thesis", "report"):
        sub_if(citation, "source", title)
    else:
        sub_if(citation, "article-title", title)
        sub_if(citation, "source", container)
    sub_if(citation, "edition", item.get("edition"))
    sub_if(citation, "publisher-loc", item.get("publisher-place"))
    sub_if(citation, "publisher-name", item.get("publisher"))
    issued = item.get("issued")
    if isinstance(issued, Mapping) and issued.get("date-parts") and issued["date-parts"][0]:
        sub(citation, "year", str(issued["date-parts"][0][0]))
    sub_if(citation, "volume", item.get("volume"))
    sub_if(citation, "issue", item.get("issue"))
    first, last = af.split_pages(str(item["page"])) if item.get("page") else (None, None)
    if first:
        sub(citation, "fpage", first)
        sub_if(citation, "lpage", last)
    sub_if(citation, "size", item.get("number-of-pages"), {"units": "pages"})
    sub_if(citation, "pub-id", item.get("DOI"), {"pub-id-type": "doi"})
    if (url := safe_http_url(str(item.get("URL") or ""))) and not item.get("DOI"):
        sub(citation, "ext-link", url, {"ext-link-type": "uri", f"{{{XLINK}}}href": url})
    return citation


def _ref_list(back: etree._Element, references: Sequence[ReferencePublic]) -> None:
    ref_list = sub(back, "ref-list")
    sub(ref_list, "title", "References")
    for reference in sorted(references, key=lambda r: r.position):
        ref = sub(ref_list, "ref", attrib={"id": f"ref{reference.position}"})
        sub(ref, "label", str(reference.position))
        structured = element_citation(reference_to_csl(reference))
        if structured is not None:
            ref.append(structured)
        sub(ref, "mixed-citation", reference.raw)


def article_to_jats(
    article: ArticlePublic, references: Sequence[ReferencePublic] = ()
) -> etree._Element:
    article, references = xml_safe_model(article), xml_safe_models(references)
    nsmap = {"xlink": XLINK, "mml": MML}
    attrib = {"article-type": "research-article", "dtd-version": DTD_VERSION}
    lang = af.main_language(article)
    if lang:
        attrib[XML_LANG] = lang
    root = etree.Element("article", attrib, nsmap=nsmap)
    front = sub(root, "front")
    _journal_meta(front, article)
    _article_meta(front, article)
    if references:
        _ref_list(sub(root, "back"), references)
    return root


def render_article(
    article: ArticlePublic,
    *,
    references: Sequence[ReferencePublic] = (),
    params: Mapping[str, str] | None = None,
) -> bytes:
    return to_bytes(article_to_jats(article, references))


EXPORTER = register(
    Exporter(
        name="jats",
        media_type=MEDIA_TYPE,
        extension="xml",
        aliases=("jats-xml",),
        accept_types=("application/vnd.jats+xml",),
        preference=70,
        renderers={"article": render_article},
        description="JATS 1.3 Journal Publishing XML",
    )
)
