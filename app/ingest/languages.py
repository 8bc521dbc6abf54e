"""Language detection shared by the page loader and the reference parser.

One lingua detector, built lazily, in low-accuracy mode over the languages our journals print:
high-accuracy mode costs ~250 MiB with eight languages, over the server's 150 MiB budget.
Low-accuracy mode is weak on short strings, so ``classify_language`` decides by script and
orthography first (Cyrillic, Azerbaijani letters) and asks lingua only for what those cannot decide.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

SUPPORTED: dict[Language, str] = {
    Language.ENGLISH: "en",
    Language.RUSSIAN: "ru",
    Language.AZERBAIJANI: "az",
    Language.TURKISH: "tr",
    Language.UKRAINIAN: "uk",
    Language.KAZAKH: "kk",
    Language.GERMAN: "de",
    Language.FRENCH: "fr",
    Language.SPANISH: "es",
    Language.ITALIAN: "it",
    Language.PORTUGUESE: "pt",
    Language.DUTCH: "nl",
    Language.POLISH: "pl",
}
_BY_TAG: dict[str, Language] = {tag: language for language, tag in SUPPORTED.items()}
# Detection looks at a bounded sample: a paragraph decides a language as well as a book does,
# and a page's work must not grow with a hostile field's length.
SAMPLE_CHARS = 1000

# Letters that only one of our languages writes, in its own script. Checked in order.
_CYRILLIC_MARKERS: tuple[tuple[str, str], ...] = (
    ("kk", "әғқңөұүһ"),  # Kazakh letters; kk also writes і, so it is checked before uk
    ("uk", "іїєґ"),
    ("az", "ҹҝј"),  # Azerbaijani Cyrillic (pre-1991 texts)
)
_LATIN_MARKERS: tuple[tuple[str, str], ...] = (
    ("az", "əƏ"),  # schwa is written by Azerbaijani alone
    ("pl", "łąęśźżńŁĄĘŚŹŻŃ"),
    ("de", "ßäÄ"),
    ("es", "ñ¿¡Ñ"),
    ("pt", "ãõÃÕ"),
)
# Turkic letters shared by Azerbaijani and Turkish: they narrow the choice to those two.
_TURKIC_LETTERS = "ğıışĞİŞ"


# Latin-script languages of many OJS journals that ``SUPPORTED`` lacks. A second detector over
# them and the Latin languages of ``SUPPORTED`` (low-accuracy mode, about 10 MiB) is asked by the
# page loader only for Latin text that no letter decides (``detect_wider_language``).
WIDER: dict[Language, str] = {
    Language.INDONESIAN: "id",
    Language.MALAY: "ms",
    Language.VIETNAMESE: "vi",
    Language.CROATIAN: "hr",
    Language.CZECH: "cs",
    Language.ROMANIAN: "ro",
    Language.HUNGARIAN: "hu",
    Language.CATALAN: "ca",
}
_LATIN_SUPPORTED = tuple(lang for lang, tag in SUPPORTED.items() if tag not in {"ru", "uk", "kk"})


@lru_cache(maxsize=1)
def wider_detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(*_LATIN_SUPPORTED, *WIDER)
        .with_low_accuracy_mode()
        .build()
    )


def detect_wider_language(text: str, *, min_confidence: float = 0.6) -> str | None:
    """BCP 47 tag of Latin ``text`` in one of the ``WIDER`` languages, when the wider detector
    is confident of it; None otherwise (then ``classify_language`` decides)."""
    text = text[:SAMPLE_CHARS]
    if script_of(text) != "Latin":
        return None
    values = wider_detector().compute_language_confidence_values(text)
    if not values or values[0].language not in WIDER or values[0].value < min_confidence:
        return None
    return WIDER[values[0].language]


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*SUPPORTED).with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """BCP 47 tag of the most likely language of ``text``, or None when undecidable."""
    text = text[:SAMPLE_CHARS]
    if not text or not any(ch.isalpha() for ch in text):
        return None
    language = detector().detect_language_of(text)
    return SUPPORTED.get(language) if language is not None else None


def script_of(text: str) -> str | None:
    """The script most letters of ``text`` are written in ("Latin", "Cyrillic", ...), or None.

    Script is the cheapest and most reliable signal on short strings such as keywords.
    """
    counts: dict[str, int] = {}
    for ch in text:
        if not ch.isalpha():
            continue
        try:
            script = unicodedata.name(ch).split(" ", 1)[0]
        except ValueError:
            continue
        counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda name: counts[name])
    return best.capitalize()


def orthography_language(text: str) -> str | None:
    """A language that the letters of ``text`` alone prove, or None when they prove nothing.

    Cyrillic text without Ukrainian/Kazakh/Azerbaijani letters is taken as Russian, the only
    other Cyrillic language we support.
    """
    script = script_of(text)
    lowered = text.lower()
    if script == "Cyrillic":
        for tag, letters in _CYRILLIC_MARKERS:
            if any(ch in letters for ch in lowered):
                return tag
        return "ru"
    if script == "Latin":
        for tag, letters in _LATIN_MARKERS:
            if any(ch in letters for ch in text):
                return tag
    return None


def classify_language(text: str, *, candidates: tuple[str, ...] | None = None) -> str | None:
    """BCP 47 tag of ``text``: script and orthography first, lingua only for the rest.

    ``candidates`` narrows lingua's choice (e.g. the languages already seen on the page).
    """
    text = text[:SAMPLE_CHARS]
    if not text or not any(ch.isalpha() for ch in text):
        return None
    by_letters = orthography_language(text)
    if by_letters is not None:
        return by_letters
    if script_of(text) != "Latin":
        return None
    pool: list[Language]
    if any(ch in _TURKIC_LETTERS for ch in text):
        pool = [Language.AZERBAIJANI, Language.TURKISH]
    elif candidates:
        pool = [_BY_TAG[tag] for tag in candidates if tag in _BY_TAG]
    else:
        pool = [lang for lang, tag in SUPPORTED.items() if tag not in {"ru", "uk", "kk"}]
    if len(pool) == 1:
        return SUPPORTED[pool[0]]
    if not pool:
        return detect_language(text)
    values = detector().compute_language_confidence_values(text)
    allowed = set(pool)
    for value in values:
        if value.language in allowed:
            return SUPPORTED[value.language]
    return None
