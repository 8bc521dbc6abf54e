"""A CRF token tagger that labels the words of a reference string (author, title, journal...).

Trained on AnyStyle's labelled references (``data/anystyle/train.xml``, BSD-2-Clause), the same way
AnyStyle trains its parser: one label per whitespace token. Features are mostly about shape and
punctuation, so that the model carries over to scripts and journals it never saw.

    # writes app/ingest/data/references.crfsuite:
    .venv/bin/python -m app.ingest.reference_model train
    .venv/bin/python -m app.ingest.reference_model evaluate GOLD.json --out predictions.json

Training is deterministic (L-BFGS, fixed order, no sampling) and never reads the development set.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

import pycrfsuite

ROOT = Path(__file__).resolve().parents[2]
TRAIN_XML = ROOT / "data" / "anystyle" / "train.xml"
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
    "no": "no no. nos. n° nr. nr number issue heft h. №",
    "pp": "pp pp. p. pages page s. с. seiten",
    "ed": "ed ed. eds eds. editor editors edited hrsg. hrsg (ed.) (eds.) (hrsg.) éd. dir. (dir.)"
    " ред. под",
    "in": "in in: dans en im",
    "and": "and & und et y e и",
    "etal": "al al. др. др",
    "pub": "press verlag publishers publisher publishing presses university univ. books inc."
    " inc ltd. ltd co. издательство изд-во",
    "jour": "journal j. journ. review rev. bulletin bull. annals ann. proceedings proc."
    " transactions trans. letters lett. quarterly magazine acta zeitschrift revue",
    "conf": "conference symposium workshop congress meeting colloquium proc. proceedings",
    "thesis": "thesis dissertation phd ph.d. master's diss. диссертация",
    "edn": "edition ed. edn. aufl. auflage éd. изд.",
    "trans": "trans. translated transl. übers.",
    "url": "retrieved available accessed online url from",
}.items():
    for _w in _words.split():
        LEXICON.setdefault(_w, _kind)

_STRIP = "\"'“”‘’«»„()[]{}<>.,;:!?*"
_SHAPE = str.maketrans(
    {**dict.fromkeys("0123456789", "d")}
)
_YEAR = re.compile(r"^\(?\[?(1[5-9]\d\d|20\d\d)[a-z]?[\])]?[.,;:)]*$")
_ROMAN = re.compile(r"^[ivxlcdm]+$", re.IGNORECASE)
_INITIALS = re.compile(r"^(?:[^\W\d_]\.?[-‐]?){1,3}[.,]*$")
_RANGE = re.compile(r"\d+\s*[-–—‐]\s*\d+")


def tokenize(text: str) -> list[str]:
    """Whitespace tokens, as AnyStyle labels them."""
    return text.split()


def shape(word: str) -> str:
    """Collapsed character classes: ``Smith,`` → ``Xx,``; ``1999)`` → ``d)``."""
    out: list[str] = []
    for ch in word:
        if ch.isdigit():
            c = "d"
        elif ch.isalpha():
            c = "X" if ch.isupper() else "x"
        else:
            c = ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:8]


@lru_cache(maxsize=65536)
def _token_features(token: str) -> tuple[str, ...]:
    """Features of one token alone; cached, since reference words repeat a lot (Vol., pp., and)."""
    word = token.strip(_STRIP)
    low = word.lower()
    low_tok = token.lower()
    feats = [
        "w=" + low,
        "sh=" + shape(token),
        "first=" + (token[0] if not token[0].isalnum() else ("D" if token[0].isdigit() else "A")),
        "last=" + (token[-1] if not token[-1].isalnum() else ("D" if token[-1].isdigit() else "A")),
        "s3=" + low[-3:],
        "p2=" + low[:2],
        "len=" + str(min(len(word), 8)),
    ]
    if word:
        if word[0].isupper():
            feats.append("cap")
            if word.isupper() and len(word) > 1:
                feats.append("allcap")
        elif word[0].islower():
            feats.append("lower")
        if any(ch.isdigit() for ch in word):
            feats.append("digit")
            if word.isdigit():
                feats.append("num" + str(min(len(word), 5)))
        if not word.isascii() and any(ch.isalpha() for ch in word):
            name = unicodedata.name(next(ch for ch in word if ch.isalpha()), "")
            feats.append("script=" + name.split(" ", 1)[0])
    if _YEAR.match(token):
        feats.append("year")
    if _ROMAN.match(word) and len(word) <= 6:
        feats.append("roman")
    if _INITIALS.match(token) and len(word) <= 6 and "." in token:
        feats.append("initial")
    if _RANGE.search(token):
        feats.append("range")
    if "http" in low or "www." in low or "://" in low:
        feats.append("url")
    if "doi" in low or low.startswith("10."):
        feats.append("doi")
    kind = LEXICON.get(low_tok) or LEXICON.get(low) or LEXICON.get(low + ".")
    if kind:
        feats.append("lex=" + kind)
    if low in MONTHS or low[:3] in MONTHS and len(low) <= 4:
        feats.append("month")
    return tuple(feats)


_CONTEXT = ("w=", "sh=", "last=", "lex=", "cap", "initial", "year", "lower")


@lru_cache(maxsize=65536)
def _context_features(token: str, offset: int) -> tuple[str, ...]:
    """The main features of a neighbour, prefixed with its offset."""
    return tuple(f"{offset}:{f}" for f in _token_features(token) if f.startswith(_CONTEXT))


_KNOWN: set[str] = set()  # attributes the loaded model has weights for
_OFFSETS = (-2, -1, 1, 2)
_POS = tuple("pos=" + str(i) for i in range(10))
_STOPS = tuple("stops=" + str(i) for i in range(5))


@lru_cache(maxsize=65536)
def _token_row(token: str, known_only: bool) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...],
                                                      bool, bool]:
    """Own features, features seen by each neighbour offset, and (ends a sentence, is a year)."""
    own = _token_features(token)
    ctx = tuple(_context_features(token, off) for off in _OFFSETS)
    if known_only:
        ctx = tuple(tuple(f for f in c if f in _KNOWN) for c in ctx)
        own_kept = tuple(f for f in own if f in _KNOWN)
    else:
        own_kept = own
    stop = token.endswith((".", "?", "!")) and "initial" not in own
    return own_kept, ctx, stop, "year" in own


def sequence_features(tokens: list[str], known_only: bool = False) -> list[list[str]]:
    """Per-token feature strings, with the neighbours' main features and a position bucket.

    ``known_only`` drops attributes the model never weighted: they cannot change the labels and
    passing them to crfsuite costs most of the tagging time.
    """
    rows = [_token_row(t, known_only) for t in tokens]
    n = len(tokens)
    out: list[list[str]] = []
    stops = 0  # sentence-like stops (a full stop not after an initial) seen so far
    seen_year = False
    for i, (own, _ctx, stop, year) in enumerate(rows):
        row = [*own, _POS[min(9, i * 10 // n)], _STOPS[min(stops, 4)]]
        if seen_year:
            row.append("afteryear")
        if i == 0:
            row.append("BOS")
        if i == n - 1:
            row.append("EOS")
        if i >= 2:
            row += rows[i - 2][1][0]
        if i >= 1:
            row += rows[i - 1][1][1]
        if i + 1 < n:
            row += rows[i + 1][1][2]
        if i + 2 < n:
            row += rows[i + 2][1][3]
        out.append(row)
        if stop:
            stops += 1
        if year:
            seen_year = True
    return out


def read_dataset(path: Path) -> Iterator[list[tuple[str, str]]]:
    """(token, label) sequences from an AnyStyle parser XML file."""
    root = ElementTree.parse(path).getroot()
    for sequence in root.iter("sequence"):
        pairs: list[tuple[str, str]] = []
        for segment in sequence:
            pairs.extend((tok, segment.tag) for tok in tokenize(segment.text or ""))
        if pairs:
            yield pairs


def train(
    sources: tuple[Path, ...] = (TRAIN_XML, SUPPLEMENT_XML), target: Path = MODEL_PATH
) -> None:
    """Fit the CRF on ``sources`` and write it to ``target``; same data, same model."""
    trainer = pycrfsuite.Trainer(verbose=False)
    sequences = [p for source in sources for p in read_dataset(source)]
    # The supplement is small next to AnyStyle's 1459 sequences: count it twice so its styles
    # are not regularised away.
    if SUPPLEMENT_XML in sources:
        sequences += list(read_dataset(SUPPLEMENT_XML))
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


@lru_cache(maxsize=1)
def tagger() -> pycrfsuite.Tagger:
    """The trained tagger, opened once per process."""
    model = pycrfsuite.Tagger()
    model.open(str(MODEL_PATH))
    _KNOWN.update(attr for attr, _label in model.info().state_features)
    _token_row.cache_clear()
    return model


def tag(tokens: list[str]) -> list[str]:
    """One label per token."""
    if not tokens:
        return []
    model = tagger()
    return list(model.tag(sequence_features(tokens, known_only=True)))


def _evaluate(gold_path: Path, out_path: Path) -> None:
    from app.ingest.references import parse_references

    data = json.loads(gold_path.read_text(encoding="utf-8"))
    gold = data["references"] if isinstance(data, dict) else data
    items = parse_references([g["raw"] for g in gold])
    out_path.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {len(items)} predictions to {out_path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("train", help="train on data/anystyle/train.xml and the supplement")
    ev = sub.add_parser("evaluate", help="write predictions for a gold file")
    ev.add_argument("gold", type=Path)
    ev.add_argument("--out", type=Path, default=Path("predictions.json"))
    args = parser.parse_args(argv)
    if args.command == "train":
        train()
        print(f"wrote {MODEL_PATH} ({MODEL_PATH.stat().st_size:,} bytes)")
    else:
        _evaluate(args.gold, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
