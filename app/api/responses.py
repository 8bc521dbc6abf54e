"""JSON bodies straight from the public models, serialised once by pydantic's core.

Routes build validated public models already; returning them as values would make FastAPI
validate and encode them a second time (milliseconds on a page of 1,000 items). Routes keep their
``response_model`` for the OpenAPI document, and hand back the bytes with this helper.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Response
from pydantic import BaseModel


def model_json(
    model: BaseModel, response: Response | None = None, *, exclude_unset: bool = False
) -> Response:
    """``model`` as ``application/json``, with the headers a route set on its ``response``."""
    headers = dict(response.headers) if response is not None else None
    body = model.model_dump_json(exclude_unset=exclude_unset)
    return Response(body, media_type="application/json", headers=headers)


_NO_ITEMS = '{"items":[]'


def spliced_page(page: BaseModel, items: Sequence[str], *, exclude_unset: bool = False) -> str:
    """A page whose items are stored JSON already: ``page`` (built with no items) gives every
    other field, and the items are spliced in as they are, never parsed or encoded again."""
    rest = page.model_dump_json(exclude_unset=exclude_unset)
    if not rest.startswith(_NO_ITEMS):
        raise ValueError("spliced_page needs a page model whose first field is an empty list")
    return '{"items":[' + ",".join(items) + "]" + rest[len(_NO_ITEMS) :]


def page_json(
    page: BaseModel,
    items: Sequence[str],
    response: Response | None = None,
    *,
    exclude_unset: bool = False,
) -> Response:
    """:func:`spliced_page` as ``application/json``, with the headers a route set on its
    ``response``."""
    headers = dict(response.headers) if response is not None else None
    body = spliced_page(page, items, exclude_unset=exclude_unset)
    return Response(body, media_type="application/json", headers=headers)
