"""Formatted citations (``text/x-bibliography; style=...; locale=...``) via citeproc-py.

Works around citeproc-py's gaps, each pinned by a test: here, the GOST R 7.0.5-2008 style prints
no DOI (GOST puts ``DOI: 10.xxx`` last), numeric styles lose the space after ``1.``, the HTML
formatter does not escape field values, and the date delimiter of in-style locales is ignored
(NLM printed ``2023Sep15``), so items are cited by year, which is what APA, Vancouver and GOST
print for journal articles anyway; in :mod:`app.exporters.citeproc_fixes`, substitution and the
numbering of a lone citation. Styles and locales are checked and loaded in
:mod:`app.exporters.citation_styles`.
"""

from __future__ import annotations

import html
import re
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from app.exporters import article_fields as af
from app.exporters import citation_catalog as catalog
from app.exporters.citation_styles import (
    DEFAULT_LOCALE,
    DEFAULT_STYLE,
    check_params,
    is_gost_style,
    load_style,
    resolve_style,
)
from app.exporters.citeproc_fixes import render_state
from app.exporters.csl_json import article_to_csl, reference_to_csl
from app.exporters.registry import (
    Exporter,
    Kind,
    Renderer,
    register,
    renderer_params,
)
from app.schemas import ArticlePublic, ReferencePublic

MEDIA_TYPE = "text/x-bibliography"

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# Letters that, in a Latin-script reference, only Azerbaijani writes.
_AZERBAIJANI = re.compile(r"[əƏ]")
_NUMBER_WITHOUT_SPACE = re.compile(r"^(\s*(?:<[^>]+>)*\s*\d+\.)(?=[^\s\d])")

# CSL variables citeproc-py knows; anything else (multi, page-first, ORCID, keyword) is dropped
# before rendering so that no style prints it and citeproc-py does not warn.
_CITEPROC_FIELDS = {
    "id", "type", "title", "container-title", "collection-title", "volume", "issue", "page",
    "number-of-pages", "DOI", "URL", "issued", "author", "editor", "publisher",
    "publisher-place", "edition", "language", "genre", "event", "number", "chapter-number",
}
_CITEPROC_NAME_PARTS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix"}


def item_language(item: Mapping[str, Any]) -> str | None:
    """The language of a CSL item: its ``language``, else what its script says (Cyrillic is
    Russian, a Latin ``ə`` Azerbaijani, other Latin text English), else None."""
    language = str(item.get("language") or "").strip()
    if language:
        return language
    text = " ".join(str(item.get(k) or "") for k in ("title", "container-title"))
    if _CYRILLIC.search(text):
        return "ru"
    if _AZERBAIJANI.search(text):
        return "az"
    return "en" if text.strip() else None


def _item_locale(item: Mapping[str, Any]) -> str:
    """GOST describes a source in its own language's conventions."""
    return catalog.locale_for_language(item_language(item)) or DEFAULT_LOCALE


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


def _for_citeproc(item: Mapping[str, Any], as_html: bool) -> dict[str, Any]:
    """Only the variables styles use; for HTML, text escaped up front because citeproc-py's HTML
    formatter escapes its own punctuation but passes variable values through verbatim."""
    cleaned = {k: v for k, v in item.items() if k in _CITEPROC_FIELDS}
    for role in ("author", "editor"):
        if isinstance(names := cleaned.get(role), list):
            cleaned[role] = [_citeproc_name(name) for name in names]
    issued = cleaned.get("issued")
    if isinstance(issued, Mapping):
        parts = issued.get("date-parts") or []
        if parts and parts[0]:
            cleaned["issued"] = {"date-parts": [[parts[0][0]]]}
        else:
            cleaned.pop("issued")
    if cleaned.get("DOI"):
        # The DOI is the link; a landing-page URL would print twice (GOST adds "дата обращения").
        cleaned.pop("URL", None)
    if as_html:
        cleaned = {k: (v if k in ("id", "type") else _escaped(v)) for k, v in cleaned.items()}
    return cleaned


def _citeproc_name(name: Any) -> Any:
    """A name with the parts citeproc-py knows (it warns about others, such as ORCID): a literal
    name is only its literal."""
    if not isinstance(name, Mapping):
        return name
    if "literal" in name:
        return {"literal": name["literal"]}
    return {k: v for k, v in name.items() if k in _CITEPROC_NAME_PARTS}


def _is_unstructured(item: Mapping[str, Any]) -> bool:
    return not item.get("title") and not item.get("author")


def _raw_entry(item: Mapping[str, Any], as_html: bool) -> str:
    """An unparsed reference is cited as printed: a style cannot format what has no fields."""
    text = str(item.get("note") or item.get("id"))
    return html.escape(text, quote=False) if as_html else text


def _fix_entry(text: str, item: Mapping[str, Any], style: str, as_html: bool) -> str:
    text = _NUMBER_WITHOUT_SPACE.sub(r"\1 ", text.strip())
    doi = item.get("DOI")
    if is_gost_style(style) and doi and "DOI" not in text and "doi.org" not in text:
        # GOST R 7.0.5-2008 (and journals following it) end the record with "DOI: 10.xxx".
        text = f"{text} DOI: {html.escape(str(doi)) if as_html else doi}"
    return text


# References rendered per step of a streamed export: between steps the server checks whether
# the client is still there, so a departed client costs at most one step more.
CHUNK_ITEMS = 25

# citeproc-py keeps rendering state on the (cached, shared) style: the formatter on its root and
# the repressed variables on its layout. One render at a time per style object.
_style_locks: weakref.WeakKeyDictionary[CitationStylesStyle, threading.Lock] = (
    weakref.WeakKeyDictionary()
)
_style_locks_guard = threading.Lock()


def _lock_for(style: CitationStylesStyle) -> threading.Lock:
    with _style_locks_guard:
        return _style_locks.setdefault(style, threading.Lock())


def _render_slice(
    bibliography: CitationStylesBibliography,
    start: int,
    stop: int,
    style: str,
    by_id: Mapping[str, Mapping[str, Any]],
    as_html: bool,
    numbered: bool,
) -> list[str]:
    """Entries ``start:stop`` of a sorted bibliography (numbers stay those of the whole list)."""
    chosen = bibliography.items[start:stop]
    with _lock_for(bibliography.style):
        bibliography.style.root.formatter = bibliography.formatter
        render_state.unnumbered = not numbered
        try:
            entries = [str(entry) for entry in bibliography.style.render_bibliography(chosen)]
        finally:
            render_state.unnumbered = False
    return [
        _fix_entry(entry, by_id.get(str(item.key), {}), style, as_html)
        for item, entry in zip(chosen, entries, strict=True)
    ]


def _iter_rendered(
    items: Sequence[Mapping[str, Any]],
    style: str,
    locale: str,
    as_html: bool,
    *,
    numbered: bool = True,
    chunk: int | None = None,
) -> Iterator[list[str]]:
    """Entries in the style's order (sorted for author-date styles, cited order for numeric),
    ``chunk`` at a time (the sort is one step); ``numbered=False`` drops the citation number
    (and its affixes) of a lone citation."""
    if not items:
        return
    prepared = [_for_citeproc(item, as_html) for item in items]
    by_id = {item["id"]: item for item in items}
    chosen = load_style(style, locale)
    with _lock_for(chosen):
        source = CiteProcJSON(prepared)
        bibliography = CitationStylesBibliography(
            chosen, source, formatter.html if as_html else formatter.plain
        )
        for item in prepared:
            bibliography.register(Citation([CitationItem(item["id"])]))
        bibliography.sort()
    step = chunk or len(prepared)
    for start in range(0, len(bibliography.items), step):
        yield _render_slice(
            bibliography, start, start + step, style, by_id, as_html, numbered
        )


def _render_items(
    items: Sequence[Mapping[str, Any]],
    style: str,
    locale: str,
    as_html: bool,
    *,
    numbered: bool = True,
) -> list[str]:
    return [
        entry
        for entries in _iter_rendered(items, style, locale, as_html, numbered=numbered)
        for entry in entries
    ]


def _renumber(entry: str, number: int) -> str:
    return re.sub(r"^((?:<[^>]+>)*)\d+\.", rf"\g<1>{number}.", entry, count=1)


def format_items(
    items: Sequence[Mapping[str, Any]],
    *,
    style: str = DEFAULT_STYLE,
    locale: str | None = None,
    as_html: bool = False,
    numbered: bool = True,
) -> list[str]:
    """Formatted entries for CSL items (see :func:`iter_format_items`)."""
    return [
        entry
        for entries in iter_format_items(
            items, style=style, locale=locale, as_html=as_html, numbered=numbered
        )
        for entry in entries
    ]


def iter_format_items(
    items: Sequence[Mapping[str, Any]],
    *,
    style: str = DEFAULT_STYLE,
    locale: str | None = None,
    as_html: bool = False,
    numbered: bool = True,
    chunk: int | None = None,
) -> Iterator[list[str]]:
    """Formatted entries for CSL items, ``chunk`` entries per step (all at once without), so
    that a long list can be streamed and abandoned half-way. Without an explicit locale, GOST
    formats each item in its own language (Russian sources with ``Т.``/``№``/``С.``, English
    ones with ``Vol.``/``No.``/``P.``, Azerbaijani ones with ``C.``/``№``/``S.``) and keeps the
    cited order, as GOST reference lists do; an explicit locale applies to every item.
    ``numbered=False`` for a lone entry."""
    style = resolve_style(style)
    if locale is None and is_gost_style(style):
        step = chunk or max(len(items), 1)
        for first in range(0, len(items), step):
            entries = []
            for number, item in enumerate(items[first:first + step], start=first + 1):
                if _is_unstructured(item):
                    raw = _raw_entry(item, as_html)
                    entries.append(f"{number}. {raw}" if numbered else raw)
                    continue
                entry = _render_items(
                    [item], style, _item_locale(item), as_html, numbered=numbered
                )[0]
                entries.append(_renumber(entry, number) if numbered else entry)
            yield entries
        return
    structured = [item for item in items if not _is_unstructured(item)]
    # Unparsed strings go last; in a numbered list they continue the numbering.
    numbering: bool | None = None
    count = 0
    for entries in _iter_rendered(
        structured, style, locale or DEFAULT_LOCALE, as_html, numbered=numbered, chunk=chunk
    ):
        if numbering is None:
            numbering = bool(entries) and bool(re.match(r"^(?:<[^>]+>)*\d+\.", entries[0]))
        count += len(entries)
        yield entries
    unstructured = [item for item in items if _is_unstructured(item)]
    step = chunk or max(len(unstructured), 1)
    for first in range(0, len(unstructured), step):
        entries = []
        for item in unstructured[first:first + step]:
            raw = _raw_entry(item, as_html)
            count += 1
            entries.append(f"{count}. {raw}" if numbering else raw)
        yield entries


def format_article(
    article: ArticlePublic,
    *,
    style: str = DEFAULT_STYLE,
    locale: str | None = None,
    as_html: bool = False,
    lang: str | None = None,
) -> str:
    """The article's citation, with the title in ``lang`` when the page gave one. Without an
    explicit locale GOST describes the article in its own language (the reader's ``lang`` when
    the page has a title in it, else the full text's), other styles in English."""
    style = resolve_style(style)
    if locale is None and is_gost_style(style):
        language = lang if lang and lang in article.title else None
        language = language or article.language or af.main_language(article)
        item = article_to_csl(article, lang=language)
        if language:
            item["language"] = language
        locale = _item_locale(item)
    else:
        locale = locale or DEFAULT_LOCALE
        wanted = lang if lang and lang in article.title else locale.split("-")[0]
        item = article_to_csl(article, lang=wanted)
    return _render_items([item], style, locale, as_html, numbered=False)[0]


def _join(entries: Sequence[str], as_html: bool) -> bytes:
    return b"".join(_pieces([entries], as_html))


def _pieces(chunks: Iterable[Sequence[str]], as_html: bool) -> Iterator[bytes]:
    """The document of :func:`_join`, a piece per chunk of entries (the first piece holds the
    first rendered chunk, so a renderer's error comes before anything is sent)."""
    head = b'<div class="csl-bib-body">\n' if as_html else b""
    tail = b"</div>\n" if as_html else b""
    empty = True
    for entries in chunks:
        if as_html:
            piece = "".join(f'<div class="csl-entry">{e}</div>\n' for e in entries).encode()
        else:
            piece = "".join(f"{e}\n" for e in entries).encode()
        empty = empty and not entries
        yield head + piece
        head = b""
    yield head + (b"\n" if empty else b"") + tail


def stream_references(
    references: Sequence[ReferencePublic],
    *,
    params: Mapping[str, str] | None = None,
    as_html: bool = False,
    chunk: int | None = None,
) -> Iterator[bytes]:
    """A reference list as formatted citations, ``chunk`` (default ``CHUNK_ITEMS``) references
    per piece."""
    chunk = chunk or CHUNK_ITEMS
    style, locale = _options(params)
    items = [reference_to_csl(r) for r in sorted(references, key=lambda r: r.position)]
    entries = iter_format_items(items, style=style, locale=locale, as_html=as_html, chunk=chunk)
    return _pieces(entries, as_html)


def _options(params: Mapping[str, str] | None) -> tuple[str, str | None]:
    return renderer_params(params, "style", DEFAULT_STYLE), (params or {}).get("locale") or None


def _make_renderers(as_html: bool) -> dict[Kind, Renderer]:
    def render_article(
        article: ArticlePublic,
        *,
        references: Sequence[ReferencePublic] = (),
        params: Mapping[str, str] | None = None,
    ) -> bytes:
        style, locale = _options(params)
        return _join([format_article(article, style=style, locale=locale, as_html=as_html)],
                     as_html)

    def render_references(
        references: Sequence[ReferencePublic], *, params: Mapping[str, str] | None = None
    ) -> bytes:
        whole = max(len(references), 1)
        return b"".join(stream_references(references, params=params, as_html=as_html, chunk=whole))

    def render_reference(
        reference: ReferencePublic, *, params: Mapping[str, str] | None = None
    ) -> bytes:
        style, locale = _options(params)
        entry = format_items(
            [reference_to_csl(reference)], style=style, locale=locale, as_html=as_html,
            numbered=False,
        )[0]
        return _join([entry], as_html)

    return {
        "article": render_article,
        "references": render_references,
        "reference": render_reference,
    }


EXPORTER = register(
    Exporter(
        name="citation",
        preference=60,
        media_type=MEDIA_TYPE,
        extension="txt",
        aliases=("bibliography", "text"),
        renderers=_make_renderers(as_html=False),
        streamers={"references": partial(stream_references, as_html=False)},
        default_params={"style": DEFAULT_STYLE},
        type_params=("style", "locale"),
        check_params=check_params,
        description="formatted citation (plain text); style= and locale= parameters",
    )
)

HTML_EXPORTER = register(
    Exporter(
        name="citation-html",
        preference=61,
        media_type="text/html",
        extension="html",
        renderers=_make_renderers(as_html=True),
        streamers={"references": partial(stream_references, as_html=True)},
        default_params={"style": DEFAULT_STYLE},
        check_params=check_params,
        negotiable=False,
        description="formatted citation as an HTML fragment (?format=citation-html only)",
    )
)
