"""Text repairs for what PDF extraction and OJS leave in page text.

Word frequencies come from ``wordfreq`` data, but are streamed from its files rather than looked up
with ``wordfreq.zipf_frequency``: that call keeps the whole word list in memory (the Russian list
alone costs ~120 MiB), which a server with a 150 MiB budget cannot afford.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import msgpack
import wordfreq

# A word broken by a PDF line break: letters, one hyphen (possibly followed by the line break
# itself), letters; not part of a longer hyphenated chain such as "anti-TNF-alpha".
_BROKEN_WORD = re.compile(
    r"(?<![\w-])(?P<left>[^\W\d_]+)-(?:[ \t]*\n[ \t]*)?(?P<right>[^\W\d_]+)(?![\w-])"
)
# The joined word must be a word people actually write, not noise in a large corpus.
_MIN_JOINED_ZIPF = 1.5


@lru_cache(maxsize=16)
def _wordlist_path(lang: str) -> str | None:
    """Path of the largest wordfreq list for ``lang``; None when wordfreq has no data for it.

    wordfreq itself would silently fall back to a "nearest" language (Azerbaijani → Russian),
    which would make every Azerbaijani word look unknown and every repair wrong.
    """
    for wordlist in ("large", "small"):
        path = wordfreq.available_languages(wordlist).get(lang)
        if path:
            return path
    return None


def has_word_frequencies(lang: str) -> bool:
    """Whether wordfreq has data for ``lang`` (it has none for Azerbaijani, for instance)."""
    return _wordlist_path(lang) is not None


def normalize_word(word: str, lang: str) -> str:
    """The form under which wordfreq stores ``word`` (case-folded, NFC, wordfreq's tokenizer)."""
    tokens = wordfreq.lossy_tokenize(word, lang)
    if len(tokens) == 1:
        return tokens[0]
    return unicodedata.normalize("NFC", word.casefold())


def zipf_frequencies(words: Iterable[str], lang: str) -> dict[str, float]:
    """Zipf frequency of each word in ``lang`` (0.0 when unknown), read in one streaming pass.

    Keys are the words as given. Streaming keeps memory flat whatever the size of the word list.
    """
    given = list(dict.fromkeys(words))
    result = dict.fromkeys(given, 0.0)
    path = _wordlist_path(lang)
    if path is None or not given:
        return result
    forms: dict[str, list[str]] = {}
    for word in given:
        forms.setdefault(normalize_word(word, lang), []).append(word)
    wanted = set(forms)
    with gzip.open(path, "rb") as stream:
        unpacker = msgpack.Unpacker(stream, raw=False, max_buffer_size=0)
        size = unpacker.read_array_header()
        unpacker.unpack()  # header: {"format": "cB", "version": 1}
        # Bucket i holds the words whose frequency is -i centibels; zipf = (cB + 900) / 100.
        for index in range(size - 1):
            bucket = unpacker.unpack()
            found = wanted.intersection(bucket)
            for form in found:
                for word in forms[form]:
                    result[word] = (900 - index) / 100
            wanted -= found
            if not wanted:
                break
    return result


def repair_line_break_hyphens(text: str, lang: str) -> str:
    """Remove hyphens that a PDF line break left inside a word, keep those of real compounds.

    ``etio-logy`` becomes ``etiology`` because the joined word is more frequent than at least one
    of its halves (a fragment); ``maternal-fetal`` stays because ``maternalfetal`` is no word.
    A capitalised second half (``Maternal-Fetal``) marks a compound and is never joined.
    Languages without wordfreq data are returned unchanged rather than guessed at.
    """
    if not has_word_frequencies(lang):
        return text
    matches = [m for m in _BROKEN_WORD.finditer(text) if not m.group("right")[0].isupper()]
    if not matches:
        return text
    words: set[str] = set()
    for match in matches:
        left, right = match.group("left"), match.group("right")
        words.update((left, right, left + right))
    zipf = zipf_frequencies(words, lang)

    def join_if_broken(match: re.Match[str]) -> str:
        left, right = match.group("left"), match.group("right")
        if left + right not in zipf:  # a compound with a capitalised second half
            return match.group(0)
        joined = zipf[left + right]
        if joined >= _MIN_JOINED_ZIPF and joined > min(zipf[left], zipf[right]):
            return left + right
        return match.group(0)

    return _BROKEN_WORD.sub(join_if_broken, text)


def normalize_spaces(text: str) -> str:
    """Collapse runs of spaces and tabs (PDF and HTML extraction leave them) and trim."""
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()
