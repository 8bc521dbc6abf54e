"""Settings come from the environment; a bad DATABASE_URL is one line, not a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.config import ConfigError, get_settings

ROOT = Path(__file__).parent.parent


def test_default_database_is_a_sqlite_file_under_var(settings_env: pytest.MonkeyPatch) -> None:
    settings_env.delenv("DATABASE_URL", raising=False)
    url = get_settings().database_url
    assert url.startswith("sqlite:///") and url.endswith("var/journal.db")


def test_plain_postgresql_url_uses_the_shipped_driver(settings_env: pytest.MonkeyPatch) -> None:
    settings_env.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1/x")
    assert get_settings().database_url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize("bad", ["not a url", "mysql://root@localhost/db", "://"])
def test_malformed_database_url_is_a_config_error(
    settings_env: pytest.MonkeyPatch, bad: str
) -> None:
    settings_env.setenv("DATABASE_URL", bad)
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        get_settings()


def test_cli_reports_a_malformed_url_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "migrate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DATABASE_URL": "nonsense", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "DATABASE_URL" in result.stderr
