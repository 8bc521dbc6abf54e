"""Keyword lists by language, in printed order, from lines that may run the lists together."""

from __future__ import annotations

import re

from app.ingest.languages import classify_language, orthography_language, script_of
from app.ingest.ojs_page.labels import language_of
from app.ingest.text import zipf_frequencies


def labelled_keywords(lines: list[str], ui_language: str | None = None) -> dict[str, list[str]]:
    """Keywords printed after a label: OJS joins one language's list with its list separator
    (``, `` in most locales; ``;`` by many journals), so each line is one list in one language,
    decided from the whole list (single keywords are too short to tell apart)."""
    keywords: dict[str, list[str]] = {}
    for line in lines:
        terms = [t.strip(" .") for t in re.split(r"\s*[;,·]\s*|\s+-\s+", line) if t.strip(" .")]
        if not terms:
            continue
        language = language_of(", ".join(terms), ui_language) or "und"
        for term in terms:
            if term not in keywords.setdefault(language, []):
                keywords[language].append(term)
    return keywords


def split_keywords(lines: list[str]) -> dict[str, list[str]]:
    """Keywords by language, in printed order, from lists printed run together.

    OJS prints each language's list after the other, so one line can hold the end of one list and
    the start of the next (``immune factors inmunitarios factores``). Lines are cut where the
    script changes, or where word evidence (orthography; English word frequency) changes language.
    Keywords with no evidence of their own take the language of the list they sit in.
    """
    pieces: list[list[str]] = []
    for line in lines:
        for part in re.split(r"[;,]", line):
            words = part.split()
            if words:
                pieces.append(words)
    if not pieces:
        return {}
    latin = {w for words in pieces for w in words if script_of(w) == "Latin"}
    parts = {p for w in latin for p in w.split("-") if p}
    english = zipf_frequencies(parts, "en")

    def evidence(word: str) -> tuple[str | None, str | None]:
        script = script_of(word)
        language = orthography_language(word)
        if language is None and script == "Latin":
            halves = [p for p in word.split("-") if p]
            if halves and all(english.get(p, 0.0) >= 2.0 for p in halves):
                language = "en"
        return script, language

    segments: list[tuple[str, str | None, str | None]] = []
    for words in pieces:
        current: list[str] = []
        current_script: str | None = None
        current_language: str | None = None
        for word in words:
            script, language = evidence(word)
            cut = bool(current) and (
                script != current_script
                or (language is not None and current_language not in {None, language})
                # a word no English list knows, after English words: the next (non-English) list
                or (language is None and current_language == "en")
            )
            if cut:
                segments.append((" ".join(current), current_script, current_language))
                current, current_language = [], None
            if current and current_language is None and language is not None:
                # earlier unknown words of this piece belong with a known neighbour of their script
                current_language = language
            current.append(word)
            current_script = script
            current_language = current_language or language
        if current:
            segments.append((" ".join(current), current_script, current_language))

    resolved: list[tuple[str, str]] = []
    seen = [lang for _, _, lang in segments if lang]
    for index, (text, script, language) in enumerate(segments):
        if language is None:
            neighbours = segments[index - 1 :: -1] if index else []
            language = next((lg for _, sc, lg in neighbours if sc == script and lg), None)
            language = language or next(
                (lg for _, sc, lg in segments[index + 1 :] if sc == script and lg), None
            )
            language = language or classify_language(text, candidates=tuple(dict.fromkeys(seen)))
        resolved.append((text, language or "und"))
    keywords: dict[str, list[str]] = {}
    for text, language in resolved:
        if text not in keywords.setdefault(language, []):
            keywords[language].append(text)
    return keywords
