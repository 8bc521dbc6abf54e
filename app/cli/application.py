"""The Typer application behind ``python -m app``, and the one place failures become one line.

Commands live one per module in ``app.cli`` and are registered in ``app/cli/__init__.py``. A command
returns its exit code (0 on success) or raises :class:`CommandError`; :func:`main` turns every
failure, including a bad option, into one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import sys
import textwrap
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


def environment_help(width: int = 76) -> str:
    """The environment variables every command reads, from the Settings fields themselves,
    wrapped to fit an 80-column terminal (rich keeps line breaks; it would wrap long lines
    back to the first column)."""
    column = max(len(name) for name in Settings.model_fields) + 2
    rows = []
    for name, field in Settings.model_fields.items():
        lines = textwrap.wrap(field.description or "", width - column) or [""]
        rows.append(f"{name.upper():<{column}}{lines[0]}")
        rows.extend(" " * column + line for line in lines[1:])
    return "Environment variables (or a .env file):\n\n" + "\n".join(rows)


def reads(*names: str, every: bool = False) -> str:
    """The epilog of a command's --help: the environment variables it reads (``every``: all
    of them, these first)."""
    unknown = [name for name in names if name.lower() not in Settings.model_fields]
    if unknown:
        raise ValueError(f"not settings: {unknown}")
    listed = ", ".join(names) + (" and every other one" if every else "")
    return f"Environment: {listed} (or a .env file; `{PROG_NAME} --help` says what each means)."


cli = typer.Typer(
    name=PROG_NAME,
    help="Journal Metadata API: load OJS article pages, keep the database current, serve the API.",
    epilog=environment_help(),
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    no_args_is_help=True,
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
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            return _missing_command(ctx, exc.format_message())
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


def _missing_command(ctx: typer.Context, help_text: str) -> int:
    """A command group run alone: its help (rich has printed it already; plain click hands it
    over as the message), then why it stopped, and exit code 2 as for any usage error."""
    if help_text.strip():
        print(help_text)
    commands = list(getattr(ctx.command, "list_commands", lambda _ctx: [])(ctx))
    choice = " or ".join([", ".join(commands[:-1]), commands[-1]] if commands[1:] else commands)
    return _fail(f"{ctx.command_path} needs a command: {choice}", 2)


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code or 1
