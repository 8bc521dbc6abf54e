"""Load many saved OJS pages: parse in parallel on every core, store from one writer.

Parsing is pure and CPU-bound (HTML, language detection, the reference parser at store time is
not), so worker processes parse pages while this process alone writes, one transaction per page:
SQLite allows one writer anyway, and a failed page rolls back alone, leaving the database as it
was. Results come back in the order the paths were given, so output and ids are reproducible.
"""

from __future__ import annotations

import glob
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.db import get_engine
from app.ingest.ojs_page import PageLimits, parse_page, read_page
from app.ingest.records import ArticleRecord, PageError
from app.services.loading import store_record

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml")


@dataclass(frozen=True)
class LoadOptions:
    journal: str | None = None
    max_page_bytes: int = 10 * 1024 * 1024
    max_field_chars: int = 20_000


@dataclass(frozen=True)
class PageOutcome:
    """What became of one page: created/updated/unchanged (or parsed, on a dry run) or failed."""

    path: str
    status: str
    article_id: int | None = None
    references: int = 0
    title: str | None = None
    reason: str | None = None


@dataclass
class Summary:
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[PageOutcome] = field(default_factory=list)

    def add(self, outcome: PageOutcome) -> None:
        self.counts[outcome.status] += 1
        if outcome.status == "failed":
            self.failures.append(outcome)

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def line(self, *, dry_run: bool = False) -> str:
        total = sum(self.counts.values())
        order = ("parsed", "failed") if dry_run else ("created", "updated", "unchanged", "failed")
        parts = ", ".join(f"{self.counts[name]} {name}" for name in order)
        return f"{total} page{'s' if total != 1 else ''}: {parts}"


def expand_paths(arguments: Iterable[str]) -> tuple[list[Path], list[PageOutcome]]:
    """Files named by DIR (its pages, recursively), GLOB or FILE, in order, each once; and an
    outcome for each argument that names nothing."""
    found: dict[Path, None] = {}
    missing: list[PageOutcome] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            pages = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
            )
            if not pages:
                missing.append(PageOutcome(argument, "failed", reason="no page files in folder"))
            found.update(dict.fromkeys(pages))
        elif glob.has_magic(argument):
            matches = sorted(Path(p) for p in glob.glob(argument, recursive=True))
            files = [p for p in matches if p.is_file()]
            if not files:
                missing.append(PageOutcome(argument, "failed", reason="no file matches"))
            found.update(dict.fromkeys(files))
        else:
            found[path] = None  # a missing or unreadable file fails with its reason when read
    return list(found), missing


def parse_file(
    path: Path, url: str | None, options: LoadOptions
) -> tuple[ArticleRecord | None, str | None]:
    """The record of one page file, or the one-line reason it cannot be loaded (never raises)."""
    try:
        text = read_page(path, max_bytes=options.max_page_bytes)
        record = parse_page(
            text,
            source_url=url,
            journal_name=options.journal,
            limits=PageLimits(max_field_chars=options.max_field_chars),
        )
    except PageError as error:
        return None, str(error).replace(f": {path}", "")
    except Exception as error:  # noqa: BLE001 - a parser bug must fail one page, not the run
        return None, f"could not parse the page ({type(error).__name__}: {error})"
    journal = record.journal
    if not (journal.titles or journal.issn_print or journal.issn_online or journal.base_url):
        return None, (
            "the page names no journal (no title, ISSN or journal address): "
            "give its address with --url or the journal's name with --journal"
        )
    return record, None


Page = tuple[Path, str | None]  # a file and the address it was saved from, when known


def _parse_one(
    job: tuple[Path, str | None, LoadOptions],
) -> tuple[ArticleRecord | None, str | None]:
    return parse_file(*job)


def parsed_pages(
    pages: Sequence[Page], options: LoadOptions, *, workers: int | None = None
) -> Iterator[tuple[Path, ArticleRecord | None, str | None]]:
    """Each page with its record or failure reason, in order; parsed on ``workers`` processes."""
    workers = workers or os.cpu_count() or 1
    jobs = [(path, url, options) for path, url in pages]
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield job[0], *_parse_one(job)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        chunk = max(1, min(16, len(jobs) // (workers * 4)))
        for job, result in zip(jobs, pool.map(_parse_one, jobs, chunksize=chunk), strict=True):
            yield job[0], *result


def load_pages(
    pages: Sequence[Page],
    options: LoadOptions,
    *,
    dry_run: bool = False,
    workers: int | None = None,
    on_outcome: Callable[[PageOutcome], None] | None = None,
) -> Summary:
    """Parse every page and (unless ``dry_run``) store each in its own transaction."""
    summary = Summary()
    engine: Engine | None = None
    for path, record, reason in parsed_pages(pages, options, workers=workers):
        name = str(path)
        if record is None:
            outcome = PageOutcome(name, "failed", reason=reason)
        elif dry_run:
            title = next(iter(record.titles.values()), None)
            outcome = PageOutcome(name, "parsed", references=len(record.references), title=title)
        else:
            engine = engine or get_engine()
            outcome = _store(name, record, engine)
        summary.add(outcome)
        if on_outcome is not None:
            on_outcome(outcome)
    return summary


def _store(name: str, record: ArticleRecord, engine: Engine) -> PageOutcome:
    try:
        with Session(engine) as session, session.begin():
            result = store_record(session, record)
    except (SQLAlchemyError, ValueError) as error:
        text = str(getattr(error, "orig", None) or error).strip().splitlines()
        reason = text[0] if text else type(error).__name__
        return PageOutcome(name, "failed", reason=f"could not store the article: {reason}")
    return PageOutcome(name, result.status, result.article_id, result.references)
