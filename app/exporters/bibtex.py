"""BibTeX (``application/x-bibtex``), written with bibtexparser v2 from the CSL-JSON items.

Values stay UTF-8 (biber and modern BibTeX read it); only the characters that are syntax in
(La)TeX are escaped, with pylatexenc, except in ``doi``/``url`` which biblatex reads verbatim.
Citation keys are ASCII and stable: family name, year, first title word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat
from pylatexenc.latexencode import (
    RULE_DICT,
    UnicodeToLatexConversionRule,
    UnicodeToLatexEncoder,
)

from app.exporters.csl_json import article_to_csl, reference_to_csl
from app.exporters.registry import Exporter, register
from app.schemas import ArticlePublic, ReferencePublic

MEDIA_TYPE = "application/x-bibtex"

ENTRY_TYPES = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "article": "article",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "thesis": "phdthesis",
    "report": "techreport",
    "webpage": "misc",
}

_LATEX_SPECIALS = {
    ord("\\"): r"\textbackslash{}",
    ord("{"): r"\{",
    ord("}"): r"\}",
    ord("&"): r"\&",
    ord("%"): r"\%",
    ord("$"): r"\$",
    ord("#"): r"\#",
    ord("_"): r"\_",
    ord("~"): r"\textasciitilde{}",
    ord("^"): r"\textasciicircum{}",
}
_ENCODER = UnicodeToLatexEncoder(
    conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, _LATEX_SPECIALS)],
    unknown_char_policy="keep",
    unknown_char_warning=False,
    replacement_latex_protection="none",
)
VERBATIM_FIELDS = {"doi", "url"}

_FORMAT = BibtexFormat()
_FORMAT.indent = "  "
_FORMAT.block_separator = "\n"

# Cyrillic to ASCII for citation keys only (GOST 7.79-2000 system B, simplified).
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ",
        "a b v g d e e zh z i j k l m n o p r s t u f kh c ch sh shh - y - e yu ya i i e g".split(),
        strict=True,
    )
)
_LATIN_EXTRA = {"ə": "e", "ı": "i", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d"}


def escape(value: str) -> str:
    """Escape TeX syntax characters; newlines become spaces (a field is one logical line)."""
    return _ENCODER.unicode_to_latex(" ".join(value.split()))


def ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only, transliterating Cyrillic and folding accents."""
    out: list[str] = []
    for char in text.lower():
        if char in _CYRILLIC:
            out.append(_CYRILLIC[char].strip("-"))
        elif char in _LATIN_EXTRA:
            out.append(_LATIN_EXTRA[char])
        else:
            out.append(unicodedata.normalize("NFKD", char))
    return re.sub(r"[^a-z0-9]", "", "".join(out))


_STOP_WORDS = {"a", "an", "the", "on", "of", "in", "and", "o", "ob", "v", "na", "i", "k", "s"}


def citation_key(item: Mapping[str, Any]) -> str:
    """``family`` + ``year`` + first significant title word, e.g. ``smith2019interleukin``."""
    authors = item.get("author") or item.get("editor") or []
    family = ""
    if authors and isinstance(authors[0], Mapping):
        family = ascii_slug(str(authors[0].get("family") or authors[0].get("literal") or ""))
    year = _year(item) or ""
    word = ""
    for token in re.split(r"\W+", str(item.get("title") or "")):
        slug = ascii_slug(token)
        if slug and slug not in _STOP_WORDS:
            word = slug
            break
    key = f"{family}{year}{word}"
    return key or ascii_slug(str(item.get("id", ""))) or "ref"


def _year(item: Mapping[str, Any]) -> str | None:
    issued = item.get("issued")
    if isinstance(issued, Mapping):
        parts = issued.get("date-parts") or []
        if parts and parts[0]:
            return str(parts[0][0])
    return None


def _names(names: Iterable[Mapping[str, Any]]) -> str:
    formatted = []
    for name in names:
        if name.get("literal"):
            formatted.append("{" + escape(str(name["literal"])) + "}")
            continue
        family, given = name.get("family"), name.get("given")
        if family and given:
            formatted.append(f"{escape(str(family))}, {escape(str(given))}")
        elif family or given:
            formatted.append(escape(str(family or given)))
    return " and ".join(formatted)


def csl_to_entry(item: Mapping[str, Any], key: str) -> Entry:
    """One BibTeX entry for a CSL item: the fields BibTeX and biblatex styles read."""
    csl_type = str(item.get("type") or "")
    entry_type = ENTRY_TYPES.get(csl_type, "misc")
    fields: list[tuple[str, str]] = []

    def add(name: str, value: Any) -> None:
        if value is None or value == "" or value == []:
            return
        text = str(value)
        fields.append((name, text if name in VERBATIM_FIELDS else escape(text)))

    if item.get("author"):
        fields.append(("author", _names(item["author"])))
    if item.get("editor"):
        fields.append(("editor", _names(item["editor"])))
    add("title", item.get("title") or (item.get("note") if entry_type == "misc" else None))
    container = item.get("container-title")
    if entry_type == "article":
        add("journal", container)
    elif entry_type in ("incollection", "inproceedings"):
        add("booktitle", container)
    elif container:
        add("howpublished", container)
    add("year", _year(item))
    add("volume", item.get("volume"))
    add("number", item.get("issue"))
    page = item.get("page")
    if page:
        add("pages", re.sub(r"\s*[-–—]+\s*", "--", str(page)))
    add("edition", item.get("edition"))
    add("publisher", item.get("publisher"))
    add("address", item.get("publisher-place"))
    add("issn", item.get("ISSN"))
    add("isbn", item.get("ISBN"))
    add("doi", item.get("DOI"))
    add("url", item.get("URL"))
    add("language", item.get("language"))
    add("keywords", item.get("keyword"))
    add("abstract", item.get("abstract"))
    if item.get("title"):
        add("note", item.get("note"))
    return Entry(entry_type, key, [Field(name, value) for name, value in fields])


def clash_suffix(number: int) -> str:
    """1 → ``a``, 26 → ``z``, 27 → ``aa``: keys stay in [a-z0-9] past 26 clashes (``{`` broke
    the file for BibTeX parsers)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def render_items(items: Sequence[Mapping[str, Any]]) -> bytes:
    """A BibTeX file; clashing keys get ``a``, ``b``… suffixes so every entry stays citable."""
    library = Library()
    used: set[str] = set()
    for item in items:
        base = key = citation_key(item)
        clashes = 0
        while key in used:  # also a suffixed key that another base happens to spell
            clashes += 1
            key = base + clash_suffix(clashes)
        used.add(key)
        library.add(csl_to_entry(item, key))
    return bibtexparser.write_string(library, bibtex_format=_FORMAT).encode("utf-8")


def render_article(
    article: ArticlePublic,
    *,
    references: Sequence[ReferencePublic] = (),
    params: Mapping[str, str] | None = None,
) -> bytes:
    return render_items([article_to_csl(article)])


def render_references(
    references: Sequence[ReferencePublic], *, params: Mapping[str, str] | None = None
) -> bytes:
    return render_items([reference_to_csl(r) for r in sorted(references, key=lambda r: r.position)])


def render_reference(
    reference: ReferencePublic, *, params: Mapping[str, str] | None = None
) -> bytes:
    return render_items([reference_to_csl(reference)])


EXPORTER = register(
    Exporter(
        name="bibtex",
        media_type=MEDIA_TYPE,
        extension="bib",
        aliases=("bib",),
        accept_types=("application/x-bibtex", "text/x-bibtex"),
        preference=40,
        renderers={
            "article": render_article,
            "references": render_references,
            "reference": render_reference,
        },
        description="BibTeX",
    )
)
