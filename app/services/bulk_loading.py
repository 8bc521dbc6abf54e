"""Load many saved OJS pages: parse in parallel on every core, store from one writer.

Parsing is pure and CPU-bound (HTML, language detection, the reference parser), so worker
processes parse pages and their references while this process alone writes: SQLite allows one
writer anyway. Pages are stored a batch per transaction (``store_records``: a fixed number of
statements per batch); when a batch fails, its pages are stored again one transaction each, so
a failed page rolls back alone and leaves the database as it was. Results come back in the order
the paths were given, so output and ids are reproducible.
"""

from __future__ import annotations

import glob
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.db import get_engine
from app.ingest.ojs_page import PageLimits, parse_page, read_page
from app.ingest.records import ArticleRecord, PageError
from app.ingest.references import parse_reference
from app.services.loading import store_record, store_records

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml")
BATCH = 50  # pages per transaction when every page of the batch stores well


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
References = list[dict[str, Any]]  # CSL-JSON of each reference of a page


@dataclass(frozen=True)
class ParsedPage:
    """A page file and its record with parsed references, or the reason it cannot be loaded."""

    path: Path
    record: ArticleRecord | None
    references: References | None
    reason: str | None


def _parse_one(job: tuple[Path, str | None, LoadOptions, bool]) -> ParsedPage:
    path, url, options, with_references = job
    record, reason = parse_file(path, url, options)
    references = None
    if record is not None and with_references:
        try:
            references = [parse_reference(raw) for raw in record.references]
        except Exception:  # noqa: BLE001 - left to the writer, which reports it for this page
            references = None
    return ParsedPage(path, record, references, reason)


def parsed_pages(
    pages: Sequence[Page],
    options: LoadOptions,
    *,
    workers: int | None = None,
    references: bool = True,
) -> Iterator[ParsedPage]:
    """Each page with its record (and, when asked, its parsed references) or failure reason,
    in order; parsed on ``workers`` processes."""
    workers = workers or os.cpu_count() or 1
    jobs = [(path, url, options, references) for path, url in pages]
    if workers <= 1 or len(jobs) <= 1:
        yield from map(_parse_one, jobs)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        chunk = max(1, min(16, len(jobs) // (workers * 4)))
        yield from pool.map(_parse_one, jobs, chunksize=chunk)


def load_pages(
    pages: Sequence[Page],
    options: LoadOptions,
    *,
    dry_run: bool = False,
    workers: int | None = None,
    on_outcome: Callable[[PageOutcome], None] | None = None,
) -> Summary:
    """Parse every page and (unless ``dry_run``) store them, a batch per transaction."""
    summary = Summary()
    engine: Engine | None = None
    batch: list[ParsedPage] = []

    def report(outcomes: Iterable[PageOutcome]) -> None:
        for outcome in outcomes:
            summary.add(outcome)
            if on_outcome is not None:
                on_outcome(outcome)

    for page in parsed_pages(pages, options, workers=workers, references=not dry_run):
        if page.record is None:
            batch.append(page)  # reported in its place, after the pages before it
        elif dry_run:
            title = next(iter(page.record.titles.values()), None)
            report([PageOutcome(str(page.path), "parsed", references=len(page.record.references),
                                title=title)])  # fmt: skip
            continue
        else:
            engine = engine or get_engine()
            batch.append(page)
        if len(batch) >= BATCH:
            report(_store_batch(batch, engine))
            batch = []
    if batch:
        report(_store_batch(batch, engine))
    return summary


def _store_batch(pages: list[ParsedPage], engine: Engine | None) -> list[PageOutcome]:
    """Store the parsed pages of a batch in one transaction; if that fails, each page in its
    own, so only the pages that fail are left out. Outcomes in page order."""
    stored = [page for page in pages if page.record is not None]
    results: dict[Path, PageOutcome] = {}
    if stored and engine is not None:
        try:
            with Session(engine) as session, session.begin():
                loaded = store_records(
                    session,
                    [page.record for page in stored if page.record is not None],
                    parsed=[page.references for page in stored],
                )
            results = {
                page.path: PageOutcome(str(page.path), r.status, r.article_id, r.references)
                for page, r in zip(stored, loaded, strict=True)
            }
        except (SQLAlchemyError, ValueError, LookupError):
            results = {page.path: _store(page, engine) for page in stored}
    return [
        results.get(page.path) or PageOutcome(str(page.path), "failed", reason=page.reason)
        for page in pages
    ]


def _store(page: ParsedPage, engine: Engine) -> PageOutcome:
    name = str(page.path)
    assert page.record is not None
    try:
        with Session(engine) as session, session.begin():
            result = store_record(session, page.record, parsed=page.references)
    except (SQLAlchemyError, ValueError, LookupError) as error:
        text = str(getattr(error, "orig", None) or error).strip().splitlines()
        reason = text[0] if text else type(error).__name__
        return PageOutcome(name, "failed", reason=f"could not store the article: {reason}")
    return PageOutcome(name, result.status, result.article_id, result.references)
