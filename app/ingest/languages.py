"""Language detection shared by the page loader and the reference parser.

One lingua detector, built lazily, in low-accuracy mode over the languages our journals print:
high-accuracy mode costs ~250 MiB with eight languages, over the server's 150 MiB budget.
Callers should use script and orthography first (Cyrillic, Azerbaijani letters) and fall back to
this detector only for what those cannot decide.
"""

from __future__ import annotations

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


@lru_cache(maxsize=1)
def detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*SUPPORTED).with_low_accuracy_mode().build()


def detect_language(text: str) -> str | None:
    """BCP 47 tag of the most likely language of ``text``, or None when undecidable."""
    if not text or not any(ch.isalpha() for ch in text):
        return None
    language = detector().detect_language_of(text)
    return SUPPORTED.get(language) if language is not None else None
