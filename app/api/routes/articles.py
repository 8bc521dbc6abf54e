"""Article resources: list, detail and the ordered reference list. Thin: parse, call, shape."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.api.deps import PagingDep, SessionDep
from app.errors import PROBLEM_RESPONSES, ProblemError
from app.schemas import ArticlePublic, ArticleSummary, Page, ReferencePublic
from app.services import articles as article_service
from app.services import references as reference_service

router = APIRouter(prefix="/articles", tags=["articles"], responses=PROBLEM_RESPONSES)

ArticleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Article id.", examples=[1])]


def not_found(article_id: int) -> ProblemError:
    return ProblemError(404, f"No article with id {article_id}.", title="Article not found")


def _key_int(key: list[object] | None) -> int | None:
    if key is None:
        return None
    if len(key) != 1 or not isinstance(key[0], int):
        raise ProblemError(400, "Invalid cursor: it does not fit this listing.")
    return key[0]


@router.get("", summary="List articles", response_model=Page[ArticleSummary])
def list_articles(
    session: SessionDep, paging: PagingDep, response: Response
) -> Page[ArticleSummary]:
    """Articles in id order, a page at a time; follow `next_cursor` or the `Link` header."""
    items, next_key = article_service.list_articles(
        session=session, limit=paging.limit, after_id=_key_int(paging.after())
    )
    cursor = paging.next_cursor([next_key] if next_key is not None else None, response)
    return Page[ArticleSummary](items=items, next_cursor=cursor)


@router.get("/{article_id}", summary="Get one article", response_model=ArticlePublic)
def get_article(article_id: ArticleId, session: SessionDep) -> ArticlePublic:
    """Journal, issue, localized title and abstract, keywords by language, galleys, authors."""
    article = article_service.get_article(session=session, article_id=article_id)
    if article is None:
        raise not_found(article_id)
    return article


@router.get(
    "/{article_id}/references",
    summary="An article's references",
    response_model=Page[ReferencePublic],
)
def list_article_references(
    article_id: ArticleId, session: SessionDep, paging: PagingDep, response: Response
) -> Page[ReferencePublic]:
    """The reference list in printed order: raw text as printed, DOI and CSL-JSON."""
    items, next_key = reference_service.list_article_references(
        session=session,
        article_id=article_id,
        limit=paging.limit,
        after_position=_key_int(paging.after()),
    )
    if not items and not reference_service.article_exists(session=session, article_id=article_id):
        raise not_found(article_id)
    cursor = paging.next_cursor([next_key] if next_key is not None else None, response)
    return Page[ReferencePublic](items=items, next_cursor=cursor)
