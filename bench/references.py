"""Reference strings parsed per second on one core, on strings the process has never parsed.

    .venv/bin/python bench/references.py [--repeat 5]

The parser caches per-token work, so timing the same strings over and over measures the caches.
Each round therefore empties the parser's caches, warms the process on AnyStyle's training strings
(not timed), then times one pass over strings it has not parsed: the development set and the seed
page. Time is process CPU time (one core; wall time also counts whatever shares the machine). The
repeated-strings rate is printed second, labelled as such, and the peak RSS last.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.ingest.reference_model import TRAIN_XML, read_dataset  # noqa: E402
from app.ingest.references import clear_caches, parse_reference  # noqa: E402


def warm_strings() -> list[str]:
    """AnyStyle's training references, as plain strings: what a long-running server has seen."""
    return [" ".join(token for token, _label in pairs) for pairs in read_dataset(TRAIN_XML)]


def timed_strings() -> list[str]:
    """Development and seed strings, which neither training nor warming contains."""
    seed = json.loads((ROOT / "tests" / "fixtures" / "seed_expected.json").read_text("utf-8"))
    dev = json.loads((ROOT / "tests" / "fixtures" / "anystyle_dev.json").read_text("utf-8"))
    return [r["raw"] for r in dev] + [r["raw"] for r in seed["references"]]


def rss_mib(field: str) -> float:
    """A memory line of /proc/self/status (VmRSS now, VmHWM peak) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_pass(strings: list[str]) -> float:
    """CPU seconds to parse ``strings`` once."""
    start = time.process_time()
    for raw in strings:
        parse_reference(raw)
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds of warm-up + unseen pass")
    args = parser.parse_args()
    warm = warm_strings()
    timed = timed_strings()
    overlap = set(warm) & set(timed)
    if overlap:
        raise SystemExit(f"{len(overlap)} timed strings are also warm-up strings")
    parse_reference(warm[0])  # model, regexes and the language detector loaded before measuring
    loaded = rss_mib("VmRSS")
    n = len(timed)

    unseen: list[float] = []
    for _ in range(max(1, args.repeat)):
        clear_caches()
        for raw in warm:
            parse_reference(raw)
        unseen.append(cpu_pass(timed))
    # The best round is the least disturbed one (as timeit reports); the median shows the spread.
    best, median = min(unseen), statistics.median(unseen)
    print(
        f"{n / best:,.0f} unseen references/s on one core (best of {len(unseen)} rounds, "
        f"median {n / median:,.0f}/s; {n} dev + seed strings, after {len(warm)} training strings)"
    )
    cached = min(cpu_pass(timed) for _ in range(3))
    print(f"{n / cached:,.0f} references/s on repeated strings (the same {n}, caches warm)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"peak RSS {peak:.0f} MiB (VmHWM {rss_mib('VmHWM'):.0f} MiB; {loaded:.0f} MiB with the "
        f"parser loaded, before parsing)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
