"""FAIR Signposting (signposting.org) for an article: typed links from its landing page to its
persistent identifier, authors, licence, metadata records and full-text files, as ``Link`` header
values and as an RFC 9264 linkset (``application/linkset+json`` and ``application/linkset``).

Pure: the caller gives the article and the absolute URL of its landing page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from app.exporters import article_fields as af
from app.exporters.registry import exporters
from app.exporters.safe_links import safe_http_url
from app.schemas import ArticlePublic

LINKSET_JSON = "application/linkset+json"
LINKSET_TEXT = "application/linkset"
SCHOLARLY_ARTICLE = "https://schema.org/ScholarlyArticle"
ABOUT_PAGE = "https://schema.org/AboutPage"
# Formats that are records *about* the article (describedby); the page and JSON API are not.
_NOT_METADATA = {"html", "json", "citation", "citation-html"}
_ITEM_TYPES = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xml": "application/xml",
    "epub": "application/epub+zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class Link:
    href: str
    rel: str
    type: str | None = None

    def header_value(self, anchor: str | None = None) -> str:
        value = f'<{self.href}>; rel="{self.rel}"'
        if self.type:
            value += f'; type="{self.type}"'
        if anchor:
            value += f'; anchor="{anchor}"'
        return value

    def target(self) -> dict[str, str]:
        return {"href": self.href, **({"type": self.type} if self.type else {})}


# Every printable ASCII character: quote() with these safe encodes only what is not ASCII.
_PRINTABLE_ASCII = "".join(chr(code) for code in range(0x21, 0x7F))


def _safe(url: str | None) -> str | None:
    """An absolute http(s) URL (the shared rule) with nothing that would break a Link header,
    as a URI: an IRI's non-ASCII characters percent-encoded in UTF-8 (RFC 3987 3.1), since
    header values are Latin-1 (a stored ORCID of "\U00011c09" made every read of its article
    a 500)."""
    url = safe_http_url(url)
    if url is None or any(char in url for char in '<>"\\,;'):
        return None
    return url if url.isascii() else quote(url, safe=_PRINTABLE_ASCII)


def _item_type(label: str, url: str) -> str | None:
    text = f"{label} {urlsplit(url).path.rsplit('.', 1)[-1]}".lower()
    return next((media for key, media in _ITEM_TYPES.items() if key in text), None)


def metadata_links(article: ArticlePublic, landing: str) -> list[Link]:
    return [
        Link(f"{landing}?format={e.name}", "describedby", e.media_type)
        for e in exporters("article")
        if e.negotiable and e.name not in _NOT_METADATA and e.can_render(article)
    ]


def article_links(
    article: ArticlePublic, landing: str, *, license_url: str | None = None
) -> list[Link]:
    """Signposting level 1 links of the article's landing page, in the spec's order."""
    links = [Link(_safe(af.doi_url(article.doi)) or landing, "cite-as")]
    for author in sorted(article.authors, key=lambda a: a.position):
        if orcid := _safe(af.orcid_url(author.orcid)):
            links.append(Link(orcid, "author"))
    links.extend(metadata_links(article, landing))
    for galley in article.galleys:
        if url := _safe(galley.url):
            links.append(Link(url, "item", _item_type(galley.label, url)))
    if license_href := _safe(license_url):
        links.append(Link(license_href, "license"))
    links.append(Link(ABOUT_PAGE, "type"))
    links.append(Link(SCHOLARLY_ARTICLE, "type"))
    links.append(Link(f"{landing}/linkset", "linkset", LINKSET_JSON))
    links.append(Link(f"{landing}/linkset", "linkset", LINKSET_TEXT))
    return links


def link_header(links: list[Link]) -> str:
    return ", ".join(link.header_value() for link in links)


# A stored template stands for the landing page's absolute URL with this character, which no
# link target can hold (``_safe`` refuses control characters) and PostgreSQL can store (unlike
# NUL); the licence is left out.
LANDING_SLOT = "\x1f"
_ABOUT_LINK = Link(ABOUT_PAGE, "type").header_value()


def link_template(article: ArticlePublic) -> str:
    """The ``Link`` header of the article with its landing URL and licence still open: stored
    beside the article's document when it is written, so a read builds no model to fill it."""
    return link_header(article_links(article, LANDING_SLOT))


def filled_link_header(template: str, landing: str, license_url: str | None = None) -> str:
    """:func:`link_template`'s text with the landing URL and the licence (which comes right
    before the type links) in: the same header as ``link_header(article_links(...))``."""
    header = template.replace(LANDING_SLOT, landing)
    if license_href := _safe(license_url):
        license_link = Link(license_href, "license").header_value()
        header = header.replace(_ABOUT_LINK, f"{license_link}, {_ABOUT_LINK}", 1)
    return header


def _linkset_contexts(
    article: ArticlePublic, landing: str, license_url: str | None
) -> Iterator[tuple[str, list[Link]]]:
    """The landing page's links, then the reverse links of each item and metadata record."""
    own = [
        link for link in article_links(article, landing, license_url=license_url)
        if link.rel != "linkset"
    ]
    yield landing, own
    for link in own:
        if link.rel == "item":
            yield link.href, [Link(landing, "collection", "text/html")]
        elif link.rel == "describedby":
            yield link.href, [Link(landing, "describes", "text/html")]


def linkset_json(article: ArticlePublic, landing: str, *, license_url: str | None = None) -> bytes:
    """RFC 9264 §4.2: one context object per anchor, relation types as keys, targets in lists."""
    contexts: list[dict[str, Any]] = []
    for anchor, links in _linkset_contexts(article, landing, license_url):
        context: dict[str, Any] = {"anchor": anchor}
        for link in links:
            context.setdefault(link.rel, []).append(link.target())
        contexts.append(context)
    return json.dumps({"linkset": contexts}, ensure_ascii=False).encode("utf-8")


def linkset_text(article: ArticlePublic, landing: str, *, license_url: str | None = None) -> bytes:
    """RFC 9264 §4.1: Link-header syntax with an explicit anchor on every link, one per line."""
    lines = [
        link.header_value(anchor)
        for anchor, links in _linkset_contexts(article, landing, license_url)
        for link in links
    ]
    return (",\n".join(lines) + "\n").encode("utf-8")
