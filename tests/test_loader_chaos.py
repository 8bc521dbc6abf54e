"""The short version of `make chaos`'s loader fuzz (campaigns/chaos.py): one page of every kind
of damage, huge ones included (a million-letter title, 100,000 unclosed tags, 200 KB of random
bytes, a page over the size limit), through `python -m app load`. Each loads or fails with one
line naming the file, and a failed load leaves the database exactly as it was."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.cli import main
from campaigns.chaos import DAMAGE, mutate, seed_pages
from tests.conftest import FIXTURES
from tests.test_cli import cli_db, dump  # noqa: F401  (cli_db: a migrated database per dialect)


def test_every_kind_of_damaged_page_loads_or_fails_in_one_line_leaving_the_database_as_it_was(
    cli_db: str,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["load", str(FIXTURES / "seed_page.txt")]) == 0
    rng = random.Random(10)
    pages = seed_pages()
    damaged = [(kind, *mutate(rng, rng.choice(pages), kind)[1:]) for kind in DAMAGE]
    damaged.append(("over-the-limit", pages[0] * (11 * 1024 * 1024 // len(pages[0]) + 1)))
    outcomes = {}
    for kind, data in damaged:
        path = tmp_path / f"{kind}.html"
        path.write_bytes(data)
        before = dump(cli_db)
        capsys.readouterr()
        code = main(["load", str(path)])
        captured = capsys.readouterr()
        lines = [line for line in (captured.out + captured.err).splitlines() if str(path) in line]
        assert len(lines) == 1, (kind, captured.out[-300:], captured.err[-300:])
        if code != 0:
            assert ": error: " in lines[0], lines[0]
            assert dump(cli_db) == before, kind
        outcomes[kind] = "loaded" if code == 0 else "failed"
    assert outcomes["over-the-limit"] == outcomes["binary"] == outcomes["empty"] == "failed"
