"""Write parser predictions for a gold file, so that the scorer can be run with ``--pred``.

    .venv/bin/python bench/score_references.py tests/fixtures/anystyle_dev.json --out /tmp/dev.json
    python3 tests/support/score_references.py tests/fixtures/anystyle_dev.json --pred /tmp/dev.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.ingest.references import parse_references  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--out", type=Path, default=Path("predictions.json"))
    args = parser.parse_args()
    data = json.loads(args.gold.read_text(encoding="utf-8"))
    gold = data["references"] if isinstance(data, dict) else data
    items = parse_references([g["raw"] for g in gold])
    args.out.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {len(items)} predictions to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
