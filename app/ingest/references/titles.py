"""Title and container text: the separators and quotes around them, and the splits of one tagged
segment that holds both (``"Title," in Book``, ``Title. Journal.``, ``Chapter, Book, Editor``).

These rules run on the tagger's segments and on the GOST path alike, so they live in one place.
"""

from __future__ import annotations

import re

from app.ingest.references.patterns import QUOTES, normalize_space

_IN_PREFIX = re.compile(r"^(?:In|in|IN|Dans|dans|В|в)\s*:?\s+")


def _strip_quotes(text: str) -> str:
    """Remove one pair of enclosing quotes (and the ``.``/``,`` printed inside them)."""
    text = text.strip()
    for left, right in QUOTES:
        if len(text) > 2 and text.startswith(left) and text.endswith(right):
            inner = text[len(left) : len(text) - len(right)].strip()
            if left not in inner and right not in inner:
                return inner.rstrip(".,").strip()
    return text


def clean_title(text: str) -> str | None:
    """Title as printed without the separator after it or its enclosing quotes."""
    text = normalize_space(text).strip(" ,;:/")
    text = text.rstrip(".,;: ")
    for left, right in QUOTES:
        # A closing quote followed by the separator that the CRF kept: “Title,”
        if text.startswith(left) and text.endswith(right):
            text = _strip_quotes(text)
            break
        if text.startswith(left) and right not in text[len(left) :]:
            text = text[len(left) :].strip()
            break
    text = text.strip().rstrip(".,;:").strip()
    return text or None


_VOLUME_LABEL_TAIL = re.compile(r"[,.]\s*(?:Jg|Vol|Bd|Heft|Nr|No|T)\.?$")


def clean_container(text: str) -> str | None:
    """Journal or book title without a leading ``In:`` and surrounding punctuation or quotes."""
    text = normalize_space(text)
    while True:
        new = _IN_PREFIX.sub("", text)
        if new == text:
            break
        text = new
    text = text.strip(" .,;:/")
    for left, right in (("«", "»"), ("“", "”"), ("„", "“"), ("‘", "’")):
        if text.startswith(left) and right not in text:
            text = text[1:]
        if text.endswith(right) and left not in text:
            text = text[:-1]
    text = text.strip('"').strip(" .,;:")
    text = _VOLUME_LABEL_TAIL.sub("", text)  # "Zeitschrift für Soziologie, Jg." (volume follows)
    return text or None


def split_quoted_title(text: str, container: str | None) -> tuple[str, str | None]:
    """``"Title," in Book`` tagged as one title: the title is what the quotes hold, and what
    follows them is the container when none was found."""
    text = text.strip()
    for left, right in QUOTES[:-1]:  # not ASCII apostrophes: "l'approche" holds one
        if text.startswith(left):
            end = text.find(right, len(left))
            if end < 0:
                return text, container
            after = text[end + len(right) :]
            rest = after.strip(" ,.;:")
            # the quotes close the title only with a separator: "Title," / "Title". / "Title" In
            closed = text[end - 1 : end] in ".,?!" or after[:1] in (".", ",", ":", ";")
            if not closed and not rest.lower().startswith(("in ", "in:")):
                return text, container
            if not any(ch.isalpha() for ch in rest):
                return text, container
            return text[: end + len(right)], container or rest
    return text, container


# A title whose last token runs into the next field, as text taken from PDFs prints it:
# "theories,Annals" "arsenide.Nat." or a separate ",Phys" at the end. (Searched, not matched with a
# leading ".*": each punctuation mark starts one short attempt, so the work stays linear.)
_GLUED_TAIL = re.compile(r"[,.](?P<tail>[A-Z][^\W\d_]*\.?)$")


def move_glued_tail(text: str, container: str | None) -> tuple[str, str | None]:
    """The word run into the title's end (``theories,Annals``) moved to the container's front."""
    head, _, last = text.rstrip().rpartition(" ")
    match = _GLUED_TAIL.search(last) if head and ("," in last or "." in last) else None
    if not match:
        return text, container
    kept = last[: match.start()]
    if kept and not (len(kept) >= 2 and kept[-2:].isalpha()):
        return text, container  # "U.S.A": initials, not a word run into a name
    title = f"{head} {kept}" if kept else head
    tail = match.group("tail")
    return title, f"{tail} {container}" if container else tail


def title_before_publisher(segments: list[tuple[str, str]]) -> bool:
    """True if the publisher follows the first title with nothing between (a book or chapter)."""
    labels = [label for label, _ in segments]
    at = labels.index("title")
    return at + 1 < len(labels) and labels[at + 1] == "publisher"


_PERSON_WORD = re.compile(r"^(?:[A-Z][a-z]*\.|[A-Z][a-z'’-]+)$")


def split_comma_chapter(text: str) -> tuple[str, str, str] | None:
    """``Chapter, Book, Editor Name`` tagged as one title before the publisher (IntechOpen's and
    similar open-access chapter citations): split at the last two commas when a person's name
    (two or three capitalised words) ends it."""
    parts = normalize_space(text).rstrip(" ,.").split(", ")
    if len(parts) < 3:
        return None
    editor_words = parts[-1].split()
    if not 2 <= len(editor_words) <= 3 or not all(_PERSON_WORD.match(w) for w in editor_words):
        return None
    book = parts[-2]
    if not book[:1].isupper() or len(book.split()) < 2:
        return None
    return ", ".join(parts[:-2]), book, parts[-1]


def split_title_journal(text: str) -> tuple[str, str | None]:
    """``Title. Journal Name.`` tagged as one title, when nothing else is the journal: split at the
    last full stop if a short capitalised name follows it."""
    words = text.split()
    for i in range(len(words) - 2, 0, -1):
        word = words[i]
        if word.endswith(".") and len(word.rstrip(".")) > 2 and words[i + 1][:1].isupper():
            rest = words[i + 1 :]
            if len(rest) <= 6 and all(w[:1].isupper() or w.lower() in _MINOR for w in rest):
                return " ".join(words[: i + 1]), " ".join(rest)
            break
    return text, None


_MINOR = {"of", "and", "the", "for", "in", "on", "&", "de", "la", "und", "der", "für"}
