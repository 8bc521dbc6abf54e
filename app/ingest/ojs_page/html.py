"""OJS pages saved as HTML, in any theme: meta tags first, then the visible blocks.

OJS's Google Scholar and Dublin Core plugins fill ``citation_*`` and ``DC.*`` meta tags from the
article itself, so they win. What they lack comes from the page itself, read the same way in
every theme (default, bootstrap3, healthSciences, immersion, manuscript, pragma, classic): the
author entries, the journal's name and the citation by structure (``html_blocks``); abstract,
keywords and references by the OJS words themes keep in their class names; and everything else
(title, labelled values, the blocks a theme names otherwise) from the page's visible text, by
the text loader and OJS's translated labels."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode

from app.ingest.languages import classify_language
from app.ingest.ojs_page.authors import author_from_name, cited_families, with_cited_families
from app.ingest.ojs_page.html_blocks import citation, dom_authors, site_name
from app.ingest.ojs_page.keywords import labelled_keywords, split_keywords
from app.ingest.ojs_page.labels import label_role, language_of, view_of_title
from app.ingest.ojs_page.nesting import check_nesting
from app.ingest.ojs_page.shapes import GALLEY_LINE, ORCID, galley_locale
from app.ingest.ojs_page.text_page import parse_text
from app.ingest.records import (
    ArticleRecord,
    AuthorRecord,
    GalleyRecord,
    IssueRecord,
    JournalRecord,
    PageError,
)
from app.ingest.text import normalize_spaces, repair_line_break_hyphens

# Block elements: each starts a new paragraph in the text view of an HTML page.
_BLOCK_TAGS = re.compile(
    r"</?(?:p|div|h[1-6]|li|section|article|header|footer|tr|ul|ol|table|nav|aside|main|dd|dt|"
    r"blockquote|figure|form)\b[^>]{0,2000}>",
    re.IGNORECASE,
)
# Text that is not on screen: scripts, styles, templates, and the head.
_INVISIBLE = "script, style, noscript, template, head, svg"


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2048].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<meta", "<?xml")) or (
        "<meta" in head and ("citation_" in head or "<body" in head)
    ) or ("<body" in head and "</" in head)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page, one paragraph per block element, blank lines between."""
    html = re.sub(r"(?i)<br\s*/?>", "\n", html)
    html = _BLOCK_TAGS.sub("\n\n", html)
    tree = HTMLParser(html)
    for node in tree.css(_INVISIBLE):
        node.decompose()
    root = tree.body or tree.root
    text = root.text(separator="") if root is not None else ""
    lines = [normalize_spaces(line) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class Meta:
    name: str
    content: str
    language: str | None


def meta_tags(tree: HTMLParser) -> list[Meta]:
    """``citation_*`` (Highwire) and ``DC.*`` (Dublin Core) meta tags, which OJS fills itself."""
    tags: list[Meta] = []
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").strip()
        content = normalize_spaces(node.attributes.get("content") or "")
        if not content or not name.lower().startswith(("citation_", "dc.")):
            continue
        language = node.attributes.get("xml:lang") or node.attributes.get("lang")
        tags.append(Meta(name.lower(), content, bcp47(language)))
    return tags


def bcp47(locale: str | None) -> str | None:
    """OJS locales (``en_US``, ``ru_RU``, ``az``, ``pt-BR``) as BCP 47 language tags."""
    if not locale:
        return None
    return locale.replace("_", "-").split("-")[0].lower() or None


def _values(tags: list[Meta], *names: str) -> list[Meta]:
    wanted = {name.lower() for name in names}
    return [tag for tag in tags if tag.name in wanted]


def _first(tags: list[Meta], *names: str) -> str | None:
    found = _values(tags, *names)
    return found[0].content if found else None


def _date(value: str | None) -> date | None:
    match = re.match(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})", value or "")
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _meta_authors(tags: list[Meta]) -> list[AuthorRecord]:
    """``citation_author`` in order; institution/ORCID tags that follow belong to that author."""
    authors: list[AuthorRecord] = []
    for tag in tags:
        if tag.name == "citation_author":
            if "," in tag.content:
                family, given = (part.strip() for part in tag.content.split(",", 1))
                authors.append(AuthorRecord(family=family or None, given=given or None))
            else:
                authors.append(author_from_name(tag.content))
        elif authors and tag.name == "citation_author_institution":
            authors[-1] = replace(authors[-1], affiliation=authors[-1].affiliation or tag.content)
        elif authors and tag.name == "citation_author_orcid":
            orcid = ORCID.search(tag.content)
            if orcid:
                authors[-1] = replace(authors[-1], orcid=orcid["id"])
    return authors


def _text(node: LexborNode | None) -> str:
    return normalize_spaces(node.text(separator=" ")) if node is not None else ""


def _first_node(tree: HTMLParser | LexborNode, *selectors: str) -> LexborNode | None:
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None and _text(node):
            return node
    return None


def _block(tree: HTMLParser, word: str) -> LexborNode | None:
    """The page's block for ``word`` (``abstract``, ``keywords``, ``references``) in any theme."""
    return _first_node(
        tree,
        f".item.{word}",
        f"section.{word}",
        f"#{word}",
        f"[class~=article-{word}]",
        f"[class~=article_{word}]",
        f"[class*={word}]",
    )


def _block_paragraphs(node: LexborNode) -> list[str]:
    """A block's paragraphs without its label (the ``h2.label``/``.label`` OJS prints)."""
    for label in node.css(".label, h2, h3, h4, .pkp_screen_reader"):
        label.decompose()
    paragraphs = [_text(p) for p in node.css("p, li")]
    if not any(paragraphs):
        paragraphs = [line for line in html_to_text(node.html or "").split("\n") if line]
    return [p for p in paragraphs if p and not label_role(p)]


def _merged_authors(meta: list[AuthorRecord], dom: list[AuthorRecord]) -> list[AuthorRecord]:
    """Meta-tag authors, completed by the page's author list (ORCID, affiliation) when both
    list the same names in the same order."""
    if not meta:
        return dom
    same = len(meta) == len(dom) and all(
        (m.family or "").casefold() == (d.family or "").casefold()
        for m, d in zip(meta, dom, strict=True)
    )
    if not same:
        return meta
    return [
        replace(m, affiliation=m.affiliation or d.affiliation, orcid=m.orcid or d.orcid)
        for m, d in zip(meta, dom, strict=True)
    ]


def _dom_galleys(tree: HTMLParser) -> list[GalleyRecord]:
    galleys: list[GalleyRecord] = []
    for link in tree.css("a.obj_galley_link, a.galley-link, .galleys_links a, [class*=galley] a"):
        match = GALLEY_LINE.match(_text(link))
        if not match:
            continue
        label = match["label"]
        label = label.upper() if label.casefold() in {"pdf", "html", "xml", "epub"} else label
        record = GalleyRecord(label=label, locale=galley_locale(match["language"]))
        if record not in galleys:
            galleys.append(record)
    return galleys


def declared_url(tree: HTMLParser) -> str | None:
    """The address the page declares for itself (canonical link, og:url, citation URL)."""
    for selector, attribute in (
        ("link[rel=canonical]", "href"),
        ("meta[property='og:url']", "content"),
        ("meta[name=citation_abstract_html_url]", "content"),
    ):
        node = tree.css_first(selector)
        value = (node.attributes.get(attribute) or "").strip() if node is not None else ""
        if value.startswith(("http://", "https://")):
            return value
    return None


def is_pdf_viewer(tree: HTMLParser) -> bool:
    """OJS's PDF viewer (pdfJsViewer plugin): the PDF in an iframe, a "return" link, a title."""
    return (
        tree.css_first("iframe[src*=pdfJsViewer], iframe[src*='pdf.js'], #pdfCanvasContainer")
        is not None
    )


def parse_html(html: str, *, source_url: str | None = None) -> ArticleRecord:
    """Read an OJS article page saved as HTML: meta tags first, the visible blocks for the rest."""
    check_nesting(html)
    tree = HTMLParser(html)
    tags = meta_tags(tree)
    source_url = source_url or declared_url(tree)
    root = tree.css_first("html")
    ui_language = bcp47(root.attributes.get("lang") if root is not None else None)
    base: ArticleRecord | None
    try:
        base = parse_text(html_to_text(html), source_url=source_url)
    except PageError as error:
        if not _values(tags, "citation_title", "dc.title"):
            if is_pdf_viewer(tree) or "PDF viewer" in str(error):
                raise PageError(str(error)) from None
            heading = _first_node(tree, "h1.page_title", "h1")
            if heading is None:
                raise
        base = None
    titles: dict[str, str] = {}
    for tag in _values(tags, "citation_title", "dc.title", "dc.title.alternative"):
        language = tag.language or language_of(tag.content, ui_language) or "und"
        titles.setdefault(language, tag.content)
    if not titles:
        heading = _first_node(tree, "h1.page_title", ".page-header h1", "article h1", "h1")
        page_title = _text(tree.css_first("title"))
        text = _text(heading) or (view_of_title(page_title) or "")
        if base is not None and (not text or text in base.titles.values()):
            titles = base.titles
        elif text:
            titles = {language_of(text, ui_language) or "und": text}
    if not titles:
        raise PageError("not an OJS article page: no citation_title meta tag and no title line")
    base = base or ArticleRecord(journal=JournalRecord(), titles=titles, source_url=source_url)

    journal_titles = dict(base.journal.titles)
    for tag in _values(tags, "citation_journal_title", "dc.source"):
        language = tag.language or classify_language(tag.content) or "und"
        journal_titles.setdefault(language, tag.content)
    header_name = site_name(tree) if not journal_titles else None
    if header_name:
        journal_titles[classify_language(header_name) or "und"] = header_name
    issn_print, issn_online = base.journal.issn_print, base.journal.issn_online
    for tag in _values(tags, "citation_issn", "dc.source.issn"):
        if issn_print is None and issn_online is None:
            issn_print = tag.content.upper()  # the plugin prints the print ISSN first
        elif tag.content.upper() not in {issn_print, issn_online}:
            issn_online = issn_online or tag.content.upper()
    journal = replace(
        base.journal,
        titles=journal_titles,
        issn_print=issn_print,
        issn_online=issn_online,
        publisher=_first(tags, "citation_publisher", "dc.publisher") or base.journal.publisher,
    )

    issue = base.issue
    volume = _first(tags, "citation_volume", "dc.source.volume")
    number = _first(tags, "citation_issue", "dc.source.issue")
    published = _date(_first(tags, "citation_publication_date", "citation_date", "dc.date.issued"))
    if volume or number:
        issue = IssueRecord(
            volume=volume or (issue.volume if issue else None),
            number=number or (issue.number if issue else None),
            year=published.year if published else (issue.year if issue else None),
        )

    keywords: dict[str, list[str]] = {}
    untagged: list[str] = []
    for tag in _values(tags, "citation_keywords", "dc.subject"):
        for keyword in (k.strip() for k in re.split(r"[;,]", tag.content)):
            if keyword and tag.language is None:
                untagged.append(keyword)
            elif keyword and keyword not in keywords.setdefault(tag.language or "und", []):
                keywords[tag.language or "und"].append(keyword)
    if untagged:
        # a list without xml:lang is one language: the whole list tells which
        for language, terms in labelled_keywords(["; ".join(untagged)], ui_language).items():
            keywords.setdefault(language, []).extend(
                t for t in terms if t not in keywords.get(language, [])
            )
    if not keywords:
        block = _block(tree, "keywords")
        if block is not None:
            values = _block_paragraphs(block)
            keywords = (
                labelled_keywords(values, ui_language)
                if any(re.search(r"[;,]", v) for v in values)
                else split_keywords(values)
            )

    printed: dict[str, str] = {}
    for tag in _values(tags, "dc.description", "citation_abstract"):
        language = tag.language or language_of(tag.content, ui_language) or "und"
        printed.setdefault(language, tag.content)
    if not printed:
        block = _block(tree, "abstract")
        for paragraph in _block_paragraphs(block) if block is not None else []:
            printed.setdefault(language_of(paragraph, ui_language) or "und", paragraph)
    printed = printed or dict(base.abstracts_as_printed)
    repaired = {lang: repair_line_break_hyphens(text, lang) for lang, text in printed.items()}

    references = [tag.content for tag in _values(tags, "citation_reference")]
    if not references:
        block = _block(tree, "references")
        references = _block_paragraphs(block) if block is not None else []
    references = references or base.references

    galleys = list(base.galleys)
    for record in _dom_galleys(tree):
        if record not in galleys:
            galleys.append(record)
    pdf_url = _first(tags, "citation_pdf_url")
    if pdf_url:
        pdf = next((g for g in galleys if g.label == "PDF"), None)
        if pdf is None:
            galleys.append(GalleyRecord(label="PDF", url=pdf_url))
        else:
            galleys[galleys.index(pdf)] = replace(pdf, url=pdf.url or pdf_url)

    first = _first(tags, "citation_firstpage")
    last = _first(tags, "citation_lastpage")
    pages = f"{first}-{last}" if first and last and first != last else first or base.pages
    doi = _first(tags, "citation_doi", "dc.identifier.doi")
    article_language = bcp47(_first(tags, "citation_language", "dc.language"))
    locales = {g.locale for g in galleys if g.locale}
    return replace(
        base,
        journal=journal,
        titles=titles,
        issue=issue,
        abstracts=repaired,
        abstracts_as_printed=printed,
        keywords=keywords or base.keywords,
        authors=with_cited_families(
            _merged_authors(_meta_authors(tags), dom_authors(tree)) or base.authors,
            cited_families(citation(tree)),
        ),
        galleys=galleys,
        references=references,
        doi=doi.lower().removeprefix("https://doi.org/") if doi else base.doi,
        pages=pages,
        language=article_language
        or base.language
        or (next(iter(locales)) if len(locales) == 1 else None),
        published=published or base.published,
    )
