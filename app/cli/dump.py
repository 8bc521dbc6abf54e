"""``dump FILE``: every table and row of the database as NDJSON (app/services/backup.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from app.cli.application import CommandError

FileArgument = Annotated[
    Path, typer.Argument(metavar="FILE", help="The NDJSON file to write ('-' for stdout).")
]


def dump(file: FileArgument) -> int:
    """Write every table and row of the database (DATABASE_URL) to FILE as NDJSON."""
    from app.db import get_engine
    from app.services.backup import dump as dump_database

    if str(file) == "-":
        counts = dump_database(get_engine(), sys.stdout)
    else:
        partial = file.with_name(file.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8") as out:
                counts = dump_database(get_engine(), out)
            partial.replace(file)  # a failed dump never leaves a file that looks complete
        except OSError as exc:
            raise CommandError(f"{file}: cannot write: {exc.strerror or exc}") from exc
        finally:
            partial.unlink(missing_ok=True)
    print(summary("dumped", counts), file=sys.stderr)
    return 0


def summary(verb: str, counts: dict[str, int]) -> str:
    total = sum(counts.values())
    return f"{verb} {total} rows in {len(counts)} tables"
