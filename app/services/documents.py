"""Public JSON rendered once, when an article is written, and served as stored text.

Every write path (``store_record``, reparse, and any later update service) marks the articles it
changed with :func:`mark_articles`. Just before the transaction commits, the marked articles are
rendered from their rows and stored in that same transaction (:func:`render_pending`, run by a
``before_commit`` hook): the article's JSON and its ETag, its list-item summary, its reference
list, and each reference's own JSON. So a load, update, reparse or delete is visible on the next
request, in every worker, on both databases; and a read is one primary-key lookup, no rendering.

One function renders each document (:func:`render_article`, :func:`render_reference`,
:func:`render_reference_list`), and :func:`compose_article` is the one place that assembles an
answer from stored fragments (``include=`` options). Stored documents carry the renderer's
:data:`~app.schemas.DOCUMENT_VERSION`; an out-of-date one is never served (the live path answers)
and ``python -m app migrate`` renders it again (:func:`render_stale`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, event, insert, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from app.db import BulkStatement, PreparedRead
from app.exporters.signposting import link_template
from app.models import Article, ArticleDocument
from app.models import Reference as ReferenceRow
from app.schemas import DOCUMENT_VERSION, ArticlePublic, ReferencePublic
from app.services.articles import FullArticle, full_articles, summary_of

_PENDING = "documents.pending_articles"
_KNOWN = "documents.written_articles"
CHUNK = 200


# --------------------------------------------------------------------------- rendering


def strong_etag(body: str | bytes) -> str:
    """The quoted strong ETag of a body: the same digest the HTTP caching middleware computes."""
    data = body.encode() if isinstance(body, str) else body
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def render_article(article: ArticlePublic) -> str:
    return article.model_dump_json()


def first_title_language(article: ArticlePublic) -> str | None:
    """The language the article's JSON presents first (its Content-Language when served as is)."""
    return next(iter(article.title), None)


def render_reference(reference: ReferencePublic) -> str:
    return reference.model_dump_json()


def render_reference_list(references: Iterable[ReferencePublic]) -> str:
    return "[" + ",".join(render_reference(r) for r in references) + "]"


def compose_article(body: str, *, references: str | None = None) -> str:
    """The answer for one article from its stored JSON, with the included parts appended
    (``references``, a JSON array). Languages and ``fields=`` apply after (app.api.languages)."""
    if references is None:
        return body
    # body is a JSON object: its last character closes it.
    return body[:-1] + ',"references":' + references + "}"


# --------------------------------------------------------------------------- writing


def mark_articles(session: OrmSession, article_ids: Iterable[int]) -> None:
    """Render these articles' documents before this session's transaction commits."""
    article_ids = set(article_ids)
    session.info.setdefault(_PENDING, set()).update(article_ids)
    known = session.info.get(_KNOWN)
    if known:  # changed since they were written: rendered from their rows again
        for article_id in article_ids:
            known.pop(article_id, None)


def mark_written(session: OrmSession, articles: Iterable[FullArticle]) -> None:
    """Render these articles from what their writer just wrote (their public models, equal to
    what their rows read back), not by reading the rows again; unless they are marked again
    after this (:func:`mark_articles`), e.g. because their journal changed."""
    articles = list(articles)
    mark_articles(session, [full.public.id for full in articles])
    known = session.info.setdefault(_KNOWN, {})
    known.update({full.public.id: full for full in articles})


def forget_written(session: OrmSession, article_ids: Iterable[int]) -> None:
    """These articles are gone (deleted in this transaction): nothing to render for them."""
    known = session.info.get(_KNOWN)
    if known:
        for article_id in article_ids:
            known.pop(article_id, None)


def render_pending(session: OrmSession) -> None:
    """Render now what :func:`mark_articles` asked for (the commit hook calls this)."""
    pending = session.info.pop(_PENDING, None)
    known = session.info.pop(_KNOWN, None) or {}
    if pending:
        refresh(session, sorted(pending), known=known)


@event.listens_for(OrmSession, "before_commit")
def _render_before_commit(session: OrmSession) -> None:
    render_pending(session)


@event.listens_for(OrmSession, "after_rollback")
def _forget_after_rollback(session: OrmSession) -> None:
    session.info.pop(_KNOWN, None)


def refresh(
    session: OrmSession, article_ids: Sequence[int], *, known: dict[int, FullArticle] | None = None
) -> None:
    """Render and store the documents of these articles and of their references, from their rows
    (or from ``known``, what a writer just wrote: see :func:`mark_written`).

    Ids of articles that no longer exist only lose their documents (a deletion)."""
    for start in range(0, len(article_ids), CHUNK):
        _refresh_chunk(session, article_ids[start : start + CHUNK], known or {})


def _refresh_chunk(
    session: OrmSession, article_ids: Sequence[int], known: dict[int, FullArticle]
) -> None:
    assert isinstance(session, Session)
    unknown = [article_id for article_id in article_ids if article_id not in known]
    found = [known[article_id] for article_id in article_ids if article_id in known]
    if unknown:
        rows, _total = full_articles(session, col(Article.id).in_(unknown), references=True)
        found += rows
    found.sort(key=lambda full: full.public.id)
    documents: list[dict[str, Any]] = []
    reference_documents: list[dict[str, Any]] = []
    for full in found:
        rendered = [render_reference(r) for r in full.references]
        body = render_article(full.public)
        documents.append(
            {
                "article_id": full.public.id,
                "version": DOCUMENT_VERSION,
                "body": body,
                "etag": strong_etag(body),
                "summary": summary_of(full.row, full.public.title).model_dump_json(),
                "reference_list": "[" + ",".join(rendered) + "]",
                "reference_count": len(rendered),
                "language": first_title_language(full.public),
                "signposts": link_template(full.public),
            }
        )
        reference_documents += [
            {"reference_id": r.id, "document": text}
            for r, text in zip(full.references, rendered, strict=True)
        ]
    session.execute(delete(ArticleDocument).where(col(ArticleDocument.article_id).in_(article_ids)))
    if documents:
        session.execute(insert(ArticleDocument), documents)
    _STORE_REFERENCE_DOCUMENTS.execute(session.connection(), reference_documents)


_REFERENCE: Any = ReferenceRow.__table__  # type: ignore[attr-defined]
_STORE_REFERENCE_DOCUMENTS = BulkStatement(
    update(_REFERENCE)
    .where(_REFERENCE.c.id == bindparam("reference_id"))
    .values(document=bindparam("document")),
    ("reference_id", "document"),
)


def render_stale(engine: Engine) -> int:
    """Render every article whose document is missing or out of date, a chunk per transaction;
    returns how many were rendered (``python -m app migrate`` runs this)."""
    with Session(engine) as session:
        stale = list(
            session.exec(
                select(col(Article.id))
                .outerjoin(ArticleDocument, col(ArticleDocument.article_id) == col(Article.id))
                .where(
                    or_(
                        col(ArticleDocument.article_id).is_(None),
                        col(ArticleDocument.version) != DOCUMENT_VERSION,
                    )
                )
                .order_by(col(Article.id))
            )
        )
    for start in range(0, len(stale), CHUNK):
        with Session(engine) as session, session.begin():
            refresh(session, [article_id or 0 for article_id in stale[start : start + CHUNK]])
    return len(stale)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class StoredArticle:
    article_id: int
    body: str
    etag: str
    reference_list: str | None
    reference_count: int
    language: str | None
    signposts: str


# Built once and compiled once per dialect: a read binds its parameter and runs the SQL string
# on the driver's cursor (app.db.PreparedRead).
_DOCUMENT = ArticleDocument.__table__.c  # type: ignore[attr-defined]
_CURRENT = _DOCUMENT.version == DOCUMENT_VERSION
_COLUMNS = (
    _DOCUMENT.article_id,
    _DOCUMENT.body,
    _DOCUMENT.etag,
    _DOCUMENT.reference_count,
    _DOCUMENT.language,
    _DOCUMENT.signposts,
)
_BY_ID = _DOCUMENT.article_id == bindparam("article_id")
_BY_DOI = _DOCUMENT.article_id == (
    select(col(Article.id)).where(col(Article.doi) == bindparam("doi")).scalar_subquery()
)
_STATEMENTS = {
    (by_doi, references): PreparedRead(
        sa_select(*_COLUMNS, *([_DOCUMENT.reference_list] if references else []))
        .where(_BY_DOI if by_doi else _BY_ID)
        .where(_CURRENT)
    )
    for by_doi in (False, True)
    for references in (False, True)
}


def stored_article(
    source: Engine | Connection | Session,
    *,
    article_id: int | None = None,
    doi: str | None = None,
    references: bool = False,
) -> StoredArticle | None:
    """The stored documents of one article, by id or DOI: one primary-key lookup. None when the
    article does not exist or its document is not current (the caller answers from the rows).

    ``source`` is an Engine (a pooled connection, the driver's cursor: the serving path), or a
    Connection or Session whose transaction the read joins. The API awaits the same statement
    (stored_article_read, stored_article_from) on the event loop where it can (app.api.deps)."""
    statement, key = stored_article_read(article_id=article_id, doi=doi, references=references)
    bind = source.connection() if isinstance(source, Session) else source
    return stored_article_from(statement.first(bind, key), references)


def stored_article_read(
    *, article_id: int | None = None, doi: str | None = None, references: bool = False
) -> tuple[PreparedRead, dict[str, Any]]:
    """The lookup of one article's stored documents, and its key."""
    statement = _STATEMENTS[doi is not None, references]
    return statement, {"doi": doi} if doi is not None else {"article_id": article_id}


def stored_article_from(row: tuple[Any, ...] | None, references: bool) -> StoredArticle | None:
    """A row of the lookup (stored_article_read) as the article's stored documents."""
    if row is None:
        return None
    return StoredArticle(
        article_id=row[0],
        body=row[1],
        etag=row[2],
        reference_list=row[6] if references else None,
        reference_count=row[3],
        language=row[4],
        signposts=row[5] or "",
    )


@dataclass(frozen=True, slots=True)
class ListedArticle:
    """An article's complete JSON (and reference list) for a list item that includes them."""

    body: str
    reference_list: str | None


def stored_articles(
    session: Session, article_ids: Sequence[int], *, references: bool = False
) -> dict[int, ListedArticle]:
    """The complete documents of these articles: one statement for the stored ones, three more
    only when some are not stored yet (rendered from their rows, as the detail route does)."""
    if not article_ids:
        return {}
    columns = [_DOCUMENT.article_id, _DOCUMENT.body]
    if references:
        columns.append(_DOCUMENT.reference_list)
    rows = session.execute(
        sa_select(*columns).where(_DOCUMENT.article_id.in_(list(article_ids))).where(_CURRENT)
    ).all()
    found = {row[0]: ListedArticle(row[1], row[2] if references else None) for row in rows}
    missing = [article_id for article_id in article_ids if article_id not in found]
    if missing:
        live, _total = full_articles(session, col(Article.id).in_(missing), references=references)
        for full in live:
            found[full.public.id] = ListedArticle(
                render_article(full.public),
                render_reference_list(full.references) if references else None,
            )
    return found
