"""``restore FILE``: a dump back into an empty database (app/services/backup.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from app.cli.application import CommandError
from app.cli.dump import summary

FileArgument = Annotated[
    Path, typer.Argument(metavar="FILE", help="A file made by dump ('-' for stdin).")
]


def restore(file: FileArgument) -> int:
    """Load FILE (made by dump) into an empty database at the same schema revision."""
    from app.db import get_engine
    from app.services.backup import BackupError
    from app.services.backup import restore as restore_database

    try:
        if str(file) == "-":
            counts = restore_database(get_engine(), sys.stdin)
        else:
            with file.open(encoding="utf-8") as lines:
                counts = restore_database(get_engine(), lines)
    except OSError as exc:
        raise CommandError(f"{file}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{file}: not UTF-8 text ({exc.reason})") from exc
    except BackupError as exc:
        raise CommandError(f"{file}: {exc}") from exc
    print(summary("restored", counts), file=sys.stderr)
    return 0
