"""`python -m app load`: one transaction per file, one line per result, nothing lost on failure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from app.cli import main
from app.cli.seed import seed_pages
from app.models import metadata
from tests.conftest import FIXTURES, ThrowawayDatabases, upgrade


@pytest.fixture(params=["sqlite", "postgresql"])
def cli_db(
    request: pytest.FixtureRequest, databases: ThrowawayDatabases, settings_env: pytest.MonkeyPatch
) -> str:
    url = databases.create(request.param)
    upgrade(url)
    settings_env.setenv("DATABASE_URL", url)
    return url


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        tables = {
            table.name: [
                tuple(row)
                for row in connection.execute(text(f'SELECT * FROM "{table.name}" ORDER BY 1, 2'))
            ]
            for table in metadata.sorted_tables
        }
    engine.dispose()
    return tables


@pytest.fixture
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty": tmp_path / "empty.txt",
        "binary": tmp_path / "binary.pdf",
        "not_ojs": tmp_path / "prose.txt",
        "latin1": tmp_path / "latin1.txt",
        "directory": tmp_path / "folder",
        "missing": tmp_path / "missing.txt",
    }
    files["empty"].write_bytes(b"")
    files["binary"].write_bytes(b"%PDF-1.4\x00\x01\x02\xff\xfe" * 50)
    files["not_ojs"].write_text(
        "Dear colleagues,\n\nThe conference will take place in spring. Please register early.\n",
        encoding="utf-8",
    )
    files["latin1"].write_bytes(
        "Caf\xe9 \xe0 la cr\xe8me, na\xefve r\xe9sum\xe9\n".encode("latin-1") * 3
    )
    files["directory"].mkdir()
    return files


def test_seed_then_reseed_leaves_one_article_per_page(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["seed"]) == 0
    out = capsys.readouterr().out
    assert out.count("created article") == len(seed_pages())
    before = dump(cli_db)
    assert main(["seed"]) == 0
    assert capsys.readouterr().out.count("unchanged article") == len(seed_pages())
    after = dump(cli_db)
    assert len(after["article"]) == len(seed_pages()) and after == before


def test_loading_a_changed_page_updates_the_same_article(
    cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = (FIXTURES / "seed_page.txt").read_text(encoding="utf-8")
    path = tmp_path / "page.txt"
    path.write_text(page, encoding="utf-8")
    assert main(["load", str(path), "--url", "https://example.org/article/view/1"]) == 0
    first = dump(cli_db)
    # Drop the last reference paragraph: a corrected page of the same article.
    paragraphs = page.split("\n\n")
    last_ref = max(i for i, p in enumerate(paragraphs) if p.startswith("Yang, K."))
    path.write_text(
        "\n\n".join(paragraphs[:last_ref] + paragraphs[last_ref + 1 :]), encoding="utf-8"
    )
    assert main(["load", str(path), "--url", "https://example.org/article/view/1"]) == 0
    assert "updated article" in capsys.readouterr().out
    second = dump(cli_db)
    assert len(second["article"]) == 1
    assert second["article"][0][0] == first["article"][0][0]
    assert len(second["reference"]) == len(first["reference"]) - 1
    # Reference ids survive the reload.
    assert [r[0] for r in second["reference"]] == [r[0] for r in first["reference"]][:-1]


@pytest.mark.parametrize("kind", ["empty", "binary", "not_ojs", "latin1", "directory", "missing"])
def test_bad_input_fails_in_one_line_and_changes_nothing(
    kind: str, cli_db: str, bad_inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", str(FIXTURES / "seed_page.txt")]) == 0
    capsys.readouterr()
    before = dump(cli_db)
    path = bad_inputs[kind]
    assert main(["load", str(path)]) != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(path) in err, err
    assert dump(cli_db) == before


def test_several_files_report_each_and_fail_if_any_failed(
    cli_db: str, bad_inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    good = FIXTURES / "seed_page.txt"
    assert main(["load", str(bad_inputs["empty"]), str(good)]) == 1
    captured = capsys.readouterr()
    assert "created article" in captured.out and str(good) in captured.out
    assert str(bad_inputs["empty"]) in captured.err
    assert len(dump(cli_db)["article"]) == 1


def test_reparse_restores_every_reference_from_its_raw_text(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["load", str(FIXTURES / "seed_page.txt")]) == 0
    before = dump(cli_db)
    engine = create_engine(cli_db)
    with engine.begin() as connection:
        # As if an older parser had stored other structures.
        connection.execute(
            text("UPDATE reference SET csl = :csl, doi = NULL, year = NULL"), {"csl": "{}"}
        )
    engine.dispose()
    capsys.readouterr()
    assert main(["reparse"]) == 0
    captured = capsys.readouterr()
    assert "[1/1] article 1: 18 references changed" in captured.err
    assert "re-parsed 1 articles; 18 references changed" in captured.out
    after = dump(cli_db)
    # The references are back; the article changed (for caches and harvesters) once, and its
    # stored document says so (updated_at).
    changed = {"article", "article_change", "article_document"}
    assert {k: v for k, v in after.items() if k not in changed} == {
        k: v for k, v in before.items() if k not in changed
    }
    assert [row[2] for row in after["article_change"]] == ["created", "updated"]
    assert main(["reparse"]) == 0
    assert "0 references changed" in capsys.readouterr().out
    assert len(dump(cli_db)["article_change"]) == 2


def test_dry_run_parses_and_reports_but_writes_nothing(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump(cli_db)
    assert main(["load", "--dry-run", str(FIXTURES / "seed_page.txt")]) == 0
    assert "parsed (18 references)" in capsys.readouterr().out
    assert dump(cli_db) == before


def test_a_folder_loads_in_parallel_with_a_summary_and_fails_if_one_page_failed(
    cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    seed = (FIXTURES / "seed_page.txt").read_text(encoding="utf-8")
    (folder / "a.txt").write_text(seed, encoding="utf-8")
    (folder / "b.txt").write_text(seed.replace("print ISSN: 2411-3956", ""), encoding="utf-8")
    (folder / "c.txt").write_text("Dear colleagues,\n\nPlease register early.\n", encoding="utf-8")
    (folder / "notes.md").write_text("not a page", encoding="utf-8")
    assert main(["load", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "3 pages: 1 created, 1 updated, 0 unchanged, 1 failed" in captured.out
    assert captured.err.count("\n") == 1 and "c.txt: error: not an OJS article page" in captured.err
    assert len(dump(cli_db)["article"]) == 1


def test_a_page_naming_no_journal_needs_url_or_journal_option(
    cli_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "page.txt"
    page = (FIXTURES / "ojs3_english_page_no_blank_lines.txt").read_text(encoding="utf-8")
    # a logo-only site: the header prints no name
    path.write_text(page.replace("Journal of Clinical Studies\n", "", 1), encoding="utf-8")
    assert main(["load", str(path)]) == 1
    assert "--journal" in capsys.readouterr().err
    assert dump(cli_db)["article"] == []
    assert main(["load", str(path), "--journal", "Journal of Clinical Studies"]) == 0
    url = "https://example.org/index.php/jcs/article/view/15"
    assert main(["load", str(path), "--url", url]) == 0
    tables = dump(cli_db)
    assert len(tables["journal"]) == 1  # the name, then the address: one journal, completed
