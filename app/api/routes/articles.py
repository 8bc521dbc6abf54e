"""Article resources: list, detail and the ordered reference list. Thin: parse, call, shape."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlmodel import Session

from app.api.deps import PagingDep, SessionDep
from app.api.negotiation import (
    FormatQuery,
    LocaleQuery,
    StyleQuery,
    choose_format,
    is_default_json,
    rendered,
)
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
from app.api.responses import model_json
from app.errors import PROBLEM_RESPONSES, ProblemError
from app.schemas import ArticlePage, ArticlePublic, Page, ReferencePublic
from app.services import articles as article_service
from app.services import references as reference_service
from app.services.articles import ArticleFilters

router = APIRouter(prefix="/articles", tags=["articles"], responses=PROBLEM_RESPONSES)

ArticleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Article id.", examples=[1])]


def not_found(article_id: int | None, doi: str | None = None) -> ProblemError:
    what = f"DOI {doi}" if doi is not None else f"id {article_id}"
    return ProblemError(404, f"No article with {what}.", title="Article not found")


SortQuery = Annotated[
    Literal["id", "published", "title"],
    Query(description="Order by id, publication date (or year), or folded title."),
]
FacetsQuery = Annotated[
    str | None,
    Query(
        description="Comma-separated facets to count over all matches: year, lang, keyword.",
        max_length=100,
        examples=["year,lang"],
    ),
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
) -> Response:
    """Articles matching every filter given, a page at a time, in a stable order.

    Follow `next_cursor` (or the `Link: rel="next"` header) for the next page; a cursor only
    works with the filters and sort it was issued for. `q` searches titles, abstracts and
    keywords in every language.
    """
    filters = ArticleFilters(
        journal=journal,
        issue=issue,
        year=year,
        lang=lang,
        keyword=keyword,
        keyword_lang=keyword_lang,
        doi=checked_doi(doi),
        author=author,
        q=checked_search(q),
    )
    listing = article_service.list_articles(
        session=session,
        filters=filters,
        limit=paging.limit,
        sort=sort,
        descending=order == "desc",
        after=paging.after(),
        facets=checked_list(facets, "facets", article_service.ARTICLE_FACETS),
        count=count,
    )
    extras: dict[str, Any] = {"total": listing.total} if count else {}
    if listing.facets is not None:
        extras["facets"] = listing.facets
    page = ArticlePage(
        items=listing.items, next_cursor=paging.next_cursor(listing.next_key, response), **extras
    )
    return model_json(page, response, exclude_unset=True)


FieldsQuery = Annotated[
    str | None,
    Query(description="Comma-separated top-level fields to return, e.g. `id,title,doi`."),
]
ARTICLE_FIELDS = tuple(ArticlePublic.model_fields)


def _article_response(article: ArticlePublic, fields: str | None) -> Response:
    chosen = checked_list(fields, "fields", ARTICLE_FIELDS)
    headers = {"Vary": "Accept"}
    if not chosen:
        return Response(article.model_dump_json(), media_type="application/json", headers=headers)
    return JSONResponse(jsonable_encoder(article.model_dump(include=set(chosen))), headers=headers)


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The article as JSON (default) or in the format chosen by `Accept` or "
        "`?format=`: CSL-JSON, BibTeX, RIS, a formatted citation, JSON-LD, an HTML landing "
        "page, JATS or Crossref XML.",
        "content": {
            "application/vnd.citationstyles.csl+json": {},
            "application/x-bibtex": {"schema": {"type": "string"}},
            "application/x-research-info-systems": {"schema": {"type": "string"}},
            "text/x-bibliography": {"schema": {"type": "string"}},
            "application/ld+json": {},
            "text/html": {"schema": {"type": "string"}},
            "application/jats+xml": {"schema": {"type": "string"}},
            "application/vnd.crossref.deposit+xml": {"schema": {"type": "string"}},
        },
    },
    409: PROBLEM_RESPONSES[400] | {"description": "The format cannot represent this article"},
}


def _article_in_format(
    request: Request,
    response: Response,
    session: Session,
    fields: str | None,
    format: str | None,
    style: str | None,
    locale: str | None,
    *,
    article_id: int | None = None,
    doi: str | None = None,
) -> Any:
    chosen = choose_format(request, "article", format, style=style, locale=locale)
    if is_default_json(chosen):
        article = (
            article_service.get_article_by_doi(session=session, doi=doi)
            if doi is not None
            else article_service.get_article(session=session, article_id=article_id or 0)
        )
        if article is None:
            raise not_found(article_id, doi)
        return _article_response(article, fields)
    found = article_service.get_article_with_references(
        session=session, article_id=article_id, doi=doi
    )
    if found is None:
        raise not_found(article_id, doi)
    article, references = found
    return rendered(
        chosen, "article", article, references=references, filename=f"article-{article.id}"
    )


@router.get(
    "/doi/{doi:path}",
    summary="Get one article by DOI",
    response_model=ArticlePublic,
    responses=EXPORT_RESPONSES,
)
def get_article_by_doi(
    request: Request,
    response: Response,
    doi: Annotated[str, Path(description="The DOI, in any printed form.", examples=["10.1000/1"])],
    session: SessionDep,
    fields: FieldsQuery = None,
    format: FormatQuery = None,
    style: StyleQuery = None,
    locale: LocaleQuery = None,
) -> Any:
    """The same document as `/articles/{id}`, found by DOI (case-insensitive, any prefix)."""
    normalized = checked_doi(doi, "doi")
    return _article_in_format(
        request, response, session, fields, format, style, locale, doi=normalized
    )


@router.get(
    "/{article_id}",
    summary="Get one article",
    response_model=ArticlePublic,
    responses=EXPORT_RESPONSES,
)
def get_article(
    request: Request,
    response: Response,
    article_id: ArticleId,
    session: SessionDep,
    fields: FieldsQuery = None,
    format: FormatQuery = None,
    style: StyleQuery = None,
    locale: LocaleQuery = None,
) -> Any:
    """Journal, issue, localized title and abstract, keywords by language, galleys, authors.

    Other formats by `Accept` (the media types doi.org content negotiation uses) or `?format=`;
    `fields=` selects top-level fields of the JSON.
    """
    return _article_in_format(
        request, response, session, fields, format, style, locale, article_id=article_id
    )


REFERENCE_LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of references as JSON, or the whole list as one CSL-JSON, "
        "BibTeX, RIS or formatted-citation document.",
        "content": {
            "application/vnd.citationstyles.csl+json": {},
            "application/x-bibtex": {"schema": {"type": "string"}},
            "application/x-research-info-systems": {"schema": {"type": "string"}},
            "text/x-bibliography": {"schema": {"type": "string"}},
        },
    }
}


@router.get(
    "/{article_id}/references",
    summary="An article's references",
    response_model=Page[ReferencePublic],
    responses=REFERENCE_LIST_RESPONSES,
)
def list_article_references(
    request: Request,
    article_id: ArticleId,
    session: SessionDep,
    paging: PagingDep,
    response: Response,
    format: FormatQuery = None,
    style: StyleQuery = None,
    locale: LocaleQuery = None,
) -> Any:
    """The reference list in printed order: raw text as printed, DOI and CSL-JSON.

    JSON is paged by cursor; other formats (`?format=bibtex`, `ris`, `csl-json`, `citation`)
    return the whole list as one document.
    """
    chosen = choose_format(request, "references", format, style=style, locale=locale)
    if not is_default_json(chosen):
        references = reference_service.all_article_references(
            session=session, article_id=article_id
        )
        if not references and not reference_service.article_exists(
            session=session, article_id=article_id
        ):
            raise not_found(article_id)
        return rendered(
            chosen, "references", references, filename=f"article-{article_id}-references"
        )
    items, next_key = reference_service.list_article_references(
        session=session, article_id=article_id, limit=paging.limit, after=paging.after()
    )
    if not items and not reference_service.article_exists(session=session, article_id=article_id):
        raise not_found(article_id)
    response.headers["Vary"] = "Accept"
    page = Page[ReferencePublic](items=items, next_cursor=paging.next_cursor(next_key, response))
    return model_json(page, response)
