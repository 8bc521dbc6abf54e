"""How much one reference string may ask of the parser: bounded length and word count.

Every step of the parser is linear in its input, so these limits bound the time per string
(a property test checks it); they sit ten times above real references (the longest of AnyStyle's
1,459 training strings has 553 characters and 82 words) and turn a hostile megabyte into a clear
422 instead of seconds of CPU.
"""

from __future__ import annotations

MAX_REFERENCE_CHARS = 5_000
MAX_REFERENCE_WORDS = 600


def reference_size_problem(raw: str) -> str | None:
    """Why ``raw`` is too big to parse, or None when it is within the limits."""
    if len(raw) > MAX_REFERENCE_CHARS:
        return f"is {len(raw)} characters long; at most {MAX_REFERENCE_CHARS} are parsed"
    words = len(raw.split())
    if words > MAX_REFERENCE_WORDS:
        return f"has {words} words; at most {MAX_REFERENCE_WORDS} are parsed"
    return None
