"""The serving benchmark: this API beside Datasette and the framework's ceiling, in one run.

    .venv/bin/python bench/api.py [--quick] [--articles N] [--seconds S] [--rounds R] [--only RE]

1. Builds the deterministic corpus (bench/corpus.py: 10,000 articles with 18 references each)
   through the project's own write path (``store_records``, 100 articles per transaction) into a
   fresh SQLite file and a fresh PostgreSQL database, and reports the load rate.
2. Serves it: this API on SQLite and on PostgreSQL (``python -m app serve``, one worker),
   Datasette on the same SQLite file (immutable, with an FTS5 table of reference text), and a
   constant-body route inside this app (the bytes of one article's JSON: the framework's ceiling,
   through the same middleware). Every server is pinned to core 0 with taskset; wrk runs on core 1
   (``wrk -t1 -c16``), after a warm-up, for three interleaved rounds.
3. Prints one table (median requests/s with the spread of the rounds, p50, p99, server RSS after
   the run) and the ratios the targets are stated in; ``--markdown FILE`` writes the same as
   bench/RESULTS.md.

Loopback only; every server and the databases it made are removed at the end. ``--quick`` (1,000
articles, one 4 s round, no warm-up beyond a second) finishes in under three minutes. ``--only``
(a regular expression, repeatable) keeps the endpoints whose name it finds, and starts only the
servers they need: e.g. ``--only 'limit=100' --only 'q=WORD'`` for the list and search rows.
"""

# ruff: noqa: E501  (tables of variants and report lines read best one per line)
from __future__ import annotations

import argparse
import importlib.metadata
import math
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import (  # noqa: E402
    SEARCH_WORDS,
    articles,
    parse_references,
    postgres_database,
    store_corpus,
)

SERVER_CORE = "0"
CLIENT_CORE = "1"
BATCH = 100


# --------------------------------------------------------------------------- corpus


def load(url: str, count: int) -> tuple[float, float]:
    """Load the corpus through the store path (bench/corpus.py: store_records, 100 articles per
    transaction, references parsed beforehand); articles per wall second and per CPU second."""
    records = list(articles(count))
    rate = store_corpus(url, records, parse_references(records))
    return rate.per_second, rate.per_cpu_second


def settle_postgres(url: str) -> None:
    """VACUUM ANALYZE the freshly loaded database, as autovacuum does within a minute or two of
    a load: without it, the plans and visibility maps of the run depend on when autovacuum
    happens to wake up during the measurements (a search plan walked the whole table without
    statistics; index-only scans fetched every heap row)."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def prepare_for_datasette(path: Path) -> None:
    """Datasette's _search needs an FTS table it recognises: reference_fts over reference.raw."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(
            "CREATE VIRTUAL TABLE reference_fts USING fts5(raw, content='reference', "
            "content_rowid='id')"
        )
        db.execute("INSERT INTO reference_fts(reference_fts) VALUES ('rebuild')")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")  # immutable mode reads the main file alone
    finally:
        db.close()


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen[bytes]

    def rss_mib(self) -> float:
        """Resident memory of the server and its children (uvicorn serves in-process)."""
        total = 0
        for pid in [self.process.pid, *_children(self.process.pid)]:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            found = re.search(r"VmRSS:\s+(\d+) kB", status)
            total += int(found.group(1)) if found else 0
        return total / 1024


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(child) for child in found]


@contextmanager
def serve(name: str, command: list[str], env: dict[str, str], port: int) -> Iterator[Server]:
    process = subprocess.Popen(
        ["taskset", "-c", SERVER_CORE, *command],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(base + "/", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None:
                    raise SystemExit(f"{name} exited with {process.returncode}") from None
                time.sleep(0.1)
        yield Server(name, base, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def api_server(name: str, url: str) -> tuple[str, list[str], dict[str, str], int]:
    port = free_port()
    env = {"DATABASE_URL": url, "PORT": str(port), "WORKERS": "1", "LOG_LEVEL": "warning"}
    return name, [sys.executable, "-m", "app", "serve"], env, port


def ceiling_server(url: str, body_file: Path) -> tuple[str, list[str], dict[str, str], int]:
    port = free_port()
    env = {
        "DATABASE_URL": url,
        "PORT": str(port),
        "WORKERS": "1",
        "LOG_LEVEL": "warning",
        "BENCH_CONSTANT_BODY": str(body_file),
    }
    return "constant", [sys.executable, str(ROOT / "bench" / "ceiling.py")], env, port


# Datasette as a user gets it: `pip install datasette` in a virtualenv of its own, its declared
# dependencies only (uvicorn without httptools and uvloop: h11 on asyncio). The original
# figures were measured on this configuration, and the target ratios use it. The development
# environment's Datasette ("datasette-std") runs on uvicorn[standard], which it silently picks up;
# it is reported beside it. Both are the same Datasette release.
DATASETTE = "datasette"
DATASETTE_STANDARD = "datasette-std"
DATASETTES = (DATASETTE, DATASETTE_STANDARD)


def plain_datasette() -> Path:
    """The ``datasette`` command of its own virtualenv (made once under var/, from PyPI)."""
    version = importlib.metadata.version("datasette")
    venv = ROOT / "var" / f"bench-datasette-{version}"
    command = venv / "bin" / "datasette"
    if not command.exists():
        print(f"making {venv.relative_to(ROOT)} (pip install datasette=={version}) ...", flush=True)
        uv = str(ROOT / ".tools" / "bin" / "uv")
        subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(venv)], check=True)
        subprocess.run([uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"),
                        f"datasette=={version}"], check=True)  # fmt: skip
    return command


def datasette_server(name: str, command: Path, path: Path) -> tuple[str, list[str], dict[str, str], int]:
    port = free_port()
    argv = [str(command), "serve", "-i", str(path), "-p", str(port), "--setting",
            "sql_time_limit_ms", "10000"]  # fmt: skip
    return name, argv, {}, port


# --------------------------------------------------------------------------- load generation


@dataclass(frozen=True)
class Variant:
    """One measured request mix: paths produced by a wrk Lua script, ``per_view`` requests
    making one unit of what is reported (two for Datasette's article view)."""

    name: str
    server: str
    lua: str
    per_view: int = 1


@dataclass
class Measured:
    rates: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    errors: int = 0
    rss: float = 0.0


def lua_paths(paths: str, count: int) -> str:
    """A wrk script cycling through pseudo-random ids: ``paths`` is a Lua expression of ``n``."""
    return f"""
local i = 0
math.randomseed(20261201)
request = function()
  i = i + 1
  local n = math.random(1, {count})
  return wrk.format("GET", {paths})
end
"""


def variants(count: int, database: str) -> list[Variant]:
    # Percent-encoded: Datasette's h11 refuses raw UTF-8 in a request target.
    words = "{" + ",".join(f'"{quote(w)}"' for w in SEARCH_WORDS) + "}"
    search = f"local words = {words}\n"
    doi = '"10.5555/bench." .. (n - 1)'
    cited = '"/references?doi=10." .. (4000 + n % 1000) .. "/" .. (n - 1) .. ".0"'
    found: list[Variant] = []
    for name, server, lua, per_view in [
        ("article view", "sqlite", lua_paths('"/articles/" .. n .. "?include=references"', count), 1),
        *(("article view", peer, lua_paths(
            f'(i % 2 == 1) and ("/{database}/article/" .. n .. ".json?_shape=array") or '
            f'("/{database}/reference.json?article_id=" .. n .. "&_shape=array")', count), 2) for peer in DATASETTES),
        ("article view", "postgresql", lua_paths('"/articles/" .. n .. "?include=references"', count), 1),
        ("/articles/{id}", "sqlite", lua_paths('"/articles/" .. n', count), 1),
        ("/articles/{id}", "postgresql", lua_paths('"/articles/" .. n', count), 1),
        ("/articles/{id}", "constant", lua_paths('"/constant"', count), 1),
        # The same answer through the API route (FastAPI's parameter solving), not the hot route.
        ("/articles/{id}?format=json", "sqlite", lua_paths('"/articles/" .. n .. "?format=json"', count), 1),
        ("/articles/{id}/references", "sqlite", lua_paths('"/articles/" .. n .. "/references"', count), 1),
        ("/articles/{id}/references", "postgresql", lua_paths('"/articles/" .. n .. "/references"', count), 1),
        ("/articles?limit=100", "sqlite", lua_paths('"/articles?limit=100"', count), 1),
        *(("/articles?limit=100", peer, lua_paths(f'"/{database}/article.json?_shape=array&_size=100"', count), 1)
          for peer in DATASETTES),
        ("/articles?limit=100", "postgresql", lua_paths('"/articles?limit=100"', count), 1),
        ("/references?q=WORD", "sqlite", search + lua_paths('"/references?limit=20&q=" .. words[n % #words + 1]', count), 1),
        *(("/references?q=WORD", peer, search + lua_paths(
            f'"/{database}/reference.json?_shape=array&_size=20&_search=" .. words[n % #words + 1]', count), 1)
          for peer in DATASETTES),
        ("/references?q=WORD", "postgresql", search + lua_paths('"/references?limit=20&q=" .. words[n % #words + 1]', count), 1),
        ("/references?doi=", "sqlite", lua_paths(cited, count), 1),
        ("/references?doi=", "postgresql", lua_paths(cited, count), 1),
        ("/articles/doi/{doi}", "sqlite", lua_paths('"/articles/doi/" .. ' + doi, count), 1),
    ]:
        found.append(Variant(name, server, lua, per_view))
    return found  # fmt: skip


def selected(name: str, patterns: list[str]) -> bool:
    """Whether ``--only`` keeps this endpoint (no pattern keeps every one)."""
    return not patterns or any(re.search(pattern, name) for pattern in patterns)


def run_wrk(base: str, lua: str, seconds: float, scripts: Path) -> tuple[float, float, float, int]:
    """Requests/s, p50 and p99 in ms, and non-2xx/socket errors of one wrk run."""
    script = scripts / f"{uuid.uuid4().hex}.lua"
    script.write_text(lua)
    result = subprocess.run(
        ["taskset", "-c", CLIENT_CORE, "wrk", "-t1", "-c16", f"-d{seconds:g}s", "--latency",
         "-s", str(script), base],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = result.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    # Debian's wrk (4.x) prints "Latency Distribution" lines as "     50%  635.91us"; wrk2 prints
    # "50.000%": both are read.
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+[a-z]+)", out, re.MULTILINE))
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: .*?(\d+) timeout"):
        found = re.search(pattern, out)
        errors += int(found.group(1)) if found else 0
    return rate, _ms(percentiles.get("50", "0ms")), _ms(percentiles.get("99", "0ms")), errors


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    print("wrk is missing: installing Debian's wrk (apt-get install -y wrk)", flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "wrk"], check=True)


# --------------------------------------------------------------------------- report


def report(
    results: dict[tuple[str, str], Measured],
    loads: dict[str, tuple[float, float]],
    args: argparse.Namespace,
    load_average: tuple[float, float, float],
) -> str:
    lines = []
    rss = {
        server: max(m.rss for (_, s), m in results.items() if s == server) for _, server in results
    }
    lines.append(f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Machine: {platform.node()}, "
                 f"{os.cpu_count()} cores ({_cpu_model()}), Python {platform.python_version()}.")  # fmt: skip
    lines.append(f"Load average before the run: {load_average[0]:.2f} {load_average[1]:.2f} "
                 f"{load_average[2]:.2f}; after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + ".")  # fmt: skip
    lines.append(f"Corpus: {args.articles:,} articles x 18 references; wrk -t1 -c16, {args.seconds:g} s "
                 f"per run, {args.rounds} interleaved round(s); servers on core {SERVER_CORE}, wrk on core {CLIENT_CORE}.")  # fmt: skip
    lines.append("")
    lines.append("Load through the store path (store_records, 100 articles per transaction, references parsed beforehand; bench/corpus.py also times the whole pipeline):")  # fmt: skip
    lines.append("")
    for name, (wall, cpu) in loads.items():
        lines.append(f"- {name}: {wall:.0f} articles/s ({cpu:.0f} per CPU-second of the loader)")
    lines.append("")
    lines.append(
        "| endpoint | server | req/s (median) | spread | views/s | p50 ms | p99 ms | errors |"
    )
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for (endpoint, server), m in results.items():
        median = statistics.median(m.rates)
        spread = f"{min(m.rates):.0f}-{max(m.rates):.0f}"
        per_view = 2 if (endpoint == "article view" and server in DATASETTES) else 1
        lines.append(f"| {endpoint} | {server} | {median:.0f} | {spread} | {median / per_view:.0f} | "
                     f"{statistics.median(m.p50):.2f} | {statistics.median(m.p99):.2f} | {m.errors} |")  # fmt: skip
    lines.append("")
    lines.append(
        "Server RSS after the run (MiB): " + ", ".join(f"{s} {v:.0f}" for s, v in rss.items())
    )
    lines.append("")

    def rate(endpoint: str, server: str) -> float:
        m = results.get((endpoint, server))
        if m is None:
            return float("nan")
        per_view = 2 if (endpoint == "article view" and server in DATASETTES) else 1
        return statistics.median(m.rates) / per_view

    ratios: list[tuple[str, str, str, str, float | None]] = [
        ("article view (1 request) / Datasette article view (2 requests)", "article view", "sqlite", DATASETTE, 8.0),
        ("/articles/{id} / constant-body route", "/articles/{id}", "sqlite", "constant", 0.6),
        ("/articles/{id} via the API route (?format=json) / constant-body route", "/articles/{id}?format=json", "sqlite", "constant@/articles/{id}", None),
        ("/articles?limit=100 / Datasette 100-row list", "/articles?limit=100", "sqlite", DATASETTE, 3.0),
        ("/references?q= / Datasette _search", "/references?q=WORD", "sqlite", DATASETTE, 3.0),
        ("article view / Datasette on uvicorn[standard]", "article view", "sqlite", DATASETTE_STANDARD, None),
        ("/articles?limit=100 / Datasette on uvicorn[standard]", "/articles?limit=100", "sqlite", DATASETTE_STANDARD, None),
        ("/references?q= / Datasette on uvicorn[standard]", "/references?q=WORD", "sqlite", DATASETTE_STANDARD, None),
    ]  # fmt: skip
    for endpoint in ("article view", "/articles/{id}", "/articles/{id}/references",
                     "/articles?limit=100", "/references?q=WORD", "/references?doi="):  # fmt: skip
        ratios.append(
            (f"{endpoint}: PostgreSQL / SQLite", endpoint, "postgresql", "sqlite", 1 / 1.5)
        )
    lines.append("| ratio | value | target |")
    lines.append("|---|---:|---:|")
    for label, endpoint, mine, theirs, target in ratios:
        # "server@endpoint" compares with another endpoint's row (the constant route's).
        their_server, _, their_endpoint = theirs.partition("@")
        value = rate(endpoint, mine) / rate(their_endpoint or endpoint, their_server)
        if math.isnan(value):
            continue  # not measured in this run (--only, --no-postgres)
        if target is None:
            lines.append(f"| {label} | {value:.2f} | (reported) |")
            continue
        verdict = "met" if value >= target else "missed"
        lines.append(f"| {label} | {value:.2f} | >= {target:.2f} ({verdict}) |")
    sqlite_load = loads.get("SQLite", (0.0, 0.0))[0]
    lines.append(f"| load into SQLite, articles/s | {sqlite_load:.0f} | >= 200 "
                 f"({'met' if sqlite_load >= 200 else 'missed'}) |")  # fmt: skip
    worst = max((v for s, v in rss.items() if s in {"sqlite", "postgresql"}), default=0.0)
    lines.append(f"| API server RSS after the run, MiB | {worst:.0f} | <= 150 "
                 f"({'met' if worst <= 150 else 'missed'}) |")  # fmt: skip
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 articles, one short round")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    parser.add_argument(
        "--only", action="append", default=[], metavar="RE",
        help="measure only the endpoints whose name this regular expression finds (repeatable)",
    )  # fmt: skip
    args = parser.parse_args()
    if args.quick:
        args.articles, args.seconds, args.rounds = min(args.articles, 1000), 4.0, 1
    ensure_wrk()
    chosen = [v for v in variants(args.articles, "bench_ds") if selected(v.name, args.only)]
    if not chosen:
        raise SystemExit(f"--only {args.only} selects no endpoint")
    wanted = {v.server for v in chosen}
    load_average = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        tmp_dir = Path(tmp)
        sqlite_path = tmp_dir / "bench.db"
        sqlite_url = f"sqlite:///{sqlite_path}"
        loads: dict[str, tuple[float, float]] = {}
        print(f"loading {args.articles:,} articles into SQLite ...", flush=True)
        loads["SQLite"] = load(sqlite_url, args.articles)
        print(f"  {loads['SQLite'][0]:.0f} articles/s", flush=True)
        postgres_url = None
        if not args.no_postgres and "postgresql" in wanted:
            postgres_url = stack.enter_context(postgres_database())
            print(f"loading {args.articles:,} articles into PostgreSQL ...", flush=True)
            loads["PostgreSQL"] = load(postgres_url, args.articles)
            settle_postgres(postgres_url)
            print(f"  {loads['PostgreSQL'][0]:.0f} articles/s", flush=True)
        # Datasette opens a copy, so its immutable mode and FTS table change nothing of ours.
        datasette_path = tmp_dir / "bench_ds.db"
        with sqlite3.connect(sqlite_path) as source, sqlite3.connect(datasette_path) as copy:
            source.backup(copy)
        prepare_for_datasette(datasette_path)
        body_file = tmp_dir / "article.json"
        specs = [api_server("sqlite", sqlite_url)]  # always: it gives the constant's body
        if DATASETTE in wanted:
            specs.append(datasette_server(DATASETTE, plain_datasette(), datasette_path))
        if DATASETTE_STANDARD in wanted:
            command = Path(sys.executable).parent / "datasette"
            specs.append(datasette_server(DATASETTE_STANDARD, command, datasette_path))
        if postgres_url:
            specs.append(api_server("postgresql", postgres_url))
        servers = {spec[0]: stack.enter_context(serve(*spec)) for spec in specs}
        body_file.write_bytes(httpx.get(servers["sqlite"].base + "/articles/1").content)
        if "constant" in wanted:
            servers["constant"] = stack.enter_context(serve(*ceiling_server(sqlite_url, body_file)))
        todo = [
            v for v in variants(args.articles, datasette_path.stem)
            if v.server in servers and selected(v.name, args.only)
        ]
        results: dict[tuple[str, str], Measured] = {(v.name, v.server): Measured() for v in todo}
        scripts = tmp_dir / "lua"
        scripts.mkdir()
        print("warming up ...", flush=True)
        for variant in todo:
            run_wrk(servers[variant.server].base, variant.lua, 1 if args.quick else 3, scripts)
        for round_number in range(1, args.rounds + 1):
            print(f"round {round_number}/{args.rounds} ...", flush=True)
            for variant in todo:
                rate, p50, p99, errors = run_wrk(
                    servers[variant.server].base, variant.lua, args.seconds, scripts
                )
                measured = results[variant.name, variant.server]
                measured.rates.append(rate)
                measured.p50.append(p50)
                measured.p99.append(p99)
                measured.errors += errors
                measured.rss = max(measured.rss, servers[variant.server].rss_mib())
                print(f"  {variant.name:28} {variant.server:10} {rate:8.0f} req/s", flush=True)
            text_report = report(results, loads, args, load_average)
            if args.markdown:
                # Written after every round: a run cut short still leaves the rounds it finished.
                done = f"Rounds completed: {round_number} of {args.rounds}.\n\n"
                args.markdown.write_text(
                    "# Benchmark results\n\n" + done + text_report + "\n", encoding="utf-8"
                )
    print()
    print(text_report)


if __name__ == "__main__":
    main()
