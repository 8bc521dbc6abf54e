"""The seed: the real first-journal page, unchanged, then demo pages that give every documented
example something real to return (authors, ORCID, DOIs, dates, ru/az titles, several issues)."""

from __future__ import annotations

import json
from typing import Any

from app.cli.seed import SEED_DIR, seed_pages
from app.ingest.ojs_page import parse_page, read_page
from app.ingest.records import ArticleRecord
from tests.conftest import FIXTURES


def _records() -> list[ArticleRecord]:
    return [parse_page(read_page(path), source_url=url) for path, url in seed_pages()]


def test_the_first_page_is_the_seed_page_with_its_url(seed_expected: dict[str, Any]) -> None:
    path, url = seed_pages()[0]
    assert path.read_bytes() == (FIXTURES / "seed_page.txt").read_bytes()
    assert url == seed_expected["source"]["url"]


def test_every_listed_page_exists_and_every_page_file_is_listed() -> None:
    listed = {path.name for path, _url in seed_pages()}
    on_disk = {p.name for p in SEED_DIR.iterdir() if p.suffix in {".txt", ".html"}}
    assert listed == on_disk
    urls = [entry["url"] for entry in json.loads((SEED_DIR / "manifest.json").read_text())["pages"]]
    assert len(set(urls)) == len(urls)


def test_demo_pages_cover_what_the_docs_show() -> None:
    demos = _records()[1:]
    assert {path.suffix for path, _ in seed_pages()[1:]} == {".html", ".txt"}
    assert all(r.doi and r.doi.startswith("10.5555/") for r in demos)
    assert all(r.published and r.authors for r in demos)
    assert any(a.orcid and a.affiliation for r in demos for a in r.authors)
    assert any({"en", "ru", "az"} <= set(r.titles) for r in demos)
    assert len({(r.issue.volume, r.issue.number) for r in demos if r.issue}) >= 2
    assert all({"en", "ru", "az"} <= set(r.keywords) for r in demos)
    assert any(a.family == "Smith" for r in demos for a in r.authors)
