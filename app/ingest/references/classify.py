"""CSL type and language of a parsed reference, from its fields and a few generic words.

Both are decided after the fields, because they depend on which fields were found (a container
and an editor make a chapter) and on the title's words.
"""

from __future__ import annotations

import re
from typing import Any

from app.ingest.languages import detect_language, orthography_language
from app.ingest.references.patterns import WORD

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_UKRAINIAN = set("іїєґІЇЄҐ")
_KAZAKH = set("әғқңөұүһӘҒҚҢӨҰҮҺ")


_CONFERENCE = re.compile(
    r"proc\.|proceedings|conference|symposium|workshop|congress|конференц|симпозиум|съезд|"
    r"материалы .*(?:форума|конгресса|чтений)"
)
# GOST imprint "City: Publisher, Year": М.:, СПб.:, Moscow:, Baku:
_GOST_IMPRINT = re.compile(r"(?:^|[\s.–—-])(?:[А-ЯA-Z][а-яa-z]{0,10}\.?)\s*:\s*[^\d\s]")
_THESIS = re.compile(r"\bthes[ie]s\b|\bdissertation|диссертац|автореф|\bph\.?\s?d\b")
_THESIS_HINT = re.compile(r"thes[ie]s|dissertation|диссертац|автореф|ph\.?\s?d")
_REPORT_WORDS = ("technical report", "working paper", "report no", "tech. rep")
_REPORT = re.compile(r"\b(?:technical report|working paper|report no|tech\. rep)")


def guess_type(item: dict[str, Any], raw: str, labels: set[str]) -> str:
    """CSL type from which fields are present and a few generic words."""
    low = raw.lower()
    genre = str(item.get("genre", "")).lower()
    both = genre + " " + low
    # The hint has no leading \b, so the regex engine skips to its first letters: most strings
    # are rejected without trying the full pattern at every position.
    if _THESIS_HINT.search(both) and _THESIS.search(both):
        return "thesis"
    if any(word in low for word in _REPORT_WORDS) and _REPORT.search(low):
        return "report"
    container = str(item.get("container-title", "")).lower()
    if _CONFERENCE.search(container):
        return "paper-conference"
    if "//" in raw:
        # GOST: "// Book. – City: Publisher, Year" is a chapter, "// Journal. Year. № 2" an article
        after = raw.split("//", 1)[1]
        if _GOST_IMPRINT.search(after) and not re.search(r"№|\b[Tт]\.\s*\d|\bvol\.", after,
                                                         re.IGNORECASE):
            return "chapter"
        return "article-journal"
    if "journal" in labels:
        return "article-journal"
    if container:
        if "editor" in labels or re.search(r"(?<!\()\bin:?\s", low) or "publisher" in item:
            return "chapter"
        return "article-journal"
    if "publisher" in item or "ISBN" in item or "publisher-place" in item:
        return "book"
    if "URL" in item and "volume" not in item:
        return "webpage"
    return "article-journal" if "volume" in item or "page" in item else "book"


# Function words that only one of our common Latin-script languages uses; hits and no rival decide
# the language without the statistical detector (~300 µs a call, two thirds of a whole parse).
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the of and for with on to from by is are an its their this at into between",
        "fr": "le la les des du et une dans pour sur au aux est par pas qui que ou",
        "de": "der die das und von zur zum mit für ein eine im auf den dem des ist über bei",
        "es": "el los las y del una en para con por sobre al como entre",
        "it": "il lo gli della delle dei degli nel nella per con una sul sulla tra",
        "pt": "os da das do dos em para com uma no na nos sobre ao pelo pela",
        "nl": "het een van voor en op met zijn bij naar over",
    }.items()
}


def language_of(text: str) -> str | None:
    """Script first (Cyrillic → ru/uk/kk by their own letters), then function words, then lingua."""
    if not text:
        return None
    if _CYRILLIC.search(text):
        letters = set(text)
        if letters & _KAZAKH:
            return "kk"
        if letters & _UKRAINIAN:
            return "uk"
        return "ru"
    words = set(WORD.findall(text.lower()))
    hits = {lang: len(words & vocab) for lang, vocab in _FUNCTION_WORDS.items()}
    best = max(hits, key=hits.__getitem__)
    # One language's function words and (nearly) none of another's: a single "la" or "der" is as
    # good a sign as lingua's low-accuracy guess on a short title, and far cheaper.
    if hits[best] and sorted(hits.values())[-2] * 3 <= hits[best]:
        return best
    if text.isascii() and not any(n for lang, n in hits.items() if lang != "en"):
        # An unaccented title with no other language's function word: short English titles
        # ("Immune profiles in pregnancy", "Photovoltaic Materials") fool the low-accuracy
        # detector, which named such titles Italian or Spanish at ~300 µs a call.
        return "en"
    # letters only one of our languages writes (ł, ß, ñ, ã, ə...), before the costly detector
    return orthography_language(text) or detect_language(text)
