"""Command line: ``python -m app migrate | seed | load PATH... | reparse | serve``.

Every failure ends with one line naming what failed and why, and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from app.config import PROJECT_ROOT, ConfigError

SEED_DIR = PROJECT_ROOT / "seed"


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def migrate() -> int:
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    command.upgrade(config, "head")
    print("database is at the latest schema revision")
    return 0


def load(paths: Sequence[Path], *, url: str | None = None) -> int:
    """Load each file in its own transaction; a failed file leaves the database as it was."""
    from sqlmodel import Session

    from app.db import get_engine
    from app.ingest.ojs_page import parse_page, read_page
    from app.ingest.records import PageError
    from app.services.loading import store_record

    failed = 0
    engine = get_engine()
    for path in paths:
        try:
            record = parse_page(read_page(path), source_url=url)
            with Session(engine) as session, session.begin():
                result = store_record(session, record)
        except PageError as exc:
            failed += 1
            print(f"{path}: error: {exc}", file=sys.stderr)
            continue
        except (SQLAlchemyError, ValueError) as exc:
            failed += 1
            print(f"{path}: error: could not store the article: {_one_line(exc)}", file=sys.stderr)
            continue
        print(
            f"{path}: {result.status} article {result.article_id} ({result.references} references)"
        )
    return 1 if failed else 0


def seed(*, if_empty: bool = False) -> int:
    """Load the pages listed in seed/manifest.json, each with the URL it was saved from."""
    if if_empty and _has_articles():
        print("database already holds articles; seed skipped")
        return 0
    manifest = json.loads((SEED_DIR / "manifest.json").read_text(encoding="utf-8"))
    status = 0
    for entry in manifest["pages"]:
        status |= load([SEED_DIR / entry["file"]], url=entry.get("url"))
    return status


def _has_articles() -> bool:
    from sqlmodel import Session, select

    from app.db import get_engine
    from app.models import Article

    with Session(get_engine()) as session:
        return session.exec(select(Article.id).limit(1)).first() is not None


def reparse() -> int:
    from app.services.reparse import reparse_all

    return reparse_all()


def serve() -> int:
    import uvicorn

    from app.config import get_settings

    settings = get_settings()
    uvicorn.run(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        workers=settings.workers,
        proxy_headers=True,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database to the latest schema")
    seed_parser = commands.add_parser("seed", help="load the seed pages (seed/manifest.json)")
    seed_parser.add_argument(
        "--if-empty", action="store_true", help="only when the database holds no article yet"
    )
    load_parser = commands.add_parser("load", help="load OJS article pages saved as text or HTML")
    load_parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    load_parser.add_argument(
        "--url", help="the page's address (its natural key); only with a single PATH"
    )
    commands.add_parser("reparse", help="re-parse every stored reference with the current parser")
    commands.add_parser("serve", help="serve the API with uvicorn on HOST:PORT")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "migrate":
            return migrate()
        if args.command == "seed":
            return seed(if_empty=args.if_empty)
        if args.command == "load":
            if args.url and len(args.paths) > 1:
                print("error: --url names one page; give a single PATH with it", file=sys.stderr)
                return 2
            return load(args.paths, url=args.url)
        if args.command == "serve":
            return serve()
        return reparse()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"error: database: {_one_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
