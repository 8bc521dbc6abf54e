"""``python -m app``: one module per command; adding one is a module plus one line below."""

from __future__ import annotations

from app.cli import delete, dump, load, migrate, reparse, restore, seed, serve, token
from app.cli.application import cli, main

cli.command("migrate")(migrate.migrate)
cli.command("seed")(seed.seed)
cli.command("load")(load.load)
cli.command("reparse")(reparse.reparse)
cli.command("serve")(serve.serve)
cli.command("delete")(delete.delete)
cli.add_typer(token.app, name="token")
cli.command("dump")(dump.dump)
cli.command("restore")(restore.restore)

__all__ = ["cli", "main"]
