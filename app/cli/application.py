"""The Typer application behind ``python -m app``, and the one place failures become one line.

Commands live one per module in ``app.cli`` and are registered in ``app/cli/__init__.py``. A command
returns its exit code (0 on success) or raises :class:`CommandError`; :func:`main` turns every
failure, including a bad option, into one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import typer
from sqlalchemy.exc import SQLAlchemyError

from app.config import ConfigError, Settings

PROG_NAME = "python -m app"


class CommandError(Exception):
    """A command cannot go on; the message is the one line the user sees."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def one_line(exc: BaseException) -> str:
    """The first line of an error (a driver's message without its SQL and traceback)."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def environment_help() -> str:
    """The environment variables every command reads, from the Settings fields themselves."""
    rows = []
    for name, field in Settings.model_fields.items():
        rows.append(f"  {name.upper():<22} {field.description or ''}")
    return "Environment variables (or a .env file):\n\n" + "\n".join(rows)


cli = typer.Typer(
    name=PROG_NAME,
    help="Journal Metadata API: load OJS article pages, keep the database current, serve the API.",
    epilog=environment_help(),
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; every failure is one line on stderr and a non-zero code."""
    command = typer.main.get_command(cli)
    try:
        code = command.main(
            args=list(sys.argv[1:] if argv is None else argv),
            prog_name=PROG_NAME,
            standalone_mode=False,
        )
    except typer.TyperException as exc:  # click's usage errors (Typer vendors click)
        ctx = getattr(exc, "ctx", None)
        hint = f" (see {ctx.command_path} --help)" if ctx is not None else ""
        message = " ".join(exc.format_message().split())
        return _fail(f"{message}{hint}", exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        return _fail("interrupted", 130)
    except CommandError as exc:
        return _fail(str(exc), exc.exit_code)
    except ConfigError as exc:
        return _fail(str(exc), 2)
    except SQLAlchemyError as exc:
        return _fail(f"database: {one_line(exc)}", 1)
    except OSError as exc:
        return _fail(one_line(exc), 1)
    return code if isinstance(code, int) else 0


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code or 1
