"""Bytes of a saved page → its text, refusing what would store garbage.

Encodings are not guessed: UTF-8 (with or without BOM) and BOM-marked UTF-16 are read; anything
else is refused, because a latin-1 guess would turn Cyrillic into plausible-looking garbage. Two
re-saves that *do* decode as UTF-8 are refused too, since loading them would overwrite good text
with gibberish: UTF-7 (``+BBoEOwQ4-`` for Cyrillic, all ASCII) and mojibake (UTF-8 read as
cp1251/latin-1 and saved again: ``РђРЅРЅРѕ``, ``Ã©``), found by ftfy's badness measure.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ftfy.badness import badness

from app.ingest.records import PageError

DEFAULT_MAX_PAGE_BYTES = 10 * 1024 * 1024
# The checks below look at a bounded sample: a page's encoding shows in its first pages of text.
_SAMPLE_CHARS = 64 * 1024
_UTF7_RUN = re.compile(r"\+[A-Za-z0-9/+]{3,}-?")
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)


def read_page(path: Path, *, max_bytes: int = DEFAULT_MAX_PAGE_BYTES) -> str:
    """Text of a saved page; ``PageError`` with a one-line reason when it cannot be a page."""
    path = Path(path)
    if not path.exists():
        raise PageError(f"no such file: {path}")
    if path.is_dir():
        raise PageError(f"is a directory, not a page file: {path}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PageError(
                f"page is {_size(size)}, over the {_size(max_bytes)} limit "
                f"(LOAD_MAX_PAGE_BYTES): {path}"
            )
        data = path.read_bytes()
    except OSError as error:
        raise PageError(f"cannot read {path}: {error.strerror or error}") from error
    try:
        return decode_page(data, max_bytes=max_bytes)
    except PageError as error:
        raise PageError(f"{error}: {path}") from None


def decode_page(data: bytes, *, max_bytes: int = DEFAULT_MAX_PAGE_BYTES) -> str:
    """Text of a page's bytes (UTF-8 or BOM-marked UTF-16), or ``PageError`` saying why not."""
    if len(data) > max_bytes:
        raise PageError(
            f"page is {_size(len(data))}, over the {_size(max_bytes)} limit (LOAD_MAX_PAGE_BYTES)"
        )
    if not data.strip():
        raise PageError("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise PageError("invalid UTF-16 despite its byte order mark") from error
    else:
        if b"\x00" in data:
            raise PageError("binary content (NUL bytes), not a text page")
        declared = _DECLARED_CHARSET.search(data[:4096])
        if declared and declared.group(1).lower().replace(b"_", b"-") in {b"utf-7", b"utf7"}:
            raise PageError("the page declares UTF-7; save it again as UTF-8")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PageError(
                f"not UTF-8 text (undecodable byte at {error.start}); save it as UTF-8"
            ) from error
    if _mostly_non_text(text):
        raise PageError("binary content (mostly control characters), not a text page")
    if not text.strip():
        raise PageError("empty file")
    check_encoding(text)
    return text


def check_encoding(text: str) -> None:
    """``PageError`` when decodable text is a wrong re-save (UTF-7, mojibake) of a real page."""
    sample = text[:_SAMPLE_CHARS]
    utf7 = _utf7_evidence(sample)
    if utf7:
        raise PageError(
            f"text looks UTF-7 encoded ({utf7}); save the page again as UTF-8"
        )
    bad = badness(sample)
    letters = sum(1 for ch in sample if ch.isalpha())
    # ftfy counts character sequences that only mis-decoding produces; a handful per page of
    # legitimate text is its known false-positive rate, mojibake yields one per word.
    if bad >= 8 and bad * 40 >= letters:
        example = _bad_example(sample)
        raise PageError(
            f"text is mojibake (UTF-8 read in another encoding and saved again{example}); "
            "save the page from its original as UTF-8"
        )


def _utf7_evidence(sample: str) -> str | None:
    """A decoded example when ``+…-`` runs are UTF-7 for non-ASCII letters; None otherwise."""
    if sum(1 for ch in sample if ord(ch) > 127) > len(sample) // 200:
        return None  # real non-ASCII text: the page is not UTF-7
    runs = _UTF7_RUN.findall(sample)
    decoded: list[tuple[str, str]] = []
    for run in runs[:200]:
        try:
            value = codecs.decode(run.encode("ascii"), "utf-7")
        except (UnicodeDecodeError, ValueError):
            continue
        if sum(1 for ch in value if ch.isalpha() and ord(ch) > 127) >= 2:
            decoded.append((run, value))
    if len(decoded) < 3:
        return None
    run, value = decoded[0]
    return f"{run!r} is {value!r}"


def _bad_example(sample: str) -> str:
    for word in sample.split():
        if badness(word) and len(word) <= 40:
            return f", e.g. {word!r}"
    return ""


def _mostly_non_text(text: str) -> bool:
    """True when control characters dominate: a binary file that happens to decode."""
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\n\r\t\f")
    return controls > max(8, len(sample) // 20)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"
