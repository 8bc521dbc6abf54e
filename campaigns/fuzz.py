"""``make fuzz``: schemathesis over the whole OpenAPI document against a live seeded server, on
SQLite and PostgreSQL: examples, coverage, fuzzing and stateful (links) phases, every check.

Prints, per database, the generated cases and the failures by check; exits non-zero on any
failure. ``FUZZ_EXAMPLES`` (per operation, default 300) sets the size of the run. The checks'
configuration, and why two are adjusted, is in campaigns/schemathesis.toml.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from campaigns.live import DIALECTS, ROOT, cli, live_server, throwaway_database

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
# FUZZ_DATABASES=sqlite (or postgresql) runs one database only, e.g. to try a fix.
CHOSEN = tuple(os.environ.get("FUZZ_DATABASES", ",".join(DIALECTS)).split(","))


CONFIG = ROOT / "campaigns" / "schemathesis.toml"


def run(dialect: str) -> tuple[int, dict[str, int]]:
    with throwaway_database(dialect) as url:
        cli(url, "migrate")
        cli(url, "seed")
        # The write API is fuzzed too (create and update; deleting needs admin).
        token = cli(url, "token", "create", "--name", "fuzz", "--scope", "write").stdout.strip()
        with live_server(url) as base:
            command = [
                str(Path(sys.executable).parent / "schemathesis"),
                "--config-file", str(CONFIG), "run",
                f"{base}/openapi.json",
                "--header", f"Authorization: Bearer {token}",
                "--checks", "all",
                # Replaced by positive_data_acceptance_but_server_keys (schemathesis.toml).
                "--exclude-checks", "positive_data_acceptance",
                "--phases", "examples,coverage,fuzzing,stateful",
                "--max-examples", str(EXAMPLES),
                "--workers", "2",
                "--seed", "10",
                "--no-shrink",
                "--request-timeout", "30",
                "--suppress-health-check", "all",
            ]
            process = subprocess.Popen(
                command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            assert process.stdout is not None
            output = []
            for line in process.stdout:  # shown as it runs, kept for the summary
                sys.stdout.write(line)
                output.append(line)
            process.wait()
            return _tally("".join(output))


def _tally(output: str) -> tuple[int, dict[str, int]]:
    """Cases generated and failures by kind, from schemathesis' summary."""
    generated = re.search(r"(\d+) generated", output)
    summary = output.rsplit("SUMMARY", 1)[-1]
    failures = {
        name.strip(): int(count)
        for name, count in re.findall(r"❌ (ST\d+ [^:\n]+): (\d+)", summary)
    }
    return (int(generated.group(1)) if generated else 0), failures


def main() -> int:
    failed = False
    lines = []
    for dialect in CHOSEN:
        cases, failures = run(dialect)
        failed |= bool(failures) or cases == 0
        total = sum(failures.values())
        lines.append(f"{dialect}: {cases} cases, {total} failures {dict(failures)}")
    print("\n".join(["", "make fuzz summary:", *lines]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
