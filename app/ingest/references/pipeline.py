"""Reference string → CSL-JSON item: the pipeline that runs the package's steps in order.

A hybrid, because no single method handles all the styles our journals print:

* identifiers (DOI, URL, PMID, PMCID, ISBN) are found by rules in the whole string first and cut
  out, since their forms are fixed and a tagger only blurs them;
* GOST references (``Authors Title // Journal. Year. Т. 5, № 2. С. 10-20.``) are split by rules on
  ``//``, the one separator that style guarantees;
* everything else is labelled word by word by a CRF trained on AnyStyle's data
  (:mod:`app.ingest.reference_model`); its labels are repaired (:mod:`.repairs`) and the
  labelled segments turned into fields (:mod:`.fields`).

Authors are the printed names in order; a trailing ``et al.``/``и др.`` is never turned into a name:
it is recorded as ``"note": "et al."`` (CSL's free-text note), so clients can still see the list
is truncated.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from app.ingest.languages import classify_language, detect_wider_language
from app.ingest.reference_model import clear_caches as _clear_model_caches
from app.ingest.reference_model import tag, tagger, tokenize
from app.ingest.references.classify import guess_type, language_of
from app.ingest.references.cuts import cut_identifiers, cut_vancouver
from app.ingest.references.fields import SAME_AUTHORS, fill_from_segments
from app.ingest.references.gost import parse_gost
from app.ingest.references.names import is_initials
from app.ingest.references.patterns import normalize_space
from app.ingest.references.repairs import labelled_segments

_GOST_AREA_DASH = re.compile(r"(?<=[.,:;])\s+[–—-]\s+(?=\S)")
_GLUED_YEAR = re.compile(r"(?<=[^\W\d_])\((?=(?:1[5-9]|20)\d\d[a-z]?\))")
_CITATION_NUMBER = re.compile(r"^\s*(?:\[\d+\]|\(\d+\)|\d{1,3}\.(?=\s)|\d{1,3}(?=\s+\D))\s*")


def parse_reference(raw: str) -> dict[str, Any]:
    """One printed reference → one CSL-JSON item (only the fields the string supports).

    A truncated author list (``et al.``, ``и др.``) is kept as printed and flagged by a ``note``
    that starts with ``et al.`` (other printed notes follow after ``; ``); no name is invented.
    """
    raw = unicodedata.normalize("NFC", raw or "")
    item: dict[str, Any] = {}
    # One space between words before any pattern runs: patterns with "\s*...\s*" around an
    # optional mark are quadratic in a run of spaces ("Published" + 10,000 spaces took 9 s).
    text = cut_identifiers(normalize_space(raw), item)
    text = _CITATION_NUMBER.sub("", text)
    # GOST 7.1 separates areas with ". – ": the dash is punctuation, not text of any field
    if " – " in text or " — " in text or " - " in text:  # text has single spaces here
        text = _GOST_AREA_DASH.sub(" ", text)
    if "(" in text:  # "Weber, Max(1921):" – the year glued to the name
        text = _GLUED_YEAR.sub(" (", text)
    labels: set[str] = set()
    if "//" in text:
        parse_gost(text, item)
    else:
        text = cut_vancouver(text, item)
        tokens = tokenize(text)
        tags = tag(tokens)
        labels = set(tags)
        fill_from_segments(labelled_segments(tokens, tags), item, fixed=set(item))
    item["type"] = guess_type(item, raw, labels)
    language = language_of(item.get("title") or text)
    if language:
        item["language"] = language
    return item


def clear_caches() -> None:
    """Forget the per-token work cached so far (for benchmarks timing strings never parsed)."""
    _clear_model_caches()
    is_initials.cache_clear()


def warm_up() -> None:
    """Load what parsing loads once per process: the tagger's model and the language detectors'
    models (lingua loads a language's model the first time it is a candidate). About half a
    second of CPU, a second on a busy machine: paid at start-up, not by the first client, and
    kept out of the time of whichever string happens to be parsed first."""
    tagger()
    for sample in (
        "Smith J. A study of examples in English. J Ex. 2020;5(2):10-20.",
        "Müller K. Eine Studie über die Sprache. Z Ex. 2020;1:2-3.",
        "Иванов И.И. Изучение русского языка // Журнал. 2019. № 1. С. 1-2.",
    ):
        for text in (sample, sample.lower()):
            classify_language(text)
            detect_wider_language(text)
    parse_reference("Smith J. A study of examples. J Ex. 2020;5(2):10-20.")


def parse_references(
    raws: list[str], *, before_each: Callable[[], None] | None = None
) -> list[dict[str, Any]]:
    """Parse a reference list, one CSL-JSON item per string, in order.

    In a list, a repeated-author mark (``———.``) takes the authors of the entry above, which is
    what the mark means; a lone string keeps no author and the note :data:`SAME_AUTHORS`.
    ``before_each`` runs before every string: it may raise to stop a long batch (a server that
    is shutting down).
    """
    items = []
    for raw in raws:
        if before_each is not None:
            before_each()
        items.append(parse_reference(raw))
    for previous, item in zip(items, items[1:], strict=False):
        if item.get("note") == SAME_AUTHORS and "author" not in item and previous.get("author"):
            item["author"] = [dict(name) for name in previous["author"]]
    return items
