"""``python -m app``: one module per command; adding one is a module plus one line below."""

from __future__ import annotations

from app.cli import delete, dump, load, migrate, reparse, restore, seed, serve, token
from app.cli.application import cli, main, reads

DB = "DATABASE_URL"
# A commit that changes articles notifies WEBHOOK_URL, naming them under PUBLIC_BASE_URL.
WRITES = (DB, "LOAD_MAX_PAGE_BYTES", "LOAD_MAX_FIELD_CHARS", "WEBHOOK_URL", "WEBHOOK_SECRET",
          "PUBLIC_BASE_URL")

cli.command("migrate", epilog=reads(DB))(migrate.migrate)
cli.command("seed", epilog=reads(*WRITES))(seed.seed)
cli.command("load", epilog=reads(*WRITES))(load.load)
cli.command("reparse", epilog=reads(DB, *WRITES[3:]))(reparse.reparse)
SERVES = ("HOST", "PORT", "WORKERS", "PUBLIC_BASE_URL", DB, "LOG_FORMAT", "LOG_LEVEL", "METRICS")
cli.command("serve", epilog=reads(*SERVES, every=True))(serve.serve)
cli.command("delete", epilog=reads(DB, *WRITES[3:]))(delete.delete)
cli.add_typer(token.app, name="token", epilog=reads(DB))
cli.command("dump", epilog=reads(DB))(dump.dump)
cli.command("restore", epilog=reads(DB))(restore.restore)

__all__ = ["cli", "main"]
