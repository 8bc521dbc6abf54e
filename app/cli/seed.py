"""``seed``: load the pages listed in seed/manifest.json, each with the URL it was saved from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli.application import CommandError
from app.cli.load import load_pages
from app.config import PROJECT_ROOT

SEED_DIR = PROJECT_ROOT / "seed"

IfEmptyOption = Annotated[
    bool, typer.Option("--if-empty", help="Only when the database holds no article yet.")
]


def seed_pages(seed_dir: Path = SEED_DIR) -> list[tuple[Path, str | None]]:
    """The manifest's pages in order: (file, the address it was saved from)."""
    try:
        manifest = json.loads((seed_dir / "manifest.json").read_text(encoding="utf-8"))
        return [(seed_dir / entry["file"], entry.get("url")) for entry in manifest["pages"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CommandError(f"{seed_dir / 'manifest.json'}: unusable manifest: {exc}") from exc


def seed(if_empty: IfEmptyOption = False) -> int:
    """Load the demo and seed pages listed in seed/manifest.json (unchanged pages are skipped)."""
    if if_empty and _has_articles():
        print("database already holds articles; seed skipped")
        return 0
    return load_pages(seed_pages(), description="seed")


def _has_articles() -> bool:
    from sqlmodel import Session, select

    from app.db import get_engine
    from app.models import Article

    with Session(get_engine()) as session:
        return session.exec(select(Article.id).limit(1)).first() is not None
