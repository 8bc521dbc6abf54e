"""Storing many pages at once: the same outcome as storing them one after the other, with a
number of statements that does not grow with the number of pages."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.ingest.records import ArticleRecord, AuthorRecord, JournalRecord
from app.models import Article, ArticleChange
from app.services.articles import find_article
from app.services.changes import PENDING_EVENTS
from app.services.documents import render_article, render_reference_list, stored_article
from app.services.loading import LoadResult, record_hash, store_record, store_records
from tests.conftest import counting_statements
from tests.corpus import corpus

RECORDS = corpus()[:40]


def changed(record: ArticleRecord, n: int) -> ArticleRecord:
    """The page as a journal corrects it: a title, references and authors change."""
    return dataclasses.replace(
        record,
        titles={**record.titles, "en": record.titles["en"] + " (corrected)"},
        references=[*record.references[:1], f"Added A. Reference {n}. J Gen Med. 2020;1:1-2."],
        authors=[*record.authors[::-1], AuthorRecord(family=f"Newcomer{n}", given="B.")],
        keywords={"en": ["corrected"]},
    )


def outcome(session: Session, results: list[LoadResult]) -> list[Any]:
    """What clients see of the stored articles, ids left out (PostgreSQL's sequences move on
    after a rollback): statuses, public JSON and reference lists."""
    seen = []
    for result in results:
        found = find_article(session=session, article_id=result.article_id, references=True)
        assert found is not None
        article, references = found
        public = article.model_dump(
            mode="json", exclude={"id", "updated_at", "journal", "issue"}
        ) | {"authors": [(a.family, a.given, a.affiliation) for a in article.authors]}
        seen.append(
            (result.status, public, [(r.position, r.raw, r.doi, r.csl) for r in references])
        )
    return seen


def batches(session: Session, pages: list[ArticleRecord]) -> list[Any]:
    """The outcome of storing ``pages`` one by one, then in one call, each rolled back."""
    outcomes = []
    for one_call in (False, True):
        nested = session.begin_nested()
        if one_call:
            results = store_records(session, pages)
        else:
            results = [store_record(session, page) for page in pages]
        outcomes.append(outcome(session, results))
        nested.rollback()
    return outcomes


def test_one_call_stores_what_one_page_at_a_time_stores(session: Session) -> None:
    one_by_one, together = batches(session, RECORDS[:20])
    assert together == one_by_one
    assert {status for status, *_ in together} == {"created"}


def test_updates_unchanged_pages_and_the_same_article_twice_in_one_call(session: Session) -> None:
    store_records(session, RECORDS[:10])
    pages = [
        *(changed(record, n) for n, record in enumerate(RECORDS[:5])),
        *RECORDS[5:8],  # unchanged
        RECORDS[20],  # new
        changed(RECORDS[20], 20),  # new, then changed in the same call
        RECORDS[0],  # changed back in the same call
    ]
    one_by_one, together = batches(session, pages)
    assert together == one_by_one
    statuses = [status for status, *_ in together]
    assert statuses == ["updated"] * 5 + ["unchanged"] * 3 + ["created", "updated", "updated"]


def test_every_written_page_is_a_change_in_order_and_unchanged_ones_are_not(
    session: Session,
) -> None:
    store_records(session, RECORDS[:3])
    session.info.pop(PENDING_EVENTS, None)
    before = session.exec(select(func.max(col(ArticleChange.id)))).one() or 0
    results = store_records(session, [RECORDS[0], changed(RECORDS[1], 1), RECORDS[3]])
    rows = session.exec(
        select(ArticleChange).where(col(ArticleChange.id) > before).order_by(col(ArticleChange.id))
    ).all()
    assert [(row.article_id, row.kind) for row in rows] == [
        (results[1].article_id, "updated"),
        (results[2].article_id, "created"),
    ]
    events = session.info[PENDING_EVENTS]
    assert [(e.seq, e.article_id, e.kind) for e in events] == [
        (row.id, row.article_id, row.kind) for row in rows
    ]


def test_a_failing_page_fails_the_call_and_the_rollback_leaves_nothing(session: Session) -> None:
    articles = session.exec(select(func.count()).select_from(Article)).one()
    nameless = dataclasses.replace(RECORDS[30], journal=JournalRecord(), source_url=None)
    nested = session.begin_nested()
    with pytest.raises(ValueError, match="names no journal"):
        store_records(session, [*RECORDS[25:30], nameless])
    nested.rollback()
    assert session.exec(select(func.count()).select_from(Article)).one() == articles


def test_an_article_loaded_before_the_write_is_not_rendered_stale(session: Session) -> None:
    first = store_record(session, RECORDS[0])
    session.commit()
    loaded = session.get(Article, first.article_id)
    assert loaded is not None and loaded.pages is None
    store_record(session, dataclasses.replace(RECORDS[0], pages="7-9"))
    session.commit()
    document = stored_article(session, article_id=first.article_id)
    assert document is not None and '"pages":"7-9"' in document.body
    assert loaded.pages == "7-9"


def statements_for(engine: Engine, session: Session, pages: list[ArticleRecord]) -> int:
    with counting_statements(engine) as counter:
        store_records(session, pages)
        session.flush()
    return counter.count


def test_statements_per_call_do_not_grow_with_the_number_of_pages(
    engine: Engine, session: Session
) -> None:
    store_records(session, RECORDS[:2])  # the journals exist, as in any load but the first
    small = statements_for(engine, session, RECORDS[2:7])
    large = statements_for(engine, session, RECORDS[7:37])
    assert large == small
    assert small <= 24
    corrected = [changed(record, n) for n, record in enumerate(RECORDS)]
    updates_small = statements_for(engine, session, corrected[2:7])
    updates_large = statements_for(engine, session, corrected[7:37])
    assert updates_large == updates_small
    assert updates_small <= 32


def test_the_record_digest_is_the_one_stored_digests_were_made_with() -> None:
    """An article stored before keeps matching its page: a reload of it stays unchanged."""
    for record in [*RECORDS[:5], dataclasses.replace(RECORDS[5], abstracts_as_printed={"en": "x"})]:
        data = json.dumps(
            dataclasses.asdict(record), sort_keys=True, default=str, ensure_ascii=False
        )
        assert record_hash(record) == hashlib.sha256(data.encode()).hexdigest()


def test_documents_written_from_memory_equal_the_live_rendering(session: Session) -> None:
    """Documents are rendered from what was written, unless something changed the article
    after (here its journal gains a title from a later page of the same call)."""
    before = store_records(session, RECORDS[:10])
    session.commit()
    journal = RECORDS[12].journal
    renamed = dataclasses.replace(journal, titles={**journal.titles, "az": "Yeni jurnal"})
    pages = [changed(RECORDS[0], 0), RECORDS[10], dataclasses.replace(RECORDS[12], journal=renamed)]
    results = store_records(session, pages)
    session.commit()
    session.expire_all()
    for article_id in {r.article_id for r in [*results, *before]}:
        document = stored_article(session, article_id=article_id, references=True)
        found = find_article(session=session, article_id=article_id, references=True)
        assert document is not None and found is not None
        assert document.body == render_article(found[0])
        assert document.reference_list == render_reference_list(found[1])
    first = stored_article(session, article_id=results[0].article_id)
    assert first is not None and "Yeni jurnal" in first.body
