"""Author queries: listing with article counts, and one author with their articles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.models import Article, ArticleAuthor, Author
from app.schemas import AuthorDetail, AuthorPublic
from app.search import prefix_condition
from app.services.articles import summaries
from app.services.listing import SortKey, fetch_page

BY_ID = SortKey((col(Author.id),), (int,))


def _article_count() -> Any:
    return (
        select(func.count())
        .where(col(ArticleAuthor.author_id) == col(Author.id))
        .correlate(Author)
        .scalar_subquery()
    )


def _public(author: Author, article_count: int) -> AuthorPublic:
    return AuthorPublic(
        id=author.id or 0,
        family=author.family,
        given=author.given,
        orcid=author.orcid,
        article_count=article_count,
    )


def list_authors(
    *, session: Session, limit: int, q: str | None = None, after: Sequence[Any] | None = None
) -> tuple[list[AuthorPublic], list[Any] | None]:
    """Authors by id, optionally those whose family name starts with ``q``: one statement."""
    query = select(Author, _article_count())
    if q:
        query = query.where(prefix_condition(col(Author.family_folded), q))
    rows, more = fetch_page(session, query, BY_ID, after, limit)
    items = [_public(author, count) for author, count in rows]
    return items, ([items[-1].id] if more and items else None)


def get_author(*, session: Session, author_id: int) -> AuthorDetail | None:
    """The author and every article they signed, newest first: three statements."""
    row = session.exec(select(Author, _article_count()).where(col(Author.id) == author_id)).first()
    if row is None:
        return None
    author, count = row
    articles = session.exec(
        select(Article)
        .join(ArticleAuthor, col(ArticleAuthor.article_id) == col(Article.id))
        .where(col(ArticleAuthor.author_id) == author_id)
        .order_by(col(Article.sort_date).desc(), col(Article.id).desc())
    ).all()
    public = _public(author, count).model_dump()
    return AuthorDetail(**public, articles=summaries(session, articles))
