"""Article resources: list, detail and the ordered reference list. Thin: parse, call, shape."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from sqlmodel import Session

from app.api.deps import PagingDep, SessionDep
from app.api.languages import (
    AcceptLanguageDep,
    FallbackQuery,
    LanguageDep,
    LanguagePreference,
    localized_body,
    mark_language,
)
from app.api.negotiation import ExportDep, ExportRequest, is_default_json, rendered
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
from app.api.routes.changes import as_utc
from app.api.routes.site import article_html, article_signposts
from app.config import get_settings
from app.errors import PROBLEM_RESPONSES, ProblemError
from app.schemas import ArticlePage, ArticlePublic, Page, ReferencePublic
from app.services import articles as article_service
from app.services import changes as change_service
from app.services import references as reference_service
from app.services.articles import ArticleFilters

router = APIRouter(prefix="/articles", tags=["articles"], responses=PROBLEM_RESPONSES)

ArticleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Article id.", examples=[1])]


def not_found(
    article_id: int | None, doi: str | None = None, *, session: Session | None = None
) -> ProblemError:
    """404, or 410 when the article was deleted (its tombstone says when)."""
    if session is not None:
        tombstone = (
            change_service.tombstone_of_doi(session=session, doi=doi)
            if doi is not None
            else change_service.get_tombstone(session=session, article_id=article_id or 0)
        )
        if tombstone is not None:
            return ProblemError(
                410,
                f"Article {tombstone.article_id} was deleted.",
                title="Article deleted",
                article_id=tombstone.article_id,
                deleted_at=tombstone.deleted_at.isoformat(),
            )
    what = f"DOI {doi}" if doi is not None else f"id {article_id}"
    return ProblemError(404, f"No article with {what}.", title="Article not found")


SortQuery = Annotated[
    Literal["id", "published", "title", "updated"] | None,
    Query(
        description="Order by id, publication date (or year), folded title, or last change "
        "(`updated`, the default with `updated_since`); otherwise `id`."
    ),
]
UpdatedSinceQuery = Annotated[
    datetime | None,
    Query(
        description="Only articles changed at or after this instant (ISO 8601; UTC when no "
        "offset), in update order by default. Deletions are in `/changes`."
    ),
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
    language: AcceptLanguageDep,
    journal: Annotated[IdQuery, Query(description="Journal id.")] = None,
    issue: Annotated[IdQuery, Query(description="Issue id.")] = None,
    year: YearQuery = None,
    lang: Annotated[
        LangQuery,
        Query(
            description="Has a title in this language (BCP 47), served alone; with "
            "`fallback=true`, every article, titles in this language first."
        ),
    ] = None,
    fallback: FallbackQuery = False,
    keyword: Annotated[
        str | None, Query(max_length=300, description="Carries this keyword (any case).")
    ] = None,
    keyword_lang: Annotated[
        LangQuery, Query(description="Only match `keyword` in this language.")
    ] = None,
    doi: DoiQuery = None,
    author: Annotated[IdQuery, Query(description="Author id (see /authors).")] = None,
    q: SearchQuery = None,
    updated_since: UpdatedSinceQuery = None,
    sort: SortQuery = None,
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
        lang=None if fallback else lang,
        keyword=keyword,
        keyword_lang=keyword_lang,
        doi=checked_doi(doi),
        author=author,
        q=checked_search(q),
        updated_since=as_utc(updated_since, "updated_since"),
    )
    listing = article_service.list_articles(
        session=session,
        filters=filters,
        limit=paging.limit,
        sort=sort or ("updated" if updated_since is not None else "id"),
        descending=order == "desc",
        after=paging.after(),
        facets=checked_list(facets, "facets", article_service.ARTICLE_FACETS),
        count=count,
    )
    page = ArticlePage(
        items=listing.items,
        next_cursor=paging.next_cursor(listing.next_key, response),
        **listing.extras(),
    )
    body, served = localized_body(page, language.with_lang(lang, fallback), exclude_unset=True)
    mark_language(response, served)
    return Response(body, media_type="application/json", headers=dict(response.headers))


FieldsQuery = Annotated[
    str | None,
    Query(description="Comma-separated top-level fields to return, e.g. `id,title,doi`."),
]
ARTICLE_FIELDS = tuple(ArticlePublic.model_fields)


def _article_response(
    article: ArticlePublic, fields: str | None, language: LanguagePreference
) -> Response:
    chosen = checked_list(fields, "fields", ARTICLE_FIELDS)
    body, served = localized_body(article, language, what="article", fields=chosen)
    response = Response(body, media_type="application/json", headers={"Vary": "Accept"})
    mark_language(response, served)
    return response


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
    export: ExportRequest,
    session: Session,
    fields: str | None,
    language: LanguagePreference,
    *,
    article_id: int | None = None,
    doi: str | None = None,
) -> Response:
    chosen = export.choose("article")
    as_json = is_default_json(chosen)
    found = article_service.find_article(
        session=session, article_id=article_id, doi=doi, references=not as_json
    )
    if found is None:
        raise not_found(article_id, doi, session=session)
    article, references = found
    signposts = article_signposts(article)
    if as_json:
        response = _article_response(article, fields, language)
    elif chosen.exporter.name == "html":
        response = article_html(article, references, language, style=export.style)
    else:
        return rendered(
            chosen, "article", article, references=references, filename=f"article-{article.id}"
        )
    response.headers["Link"] = signposts
    return response


@router.get(
    "/doi/{doi:path}",
    summary="Get one article by DOI",
    response_model=ArticlePublic,
    responses=EXPORT_RESPONSES,
)
def get_article_by_doi(
    doi: Annotated[str, Path(description="The DOI, in any printed form.", examples=["10.1000/1"])],
    session: SessionDep,
    export: ExportDep,
    language: LanguageDep,
    fields: FieldsQuery = None,
) -> Response:
    """The same document as `/articles/{id}`, found by DOI (case-insensitive, any prefix)."""
    return _article_in_format(export, session, fields, language, doi=checked_doi(doi, "doi"))


@router.get(
    "/{article_id}",
    summary="Get one article",
    response_model=ArticlePublic,
    responses=EXPORT_RESPONSES,
)
def get_article(
    article_id: ArticleId,
    session: SessionDep,
    export: ExportDep,
    language: LanguageDep,
    fields: FieldsQuery = None,
) -> Response:
    """Journal, issue, localized title and abstract, keywords by language, galleys, authors.

    Other formats by `Accept` (the media types doi.org content negotiation uses) or `?format=`;
    `fields=` selects top-level fields of the JSON. `lang=` (with `fallback=true`) or
    `Accept-Language` choose the language of titles, abstracts and keywords.
    """
    return _article_in_format(export, session, fields, language, article_id=article_id)


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
    article_id: ArticleId,
    session: SessionDep,
    paging: PagingDep,
    response: Response,
    export: ExportDep,
) -> Response:
    """The reference list in printed order: raw text as printed, DOI and CSL-JSON.

    JSON is paged by cursor; other formats (`?format=bibtex`, `ris`, `csl-json`, `citation`)
    return the whole list as one document.
    """
    chosen = export.choose("references")
    as_json = is_default_json(chosen)
    # Exports are one document of the whole list; JSON is paged.
    items, next_key = reference_service.list_article_references(
        session=session,
        article_id=article_id,
        limit=paging.limit if as_json else None,
        after=paging.after() if as_json else None,
    )
    if not items and not reference_service.article_exists(session=session, article_id=article_id):
        raise not_found(article_id, session=session)
    if not as_json:
        most = get_settings().export_max_items
        if len(items) > most:
            # Rendering is CPU-bound and cannot stop half-way: a bounded document, or JSON pages.
            raise ProblemError(
                422,
                f"This list has {len(items)} references; exports hold at most {most}. "
                "Page through the JSON list (?limit=, ?cursor=) instead.",
                title="Export too large",
            )
        return rendered(chosen, "references", items, filename=f"article-{article_id}-references")
    response.headers["Vary"] = "Accept"
    page = Page[ReferencePublic](items=items, next_cursor=paging.next_cursor(next_key, response))
    return model_json(page, response)
