"""Blocks of an OJS page's HTML that every theme prints in its own markup: the author list,
the journal's name in the site header, the "How to cite" citation.

Themes (default, bootstrap3, healthSciences, immersion, manuscript, pragma, classic) name their
elements differently, so nothing here depends on one theme's class names: an author entry is
any element whose class mentions "author" and whose first piece of text is one person's name;
the journal's name is the site header's link to the journal's home page; the citation is the
citationStyleLanguage plugin's output, which is the same in every theme.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode

from app.ingest.ojs_page.authors import author_from_name, is_person_name, names_on_line
from app.ingest.ojs_page.labels import label_role
from app.ingest.ojs_page.shapes import ORCID
from app.ingest.records import AuthorRecord
from app.ingest.text import normalize_spaces

_MAX_ENTRIES = 60  # a page lists a few dozen authors at most; the scan stays bounded


def text_of(node: LexborNode | None) -> str:
    return normalize_spaces(node.text(separator=" ")) if node is not None else ""


def pieces(node: LexborNode) -> list[str]:
    """The non-empty texts of an element's children, in order (its "lines")."""
    found: list[str] = []
    for child in node.iter(include_text=True):
        is_text = child.tag == "-text"
        text = normalize_spaces(child.text_content or "") if is_text else text_of(child)
        if text:
            found.append(text)
    return found


def dom_authors(tree: HTMLParser) -> list[AuthorRecord]:
    """The page's authors: name, affiliation and ORCID of each entry of its author list(s).

    A theme may list the names twice (a line of names and a box of details per author); the
    entries are merged by name, in the order the names first appear.
    """
    nodes = tree.css("[class*=author]")[:_MAX_ENTRIES]
    nodes += [li for node in nodes for li in node.css("li")][:_MAX_ENTRIES]
    # names marked up in parts (JATS-made HTML galleys, schema.org): their holder is an entry
    nodes += [
        node.parent for node in tree.css(_FAMILY)[:_MAX_ENTRIES] if node.parent is not None
    ]
    order: list[str] = []
    found: dict[str, AuthorRecord] = {}
    for node in nodes:
        parts = pieces(node)
        structured = _structured_name(node)
        if structured is not None:
            name = f"{structured.given or ''} {structured.family}".strip()
            parts = [name, *parts[1:]] if len(parts) > 1 else [name]
        elif not parts or not is_person_name(parts[0]):
            continue
        key = normalize_spaces(parts[0]).casefold()
        if structured is None and _holds_other_entries(node, key):
            continue  # a list of several authors, not one entry
        orcid = _orcid(node, parts)
        affiliation = next(
            (
                p for p in parts[1:]
                if not ORCID.search(p) and not label_role(p) and len(p) <= 300
                and not p.startswith(("http://", "https://"))
            ),
            None,
        )
        author = found.get(key) or structured or author_from_name(parts[0])
        found[key] = AuthorRecord(
            author.family, author.given, author.affiliation or affiliation, author.orcid or orcid
        )
        if key not in order:
            order.append(key)
    return [found[key] for key in order]


_FAMILY = "[class*=surname], [itemprop=familyName], [class~=family-name]"
_GIVEN = "[class*=given], [itemprop=givenName]"


def _structured_name(node: LexborNode) -> AuthorRecord | None:
    """Family and given names where the markup says which is which (one name only)."""
    families = node.css(_FAMILY)
    if len(families) != 1:
        return None
    family = text_of(families[0])
    given = text_of(node.css_first(_GIVEN))
    if not family or len(family) > 80:
        return None
    return AuthorRecord(family=family, given=given or None)


def _holds_other_entries(node: LexborNode, name: str) -> bool:
    """True when an author-classed element or list item inside ``node`` starts with another
    person's name: ``node`` is the list, not an entry."""
    for inner in node.css("[class*=author], li")[:30]:
        first = next(iter(pieces(inner)), "")
        if first and first.casefold() != name and names_on_line(first):
            return True
    return False


def _orcid(node: LexborNode, parts: list[str]) -> str | None:
    for link in node.css("a[href*='orcid.org']"):
        match = ORCID.search(link.attributes.get("href") or "")
        if match:
            return match["id"]
    for part in parts:
        match = ORCID.search(part)
        if match:
            return match["id"]
    return None


_HOME_PATH = re.compile(r"^(?:https?://[^/]+)?(?:/index\.php)?/[^/?#]*/?(?:index)?$|^/?$|^\./?$")


def site_name(tree: HTMLParser) -> str | None:
    """The journal's name in the site header (header.tpl and every theme's own): the default
    theme's site-name block, else the header's link to the journal's home page, by its text or
    its logo's alt text."""
    for selector in (".pkp_site_name a.is_text", ".pkp_site_name img[alt]"):
        name = _name_of(tree.css_first(selector))
        if name:
            return name
    for link in tree.css("header a[href], [role=banner] a[href], nav a[href]")[:80]:
        if _HOME_PATH.match((link.attributes.get("href") or "").strip()):
            name = _name_of(link.css_first("img[alt]")) or _name_of(link)
            if name:
                return name
    return None


def _name_of(node: LexborNode | None) -> str | None:
    if node is None:
        return None
    alt = node.attributes.get("alt") or ""
    text = normalize_spaces(alt) if node.tag == "img" else text_of(node)
    if text and len(text) <= 300 and not label_role(text) and sum(ch.isalpha() for ch in text) >= 3:
        return text
    return None


def citation(tree: HTMLParser) -> str:
    """The "How to cite" entry of the citationStyleLanguage plugin, or ""."""
    node = tree.css_first(".csl-entry") or tree.css_first("#citationOutput")
    return text_of(node)[:2000]
