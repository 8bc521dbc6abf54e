"""A CRF token tagger that labels the words of a reference string (author, title, journal...).

Trained on AnyStyle's labelled references (``data/anystyle/train.xml``, BSD-2-Clause), the same way
AnyStyle trains its parser: one label per whitespace token. Features are mostly about shape and
punctuation, so that the model carries over to scripts and journals it never saw.

    # writes app/ingest/data/references.crfsuite (`make model`):
    .venv/bin/python -m app.ingest.reference_model train

Predictions of the whole parser for a gold file: ``bench/score_references.py GOLD.json --out FILE``.

Training is deterministic (L-BFGS, fixed order, no sampling) and never reads the development set.
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

import pycrfsuite

ROOT = Path(__file__).resolve().parents[2]
TRAIN_XML = ROOT / "data" / "anystyle" / "train.xml"
# GROBID's citation corpus (Apache-2.0) in the same format, without its held-out fifth
# (scripts/grobid_citations.py converts it; tests/fixtures/grobid_heldout.json is the rest).
GROBID_XML = ROOT / "data" / "grobid" / "train.xml"
# Invented examples of styles AnyStyle's data lacks (open-access chapters, Cyrillic, ResearchGate).
SUPPLEMENT_XML = ROOT / "data" / "references" / "supplement.xml"
MODEL_PATH = Path(__file__).resolve().parent / "data" / "references.crfsuite"

# Generic bibliographic vocabulary (no fact of any particular reference).
MONTHS = {
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
    "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov",
    "november", "dec", "december", "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre", "januar", "februar",
    "märz", "juni", "juli", "oktober", "dezember", "spring", "summer", "autumn", "fall", "winter",
    "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
    "октябрь", "ноябрь", "декабрь",
}
LEXICON: dict[str, str] = {}
for _kind, _words in {
    "vol": "vol vol. volume vols v. bd. bd band tome t. т. том jg. jahrgang",
    "no": "no no. nos. n° nr. nr n. number issue heft h. № suppl suppl. supplement",
    "pp": "pp pp. p. pages page s. с. seiten",
    "ed": "ed ed. eds eds. editor editors edited hrsg. hrsg (ed.) (eds.) (hrsg.) éd. dir. (dir.)"
    " ред. под hg. (hg.) (hg) (hrsg) (eds) (ed) (coord.) (org.) (orgs.)",
    "in": "in in: dans en im",
    "and": "and & und et y e и",
    "etal": "al al. др. др dr.",
    "collab": "collaboration collab. consortium",
    "corp": "organization organisation association institute ministry committee council agency"
    " department commission bureau federation society",
    "pub": "press verlag publishers publisher publishing presses university univ. books inc."
    " inc ltd. ltd co. издательство изд-во",
    "jour": "journal j. journ. review rev. bulletin bull. annals ann. proceedings proc."
    " transactions trans. letters lett. quarterly magazine acta zeitschrift revue"
    # the words journal abbreviations are made of (ISO 4), which sciences print without titles
    " phys. chem. acad. sci. soc. nucl. math. astron. astrophys. mod. res. appl. biol. med."
    " mol. natl. commun. theor. exp. opt. mater. geophys. mech. eng. comput. stat. statist."
    " zh. fiz. rep. int. eur.",
    "conf": "conference symposium workshop congress meeting colloquium proc. proceedings",
    "thesis": "thesis dissertation phd ph.d. master's diss. диссертация",
    "edn": "edition ed. edn. aufl. auflage éd. изд.",
    "trans": "trans. translated transl. übers.",
    "url": "retrieved available accessed online url from",
}.items():
    for _w in _words.split():
        LEXICON.setdefault(_w, _kind)

_STRIP = "\"'“”‘’«»„()[]{}<>.,;:!?*"
_YEAR = re.compile(r"^\(?\[?(1[5-9]\d\d|20\d\d)[a-z]?[\])]?[.,;:)]*$")
_ROMAN = re.compile(r"^[ivxlcdm]+$", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:[^\W\d_]\.?[-‐]?){1,3}[.,]*$")
# Starts only at the first digit of a number: tried inside a 10,000-digit token at every
# position, "\d+" made the search quadratic.
_RANGE = re.compile(r"(?<!\d)\d+\s*[-–—‐]\s*\d+")


_AFTER_BRACKET = re.compile(r"(?<=\))(?=\d)")


def tokenize(text: str) -> list[str]:
    """Whitespace tokens, as AnyStyle labels them; a number run into a closing bracket, as text
    taken from PDFs prints it ("(2014)024908", "( 2017)135"), starts a token of its own."""
    tokens = text.split()
    if ")" not in text:
        return tokens
    split = _AFTER_BRACKET.split
    return [part for token in tokens for part in (split(token) if ")" in token else (token,))]


def _shape_class(ch: str) -> str:
    """``d`` for a digit, ``X``/``x`` for an upper/lower-case letter, else the character itself."""
    if ch.isdigit():
        return "d"
    if ch.isalpha():
        return "X" if ch.isupper() else "x"
    return ch


def shape(word: str) -> str:
    """Collapsed character classes: ``Smith,`` → ``Xx,``; ``1999)`` → ``d)``."""
    out: list[str] = []
    for ch in word:
        c = _shape_class(ch)
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:8]


class _ShapeTable(dict[int, str]):
    """``str.translate`` table of :func:`shape`'s character classes, filled as characters appear
    (bounded: past 4,096 characters new ones are classified but not stored)."""

    def __missing__(self, code: int) -> str:
        cls = _shape_class(chr(code))
        if len(self) < 4096:
            self[code] = cls
        return cls


_SHAPE_TABLE = _ShapeTable()
_RUNS = re.compile(r"(.)\1*")  # findall gives one character per run
_ASCII_DIGIT = re.compile(r"[0-9]")


@lru_cache(maxsize=4096)
def _collapse(classes: str) -> str:
    """Runs of one class collapsed; the class strings of words repeat far more than the words."""
    return "".join(_RUNS.findall(classes))[:8]


def _fast_shape(token: str) -> str:
    """:func:`shape` by one translate and a cached collapse, no Python loop over characters."""
    return _collapse(token.translate(_SHAPE_TABLE))


def _char_class(ch: str) -> str:
    if ch.isalnum():
        return "D" if ch.isdigit() else "A"
    return ch


_FIRST = {ch: "first=" + _char_class(ch) for ch in map(chr, range(33, 127))}
_LAST = {ch: "last=" + _char_class(ch) for ch in map(chr, range(33, 127))}
_LEN = tuple("len=" + str(i) for i in range(9))


def _token_features(token: str) -> tuple[list[str], list[str]]:
    """Features of one token alone, and the subset its neighbours see (:data:`_CONTEXT`), in order.

    Not cached itself: :func:`_known_row` caches the model's view of a token, which is what the
    tagger needs and is cheaper to keep.
    """
    word = token.strip(_STRIP)
    low = word.lower()
    w = "w=" + low
    sh = "sh=" + _fast_shape(token)
    first, last = token[0], token[-1]
    last = _LAST.get(last) or "last=" + _char_class(last)
    feats = [
        w,
        sh,
        _FIRST.get(first) or "first=" + _char_class(first),
        last,
        "s3=" + low[-3:],
        "p2=" + low[:2],
        _LEN[len(word) if len(word) < 8 else 8],
    ]
    ctx = [w, sh, last]
    has_digit = False
    if word:
        first = word[0]
        if first.isupper():
            feats.append("cap")
            if len(word) > 1 and word.isupper():
                feats.append("allcap")
        elif first.islower():
            feats.append("lower")
        if word.isascii():
            has_digit = _ASCII_DIGIT.search(word) is not None
        else:
            has_digit = any(ch.isdigit() for ch in word)
        if has_digit:
            feats.append("digit")
            if word.isdigit():
                feats.append("num" + str(min(len(word), 5)))
        if not word.isascii() and any(ch.isalpha() for ch in word):
            name = unicodedata.name(next(ch for ch in word if ch.isalpha()), "")
            feats.append("script=" + name.split(" ", 1)[0])
    if has_digit and _YEAR.match(token):  # a year, a range: both need a digit
        feats.append("year")
    short = len(word) <= 6
    if short and _ROMAN.match(word):
        feats.append("roman")
    if short and "." in token and _INITIALS.match(token):
        feats.append("initial")
    if has_digit and _RANGE.search(token):
        feats.append("range")
    if "http" in low or "www." in low or "://" in low:
        feats.append("url")
    if "doi" in low or low.startswith("10."):
        feats.append("doi")
    if low.startswith(("arxiv", "hep-", "astro-ph", "gr-qc", "nucl-", "cond-mat", "quant-ph")):
        feats.append("arxiv")
    kind = LEXICON.get(token.lower()) or LEXICON.get(low) or LEXICON.get(low + ".")
    if kind:
        feats.append("lex=" + kind)
        ctx.append("lex=" + kind)
    if low in MONTHS or low[:3] in MONTHS and len(low) <= 4:
        feats.append("month")
    return feats, ctx


# Case, initial and year marks of neighbours are left out: they carried little weight next to the
# neighbour's word and shape, and each cost an attribute per neighbour for crfsuite to convert.
_CONTEXT = ("w=", "sh=", "last=", "lex=")
# ...and two tokens away the last character too (the shape mostly says it).
_FAR_CONTEXT = ("w=", "sh=", "lex=")
_OFFSETS = (-2, -1, 1, 2)
_PREFIXES = tuple(f"{offset}:" for offset in _OFFSETS)
_POS = tuple("pos=" + str(i) for i in range(10))
_STOPS = tuple("stops=" + str(i) for i in range(5))
# Commas since the last sentence-like stop: in comma-only styles ("Title, Book, Editor,
# Publisher"; "A. Name, Title, Journal 12, 345") the place of a segment shows in this count.
_COMMAS = tuple("commas=" + str(i) for i in range(4))

# Attributes the loaded model has weights for, mapped to one shared bytes object each: rows cached
# for tagging hold only pointers to these, and crfsuite takes bytes without re-encoding them.
_KNOWN: dict[str, bytes] = {}
# Neighbour feature → the known attribute it gives at each offset of _PREFIXES (None if unknown).
_CTX_VIEWS: dict[str, tuple[bytes | None, ...]] = {}
_NO_VIEW: tuple[None, ...] = (None,) * len(_PREFIXES)

# Tokens whose model view is kept. Reference words repeat a lot (Vol., pp., and, journal words),
# so a few thousand entries catch most of them; at ~0.5 KiB an entry this bounds the cache to a few
# MiB whatever the server parses.
ROW_CACHE_SIZE = 16384

# What one token gives each neighbour offset of _PREFIXES (-2, -1, +1, +2): known attributes.
_Views = tuple[tuple[bytes, ...], tuple[bytes, ...], tuple[bytes, ...], tuple[bytes, ...]]
# A token as the model sees it: (flags, its own known attributes, *_Views), where flags is 1 if
# the token ends a sentence, 2 if it is a year. Inner tuples let rows be joined without slicing,
# and tokens alike but for an unweighted word share their view tuples (see _views_of).
_Row = tuple[int, tuple[bytes, ...], tuple[bytes, ...], tuple[bytes, ...], tuple[bytes, ...],
             tuple[bytes, ...]]
_STOP, _YEAR_FLAG, _COMMA_FLAG = 1, 2, 4
_EDGE: _Row = (0, (), (), (), (), ())  # padding past either end of a sequence

# Neighbour views of a token's context features after its word (shape, last character, lexicon):
# a few thousand combinations cover nearly all tokens, so new words skip most of the view work.
_VIEW_SETS: dict[tuple[str, ...], _Views] = {}
_VIEW_SETS_SIZE = 8192
# (position bucket, stops seen, commas since, after a year, first, last) → the known marks.
_MarkKey = tuple[int, int, int, bool, bool, bool]
_MARKS: dict[_MarkKey, tuple[bytes, ...]] = {}


def _views_of(ctx: tuple[str, ...]) -> _Views:
    """Known neighbour attributes of context features ``ctx``, one tuple per offset, in order."""
    views = _VIEW_SETS.get(ctx)
    if views is None:
        get = _CTX_VIEWS.get
        a, b, c, d = (
            tuple(filter(None, section))
            for section in zip(*[get(f, _NO_VIEW) for f in ctx], strict=True)
        )
        views = (a, b, c, d)
        if len(_VIEW_SETS) < _VIEW_SETS_SIZE:
            _VIEW_SETS[ctx] = views
    return views


@lru_cache(maxsize=ROW_CACHE_SIZE)
def _known_row(token: str) -> _Row:
    """One token's known attributes and the known attributes of its neighbour views, once."""
    feats, ctx = _token_features(token)
    own = tuple(filter(None, map(_KNOWN.get, feats)))  # in C: this runs for every new token
    a, b, c, d = _views_of(tuple(ctx[1:]))
    word = _CTX_VIEWS.get(ctx[0])  # the word's own views, when the model weighted it
    if word is not None:
        wa, wb, wc, wd = word
        a = a if wa is None else (wa, *a)
        b = b if wb is None else (wb, *b)
        c = c if wc is None else (wc, *c)
        d = d if wd is None else (wd, *d)
    flags = (
        (_STOP if token_stops(token, feats) else 0)
        | (_YEAR_FLAG if "year" in feats else 0)
        | (_COMMA_FLAG if token.endswith(",") else 0)
    )
    return (flags, own, a, b, c, d)


def _marks(key: _MarkKey) -> tuple[bytes, ...]:
    """Known position marks (pos=, stops=, afteryear, BOS, EOS) of one position, remembered."""
    bucket, stops, commas, after_year, first, last = key
    names = [_POS[bucket], _STOPS[stops], _COMMAS[commas]]
    if after_year:
        names.append("afteryear")
    if first:
        names.append("BOS")
    if last:
        names.append("EOS")
    marks = tuple(filter(None, map(_KNOWN.get, names)))
    _MARKS[key] = marks
    return marks


def _known_features(tokens: list[str]) -> list[list[bytes]]:
    """What :func:`sequence_features` gives, restricted to attributes the model weighted.

    Unweighted attributes cannot change the labels and passing them to crfsuite costs most of the
    tagging time.
    """
    rows = [_known_row(t) for t in tokens]
    n = len(rows)
    padded = [_EDGE, _EDGE, *rows, _EDGE, _EDGE]  # padded[i + 2] is rows[i]
    marks_of = _MARKS.get
    last = n - 1
    out: list[list[bytes]] = []
    stops = commas = 0
    seen_year = False
    for i, r in enumerate(rows):
        key = (i * 10 // n, stops if stops < 4 else 4, commas if commas < 3 else 3, seen_year,
               i == 0, i == last)
        marks = marks_of(key)
        if marks is None:
            marks = _marks(key)
        out.append(
            [*r[1], *marks, *padded[i][2], *padded[i + 1][3], *padded[i + 3][4], *padded[i + 4][5]]
        )
        flags = r[0]
        if flags & _STOP:
            stops += 1
            commas = 0
        elif flags & _COMMA_FLAG:
            commas += 1
        if flags & _YEAR_FLAG:
            seen_year = True
    return out


def sequence_features(tokens: list[str], known_only: bool = False) -> list[list[str]]:
    """Per-token feature strings, with the neighbours' main features and a position bucket.

    This is the full feature set the model is trained on; ``known_only`` drops attributes the model
    never weighted (tagging uses the faster :func:`_known_features`, which gives the same rows).
    """
    views = [_token_features(t) for t in tokens]
    n = len(tokens)
    out: list[list[str]] = []
    stops = 0  # sentence-like stops (a full stop not after an initial) seen so far
    commas = 0  # commas since the last stop
    seen_year = False
    for i, (own, _ctx) in enumerate(views):
        row = [*own, _POS[min(9, i * 10 // n)], _STOPS[min(stops, 4)], _COMMAS[min(commas, 3)]]
        if seen_year:
            row.append("afteryear")
        if i == 0:
            row.append("BOS")
        if i == n - 1:
            row.append("EOS")
        for offset, prefix in zip(_OFFSETS, _PREFIXES, strict=True):
            if 0 <= i + offset < n:
                ctx = views[i + offset][1]
                if offset in (-2, 2):
                    ctx = [f for f in ctx if f.startswith(_FAR_CONTEXT)]
                row += [prefix + f for f in ctx]
        if known_only:
            row = [f for f in row if f in _KNOWN]
        out.append(row)
        if token_stops(tokens[i], own):
            stops += 1
            commas = 0
        elif tokens[i].endswith(","):
            commas += 1
        if "year" in own:
            seen_year = True
    return out


def token_stops(token: str, feats: list[str]) -> bool:
    """A sentence-like stop: a full stop (or ?/!) that does not end an initial (``feats`` are the
    token's own features)."""
    return token.endswith((".", "?", "!")) and "initial" not in feats


def read_dataset(path: Path) -> Iterator[list[tuple[str, str]]]:
    """(token, label) sequences from an AnyStyle parser XML file."""
    root = ElementTree.parse(path).getroot()
    for sequence in root.iter("sequence"):
        pairs: list[tuple[str, str]] = []
        for segment in sequence:
            pairs.extend((tok, segment.tag) for tok in tokenize(segment.text or ""))
        if pairs:
            yield pairs


# Times each sequence of a source is seen in training. GROBID's 5,714 references are mostly
# physics and computing styles: AnyStyle's humanities and social-science styles (and the invented
# supplement, small as it is) count twice so that they are not outvoted.
TRAINING_WEIGHTS = {TRAIN_XML: 2, SUPPLEMENT_XML: 4}


def train(
    sources: tuple[Path, ...] = (TRAIN_XML, GROBID_XML, SUPPLEMENT_XML),
    target: Path = MODEL_PATH,
) -> None:
    """Fit the CRF on ``sources`` and write it to ``target``; same data, same model."""
    trainer = pycrfsuite.Trainer(verbose=False)
    sequences = [
        pairs
        for source in sources
        for pairs in read_dataset(source)
        for _ in range(TRAINING_WEIGHTS.get(source, 1))
    ]
    for pairs in sequences:
        tokens = [t for t, _ in pairs]
        trainer.append(sequence_features(tokens), [label for _, label in pairs])
    trainer.set_params(
        {
            "c1": 0.05,
            "c2": 0.05,
            "max_iterations": 300,
            "feature.possible_transitions": True,
        }
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(target))


_TAGGER_LOCK = threading.Lock()


def tagger() -> pycrfsuite.Tagger:
    """The trained tagger, opened once per process. Under a lock: two requests parsing at once in
    a fresh server both opened it, and the second one's _load_known emptied the attribute table
    the first was reading (KeyError, a 500, and seconds of duplicated loading)."""
    with _TAGGER_LOCK:
        return _open_tagger()


@lru_cache(maxsize=1)
def _open_tagger() -> pycrfsuite.Tagger:
    model = pycrfsuite.Tagger()
    model.open(str(MODEL_PATH))
    _load_known({attr for attr, _label in model.info().state_features})
    return model


def _load_known(attributes: set[str]) -> None:
    """Remember the model's attributes (as shared bytes) and forget rows built for another model."""
    _KNOWN.clear()
    _KNOWN.update((attr, attr.encode()) for attr in attributes)
    _CTX_VIEWS.clear()
    for attr in attributes:
        prefix, sep, base = attr.partition(":")
        if sep and prefix + sep in _PREFIXES:
            views = list(_CTX_VIEWS.get(base, _NO_VIEW))
            views[_PREFIXES.index(prefix + sep)] = _KNOWN[attr]
            _CTX_VIEWS[base] = tuple(views)
    _VIEW_SETS.clear()
    _MARKS.clear()
    _known_row.cache_clear()


def clear_caches() -> None:
    """Forget every token seen, so that a benchmark can time strings the process never parsed."""
    _known_row.cache_clear()
    _collapse.cache_clear()


def tag(tokens: list[str]) -> list[str]:
    """One label per token."""
    if not tokens:
        return []
    model = tagger()
    return model.tag(_known_features(tokens))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("train", help="train on data/anystyle/train.xml and the supplement")
    parser.parse_args(argv)
    train()
    print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
