"""``load``: store OJS article pages saved as text or HTML, one transaction per file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from app.cli.application import CommandError, one_line
from app.cli.progress import progress

PathsArgument = Annotated[
    list[Path],
    typer.Argument(
        metavar="PATH", help="Page files (text or HTML), one article each.", show_default=False
    ),
]
UrlOption = Annotated[
    str | None,
    typer.Option(help="The page's address, its natural key; only with a single PATH."),
]


def load(paths: PathsArgument, url: UrlOption = None) -> int:
    """Load OJS article pages; a file that fails leaves the database as it was.

    Prints one line per file (created, updated or unchanged article, or the reason it failed);
    the exit code is 1 when any file failed, after the others are loaded.
    """
    if url and len(paths) > 1:
        raise CommandError("--url names one page; give a single PATH with it", exit_code=2)
    return load_pages([(path, url) for path in paths], description="load")


def load_pages(pages: Sequence[tuple[Path, str | None]], *, description: str) -> int:
    """Load each (file, URL) in its own transaction, reporting through the progress helper."""
    from sqlmodel import Session

    from app.db import get_engine
    from app.ingest.ojs_page import parse_page, read_page
    from app.ingest.records import PageError
    from app.services.loading import store_record

    engine = get_engine()
    with progress(len(pages), description) as tracker:
        for path, url in pages:
            try:
                record = parse_page(read_page(path), source_url=url)
                with Session(engine) as session, session.begin():
                    result = store_record(session, record)
            except PageError as exc:
                tracker.item(f"{path}: error: {exc}", failed=True)
                continue
            except (SQLAlchemyError, ValueError) as exc:
                tracker.item(
                    f"{path}: error: could not store the article: {one_line(exc)}", failed=True
                )
                continue
            tracker.item(
                f"{path}: {result.status} article {result.article_id} "
                f"({result.references} references)"
            )
    return 1 if tracker.failed else 0
