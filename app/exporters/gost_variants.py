"""GOST R 7.0.5 describes every source in the source's own language: an English article is
``Vol. 15. No. 1. P. 95``, a Russian one ``Т. 15. № 1. С. 95``. The CSL GOST styles write the
Russian abbreviations into their affixes, so any locale still printed ``Т.``/``С.``; this module
derives the style for another language by translating those affixes and dropping the in-style
locales whose terms are Russian (the target locale's own terms then apply: ``et al.``, ``və b.``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

CSL_NS = "http://purl.org/net/xbiblio/csl"
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# Languages written in Cyrillic keep the style's own (Russian-tradition) abbreviations.
CYRILLIC_LANGUAGES = frozenset({"ru", "uk", "be", "bg", "mk", "kk", "ky", "tg", "mn", "sr"})

# Every Cyrillic affix the bundled GOST styles use, in English and Azerbaijani conventions.
AFFIXES: dict[str, dict[str, str]] = {
    "en": {
        "Т. ": "Vol. ",
        "С. ": "P. ",
        "№ ": "No. ",
        ", с. ": ", p. ",
        " с.": " p.",
        " Вып. ": " Iss. ",
        "/ под ред. ": "/ ed. by ",
        "-е изд.,": " ed.,",
        "[Электронный ресурс]. ": "[Electronic resource]. ",
    },
    "az": {
        "Т. ": "C. ",
        "С. ": "S. ",
        ", с. ": ", s. ",
        " с.": " s.",
        " Вып. ": " Bur. ",
        "/ под ред. ": "/ red. ",
        "-е изд.,": "-ci nəşr,",
        "[Электронный ресурс]. ": "[Elektron resurs]. ",
    },
}


def is_gost(style_path: str) -> bool:
    return style_path.rsplit("/", 1)[-1].startswith("gost-")


def variant_language(language: str) -> str | None:
    """Which affix table a language's sources use; None keeps the style as written (Russian)."""
    language = language.split("-")[0].lower()
    if language in CYRILLIC_LANGUAGES:
        return None
    return language if language in AFFIXES else "en"


@lru_cache(maxsize=16)
def variant_source(style_path: str, language: str) -> bytes:
    """The style's XML with its Russian affixes in ``language``'s conventions."""
    table = AFFIXES[language]
    tree = etree.parse(style_path, etree.XMLParser(remove_comments=True, no_network=True))
    root = tree.getroot()
    for element in root.iter():
        for attribute in ("prefix", "suffix", "value"):
            value = element.get(attribute)
            if value and value in table:
                element.set(attribute, table[value])
    for locale in root.findall(f"{{{CSL_NS}}}locale"):
        if _CYRILLIC.search("".join(locale.itertext())):
            root.remove(locale)
    return etree.tostring(tree, encoding="utf-8", xml_declaration=True)
