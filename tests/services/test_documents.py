"""Stored public documents: rendered in the writing transaction, equal to the live rendering,
never served stale after a load, an update, a journal change, a reparse or a delete."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from app.db import make_engine
from app.models import Article, ArticleDocument, Reference
from app.schemas import DOCUMENT_VERSION
from app.services import documents
from app.services.articles import find_article, full_articles, summary_of
from app.services.loading import store_record
from app.services.reparse import reparse_article
from tests.conftest import ThrowawayDatabases, upgrade
from tests.corpus import corpus

RECORDS = corpus()[:12]


def stored(session: Session, article_id: int) -> documents.StoredArticle | None:
    return documents.stored_article(session, article_id=article_id, references=True)


def live(session: Session, article_id: int) -> tuple[str, str, str]:
    """Body, summary and reference list rendered from the rows, as the fallback path does."""
    found, _ = full_articles(session, col(Article.id) == article_id, references=True)
    full = found[0]
    return (
        documents.render_article(full.public),
        summary_of(full.row, full.public.title).model_dump_json(),
        documents.render_reference_list(full.references),
    )


@pytest.fixture
def loaded(session: Session) -> list[int]:
    ids = [store_record(session, record).article_id for record in RECORDS]
    session.commit()
    return ids


def test_documents_are_written_with_the_article_and_equal_the_live_rendering(
    session: Session, loaded: list[int]
) -> None:
    session.expire_all()
    for article_id in loaded:
        document = stored(session, article_id)
        assert document is not None
        body, summary, references = live(session, article_id)
        assert document.body == body
        assert document.reference_list == references
        assert document.etag == documents.strong_etag(body)
        assert document.reference_count == len(json.loads(references))
        row = session.get(ArticleDocument, article_id)
        assert row is not None and row.summary == summary
    reference_rows = session.exec(
        select(Reference).where(col(Reference.article_id).in_(loaded))
    ).all()
    assert reference_rows
    for reference in reference_rows:
        assert reference.document is not None
        assert json.loads(reference.document)["raw"] == reference.raw


def test_a_reload_with_changes_is_in_the_document_when_the_transaction_commits(
    session: Session, loaded: list[int]
) -> None:
    record = dataclasses.replace(
        RECORDS[3],
        titles={"en": "A corrected title"},
        references=[*RECORDS[3].references, "Added A. A new reference. J Gen Med. 2020;1:1-2."],
    )
    result = store_record(session, record)
    assert result.status == "updated"
    session.commit()
    document = stored(session, loaded[3])
    assert document is not None
    assert json.loads(document.body)["title"] == {"en": "A corrected title"}
    assert json.loads(document.reference_list or "")[-1]["raw"].startswith("Added A.")
    assert document.body == live(session, loaded[3])[0]


def test_a_journal_change_renders_every_article_of_that_journal(
    session: Session, loaded: list[int]
) -> None:
    journal = dataclasses.replace(RECORDS[0].journal, publisher="A New Publisher")
    store_record(session, dataclasses.replace(RECORDS[0], journal=journal, pages="1-2"))
    session.commit()
    same_journal = [
        i for i, r in zip(loaded, RECORDS, strict=True) if r.journal == RECORDS[0].journal
    ]
    assert len(same_journal) > 1
    for article_id in same_journal:
        document = stored(session, article_id)
        assert document is not None
        assert json.loads(document.body)["journal"]["publisher"] == "A New Publisher"


def test_a_reparse_that_changes_references_renders_them_again(
    session: Session, loaded: list[int]
) -> None:
    article_id = next(i for i, r in zip(loaded, RECORDS, strict=True) if r.references)
    session.execute(update(Reference).where(col(Reference.article_id) == article_id).values(csl={}))
    session.commit()
    assert reparse_article(session, article_id) > 0
    session.commit()
    document = stored(session, article_id)
    assert document is not None
    assert all(item["csl"] for item in json.loads(document.reference_list or ""))


def test_a_deleted_article_has_no_document(session: Session, loaded: list[int]) -> None:
    session.execute(delete(Article).where(col(Article.id) == loaded[0]))
    session.commit()
    assert stored(session, loaded[0]) is None
    assert session.get(ArticleDocument, loaded[0]) is None


def test_a_rolled_back_load_leaves_the_old_document(session: Session, loaded: list[int]) -> None:
    before = stored(session, loaded[1])
    nested = session.begin_nested()
    store_record(session, dataclasses.replace(RECORDS[1], titles={"en": "Never committed"}))
    nested.rollback()
    session.commit()
    assert stored(session, loaded[1]) == before


def test_a_document_of_another_renderer_version_is_not_served_until_rendered_again(
    session: Session, loaded: list[int]
) -> None:
    session.execute(
        update(ArticleDocument)
        .where(col(ArticleDocument.article_id) == loaded[2])
        .values(version=DOCUMENT_VERSION - 1, body="{}")
    )
    session.commit()
    assert stored(session, loaded[2]) is None
    found = find_article(session=session, article_id=loaded[2])
    assert found is not None  # the live path still answers
    documents.refresh(session, [loaded[2]])
    session.commit()
    document = stored(session, loaded[2])
    assert document is not None and document.body == live(session, loaded[2])[0]


def test_compose_article_appends_included_parts() -> None:
    body = '{"id":1,"title":{"en":"T"},"doi":null}'
    assert documents.compose_article(body) == body
    composed = documents.compose_article(body, references='[{"id":5}]')
    assert json.loads(composed) == {
        "id": 1,
        "title": {"en": "T"},
        "doi": None,
        "references": [{"id": 5}],
    }


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_render_stale_renders_missing_and_old_documents(
    dialect: str, databases: ThrowawayDatabases
) -> None:
    url = databases.create(dialect)
    upgrade(url)
    engine = make_engine(url, pool_size=1)
    with Session(engine) as session, session.begin():
        ids = [store_record(session, record).article_id for record in RECORDS[:3]]
    with Session(engine) as session, session.begin():
        session.execute(delete(ArticleDocument).where(col(ArticleDocument.article_id) == ids[0]))
        session.execute(
            update(ArticleDocument)
            .where(col(ArticleDocument.article_id) == ids[1])
            .values(version=DOCUMENT_VERSION + 1)
        )
    assert documents.render_stale(engine) == 2
    assert documents.render_stale(engine) == 0
    with Session(engine) as session:
        assert all(stored(session, article_id) is not None for article_id in ids)
    engine.dispose()
