"""``python -m app dump FILE`` and ``restore FILE``: a seeded database copied across dialects."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.config import get_settings
from app.db import get_engine, make_engine
from tests.conftest import ThrowawayDatabases, upgrade
from tests.services.test_backup import everything


@pytest.mark.parametrize(("source", "target"), [("sqlite", "postgresql"), ("postgresql", "sqlite")])
def test_a_dump_file_restores_the_seeded_database_in_the_other_dialect(
    databases: ThrowawayDatabases,
    settings_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    source: str,
    target: str,
) -> None:
    first, second = databases.create(source), databases.create(target)
    upgrade(first)
    upgrade(second)
    file = tmp_path / "backup.ndjson"
    settings_env.setenv("DATABASE_URL", first)
    assert main(["seed"]) == 0
    assert main(["dump", str(file)]) == 0
    get_engine().dispose()
    get_engine.cache_clear()
    get_settings.cache_clear()
    settings_env.setenv("DATABASE_URL", second)
    assert main(["restore", str(file)]) == 0
    get_engine().dispose()
    assert "restored" in capsys.readouterr().err
    copies = [make_engine(url, pool_size=1) for url in (first, second)]
    assert everything(copies[1]) == everything(copies[0])
    for engine in copies:
        engine.dispose()
    # A second restore is refused with one line: the database is no longer empty.
    assert main(["restore", str(file)]) == 1
    assert "not empty" in capsys.readouterr().err


def test_restore_of_a_missing_file_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["restore", str(tmp_path / "missing.ndjson")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot read" in err
