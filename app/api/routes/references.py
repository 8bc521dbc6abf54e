"""Reference resources across the corpus: search, "who cites this DOI", one reference."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.api.deps import PagingDep, SessionDep
from app.api.negotiation import ReferenceExportDep, export_content, is_default_json, rendered
from app.api.params import (
    CountQuery,
    DoiQuery,
    IdQuery,
    SearchQuery,
    YearQuery,
    checked_doi,
    checked_list,
    checked_search,
    choice_list_schema,
)
from app.api.responses import page_json
from app.api.work_pool import stop_if_shutting_down, work_pool
from app.config import get_settings
from app.errors import PROBLEM_RESPONSES, ProblemError, invalid_parameter
from app.exporters import Negotiated
from app.ingest.reference_limits import reference_size_problem
from app.ingest.references import parse_references as parse_reference_strings
from app.observability.metrics import REFERENCES_PARSED
from app.schemas import ParseRequest, ParseResponse, ReferencePage, ReferencePublic
from app.services import references as reference_service
from app.services.listing import Listing

router = APIRouter(prefix="/references", tags=["references"], responses=PROBLEM_RESPONSES)


@router.get(
    "",
    summary="Search references across the corpus",
    response_model=ReferencePage,
    response_model_exclude_unset=True,
)
async def list_references(
    session: SessionDep,
    paging: PagingDep,
    response: Response,
    doi: Annotated[DoiQuery, Query(description="Cited DOI: who in this corpus cites it.")] = None,
    year: Annotated[YearQuery, Query(description="Year of the cited work.")] = None,
    container: Annotated[
        str | None,
        Query(max_length=300, description="Cited journal or book (any case)."),
    ] = None,
    q: Annotated[SearchQuery, Query(description="Full-text search over the raw text.")] = None,
    article: Annotated[IdQuery, Query(description="Only this citing article's list.")] = None,
    facets: Annotated[
        str | None,
        Query(
            description="Comma-separated facets to count: year, container.",
            json_schema_extra=choice_list_schema(reference_service.REFERENCE_FACETS),
        ),
    ] = None,
    count: CountQuery = False,
) -> Response:
    """Every stored reference matching all filters given, in id order, with its CSL-JSON."""
    filters = reference_service.ReferenceFilters(
        doi=checked_doi(doi), year=year, container=container, q=checked_search(q), article=article
    )
    chosen_facets = checked_list(facets, "facets", reference_service.REFERENCE_FACETS)
    after = paging.after()

    def page() -> Listing[str]:
        return reference_service.list_references(
            session=session,
            filters=filters,
            limit=paging.limit,
            after=after,
            facets=chosen_facets,
            count=count,
        )

    # Lookups by index are bounded: answered on the event loop. A search, facets or a count
    # may touch every match, so they run in the thread pool, never stalling other requests.
    heavy = q is not None or bool(chosen_facets) or count or container is not None
    listing = await run_in_threadpool(page) if heavy else page()
    body = ReferencePage(
        items=[], next_cursor=paging.next_cursor(listing.next_key, response), **listing.extras()
    )
    return page_json(body, listing.items, response, exclude_unset=True)


@router.post(
    "/parse",
    summary="Structure reference strings as CSL-JSON",
    response_model=ParseResponse,
    responses={
        413: PROBLEM_RESPONSES[400]
        | {"description": "More citations than PARSE_MAX_CITATIONS (1,000 by default), or a "
           "body over MAX_BODY_BYTES"},
        503: PROBLEM_RESPONSES[400]
        | {"description": "Too many heavy requests at once; retry after `Retry-After` seconds"},
    },
)
def parse_references(request: ParseRequest) -> ParseResponse:
    """Parse each printed reference (Vancouver, APA, GOST, Latin or Cyrillic) into CSL-JSON.

    Items come back in the order sent: authors (`family`/`given`), `issued`, `title`,
    `container-title`, `volume`, `issue`, `page`, identifiers (`DOI` lower-case without prefix,
    `PMID`, `PMCID`, `ISBN`, `URL`), `publisher`, `type` and the `language` of the cited title.
    Each string may hold at most 5,000 characters and 600 words (a 422 names the one over).
    """
    citations = request.citations
    most = get_settings().parse_max_citations
    if len(citations) > most:
        raise ProblemError(
            413,
            f"{len(citations)} citations sent; at most {most} per request.",
            title="Too many citations",
        )
    for index, citation in enumerate(citations):
        reason = None
        if not isinstance(citation, str):
            reason = f"must be a string, not {type(citation).__name__}"
        elif not citation.strip():
            reason = "must not be empty"
        elif not _is_unicode_text(citation):
            reason = "holds a lone surrogate code point (U+D800-U+DFFF), which is not text"
        else:
            reason = reference_size_problem(citation)
        if reason:
            raise invalid_parameter(f"citations[{index}]", reason, where="body")
    # CPU-bound: in a worker thread (sync route) and within the bounded pool for heavy work.
    with work_pool().slot():
        REFERENCES_PARSED.inc(len(citations))
        # Between two strings the batch stops if the server is shutting down (a 503 problem).
        return ParseResponse(
            items=parse_reference_strings(citations, before_each=stop_if_shutting_down)
        )


def _is_unicode_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@router.get(
    "/{reference_id:int}",
    summary="Get one reference",
    response_model=ReferencePublic,
    responses={
        200: {
            "description": "The reference as JSON, or CSL-JSON, BibTeX, RIS or a formatted "
            "citation by `Accept` or `?format=`.",
            "content": export_content("reference"),
        }
    },
)
async def get_reference(
    reference_id: Annotated[
        int, Path(ge=1, le=2**31 - 1, description="Reference id.", examples=[1])
    ],
    session: SessionDep,
    export: ReferenceExportDep,
) -> Response:
    """One reference: raw text as printed, its position in the citing article, CSL-JSON.

    Also as CSL-JSON, BibTeX, RIS or a formatted citation by `Accept` or `?format=`.
    """
    chosen = export.choose("reference")
    if is_default_json(chosen):
        document = reference_service.reference_document(session=session, reference_id=reference_id)
        if document is None:
            raise _reference_not_found(reference_id)
        return Response(document, media_type="application/json", headers={"Vary": "Accept"})
    return await run_in_threadpool(_reference_in_format, chosen, session, reference_id)


def _reference_not_found(reference_id: int) -> ProblemError:
    return ProblemError(404, f"No reference with id {reference_id}.", title="Reference not found")


def _reference_in_format(chosen: Negotiated, session: Session, reference_id: int) -> Response:
    reference = reference_service.get_reference(session=session, reference_id=reference_id)
    if reference is None:
        raise _reference_not_found(reference_id)
    return rendered(chosen, "reference", reference, filename=f"reference-{reference.id}")


def router_route(endpoint: Any) -> APIRoute:
    """The API route of this router that ``endpoint`` answers."""
    return next(r for r in router.routes if isinstance(r, APIRoute) and r.endpoint is endpoint)
