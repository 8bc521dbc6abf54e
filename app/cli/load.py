"""``load``: store OJS article pages saved as text or HTML: files, folders and globs.

Pages and their references are parsed in parallel on every core and stored by this one process,
a batch of pages per transaction; a page that fails is stored alone and leaves the database as it
was (app.services.bulk_loading).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from app.cli.application import CommandError
from app.cli.progress import progress

PathsArgument = Annotated[
    list[str],
    typer.Argument(
        metavar="DIR|GLOB|FILE...",
        help="Page files (text or HTML, one article each), folders of them, or glob patterns.",
        show_default=False,
    ),
]
UrlOption = Annotated[
    str | None,
    typer.Option(
        metavar="URL", help="The page's address, its natural key; only with a single page."
    ),
]
JournalOption = Annotated[
    str | None,
    typer.Option(
        metavar="NAME", help="The journal's name, for pages that print none and have no address."
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Parse and report every page; write nothing.")
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        min=1, metavar="N", help="Parsing processes (default: one per core).", show_default=False
    ),
]


def load(
    paths: PathsArgument,
    url: UrlOption = None,
    journal: JournalOption = None,
    dry_run: DryRunOption = False,
    workers: WorkersOption = None,
) -> int:
    """Load OJS article pages; a page that fails leaves the database as it was.

    Reports each page (created, updated or unchanged article, or the reason it failed): on a
    terminal under a progress bar with rate and ETA, else as one line per page; then a summary.
    The exit code is 1 when any page failed, after the others are loaded.
    """
    from app.services.bulk_loading import expand_paths

    files, missing = expand_paths(paths)
    if url and len(files) + len(missing) > 1:
        raise CommandError("--url names one page; give a single PATH with it", exit_code=2)
    return load_pages(
        [(path, url) for path in files],
        description="load",
        journal=journal,
        dry_run=dry_run,
        workers=workers,
        unmatched=[(outcome.path, outcome.reason or "") for outcome in missing],
    )


def load_pages(
    pages: Sequence[tuple[Path, str | None]],
    *,
    description: str,
    journal: str | None = None,
    dry_run: bool = False,
    workers: int | None = None,
    unmatched: Sequence[tuple[str, str]] = (),
) -> int:
    """Load each (file, URL), reporting each page through the progress helper and a summary."""
    from app.config import get_settings
    from app.services.bulk_loading import LoadOptions, PageOutcome, Summary
    from app.services.bulk_loading import load_pages as load_all

    settings = get_settings()
    options = LoadOptions(
        journal=journal,
        max_page_bytes=settings.load_max_page_bytes,
        max_field_chars=settings.load_max_field_chars,
    )
    summary = Summary()
    with progress(len(pages) + len(unmatched), description) as tracker:

        def report(outcome: PageOutcome) -> None:
            if outcome.status == "failed":
                tracker.item(f"{outcome.path}: error: {outcome.reason}", failed=True)
            elif outcome.status == "parsed":
                tracker.item(
                    f"{outcome.path}: parsed ({outcome.references} references): {outcome.title}"
                )
            else:
                tracker.item(
                    f"{outcome.path}: {outcome.status} article {outcome.article_id} "
                    f"({outcome.references} references)"
                )

        for argument, reason in unmatched:
            outcome = PageOutcome(argument, "failed", reason=reason)
            summary.add(outcome)
            report(outcome)
        loaded = load_all(pages, options, dry_run=dry_run, workers=workers, on_outcome=report)
    for status, count in loaded.counts.items():
        summary.counts[status] += count
    summary.failures.extend(loaded.failures)
    if len(pages) + len(unmatched) > 1:
        print(summary.line(dry_run=dry_run))
    return 1 if summary.failed else 0
