"""Score the loader on the OJS page fixtures: how many pages load, how many fields are right.

``python -m tests.support.ojs_fixtures`` prints the table; tests/ingest/test_ojs_fixtures.py
asserts every field. A field is right when it equals the expected record exactly (an empty
expected field must come out empty: nothing invented).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from app.ingest.ojs_page import parse_page, read_page
from app.ingest.records import ArticleRecord, PageError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ojs_pages"
MANIFEST = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
FIELDS = (
    "title", "authors", "abstract", "keywords", "references", "doi", "published", "issue",
    "galleys", "journal_title", "issn", "journal_url",
)  # fmt: skip


@dataclass
class PageScore:
    file: str
    loaded: bool
    error: str | None
    fields: dict[str, tuple[Any, Any]]  # field -> (expected, got)

    def right(self) -> list[str]:
        return [name for name, (want, got) in self.fields.items() if want == got]


def actual(record: ArticleRecord) -> dict[str, Any]:
    """The record in the expected file's shape."""
    journal = record.journal
    issue = record.issue
    return {
        "title": record.titles,
        "authors": [
            {"given": a.given, "family": a.family, "affiliation": a.affiliation, "orcid": a.orcid}
            for a in record.authors
        ],
        "abstract": record.abstracts_as_printed,
        "keywords": record.keywords,
        "references": record.references,
        "doi": record.doi,
        "published": record.published.isoformat() if record.published else None,
        "issue": [issue.volume, issue.number, issue.year] if issue else None,
        "galleys": [g.label for g in record.galleys],
        "journal_title": next(iter(journal.titles.values()), None),
        "issn": journal.issn_print or journal.issn_online,
        "journal_url": journal.base_url,
    }


def score_page(entry: dict[str, Any]) -> PageScore:
    return _score(entry["file"])


@cache
def _score(file: str) -> PageScore:
    entry = next(e for e in MANIFEST["pages"] if e["file"] == file)
    path = FIXTURES / entry["file"]
    try:
        record = parse_page(read_page(path), source_url=entry.get("url"))
    except PageError as error:
        return PageScore(entry["file"], False, str(error), {})
    got = actual(record)
    expected = entry.get("expected") or {}
    return PageScore(entry["file"], True, None, {f: (expected.get(f), got[f]) for f in FIELDS})


def report() -> str:
    lines = []
    pages = loaded = refused_right = fields = right = 0
    for entry in MANIFEST["pages"]:
        pages += 1
        score = score_page(entry)
        if "fails" in entry:
            ok = not score.loaded and entry["fails"] in (score.error or "")
            refused_right += ok
            lines.append(f"{entry['file']:<36} refused {'as expected' if ok else 'WRONG'}: "
                         f"{score.error or 'it loaded'}")
            continue
        loaded += score.loaded
        good = score.right()
        fields += len(FIELDS)
        right += len(good)
        wrong = [f for f in FIELDS if f not in good]
        lines.append(f"{entry['file']:<36} {'loaded' if score.loaded else 'FAILED'} "
                     f"{len(good)}/{len(FIELDS)} fields" + (f"; wrong: {', '.join(wrong)}"
                                                            if wrong else "")
                     + (f" ({score.error})" if score.error else ""))
    should_load = sum(1 for e in MANIFEST["pages"] if "fails" not in e)
    should_fail = pages - should_load
    lines.append(
        f"{loaded}/{should_load} pages that should load load; {right}/{fields} fields right; "
        f"{refused_right}/{should_fail} pages that must be refused are refused with their kind"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
