"""Reference strings parsed per second on one core, warm (seed + development strings, repeated).

    .venv/bin/python bench/references.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import json
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
    done = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < args.seconds:
        for raw in strings:
            parse_reference(raw)
        done += len(strings)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    # CPU time is the one-core figure; wall time also counts whatever else shares the machine.
    print(f"{done / cpu:,.0f} references/s per core (CPU time; {done} strings in {cpu:.1f} s)")
    print(f"{done / elapsed:,.0f} references/s wall clock ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
