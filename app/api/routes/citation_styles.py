"""What the citation renderer offers: `/styles` and `/locales`, the names `style=` takes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.api.deps import PagingDep
from app.api.responses import model_json
from app.errors import PROBLEM_RESPONSES, invalid_parameter
from app.exporters import citation_catalog as catalog
from app.schemas import LocalePublic, Page, StylePublic

router = APIRouter(tags=["citations"], responses=PROBLEM_RESPONSES)


@router.get("/styles", summary="List citation styles", response_model=Page[StylePublic])
def list_styles(
    paging: PagingDep,
    response: Response,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="Words in the id or title, any case."),
    ] = None,
    citation_format: Annotated[
        str | None,
        Query(
            max_length=20,
            description="Only styles of this CSL citation format: author-date, numeric, note, "
            "label, author.",
        ),
    ] = None,
) -> Response:
    """Every CSL style usable as `style=` (about 10,800: independent styles and the journal
    styles built on them), in id order. Short names `vancouver` and `gost` also work."""
    after = paging.after()
    if after is not None and not (len(after) == 1 and isinstance(after[0], str)):
        raise invalid_parameter("cursor", "not a cursor of this listing")
    items, next_key = catalog.find_styles(
        q=q,
        citation_format=citation_format,
        after=after[0] if after else None,
        limit=paging.limit,
    )
    page = Page[StylePublic](
        items=[StylePublic(**vars(item)) for item in items],
        next_cursor=paging.next_cursor([next_key] if next_key else None, response),
    )
    return model_json(page, response)


@router.get("/locales", summary="List citation locales", response_model=Page[LocalePublic])
def list_locales() -> Response:
    """Every CSL locale usable as `locale=` (one page: there are about sixty), `az-AZ` included."""
    page = Page[LocalePublic](items=[LocalePublic(**vars(item)) for item in catalog.locales()])
    return model_json(page)
