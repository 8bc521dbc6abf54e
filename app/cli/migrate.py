"""``migrate``: bring the database to the latest schema revision (alembic upgrade head)."""

from __future__ import annotations

from app.config import PROJECT_ROOT


def migrate() -> int:
    """Upgrade the database (DATABASE_URL) to the latest schema revision."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    command.upgrade(config, "head")
    print("database is at the latest schema revision")
    from app.db import get_engine
    from app.services.documents import render_stale

    rendered = render_stale(get_engine())
    if rendered:
        print(f"rendered the public documents of {rendered} articles")
    return 0
