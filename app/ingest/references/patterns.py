"""Patterns and the whitespace rule that every step of the reference parser shares.

Kept apart so that the steps (names, numbering, titles, GOST, repairs) agree on what a dash, a
quote or a year is, and import it from one place rather than from each other.
"""

from __future__ import annotations

import re

DASH = "-‐‑‒–—―−"
QUOTES = (
    ("“", "”"), ('"', '"'), ("«", "»"), ("»", "«"), ("‘", "’"), ("``", "''"), ("„", "“"),
    ("‚", "‘"), ("'", "'"),
)
YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_RANGE_DASH = re.compile(rf"\s*[{DASH}]\s*")
WORD = re.compile(r"[^\W\d_]+")
# "———." printed for "the same authors as the entry above"
REPEAT_MARK = re.compile(r"^[—–_-]{2,}[.,]?$|^—[.,]?$")


def normalize_space(text: str) -> str:
    """One space between words and none at the ends, so that no pattern meets a run of spaces."""
    return " ".join(text.split())


def page_range(text: str) -> str:
    """``12 – 19`` → ``12-19``: whatever dash a range is printed with, as one hyphen."""
    return _RANGE_DASH.sub("-", text)


def year_of(text: str) -> int | None:
    """The first year (1500-2099) printed in ``text``, or None."""
    match = YEAR.search(text)
    return int(match.group(1)) if match else None
