"""Article resources: list, detail and the ordered reference list. Thin: parse, call, shape."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.api.article_answers import ARTICLE_FIELDS, article_in_format, not_found
from app.api.deps import PagingDep, Reads, ReadsDep, SessionDep
from app.api.includes import (
    CITATION_ITEM,
    MAX_CITED_ITEMS,
    PARTS,
    Complete,
    IncludeListQuery,
    Includes,
    ItemFieldsQuery,
    checked_includes,
    compose_items,
)
from app.api.languages import (
    AcceptLanguageDep,
    FallbackQuery,
    LanguageDep,
    localized_text,
    mark_language,
)
from app.api.negotiation import (
    ArticleExportDep,
    ReferencesExportDep,
    export_content,
    is_default_json,
    streamed,
)
from app.api.params import (
    DOI_SCHEMA,
    CountQuery,
    DoiQuery,
    IdQuery,
    IsoInstant,
    LangQuery,
    OrderQuery,
    SearchQuery,
    YearQuery,
    checked_doi,
    checked_list,
    checked_search,
    choice_list_schema,
)
from app.api.responses import page_json, spliced_page
from app.api.routes.changes import as_utc
from app.config import get_settings
from app.errors import PROBLEM_RESPONSES, ProblemError
from app.schemas import ArticlePage, ArticlePublic, Page, ReferencePublic
from app.services import articles as article_service
from app.services import documents as document_service
from app.services import references as reference_service
from app.services.articles import ArticleFilters
from app.services.listing import Listing

router = APIRouter(prefix="/articles", tags=["articles"], responses=PROBLEM_RESPONSES)

ArticleId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Article id.", examples=[1])]


SortQuery = Annotated[
    Literal["id", "published", "title", "updated"] | None,
    Query(
        description="Order by id, publication date (or year), folded title, or last change "
        "(`updated`, the default with `updated_since`); otherwise `id`."
    ),
]
UpdatedSinceQuery = Annotated[
    datetime | None,
    IsoInstant,
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
        json_schema_extra=choice_list_schema(article_service.ARTICLE_FACETS),
    ),
]


@router.get(
    "",
    summary="List and search articles",
    response_model=ArticlePage,
    response_model_exclude_unset=True,
)
async def list_articles(
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
    include: IncludeListQuery = None,
    fields: ItemFieldsQuery = None,
) -> Response:
    """Articles matching every filter given, a page at a time, in a stable order.

    Follow `next_cursor` (or the `Link: rel="next"` header) for the next page; a cursor only
    works with the filters and sort it was issued for. `q` searches titles, abstracts and
    keywords in every language. `include=` embeds authors, keywords, references or formatted
    citations in each item and `fields=` picks any article field, so one request renders an
    issue's table of contents (`?issue=1&fields=id,title,authors,pages,doi,galleys`).
    """
    includes = checked_includes(include, fields)
    if includes.styles:
        # Formatting is work: a page with citations holds at most MAX_CITED_ITEMS (its next
        # link says so); any limit the schema allows is accepted.
        paging.limit = min(paging.limit, MAX_CITED_ITEMS)
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
    chosen_facets = checked_list(facets, "facets", article_service.ARTICLE_FACETS)
    after = paging.after()

    def page() -> Listing[str]:
        return article_service.list_articles(
            session=session,
            filters=filters,
            limit=paging.limit,
            sort=sort or ("updated" if updated_since is not None else "id"),
            descending=order == "desc",
            after=after,
            facets=chosen_facets,
            count=count,
        )

    # A page by index is bounded work: answered on the event loop. Searches and counts over
    # every match may take longer, so they run in the thread pool, never stalling other requests.
    heavy = q is not None or bool(chosen_facets) or count or keyword is not None
    listing = await run_in_threadpool(page) if heavy else page()
    items = listing.items
    if includes.fields or includes.complete:
        items = await run_in_threadpool(
            _complete_items, session, items, includes, language.with_lang(lang, fallback).lang
        )
    body = spliced_page(
        ArticlePage(
            items=[], next_cursor=paging.next_cursor(listing.next_key, response), **listing.extras()
        ),
        items,
        exclude_unset=True,
    )
    text, served = localized_text(body, language.with_lang(lang, fallback))
    mark_language(response, served)
    return Response(text, media_type="application/json", headers=dict(response.headers))


def _complete_items(
    session: Session, summaries: Sequence[str], includes: Includes, lang: str | None
) -> list[str]:
    """List items with the parts and fields asked for, from the stored documents of the page:
    one more statement whatever its size."""
    parsed = [orjson.loads(summary) for summary in summaries]
    documents: dict[int, Complete] = {}
    if includes.complete:
        stored = document_service.stored_articles(
            session, [item["id"] for item in parsed], references=includes.references
        )
        documents = {
            article_id: Complete(
                orjson.loads(listed.body),
                orjson.loads(listed.reference_list) if listed.reference_list else None,
            )
            for article_id, listed in stored.items()
        }
    items = compose_items(parsed, documents, includes, lang)
    return [orjson.dumps(item).decode() for item in items]


FieldsQuery = Annotated[
    str | None,
    Query(
        description="Comma-separated top-level fields to return, e.g. `id,title,doi`.",
        json_schema_extra=choice_list_schema(ARTICLE_FIELDS),
    ),
]
IncludeQuery = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Comma-separated parts to embed in the JSON: `references` (the ordered "
        "reference list, as `/articles/{id}/references` items) and `citation:<style>` (the "
        "formatted citation in any style of `/styles`, under `citations`), so a page needs one "
        "request. `authors` and `keywords` are always there.",
        examples=["references,citation:apa,citation:gost"],
        json_schema_extra=choice_list_schema(PARTS, patterns=[CITATION_ITEM]),
    ),
]


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The article as JSON (default) or in the format chosen by `Accept` or "
        "`?format=`: CSL-JSON, BibTeX, RIS, a formatted citation, JSON-LD, an HTML landing "
        "page, JATS, Crossref or Dublin Core XML.",
        "content": export_content("article"),
    },
    409: PROBLEM_RESPONSES[400] | {"description": "The format cannot represent this article"},
}


@router.get(
    "/doi/{doi:path}",
    summary="Get one article by DOI",
    response_model=ArticlePublic,
    responses=EXPORT_RESPONSES,
)
async def get_article_by_doi(
    doi: Annotated[
        str,
        Path(
            description="The DOI, in any printed form.",
            examples=["10.1000/1"],
            json_schema_extra=DOI_SCHEMA,
        ),
    ],
    reads: ReadsDep,
    export: ArticleExportDep,
    language: LanguageDep,
    fields: FieldsQuery = None,
    include: IncludeQuery = None,
) -> Response:
    """The same document as `/articles/{id}`, found by DOI (case-insensitive, any prefix)."""
    return await article_in_format(
        export, reads, fields, include, language, doi=checked_doi(doi, "doi")
    )


@router.get(
    "/{article_id}",
    summary="Get one article",
    response_model=ArticlePublic,
    responses=EXPORT_RESPONSES,
)
async def get_article(
    article_id: ArticleId,
    reads: ReadsDep,
    export: ArticleExportDep,
    language: LanguageDep,
    fields: FieldsQuery = None,
    include: IncludeQuery = None,
) -> Response:
    """Journal, issue, localized title and abstract, keywords by language, galleys, authors.

    `include=references` embeds the ordered reference list (raw text, DOI, CSL-JSON), so an
    article page needs one request. Other formats by `Accept` (the media types doi.org content
    negotiation uses) or `?format=`; `fields=` selects top-level fields of the JSON. `lang=`
    (with `fallback=true`) or `Accept-Language` choose the language of titles, abstracts and
    keywords.
    """
    return await article_in_format(
        export, reads, fields, include, language, article_id=article_id
    )


REFERENCE_LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A page of references as JSON, or the whole list as one CSL-JSON, "
        "BibTeX, RIS or formatted-citation document.",
        "content": export_content("references"),
    }
}


@router.get(
    "/{article_id}/references",
    summary="An article's references",
    response_model=Page[ReferencePublic],
    responses=REFERENCE_LIST_RESPONSES,
)
async def list_article_references(
    article_id: ArticleId,
    reads: ReadsDep,
    paging: PagingDep,
    request: Request,
    response: Response,
    export: ReferencesExportDep,
) -> Response:
    """The reference list in printed order: raw text as printed, DOI and CSL-JSON.

    JSON is paged by cursor; other formats (`?format=bibtex`, `ris`, `csl-json`, `citation`)
    return the whole list as one document.
    """
    chosen = export.choose("references")
    # Checked whatever the format (a whole-list export has no pages, but a forged or malformed
    # cursor is still a 400, not silently ignored).
    after = paging.after()
    if not is_default_json(chosen):
        exported = await run_in_threadpool(_references_to_export, reads, article_id)
        name = f"article-{article_id}-references"
        return await streamed(request, chosen, exported, filename=name)
    response.headers["Vary"] = "Accept"
    if after is None:
        # The whole list fits the page (the usual case): the stored list, one lookup.
        stored = await reads.stored_article(article_id=article_id, references=True)
        if stored is not None and stored.reference_list is not None:
            if stored.reference_count <= paging.limit:
                return page_json(
                    Page[ReferencePublic](items=[]), [stored.reference_list[1:-1]], response
                )
    with reads.session() as session:
        items, next_key = reference_service.article_reference_documents(
            session=session, article_id=article_id, limit=paging.limit, after=after
        )
        if not items and not reference_service.article_exists(
            session=session, article_id=article_id
        ):
            raise not_found(article_id, session=session)
    page = Page[ReferencePublic](items=[], next_cursor=paging.next_cursor(next_key, response))
    return page_json(page, items, response)


def _references_to_export(reads: Reads, article_id: int) -> list[ReferencePublic]:
    """The whole list for one document (exports are not paged), within the export limit."""
    with reads.session() as session:
        items, _next = reference_service.list_article_references(
            session=session, article_id=article_id, limit=None
        )
        if not items and not reference_service.article_exists(
            session=session, article_id=article_id
        ):
            raise not_found(article_id, session=session)
    most = get_settings().export_max_items
    if len(items) > most:
        # Rendered in pieces, and abandoned when the client leaves, but still bounded.
        raise ProblemError(
            422,
            f"This list has {len(items)} references; exports hold at most {most}. "
            "Page through the JSON list (?limit=, ?cursor=) instead.",
            title="Export too large",
        )
    return items


def router_route(endpoint: Any) -> APIRoute:
    """The API route of this router that ``endpoint`` answers."""
    return next(r for r in router.routes if isinstance(r, APIRoute) and r.endpoint is endpoint)
