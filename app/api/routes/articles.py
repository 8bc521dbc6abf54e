"""Article resources: list, detail and the ordered reference list. Thin: parse, call, shape."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from app.api.deps import PagingDep, SessionDep
from app.api.params import (
    CountQuery,
    DoiQuery,
    IdQuery,
    LangQuery,
    OrderQuery,
    SearchQuery,
    YearQuery,
    checked_doi,
    checked_list,
    checked_search,
)
from app.errors import PROBLEM_RESPONSES, ProblemError
from app.schemas import ArticlePage, ArticlePublic, Page, ReferencePublic
from app.services import articles as article_service
from app.services import references as reference_service
from app.services.articles import ArticleFilters

router = APIRouter(prefix="/articles", tags=["articles"], responses=PROBLEM_RESPONSES)

ArticleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Article id.", examples=[1])]


def not_found(article_id: int) -> ProblemError:
    return ProblemError(404, f"No article with id {article_id}.", title="Article not found")


SortQuery = Annotated[
    Literal["id", "published", "title"],
    Query(description="Order by id, publication date (or year), or folded title."),
]
FacetsQuery = Annotated[
    str | None,
    Query(description="Comma-separated facets to count over all matches: year, lang, keyword."),
]


@router.get(
    "",
    summary="List and search articles",
    response_model=ArticlePage,
    response_model_exclude_unset=True,
)
def list_articles(
    session: SessionDep,
    paging: PagingDep,
    response: Response,
    journal: Annotated[IdQuery, Query(description="Journal id.")] = None,
    issue: Annotated[IdQuery, Query(description="Issue id.")] = None,
    year: YearQuery = None,
    lang: Annotated[LangQuery, Query(description="Has a title in this language (BCP 47).")] = None,
    keyword: Annotated[
        str | None, Query(max_length=300, description="Carries this keyword (any case).")
    ] = None,
    keyword_lang: Annotated[
        LangQuery, Query(description="Only match `keyword` in this language.")
    ] = None,
    doi: DoiQuery = None,
    author: Annotated[IdQuery, Query(description="Author id (see /authors).")] = None,
    q: SearchQuery = None,
    sort: SortQuery = "id",
    order: OrderQuery = "asc",
    facets: FacetsQuery = None,
    count: CountQuery = False,
) -> ArticlePage:
    """Articles matching every filter given, a page at a time, in a stable order.

    Follow `next_cursor` (or the `Link: rel="next"` header) for the next page; a cursor only
    works with the filters and sort it was issued for. `q` searches titles, abstracts and
    keywords in every language.
    """
    filters = ArticleFilters(
        journal=journal, issue=issue, year=year, lang=lang, keyword=keyword,
        keyword_lang=keyword_lang, doi=checked_doi(doi), author=author, q=checked_search(q),
    )
    listing = article_service.list_articles(
        session=session, filters=filters, limit=paging.limit, sort=sort,
        descending=order == "desc", after=paging.after(),
        facets=checked_list(facets, "facets", article_service.ARTICLE_FACETS), count=count,
    )
    extras: dict[str, Any] = {"total": listing.total} if count else {}
    if listing.facets is not None:
        extras["facets"] = listing.facets
    return ArticlePage(
        items=listing.items, next_cursor=paging.next_cursor(listing.next_key, response), **extras
    )


FieldsQuery = Annotated[
    str | None,
    Query(description="Comma-separated top-level fields to return, e.g. `id,title,doi`."),
]
ARTICLE_FIELDS = tuple(ArticlePublic.model_fields)


def _article_response(article: ArticlePublic, fields: str | None) -> Any:
    chosen = checked_list(fields, "fields", ARTICLE_FIELDS)
    if not chosen:
        return article
    return JSONResponse(jsonable_encoder(article.model_dump(include=set(chosen))))


@router.get("/doi/{doi:path}", summary="Get one article by DOI", response_model=ArticlePublic)
def get_article_by_doi(
    doi: Annotated[str, Path(description="The DOI, in any printed form.", examples=["10.1000/1"])],
    session: SessionDep,
    fields: FieldsQuery = None,
) -> Any:
    """The same document as `/articles/{id}`, found by DOI (case-insensitive, any prefix)."""
    normalized = checked_doi(doi, "doi")
    article = article_service.get_article_by_doi(session=session, doi=normalized or "")
    if article is None:
        raise ProblemError(404, f"No article with DOI {normalized}.", title="Article not found")
    return _article_response(article, fields)


@router.get("/{article_id}", summary="Get one article", response_model=ArticlePublic)
def get_article(article_id: ArticleId, session: SessionDep, fields: FieldsQuery = None) -> Any:
    """Journal, issue, localized title and abstract, keywords by language, galleys, authors."""
    article = article_service.get_article(session=session, article_id=article_id)
    if article is None:
        raise not_found(article_id)
    return _article_response(article, fields)


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
        after=paging.after(),
    )
    if not items and not reference_service.article_exists(session=session, article_id=article_id):
        raise not_found(article_id)
    cursor = paging.next_cursor(next_key, response)
    return Page[ReferencePublic](items=items, next_cursor=cursor)
