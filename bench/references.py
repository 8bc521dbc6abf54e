"""Reference strings parsed per second on one core, warm (seed + development strings, repeated).

    .venv/bin/python bench/references.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.ingest.references import parse_reference  # noqa: E402


def load_strings() -> list[str]:
    seed = json.loads((ROOT / "tests" / "fixtures" / "seed_expected.json").read_text("utf-8"))
    dev = json.loads((ROOT / "tests" / "fixtures" / "anystyle_dev.json").read_text("utf-8"))
    return [r["raw"] for r in seed["references"]] + [r["raw"] for r in dev]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    strings = load_strings()
    for raw in strings[:200]:  # warm: model loaded, regexes compiled, language detector built
        parse_reference(raw)
    rounds: list[float] = []  # CPU seconds per pass over all strings
    start = time.perf_counter()
    while time.perf_counter() - start < args.seconds or len(rounds) < 3:
        cpu = time.process_time()
        for raw in strings:
            parse_reference(raw)
        rounds.append(time.process_time() - cpu)
    n = len(strings)
    # CPU time is the one-core figure (wall time also counts whatever else shares the machine);
    # the best pass is the least disturbed one, as timeit reports, the median shows the spread.
    best, median = min(rounds), statistics.median(rounds)
    print(f"{n / best:,.0f} references/s on one core (best of {len(rounds)} passes, {n} strings)")
    print(f"{n / median:,.0f} references/s median pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
