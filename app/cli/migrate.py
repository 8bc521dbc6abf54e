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
    return 0
