"""A human landing page (``text/html``) that machines can read too: Highwire ``citation_*`` tags
(Google Scholar, Zotero), Dublin Core ``DC.*`` tags with the language of each localized value, and
the schema.org JSON-LD. Built with lxml so every value is escaped by the serializer."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from lxml import html as lxml_html
from lxml.html import HtmlElement
from lxml.html import builder as E

from app.exporters import article_fields as af
from app.exporters.citation import format_article
from app.exporters.jsonld import article_to_jsonld
from app.exporters.registry import Exporter, exporters, register
from app.exporters.safe_links import safe_http_url
from app.exporters.xml_building import xml_safe_model, xml_safe_models
from app.schemas import ArticlePublic, ReferencePublic

MEDIA_TYPE = "text/html"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _meta(name: str, content: str | None, lang: str | None = None) -> HtmlElement | None:
    if not content:
        return None
    element = E.META(name=name, content=content)
    if lang:
        # lang for HTML consumers, xml:lang for Dublin Core harvesters that expect it.
        element.set(XML_LANG, lang)
        element.set("lang", lang)
    return element


def highwire_tags(
    article: ArticlePublic, references: Sequence[ReferencePublic]
) -> list[HtmlElement]:
    """Highwire Press tags as Google Scholar's inclusion guidelines list them."""
    lang, title = af.main_title(article)
    tags = [_meta("citation_title", title, lang)]
    for author in sorted(article.authors, key=lambda a: a.position):
        tags.append(_meta("citation_author", af.inverted_name(author)))
        tags.append(_meta("citation_author_institution", author.affiliation))
        tags.append(_meta("citation_author_orcid", safe_http_url(af.orcid_url(author.orcid))))
    main = af.main_language(article)
    tags.append(_meta("citation_journal_title", af.journal_title(article.journal, main)))
    tags.append(_meta("citation_publisher", article.journal.publisher))
    for _, issn in af.issns(article.journal):
        tags.append(_meta("citation_issn", issn))
    if article.issue:
        tags.append(_meta("citation_volume", article.issue.volume))
        tags.append(_meta("citation_issue", article.issue.number))
    first, last = af.split_pages(article.pages)
    tags.append(_meta("citation_firstpage", first))
    tags.append(_meta("citation_lastpage", last))
    tags.append(_meta("citation_doi", article.doi))
    if article.published:
        tags.append(_meta("citation_publication_date", article.published.strftime("%Y/%m/%d")))
    elif (year := af.year(article)) is not None:
        tags.append(_meta("citation_publication_date", str(year)))
    # Harvesters follow these two: a stored "javascript:" URL is not handed on.
    tags.append(_meta("citation_pdf_url", safe_http_url(af.pdf_url(article))))
    tags.append(_meta("citation_abstract_html_url", safe_http_url(article.source_url)))
    tags.append(_meta("citation_language", article.language))
    for kw_lang, words in article.keywords.items():
        tags.append(_meta("citation_keywords", "; ".join(words), kw_lang))
    for reference in sorted(references, key=lambda r: r.position):
        tags.append(_meta("citation_reference", reference.raw))
    return [t for t in tags if t is not None]


def dublin_core_tags(article: ArticlePublic) -> list[HtmlElement]:
    """DC.* tags in the OJS/DCMI-in-HTML convention, one localized tag per language."""
    tags: list[HtmlElement | None] = []
    lang, _ = af.main_title(article)
    for t_lang, text in article.title.items():
        name = "DC.title" if t_lang == lang else "DC.title.alternative"
        tags.append(_meta(name, text, t_lang))
    for author in sorted(article.authors, key=lambda a: a.position):
        tags.append(_meta("DC.creator.personalName", af.inverted_name(author)))
    for a_lang, text in article.abstract.items():
        tags.append(_meta("DC.description", text, a_lang))
    for kw_lang, words in article.keywords.items():
        for word in words:
            tags.append(_meta("DC.subject", word, kw_lang))
    if article.published:
        tags.append(_meta("DC.date.issued", article.published.isoformat()))
    tags.append(_meta("DC.date.modified", article.updated_at.date().isoformat()))
    tags.append(_meta("DC.identifier.doi", article.doi))
    tags.append(_meta("DC.identifier.uri", af.doi_url(article.doi) or article.source_url))
    tags.append(_meta("DC.language", article.language))
    tags.append(_meta("DC.publisher", article.journal.publisher))
    for j_lang, text in article.journal.title.items():
        tags.append(_meta("DC.source", text, j_lang))
    for _, issn in af.issns(article.journal):
        tags.append(_meta("DC.source.issn", issn))
    if article.issue:
        tags.append(_meta("DC.source.volume", article.issue.volume))
        tags.append(_meta("DC.source.issue", article.issue.number))
    first, last = af.split_pages(article.pages)
    tags.append(_meta("DC.citation.spage", first))
    tags.append(_meta("DC.citation.epage", last))
    tags.append(_meta("DC.type", "Text.Serial.Journal"))
    return [t for t in tags if t is not None]


def _json_ld_script(article: ArticlePublic, references: Sequence[ReferencePublic]) -> HtmlElement:
    text = json.dumps(article_to_jsonld(article, references), ensure_ascii=False)
    # Script content is not escaped by HTML serializers; JSON's \u escapes keep any value from
    # closing the element ("</script") or entering the script-data comment states ("<!--").
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return E.SCRIPT(text, type="application/ld+json")


def _with_lang(element: HtmlElement, lang: str | None) -> HtmlElement:
    if lang:
        element.set("lang", lang)
    return element


def _body(article: ArticlePublic, references: Sequence[ReferencePublic]) -> HtmlElement:
    lang, title = af.main_title(article)
    main = af.main_language(article)
    content: list[HtmlElement] = [_with_lang(E.H1(title or "Untitled"), lang)]
    for t_lang, text in af.other_titles(article).items():
        content.append(_with_lang(E.P(text, E.CLASS("translated-title")), t_lang))
    if article.authors:
        items = []
        for author in sorted(article.authors, key=lambda a: a.position):
            li = E.LI(af.display_name(author))
            if author.affiliation:
                li.append(E.SPAN(f" ({author.affiliation})", E.CLASS("affiliation")))
            if orcid := safe_http_url(af.orcid_url(author.orcid)):
                li.append(E.A(" ORCID", href=orcid))
            items.append(li)
        content.append(E.UL(*items, E.CLASS("authors")))
    source = [af.journal_title(article.journal, main) or ""]
    if article.issue and article.issue.volume:
        source.append(f"Vol. {article.issue.volume}")
    if article.issue and article.issue.number:
        source.append(f"No. {article.issue.number}")
    if article.pages:
        source.append(f"pp. {article.pages}")
    if article.published:
        source.append(article.published.isoformat())
    content.append(E.P(", ".join(s for s in source if s), E.CLASS("source")))
    links: list[HtmlElement] = []
    if doi := safe_http_url(af.doi_url(article.doi)):
        links.append(E.A(doi, href=doi))
    if pdf := safe_http_url(af.pdf_url(article)):
        links.append(E.A("PDF", href=pdf))
    if page_url := safe_http_url(article.source_url):
        links.append(E.A("Journal page", href=page_url))
    if links:
        content.append(E.P(*links, E.CLASS("links")))
    for a_lang, text in article.abstract.items():
        content.append(
            _with_lang(E.SECTION(E.H2("Abstract"), E.P(text), E.CLASS("abstract")), a_lang)
        )
    if article.keywords:
        rows = [
            _with_lang(E.DD("; ".join(words)), kw_lang)
            for kw_lang, words in article.keywords.items()
        ]
        content.append(E.SECTION(E.H2("Keywords"), E.DL(*rows), E.CLASS("keywords")))
    # APA for everyone; GOST too when the article is Russian, as its readers cite it that way.
    styles = ["apa"]
    if (article.language or "").startswith("ru") or "ru" in article.title:
        styles.append("gost-r-7-0-5-2008")
    citations = [
        E.P(format_article(article, style=style), E.CLASS(f"citation-{style}")) for style in styles
    ]
    content.append(E.SECTION(E.H2("How to cite"), *citations, E.CLASS("how-to-cite")))
    if references:
        entries = []
        for reference in sorted(references, key=lambda r: r.position):
            li = E.LI(reference.raw)
            if doi := safe_http_url(af.doi_url(reference.doi)):
                li.append(E.A(" doi", href=doi))
            entries.append(li)
        content.append(E.SECTION(E.H2("References"), E.OL(*entries), E.CLASS("references")))
    formats = [
        E.LI(E.A(e.name, href=f"?format={e.name}", type=e.media_type))
        for e in exporters("article")
        if e.name != "html"
    ]
    content.append(E.SECTION(E.H2("Export"), E.UL(*formats), E.CLASS("formats")))
    return E.BODY(E.MAIN(*content))


def render_article(
    article: ArticlePublic,
    *,
    references: Sequence[ReferencePublic] = (),
    params: Mapping[str, str] | None = None,
) -> bytes:
    article, references = xml_safe_model(article), xml_safe_models(references)
    lang, title = af.main_title(article)
    head = E.HEAD(
        E.META(charset="utf-8"),
        E.META(name="viewport", content="width=device-width, initial-scale=1"),
        E.TITLE(title or "Untitled"),
        E.LINK(rel="schema.DC", href="http://purl.org/dc/elements/1.1/"),
    )
    canonical = safe_http_url(af.doi_url(article.doi)) or safe_http_url(article.source_url)
    if canonical:
        head.append(E.LINK(rel="canonical", href=canonical))
    for exporter in exporters("article"):
        if exporter.negotiable and exporter.name not in ("html", "json"):
            head.append(
                E.LINK(rel="alternate", type=exporter.media_type, href=f"?format={exporter.name}")
            )
    head.extend(highwire_tags(article, references))
    head.extend(dublin_core_tags(article))
    head.append(_json_ld_script(article, references))
    document = E.HTML(head, _body(article, references))
    if lang:
        document.set("lang", af.main_language(article) or lang)
    text = lxml_html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode")
    return (text + "\n").encode("utf-8")


EXPORTER = register(
    Exporter(
        name="html",
        media_type=MEDIA_TYPE,
        extension="html",
        aliases=("landing",),
        accept_types=("application/xhtml+xml",),
        preference=10,
        renderers={"article": render_article},
        description="landing page with Highwire and Dublin Core meta tags",
    )
)
