"""A published date as an OJS page prints it, in any UI language → ``date`` (ISO 8601 out).

OJS's default short format is ISO (``2021-03-15``); journals also set formats that print the
day and year as numbers (``15.03.2021``) or the month's name in the UI language (``15 de março
de 2021``, ``March 15, 2021``, ``5 марта 2021 г.``, ``12 mart 2021``). Month names come from CLDR
(``month_table``, generated): the page's UI language is asked first, because one word names
different months in different languages (Croatian ``listopad`` is October, Czech November); a
word is read without it only when every language that has it means the same month.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from app.ingest.ojs_page.month_table import MONTHS
from app.ingest.ojs_page.shapes import ISO_DATE
from app.ingest.text import normalize_spaces

_DOTTED = re.compile(r"(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)")
_TOKEN = re.compile(r"\d+|[^\W\d_]+\.?")
_YEAR = re.compile(r"^(?:1[6-9]|20)\d{2}$")
# Day numbers may carry an ordinal ending ("March 5th", "5-го"): only the digits count.
_DAY = re.compile(r"^\d{1,2}$")


@lru_cache(maxsize=1)
def _unambiguous() -> dict[str, int]:
    """Month words that mean one month in every language that has them."""
    months: dict[str, set[int]] = {}
    for words in MONTHS.values():
        for word, number in words.items():
            months.setdefault(word, set()).add(number)
    return {word: next(iter(numbers)) for word, numbers in months.items() if len(numbers) == 1}


def _month(word: str, ui_language: str | None) -> int | None:
    folded = word.casefold().rstrip(".")
    if ui_language and ui_language in MONTHS:
        found = MONTHS[ui_language].get(folded)
        if found:
            return found
    return _unambiguous().get(folded)


def parse_date(text: str, ui_language: str | None = None) -> date | None:
    """The date a published line states, or None: ISO, ``dd.mm.yyyy``, or day, month name and
    year in any order and UI language. A month and year without a day are not a date."""
    text = normalize_spaces(text)[:120]
    try:
        match = ISO_DATE.search(text)
        if match:
            return date.fromisoformat(match["date"])
        dotted = _DOTTED.search(text)
        if dotted:
            day, month, year = (int(part) for part in dotted.groups())
            return date(year, month, day)
        return _in_words(text, ui_language)
    except ValueError:
        return None


def _in_words(text: str, ui_language: str | None) -> date | None:
    tokens = _TOKEN.findall(text)
    months = [
        (i, m)
        for i, t in enumerate(tokens)
        if not t[0].isdigit() and (m := _month(t, ui_language))
    ]
    years = [i for i, t in enumerate(tokens) if _YEAR.match(t)]
    if len(months) != 1 or len(years) != 1:
        return None
    position, month = months[0]
    days = [i for i, t in enumerate(tokens) if _DAY.match(t) and 1 <= int(t) <= 31]
    if not days:
        return None
    # the day is the number nearest the month's name ("15 de março de 2021", "March 15, 2021")
    day = min(days, key=lambda i: abs(i - position))
    if abs(day - position) > 2:
        return None
    return date(int(tokens[years[0]]), month, int(tokens[day]))
