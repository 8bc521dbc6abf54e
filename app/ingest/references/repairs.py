"""Repairs of the tagger's labels before they are joined into segments.

Each rule fixes one mistake the CRF makes often and a reader never would (a title cut mid-phrase,
a page range broken after its dash, a book tagged as editors...); they are generic rules about
punctuation and bibliographic marks, never about any one reference.
"""

from __future__ import annotations

import re
from itertools import groupby
from operator import itemgetter

from app.ingest.references.names import CORPORATE_WORDS, is_initials
from app.ingest.references.patterns import DASH, REPEAT_MARK, YEAR


def _relabel_run(labels: list[str], start: int, old: str, new: str) -> None:
    """The run of ``old`` labels that starts at ``start`` (if any) relabelled ``new``."""
    j = start
    while j < len(labels) and labels[j] == old:
        labels[j] = new
        j += 1


def _fix_title_boundary(tokens: list[str], labels: list[str]) -> list[str]:
    """A title ends at punctuation: when the tagger cut it mid-phrase ("Role | of HLA in X,"),
    give the container's words up to the next comma or full stop back to the title."""
    if "title" not in labels or ("container-title" not in labels and "journal" not in labels):
        return labels  # nothing to repair: spare the walk over every token
    for i in range(1, len(tokens)):
        if (
            labels[i - 1] == "title"
            and labels[i] in ("container-title", "journal")
            and tokens[i - 1][-1] not in ".,:;?!\"”’»)"
        ):
            j = i
            while j < len(tokens) and labels[j] == labels[i] and tokens[j][-1] not in ".,:;?!":
                j += 1
            if j < len(tokens) - 1 and labels[j] == labels[i] and labels[j + 1] == labels[i]:
                for k in range(i, j + 1):
                    labels[k] = "title"
            break
    return labels


def _fix_number_labels(tokens: list[str], labels: list[str]) -> None:
    """Repairs of numbers the tagger splits badly: a page range broken after its dash
    ("1670-" "1683."), and a bare volume taken for a date before the year ("12 (1990):")."""
    for i in range(len(tokens) - 1):
        tok, nxt = tokens[i], tokens[i + 1]
        if labels[i] == "pages" and tok[-1] in DASH and nxt[:1].isdigit():
            labels[i + 1] = "pages"
        elif (
            labels[i] == "date"
            and labels[i + 1] == "date"
            and tok.rstrip(",.:;").isdigit()
            and not YEAR.search(tok)
            and YEAR.search(nxt)
            and (i == 0 or labels[i - 1] in ("journal", "container-title"))
        ):
            labels[i] = "volume"


def _fix_repeated_author(tokens: list[str], labels: list[str]) -> None:
    """"———. Watt. Paris: ..." (same author as above): words after the dashes are the title
    when the tagger ran them into the author and left no title."""
    if not tokens or "title" in labels or labels[0] != "author":
        return
    if not REPEAT_MARK.match(tokens[0]):
        return
    _relabel_run(labels, 1, "author", "title")


_EDITOR_WORD = re.compile(r"^\(?(?:eds?|editors?|hrsg|hg|dir|éds?|ред)\.?\)?[.,:;]?$", re.I)


def _fix_editor_tail(tokens: list[str], labels: list[str]) -> None:
    """"In: Brown A, editor. Oncology Handbook." with the book tagged as editors: the editor mark
    ends the names, and what follows it is the book when no container was tagged."""
    if "editor" not in labels or "container-title" in labels or "journal" in labels:
        return
    for i, token in enumerate(tokens[:-1]):
        if labels[i] == "editor" and labels[i + 1] == "editor" and _EDITOR_WORD.match(token):
            _relabel_run(labels, i + 1, "editor", "container-title")
            return


def _fix_corporate_author(tokens: list[str], labels: list[str]) -> None:
    """"World Health Organization. Global report. Geneva: WHO" with no author tagged: a first
    sentence naming a body, followed by more title, is the (corporate) author."""
    if labels[0] != "title" or "author" in labels:
        return
    for k, token in enumerate(tokens):
        if labels[k] != "title":
            return
        if token.endswith(".") and not is_initials(token):
            if k + 1 < len(tokens) and labels[k + 1] == "title" and not CORPORATE_WORDS.isdisjoint(
                t.strip(".,;:").lower() for t in tokens[: k + 1]
            ):
                labels[: k + 1] = ["author"] * (k + 1)
            return


_DIGIT = re.compile(r"\d")


def _fix_date_overrun(tokens: list[str], labels: list[str]) -> None:
    """"(2009) Notes on winter birds." with the first title words tagged as the date: a bracketed
    year closes the date, so the words after it, up to the title, are the title."""
    for i in range(len(tokens) - 2):
        if labels[i] == "date" and labels[i + 1] == "date" and tokens[i].endswith(")"):
            if not YEAR.search(tokens[i]):
                return
            j = i + 1
            while j < len(tokens) and labels[j] == "date" and not _DIGIT.search(tokens[j]):
                j += 1
            if j < len(tokens) and labels[j] == "title":
                labels[i + 1 : j] = ["title"] * (j - i - 1)
            return


_ET_AL_END = frozenset({"al.", "al", "dr.", "dr", "др.", "др"})
_ET_AL_START = frozenset({"et", "i", "и"})


def _fix_after_et_al(tokens: list[str], labels: list[str]) -> None:
    """"Ivanov I.I., Petrov P.P., i dr. Title. Journal" with the title tagged as authors: nothing
    after "et al."/"i dr." is a name, so the author run ends there and the title starts."""
    if "title" in labels:
        return
    for i in range(1, len(tokens) - 1):
        if (
            labels[i] == "author"
            and labels[i + 1] == "author"
            and tokens[i].lower().rstrip(",;") in _ET_AL_END
            and tokens[i - 1].lower() in _ET_AL_START
        ):
            _relabel_run(labels, i + 1, "author", "title")
            return


def labelled_segments(tokens: list[str], labels: list[str]) -> list[tuple[str, str]]:
    """The tagger's labels, repaired, as ``(label, text)`` runs in printed order."""
    labels = _fix_title_boundary(tokens, list(labels))
    _fix_number_labels(tokens, labels)
    _fix_editor_tail(tokens, labels)
    _fix_date_overrun(tokens, labels)
    _fix_after_et_al(tokens, labels)
    if labels:
        _fix_corporate_author(tokens, labels)
    _fix_repeated_author(tokens, labels)
    # one join per run of a label, not one concatenation per token
    return [
        (label, " ".join(token for token, _ in run))
        for label, run in groupby(zip(tokens, labels, strict=True), key=itemgetter(1))
    ]
