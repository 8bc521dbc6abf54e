"""The write API's transactions: one transaction per write, writers one at a time, records
built from a client's JSON or from the stored article, stored by ``store_record``.

The current representation of an article (the JSON that ``GET /articles/{id}`` serves) is read
inside the write's transaction, after the write lock: a precondition (``If-Match``) is checked
against the state that the write replaces, never against an older one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session, col, select

from app.ingest.records import (
    ArticleRecord,
    AuthorRecord,
    GalleyRecord,
    IssueRecord,
    JournalRecord,
)
from app.inputs import ArticleInput
from app.models import (
    Article,
    ArticleAuthor,
    ArticleText,
    Author,
    Galley,
    Issue,
    Journal,
    Keyword,
    Reference,
)
from app.services.articles import find_article
from app.services.changes import forget_pending_events, lock_writes


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """One write: begun holding the write lock, committed at the end, rolled back on error.

    Whatever the request read before (its token) is ended first, so the write transaction begins
    with the lock: on SQLite ``BEGIN IMMEDIATE``, on PostgreSQL an advisory lock.
    """
    if session.in_transaction():
        session.rollback()
    session.connection(execution_options={"sqlite_begin": "immediate"})
    try:
        lock_writes(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        forget_pending_events(session)
        raise


def article_json(session: Session, article_id: int) -> bytes | None:
    """The JSON document of an article, byte for byte as ``GET /articles/{id}`` serves it."""
    found = find_article(session=session, article_id=article_id)
    return None if found is None else found[0].model_dump_json().encode()


def article_holding(
    session: Session, *, source_url: str | None = None, doi: str | None = None
) -> int | None:
    """The id of the article whose natural key or DOI this is, if any."""
    if source_url:
        condition = col(Article.source_url) == source_url
    elif doi:
        condition = col(Article.doi) == doi
    else:
        return None
    return session.exec(select(col(Article.id)).where(condition)).first()


def record_of_article(session: Session, article_id: int) -> ArticleRecord | None:
    """The stored article as a loader record (printed abstracts and raw references included),
    to write it back with one part replaced."""
    row = session.exec(
        select(Article, Journal, Issue)
        .join(Journal, col(Journal.id) == col(Article.journal_id))
        .outerjoin(Issue, col(Issue.id) == col(Article.issue_id))
        .where(col(Article.id) == article_id)
    ).first()
    if row is None:
        return None
    article, journal, issue = row
    titles: dict[str, str] = {}
    abstracts: dict[str, str] = {}
    printed: dict[str, str] = {}
    texts = session.exec(
        select(ArticleText)
        .where(col(ArticleText.article_id) == article_id)
        .order_by(col(ArticleText.kind), col(ArticleText.position))
    )
    for text in texts:
        if text.kind == "title":
            titles[text.lang] = text.text
        else:
            abstracts[text.lang] = text.text
            if text.text_as_printed is not None:
                printed[text.lang] = text.text_as_printed
    keywords: dict[str, list[str]] = {}
    for keyword in session.exec(
        select(Keyword).where(col(Keyword.article_id) == article_id).order_by(col(Keyword.position))
    ):
        keywords.setdefault(keyword.lang, []).append(keyword.term)
    authors = [
        AuthorRecord(
            family=author.family,
            given=author.given,
            affiliation=link.affiliation,
            orcid=author.orcid,
        )
        for link, author in session.exec(
            select(ArticleAuthor, Author)
            .join(Author, col(Author.id) == col(ArticleAuthor.author_id))
            .where(col(ArticleAuthor.article_id) == article_id)
            .order_by(col(ArticleAuthor.position))
        )
    ]
    galleys = [
        GalleyRecord(label=galley.label, locale=galley.locale, url=galley.url)
        for galley in session.exec(
            select(Galley)
            .where(col(Galley.article_id) == article_id)
            .order_by(col(Galley.position))
        )
    ]
    references = list(
        session.exec(
            select(col(Reference.raw))
            .where(col(Reference.article_id) == article_id)
            .order_by(col(Reference.position))
        )
    )
    return ArticleRecord(
        journal=JournalRecord(
            titles=dict(journal.titles or {}),
            issn_print=journal.issn_print,
            issn_online=journal.issn_online,
            publisher=journal.publisher,
            base_url=journal.base_url,
        ),
        titles=titles,
        issue=IssueRecord(volume=issue.volume, number=issue.number, year=issue.year)
        if issue is not None
        else None,
        abstracts=abstracts,
        abstracts_as_printed=printed,
        keywords=keywords,
        authors=authors,
        galleys=galleys,
        references=references,
        source_url=article.source_url,
        ojs_article_id=article.ojs_article_id,
        doi=article.doi,
        pages=article.pages,
        language=article.language,
        published=article.published,
    )


def record_from_input(body: ArticleInput, stored: ArticleRecord | None) -> ArticleRecord:
    """The record a JSON body describes. Against a stored article (an update): the source URL
    and the reference list are kept when the body leaves them out, and an abstract sent back
    unchanged keeps the form it was printed in."""
    journal = body.journal
    issue = body.issue
    printed = {
        lang: stored.abstracts_as_printed[lang]
        for lang, text in body.abstract.items()
        if stored is not None
        and stored.abstracts.get(lang) == text
        and lang in stored.abstracts_as_printed
    }
    references = body.raw_references()
    if references is None:
        references = list(stored.references) if stored is not None else []
    source_url = body.source_url or (stored.source_url if stored is not None else None)
    return ArticleRecord(
        journal=JournalRecord(
            titles=dict(journal.title),
            issn_print=journal.issn_print,
            issn_online=journal.issn_online,
            publisher=journal.publisher,
            base_url=journal.base_url,
        ),
        titles=dict(body.title),
        issue=IssueRecord(volume=issue.volume, number=issue.number, year=issue.year)
        if issue is not None and (issue.volume or issue.number or issue.year)
        else None,
        abstracts=dict(body.abstract),
        abstracts_as_printed=printed,
        keywords={lang: list(terms) for lang, terms in body.keywords.items() if terms},
        authors=[
            AuthorRecord(
                family=author.family,
                given=author.given,
                affiliation=author.affiliation,
                orcid=author.orcid,
            )
            for author in body.authors
        ],
        galleys=[
            GalleyRecord(label=galley.label, locale=galley.locale, url=galley.url)
            for galley in body.galleys
        ],
        references=references,
        source_url=source_url,
        ojs_article_id=body.ojs_article_id,
        doi=body.doi,
        pages=body.pages,
        language=body.language,
        published=body.published,
    )
