"""Hunt for reference strings that cost the parser the most CPU: prints the worst, slowest first.

Issue 10's bound is per string (tests/ingest/test_reference_cost.py: 0.5 s of CPU within the
limits of 5,000 characters and 600 words). This tries what makes backtracking patterns and
per-token loops explode: every unit of UNITS repeated to the character limit behind each head
and tail, then random pairs and mixes of units, each string cut to the limits. The models are
loaded first, so a figure is the string's own cost. A string that takes more than a few
milliseconds is worth a profile (python -m cProfile); one whose time grows faster than its
length is a super-linear pattern.

    .venv/bin/python bench/parse_hunt.py [--seed N] [--show 10]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.ingest.reference_limits import MAX_REFERENCE_CHARS, reference_size_problem  # noqa: E402
from app.ingest.references import parse_reference, warm_up  # noqa: E402

UNITS = [
    " ", "1", "Q", "A.", "ab.", "A. ", "Ab, A., ", "1-", "1;", "(1)", "10.1000", "-", "–", ".",
    ",", "/", " / ", "//", "&", "et al ", "и др ", "Published ", "doi ", "http://", "Vol. ",
    "№ ", "С. ", "'", "«", "ə", "Я", "\u200f", "\t", "A.B.", "А.Б. ", "Иванов И.И., ",
    "Smith, J., ", "Ivanov ", "Иванов ", "Қазақстан ", "abc ", "a", "1.", "1, ", "1 ", "2019. ",
    "(2019) ", "pp. 1-2. ", "J.-P. ", "O'Neil ", "van der ", "AB ", "Q.Q", "1/2 ", "1:2 ", "[1] ",
    "http://x.org/", "x/", "10.1000/", "ISBN ", "978-", "С. 1-2. ", "Т. 1. ", "– М.: ", ". – ",
    "—", "…", "?", '"', "“", "a.b.c.", "Aa. ", "A.A.", "In: ", "(Eds.) ", "et al., ", "and ",
    "Jan. ", "No ", "p. ", "pp ", "e12345 ", "1(2):3 ", "; ", ": ", "https://doi.org/10.1/",
    "www.", "@", "ǅ", "Ⅻ", "١", "中", "ﬁ", "\u0301", "a\u0301", "\u00ad", "\u200b", "\xa0",
]
HEADS = ["", "Title / A.", "Smith J. ", "Ivanov I.I. Title // J. ",
         "Иванов И.И. Название // Журнал. ", "Smith, J., & "]
TAILS = ["", "!", "1", "x", "1 // J. 2019.", " 2019;5(1):1-2.", ". 2019.", " (2019)."]


def within_limits(raw: str) -> str:
    raw = raw[:MAX_REFERENCE_CHARS]
    while reference_size_problem(raw):
        raw = raw[: len(raw) * 9 // 10]
    return raw


def candidates(rng: random.Random) -> Iterator[str]:
    for unit in UNITS:
        for head in HEADS:
            for tail in TAILS[:4]:
                yield within_limits(head + unit * (MAX_REFERENCE_CHARS // len(unit)) + tail)
    for size in [2] * 600 + [3, 4, 5] * 100:
        unit = "".join(rng.sample(UNITS, size))
        yield within_limits(
            rng.choice(HEADS) + unit * (MAX_REFERENCE_CHARS // len(unit)) + rng.choice(TAILS)
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=10)
    args = parser.parse_args()
    warm_up()
    timed: list[tuple[float, str]] = []
    seen: set[str] = set()
    for raw in candidates(random.Random(args.seed)):
        if raw in seen or not raw.strip():
            continue
        seen.add(raw)
        start = time.process_time()
        parse_reference(raw)
        timed.append((time.process_time() - start, raw))
    timed.sort(reverse=True)
    print(f"{len(timed)} strings; worst CPU seconds per string:")
    for seconds, raw in timed[: args.show]:
        print(f"  {seconds:.3f} s  {len(raw)} chars, {len(raw.split())} words: "
              f"{raw[:50]!r}...{raw[-20:]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
