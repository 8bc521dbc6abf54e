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


def server_log(dialect: str) -> Path:
    """Where the server's own log of a run is kept (its side of any failure)."""
    return ROOT / "var" / f"fuzz-{dialect}-server.log"


def run(dialect: str) -> tuple[int, dict[str, int]]:
    with throwaway_database(dialect) as url:
        cli(url, "migrate")
        cli(url, "seed")
        # The write API is fuzzed too (create and update; deleting needs admin).
        token = cli(url, "token", "create", "--name", "fuzz", "--scope", "write").stdout.strip()
        with live_server(url, keep_log=server_log(dialect)) as base:
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


_REQUEST = re.compile(r"method=(\S+) path=(\S+) .*?status=(\d+) duration_ms=([\d.]+)")


def server_side(log: Path) -> str:
    """The server's own account of the run: requests answered, 5xx, the slowest ones (a client
    timeout with no slow request here is the client's side, and the reverse)."""
    requests = [m.groups() for m in _REQUEST.finditer(log.read_text(errors="replace"))]
    errors = sum(1 for _, _, status, _ in requests if status.startswith("5"))
    slowest = sorted(requests, key=lambda r: float(r[3]), reverse=True)[:3]
    shown = ", ".join(f"{m} {p[:60]} {float(ms) / 1000:.1f} s" for m, p, _, ms in slowest)
    return f"server answered {len(requests)} requests, {errors} 5xx; slowest: {shown} ({log})"


def _tally(output: str) -> tuple[int, dict[str, int]]:
    """Cases generated and failures by kind, from schemathesis' summary."""
    generated = re.search(r"(\d+) generated", output)
    summary = output.rsplit("SUMMARY", 1)[-1]
    failures = {
        name.strip(): int(count)
        for name, count in re.findall(r"❌ (ST\d+ [^:\n]+): (\d+)", summary)
    }
    # Errors (a request that timed out, a server that stopped answering, schemathesis' own) fail
    # the run as well: each is a request whose answer nobody checked.
    failures.update(
        (f"error: {name.strip()}", int(count))
        for name, count in re.findall(r"🚫 ([^:\n]+): (\d+)", summary)
    )
    return (int(generated.group(1)) if generated else 0), failures


def main() -> int:
    failed = False
    lines = []
    for dialect in CHOSEN:
        cases, failures = run(dialect)
        failed |= bool(failures) or cases == 0
        total = sum(failures.values())
        lines.append(f"{dialect}: {cases} cases, {total} failures {dict(failures)}")
        lines.append(f"  {server_side(server_log(dialect))}")
    print("\n".join(["", "make fuzz summary:", *lines]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
