"""OAI-PMH 2.0 at ``/oai`` (GET query or POST form): parse the verb and arguments, call the
service, render the XML. Protocol errors are ``<error code=...>`` answers with HTTP 200, as the
protocol defines them; only the transport (a body that is not a form) is an HTTP error.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.api.deps import SessionDep
from app.api.oai.harvest import Harvest
from app.api.query_parameters import ANY_QUERY_PARAMETER
from app.errors import PROBLEM_MEDIA_TYPE, ProblemError
from app.public_urls import absolute_url

router = APIRouter(tags=["oai-pmh"])

MEDIA_TYPE = "text/xml; charset=utf-8"


def _base_url() -> str:
    return absolute_url("/oai")


async def _arguments(request: Request) -> list[tuple[str, str]]:
    if request.method == "GET":
        return list(request.query_params.multi_items())
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise ProblemError(
            415,
            "OAI-PMH POST requests carry application/x-www-form-urlencoded arguments.",
            title="Unsupported Media Type",
        )
    # Parsed here, as the query string is: no multipart parser needed for a urlencoded form.
    body = (await request.body()).decode("utf-8", errors="replace")
    return parse_qsl(body, keep_blank_values=True)


_ARGUMENT_DOCS: dict[str, tuple[str, str]] = {
    "verb": (
        "Identify, ListMetadataFormats, ListSets, GetRecord, ListIdentifiers or ListRecords.",
        "ListRecords",
    ),
    "identifier": (
        "A record identifier, oai:<host>:article/<id> (host: PUBLIC_BASE_URL's).",
        "oai:example.org:article/1",
    ),
    "metadataPrefix": ("The metadata format: oai_dc.", "oai_dc"),
    "from": ("Lower bound of datestamps, YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC).", "2021-01-01"),
    "until": ("Upper bound of datestamps, inclusive, same granularity as from.", "2021-12-31"),
    "set": ("journal:<id>, or journal:<id>:issue:<id> (see ListSets).", "journal:1"),
    "resumptionToken": ("Token from the previous page of a list; exclusive.", "eyJ...signature"),
}
_QUERY_PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": doc,
        "schema": {"type": "string"},
        "example": example,
    }
    for name, (doc, example) in _ARGUMENT_DOCS.items()
]
_FORM_BODY = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {
                    name: {"type": "string", "description": doc}
                    for name, (doc, _example) in _ARGUMENT_DOCS.items()
                },
            },
            "example": {
                "verb": "GetRecord",
                "identifier": "oai:example.org:article/1",
                "metadataPrefix": "oai_dc",
            },
        }
    },
}
_XML_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "An OAI-PMH response; protocol errors are <error code=...> elements "
        "inside it, with HTTP 200, as the protocol defines.",
        "content": {
            "text/xml": {
                "schema": {"type": "string"},
                "example": '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">...</OAI-PMH>',
            }
        },
    },
    # A NUL anywhere in the URL is refused before any route (app/api/guards.py).
    422: {
        "description": "The URL holds a NUL character (%00).",
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    },
}
_NOT_A_FORM: dict[int | str, dict[str, Any]] = {
    415: {
        "description": "The body is not application/x-www-form-urlencoded.",
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}


async def _respond(request: Request, session: Session) -> Response:
    items = await _arguments(request)
    harvest = Harvest(session, _base_url())
    # The queries are synchronous: run them off the event loop, like a sync route.
    body = await run_in_threadpool(harvest.respond, items)
    return Response(body, media_type=MEDIA_TYPE)


@router.get(
    "/oai",
    summary="OAI-PMH 2.0 repository (oai_dc)",
    response_class=Response,
    responses=_XML_RESPONSE,
    # The protocol answers illegal arguments itself (badArgument), not with a 400 problem.
    openapi_extra={"parameters": _QUERY_PARAMETERS, ANY_QUERY_PARAMETER: True},
)
async def oai_pmh(request: Request, session: SessionDep) -> Response:
    """Harvest article metadata with OAI-PMH 2.0: every verb, `oai_dc` records, sets per
    journal and issue, and resumption tokens (100 records a page)."""
    return await _respond(request, session)


@router.post(
    "/oai",
    summary="OAI-PMH 2.0 repository, arguments in a form body",
    response_class=Response,
    responses={**_XML_RESPONSE, **_NOT_A_FORM},
    openapi_extra={"requestBody": _FORM_BODY},
)
async def oai_pmh_form(request: Request, session: SessionDep) -> Response:
    """The same protocol with the arguments in an `application/x-www-form-urlencoded` body,
    for requests too long for a URL."""
    return await _respond(request, session)
