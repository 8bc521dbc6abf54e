"""A journal is created with what a page knows and completed by later pages, never duplicated."""

from __future__ import annotations

from sqlmodel import Session, select

from app.ingest.records import ArticleRecord, JournalRecord
from app.models import Journal
from app.services.loading import store_record

BASE = "https://journals.example.org/index.php/jcs"


def _page(n: int, journal: JournalRecord) -> ArticleRecord:
    return ArticleRecord(
        journal=journal,
        titles={"en": f"Article number {n} about sleep"},
        source_url=f"{BASE}/article/view/{n}",
    )


def test_pages_naming_the_journal_differently_find_one_journal(session: Session) -> None:
    only_address = JournalRecord(base_url=BASE)
    address_and_issn = JournalRecord(
        base_url=BASE.replace("https", "http"), issn_online="1234-5679"
    )
    only_issn_and_title = JournalRecord(
        issn_online="1234-5679", titles={"en": "Journal of Clinical Studies"}
    )
    only_title = JournalRecord(titles={"en": "Journal  of clinical studies"})
    for n, journal in enumerate(
        (only_address, address_and_issn, only_issn_and_title, only_title), start=1
    ):
        store_record(session, _page(n, journal))
    journals = session.exec(select(Journal)).all()
    assert len(journals) == 1
    journal = journals[0]
    # created from the address alone, completed by the later pages, never overwritten
    assert journal.base_url == BASE
    assert journal.issn_online == "1234-5679"
    assert journal.titles == {"en": "Journal of Clinical Studies"}


def test_different_journals_stay_apart(session: Session) -> None:
    store_record(session, _page(1, JournalRecord(base_url=BASE)))
    store_record(session, _page(2, JournalRecord(base_url=BASE + "2")))
    assert len(session.exec(select(Journal)).all()) == 2


def test_a_full_text_view_never_overwrites_the_landing_page(session: Session) -> None:
    landing = _page(1, JournalRecord(base_url=BASE))
    landing = ArticleRecord(**{**landing.__dict__, "references": ["Smith J. A study. 2019."]})
    first = store_record(session, landing)
    partial = ArticleRecord(**{**landing.__dict__, "references": [], "page_kind": "full_text"})
    second = store_record(session, partial)
    assert (second.article_id, second.status) == (first.article_id, "unchanged")
