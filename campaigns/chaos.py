"""``make chaos``: the loader and the server under damage, on SQLite and PostgreSQL.

1. Loader fuzz: mutated, truncated, binary, re-encoded and huge pages made from the seed pages.
   Each must load or fail with exactly one line and a clean exit code; a sample of the failures
   is loaded again one by one, checking that the database is unchanged by each (byte-equal dumps).
2. SIGKILL mid-load, repeatedly (each once the loader has stored its first page, so that it
   lands among writes, not in the loader's imports): afterwards every stored article is complete
   (its authors and references all there) and no page is stored twice; the next load completes.
3. Concurrent loaders with readers: two loader processes and 20 reader threads on a live
   server; no 5xx, no failed connection, and in the end every page stored exactly once.
4. Pressure (campaigns/pressure.py): the server's memory before and after 100 MB bodies, and
   /health latency while it parses 1,000 references.

Sizes: CHAOS_PAGES (loader fuzz, default 72 per database: the twelve kinds of damage in turn,
so each kind, the huge ones included, is tried six times), CHAOS_RECHECKS (failed loads re-run
one by one against a dump, default 10), CHAOS_KILLS (default 8 per database), CHAOS_HUGE_MB
(default 20); a page still loading after CHAOS_PAGE_SECONDS (20) is a violation, and the fuzz
goes on with the next page. The defaults finish in about ten minutes on two loaded cores;
CHAOS_PAGES=2000 is the long run. Prints a summary; exits non-zero on any violation.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from sqlalchemy import text

from campaigns.live import DIALECTS, ROOT, cli, live_server, python_env, throwaway_database
from campaigns.pressure import pressure

PAGES = int(os.environ.get("CHAOS_PAGES", "72"))
RECHECKS = int(os.environ.get("CHAOS_RECHECKS", "10"))
KILLS = int(os.environ.get("CHAOS_KILLS", "8"))
HUGE_MB = int(os.environ.get("CHAOS_HUGE_MB", "20"))
PAGE_SECONDS = int(os.environ.get("CHAOS_PAGE_SECONDS", "20"))  # a batch's budget per page
BATCH = 25
DISTINCT = 40  # distinct articles for the kill and concurrency runs
SEED = ROOT / "seed"
TEMPLATE = "001_demo_vitamin_d.html"
problems: list[str] = []


def note(problem: str) -> None:
    problems.append(problem)
    print(f"  VIOLATION: {problem}", flush=True)


# ----------------------------------------------------------------------------- pages


def seed_pages() -> list[bytes]:
    manifest = json.loads((SEED / "manifest.json").read_text(encoding="utf-8"))
    return [(SEED / entry["file"]).read_bytes() for entry in manifest["pages"]]


DAMAGE = ("flip", "truncate", "cut", "repeat", "binary", "controls", "utf16", "latin1", "utf7",
          "tags", "long-title", "empty")


def mutate(rng: random.Random, page: bytes, kind: str | None = None) -> tuple[str, bytes]:
    """One damaged page and the name of the damage (``kind``, else a random one)."""
    kind = kind or rng.choice(DAMAGE)
    data = bytearray(page)
    if kind == "flip":
        for _ in range(rng.randint(1, 64)):
            data[rng.randrange(len(data))] = rng.randrange(256)
    elif kind == "truncate":
        data = data[: rng.randrange(len(data))]
    elif kind == "cut":
        start = rng.randrange(len(data))
        del data[start : start + rng.randint(1, 2000)]
    elif kind == "repeat":
        start = rng.randrange(len(data))
        data[start:start] = data[start : start + rng.randint(1, 500)] * rng.randint(2, 200)
    elif kind == "binary":
        data = bytearray(rng.randbytes(rng.randint(1, 200_000)))
    elif kind == "controls":
        for _ in range(rng.randint(1, 50)):
            data[rng.randrange(len(data)) : 0] = bytes([rng.choice([0, 1, 8, 11, 27, 127])])
    elif kind in ("utf16", "latin1", "utf7"):
        text_ = page.decode("utf-8", errors="replace")
        data = bytearray(text_.encode({"utf16": "utf-16", "latin1": "latin-1",
                                       "utf7": "utf-7"}[kind], errors="replace"))
    elif kind == "tags":
        data = bytearray(b"<html><body>" + b"<div><span>" * rng.randint(1000, 100_000))
    elif kind == "long-title":
        title = b"T" * rng.randint(10_000, 1_000_000)
        data = bytearray(page.replace(b'name="citation_title" content="',
                                      b'name="citation_title" content="' + title, 1))
    else:
        data = bytearray()
    return kind, bytes(data)


def distinct_pages(directory: Path) -> list[Path]:
    """DISTINCT copies of the demo page, each its own article (own URL and DOI)."""
    template = (SEED / TEMPLATE).read_text(encoding="utf-8")
    paths = []
    for i in range(DISTINCT):
        # The natural key of a page loaded without --url comes from its journal and title.
        page = (
            template.replace("view/101", f"view/{1000 + i}")
            .replace("djmch.2021.3.1.01", f"djmch.chaos.{i}")
            .replace("cohort from Baku", f"cohort from Baku, part {i}")
        )
        path = directory / f"distinct_{i:03d}.html"
        path.write_text(page, encoding="utf-8")
        paths.append(path)
    return paths


# ----------------------------------------------------------------------------- database views


def dump_text(url: str) -> str:
    from app.db import make_engine
    from app.services.backup import dump

    engine = make_engine(url, pool_size=1)
    try:
        out = io.StringIO()
        dump(engine, out)
        return out.getvalue()
    finally:
        engine.dispose()


def integrity(url: str) -> tuple[int, list[str]]:
    """Stored articles, and what is wrong with them (incomplete or duplicated)."""
    from app.db import make_engine

    engine = make_engine(url, pool_size=1)
    wrong = []
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT a.source_url, a.doi, "
                "(SELECT COUNT(*) FROM reference r WHERE r.article_id = a.id), "
                "(SELECT COUNT(*) FROM article_author x WHERE x.article_id = a.id) "
                "FROM article a"
            )).all()
    finally:
        engine.dispose()
    urls = Counter(row[0] for row in rows)
    wrong += [f"{u} stored {n} times" for u, n in urls.items() if n > 1]
    for source_url, doi, references, authors in rows:
        if "djmch.chaos." in (doi or "") and (references, authors) != EXPECTED_SHAPE:
            wrong.append(f"{source_url}: {references} references, {authors} authors (incomplete)")
    return len(rows), wrong


EXPECTED_SHAPE: tuple[int, int] = (0, 0)


# ----------------------------------------------------------------------------- 1. loader fuzz


def loader_fuzz(dialect: str, rng: random.Random) -> str:
    pages = seed_pages()
    with throwaway_database(dialect) as url, tempfile.TemporaryDirectory() as directory:
        cli(url, "migrate")
        cli(url, "seed")
        files: list[Path] = []
        kinds: Counter[str] = Counter()
        for i in range(PAGES):
            kind, data = mutate(rng, rng.choice(pages), DAMAGE[i % len(DAMAGE)])
            kinds[kind] += 1
            path = Path(directory) / f"m{i:05d}_{kind}.html"
            path.write_bytes(data)
            files.append(path)
        huge = Path(directory) / "huge.html"
        huge.write_bytes(pages[1] * max(1, HUGE_MB * 1024 * 1024 // len(pages[1])))
        files.append(huge)
        loaded = failed = slow = 0
        failures: list[Path] = []
        pending = files[:]
        while pending:
            batch, pending = pending[:BATCH], pending[BATCH:]
            started = time.monotonic()
            try:
                result = subprocess.run(
                    [sys.executable, "-m", "app", "load", *map(str, batch)], cwd=ROOT,
                    env=python_env(DATABASE_URL=url), capture_output=True, text=True,
                    timeout=PAGE_SECONDS * len(batch),
                )
                output, code = result.stdout + result.stderr, result.returncode
            except subprocess.TimeoutExpired as expired:
                output, code = _text(expired.stdout) + _text(expired.stderr), None
            lines = [ln for ln in output.splitlines() if directory in ln]
            for index, path in enumerate(batch):
                mine = [ln for ln in lines if f"{path}:" in ln]
                if not mine and code is None:
                    # The load was stopped while on this page: too slow; the rest goes on.
                    slow += 1
                    note(f"{dialect}: {path.name} ({path.stat().st_size} bytes) still loading "
                         f"after {PAGE_SECONDS * len(batch)} s")
                    pending = batch[index + 1 :] + pending
                    break
                if len(mine) != 1:
                    note(f"{dialect}: {path.name}: {len(mine)} lines instead of one")
                elif ": error: " in mine[0]:
                    failed += 1
                    failures.append(path)
                else:
                    loaded += 1
            if code not in (0, 1, None) or "Traceback" in output:
                note(f"{dialect}: load exited {code}: {output.strip()[-300:]}")
            print(f"  {dialect} fuzz: {len(files) - len(pending)}/{len(files)} pages "
                  f"({time.monotonic() - started:.0f} s for this batch)", flush=True)
        unchanged = recheck(url, rng.sample(failures, min(RECHECKS, len(failures))), dialect)
        return (f"{dialect}: {len(files)} damaged pages ({dict(kinds)} + one of {HUGE_MB} MB): "
                f"{loaded} loaded, {failed} failed with one line, {slow} still loading after "
                f"{PAGE_SECONDS} s a page; {unchanged} failures re-checked, database unchanged")


def recheck(url: str, paths: list[Path], dialect: str) -> int:
    """Load each failing page again, alone, between two dumps of the database: how many left it
    byte-for-byte unchanged. One process for all of them (``python -m app load``'s own function
    in a loop), not one each: a process start costs 5 s of imports on a busy machine."""
    result = subprocess.run(
        [sys.executable, "-m", "campaigns.chaos", "recheck", *map(str, paths)], cwd=ROOT,
        env=python_env(DATABASE_URL=url), capture_output=True, text=True, timeout=600,
    )
    verdicts = [ln for ln in result.stdout.splitlines() if ln.startswith("recheck ")]
    for line in verdicts:
        if line.startswith("recheck changed "):
            note(f"{dialect}: failed load of {Path(line.split(' ', 2)[2]).name} changed the "
                 "database")
    if result.returncode != 0 or len(verdicts) != len(paths):
        note(f"{dialect}: recheck exited {result.returncode}: {result.stderr.strip()[-300:]}")
    return sum(1 for line in verdicts if line.startswith("recheck unchanged "))


def _recheck_here(paths: list[str]) -> int:
    """In the recheck process (DATABASE_URL set): load each page as the CLI does, dump around."""
    from app.cli.load import load

    url = os.environ["DATABASE_URL"]
    for path in paths:
        before = dump_text(url)
        load([path])
        verdict = "unchanged" if dump_text(url) == before else "changed"
        print(f"recheck {verdict} {path}", flush=True)
    return 0


def _text(output: str | bytes | None) -> str:
    if isinstance(output, bytes):
        return output.decode("utf-8", errors="replace")
    return output or ""


# ----------------------------------------------------------------------------- 2. SIGKILL


def kill_runs(dialect: str, rng: random.Random) -> str:
    global EXPECTED_SHAPE
    with throwaway_database(dialect) as url, tempfile.TemporaryDirectory() as directory:
        cli(url, "migrate")
        paths = distinct_pages(Path(directory))
        # The shape of a complete article: load one page alone first.
        cli(url, "load", str(paths[0]))
        from app.db import make_engine

        engine = make_engine(url, pool_size=1)
        with engine.connect() as connection:
            EXPECTED_SHAPE = tuple(connection.execute(text(
                "SELECT (SELECT COUNT(*) FROM reference), (SELECT COUNT(*) FROM article_author)"
            )).one())  # type: ignore[assignment]
        engine.dispose()
        survived = mid_load = 0
        for run in range(KILLS):
            order = paths[:]
            rng.shuffle(order)
            process = subprocess.Popen(
                [sys.executable, "-m", "app", "load", *map(str, order)], cwd=ROOT,
                env=python_env(DATABASE_URL=url), stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, start_new_session=True, text=True,
            )
            # The kill lands while pages are being written: after the loader has reported its
            # first page (a line per page, once committed), not during its seconds of imports,
            # where a kill tests nothing.
            assert process.stdout is not None
            first = process.stdout.readline()
            if not first:
                note(f"{dialect}: kill {run + 1}: the loader exited before loading a page")
            time.sleep(rng.uniform(0.0, 2.0))
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            process.stdout.close()
            mid_load += bool(first)
            stored, wrong = integrity(url)
            for problem in wrong:
                note(f"{dialect}: after kill {run + 1}: {problem}")
            survived += not wrong
            if run % 2 == 1:  # start over now and then, so that kills land during inserts
                _delete_articles(url)
        final = cli(url, "load", *map(str, paths), check=False)
        stored, wrong = integrity(url)
        if final.returncode != 0 or stored != DISTINCT or wrong:
            note(f"{dialect}: the load after the kills: exit {final.returncode}, {stored} "
                 f"articles of {DISTINCT}, {wrong[:3]}")
        return (f"{dialect}: {KILLS} SIGKILLs ({mid_load} after the first page was stored), "
                f"{survived} left only complete articles; "
                f"the next load {'completed' if final.returncode == 0 else 'FAILED'} "
                f"({stored}/{DISTINCT} articles)")


def _delete_articles(url: str) -> None:
    from app.db import make_engine

    engine = make_engine(url, pool_size=1)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM article"))
    engine.dispose()


# ----------------------------------------------------------------------------- 3. concurrency


def loaders_and_readers(dialect: str, rng: random.Random) -> str:
    with throwaway_database(dialect) as url, tempfile.TemporaryDirectory() as directory:
        cli(url, "migrate")
        cli(url, "seed")
        paths = distinct_pages(Path(directory))
        statuses: Counter[str] = Counter()
        stop = threading.Event()
        with live_server(url, WORKERS="2") as base:
            def reader(seed: int) -> None:
                local = random.Random(seed)
                with httpx.Client(base_url=base, timeout=30) as client:
                    while not stop.is_set():
                        path = local.choice([
                            "/articles?limit=50", "/references?limit=100", "/articles/1",
                            f"/articles/{local.randint(1, 60)}", "/keywords?limit=20",
                            "/articles?q=vitamin", "/articles/1/references?format=bibtex",
                        ])
                        try:
                            statuses[str(client.get(path).status_code)] += 1
                        except httpx.HTTPError as exc:
                            statuses[type(exc).__name__] += 1

            readers = [threading.Thread(target=reader, args=(i,)) for i in range(20)]
            for thread in readers:
                thread.start()
            loaders = []
            for _ in range(2):
                order = paths[:]
                rng.shuffle(order)
                loaders.append(subprocess.Popen(
                    [sys.executable, "-m", "app", "load", *map(str, order)], cwd=ROOT,
                    env=python_env(DATABASE_URL=url), stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE, text=True,
                ))
            codes = [loader.wait(timeout=1800) for loader in loaders]
            stop.set()
            for thread in readers:
                thread.join()
        stored, wrong = integrity(url)
        server_errors = {k: v for k, v in statuses.items() if not k.isdigit() or k >= "500"}
        if server_errors:
            note(f"{dialect}: readers got {server_errors}")
        if set(codes) != {0}:
            note(f"{dialect}: loaders exited {codes}")
        if wrong or stored != DISTINCT + len(seed_pages()):
            note(f"{dialect}: {stored} articles stored, {wrong[:3]}")
        return (f"{dialect}: 2 loaders + 20 readers: {sum(statuses.values())} reads "
                f"{dict(statuses)}, loaders exited {codes}, {stored} articles, "
                f"{len(wrong)} lost or duplicated")


def main() -> int:
    rng = random.Random(10)
    summary = []
    for dialect in DIALECTS:
        for step in (loader_fuzz, kill_runs, loaders_and_readers):
            print(f"{step.__name__} on {dialect}...", flush=True)
            started = time.monotonic()
            summary.append(f"{step(dialect, rng)} [{time.monotonic() - started:.0f} s]")
            print(f"  {summary[-1]}", flush=True)
    print("pressure (memory after 100 MB bodies, /health during a parse)...", flush=True)
    summary += pressure()
    print("\nmake chaos summary:\n" + "\n".join(summary))
    if problems:
        print(f"\n{len(problems)} violations:\n" + "\n".join(problems[:50]))
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["recheck"]:
        sys.exit(_recheck_here(sys.argv[2:]))
    sys.exit(main())
