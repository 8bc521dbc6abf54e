"""The write API: create, replace and delete articles, replace their reference lists.

Thin like every route: read the body (an OJS page as text or HTML, or a JSON article in the
public shape), check the token and ``If-Match``, call the one write path (``store_record``,
``delete_article``) inside one transaction, answer with the article as ``GET`` would serve it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.api.article_answers import not_found
from app.api.auth import AdminToken, WriteToken
from app.api.deps import SessionDep
from app.api.http_caching import body_etag
from app.api.preconditions import check_if_match
from app.api.responses import model_json
from app.api.routes.articles import ArticleId
from app.config import get_settings
from app.errors import PROBLEM_MEDIA_TYPE, ProblemError
from app.ingest.records import ArticleRecord, PageError
from app.inputs import ArticleInput, ReferenceListInput
from app.public_urls import absolute_url
from app.schemas import Page, ReferencePublic
from app.services import references as reference_service
from app.services.loading import (
    LoadResult,
    delete_article,
    journal_identifiers,
    source_key,
    store_record,
    stored_article_for,
)
from app.services.writing import (
    article_holding,
    article_json,
    record_from_input,
    record_of_article,
    write_transaction,
)

router = APIRouter(prefix="/articles", tags=["writes"])

PAGE_TYPES = {"text/html", "text/plain", "application/xhtml+xml"}
JSON_TYPES = {"application/json"}

IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag of `GET /articles/{id}`; a stale one is 412.",
        max_length=1000,
        # An empty value is no value (428 where If-Match is required).
        json_schema_extra={"pattern": r"\S"},
    ),
]
SourceUrlQuery = Annotated[
    str | None,
    Query(
        max_length=2000,
        description="For a page body: the address it was saved from (the article's natural key).",
    ),
]


def _problem(status: int, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem(401, "No bearer token, or an unknown or revoked one"),
    403: _problem(403, "The token lacks the scope"),
    413: _problem(413, "The body is too large"),
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: _problem(404, "No such article"),
    409: _problem(409, "Another article has this source URL or DOI"),
    410: _problem(410, "The article was deleted"),
    412: _problem(412, "If-Match names a state the article is no longer in"),
    415: _problem(415, "The body is neither JSON nor an OJS page (text or HTML)"),
    422: _problem(422, "The body is not a valid article or page"),
    428: _problem(428, "If-Match is required"),
}
BODY_MODELS = (ArticleInput, ReferenceListInput)
ARTICLE_EXAMPLE = {
    "source_url": "https://journal.example/index.php/j/article/view/7",
    "doi": "10.1234/example.7",
    "journal": {"title": {"en": "Journal of Examples"}, "issn_print": "1234-5678"},
    "issue": {"volume": "3", "number": "1", "year": 2024},
    "title": {"en": "An example article"},
    "keywords": {"en": ["examples"]},
    "authors": [{"family": "Smith", "given": "Jane", "affiliation": "Example University"}],
    "references": ["Doe J. A cited work. J Ex. 2020;5(2):10-20. doi:10.1000/xyz"],
}
# A text body never holds NUL: a page with one is binary, not a page (app.ingest.ojs_page.reading),
# and a reference with one is refused like any text field of a write (app.inputs).
NO_NUL = {"type": "string", "pattern": "^[^\\x00]*$"}
ARTICLE_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"$ref": "#/components/schemas/ArticleInput"},
            "example": ARTICLE_EXAMPLE,
        },
        "text/html": {"schema": {**NO_NUL, "description": "An OJS article page."}},
        "text/plain": {"schema": {**NO_NUL, "description": "Its text."}},
    },
}
REFERENCES_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {"$ref": "#/components/schemas/ReferenceListInput"},
            "example": {"references": ARTICLE_EXAMPLE["references"]},
        },
        "text/plain": {"schema": {**NO_NUL, "description": "One reference a line."}},
    },
}


# ------------------------------------------------------------------------------- bodies


def _media_type(request: Request) -> tuple[str, str]:
    value = request.headers.get("content-type", "application/json")
    media_type, _, params = value.partition(";")
    charset = "utf-8"
    for param in params.split(";"):
        name, _, found = param.strip().partition("=")
        if name.lower() == "charset" and found:
            charset = found.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def _text(data: bytes, charset: str) -> str:
    if charset not in {"utf-8", "utf8", "us-ascii"}:
        raise ProblemError(415, f"Send the text as UTF-8, not {charset}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemError(
            400, f"The body is not UTF-8 (undecodable byte at {exc.start})."
        ) from None


def _validated(model: type[Any], data: bytes) -> Any:
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            raise ProblemError(400, "The body is not valid JSON.", title="Bad Request") from None
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        ) from None


@dataclass(frozen=True)
class ArticleBody:
    """What a client sent for an article: a JSON record or the text of an OJS page."""

    json: ArticleInput | None = None
    page: str | None = None
    source_url: str | None = None

    def record(self, stored: ArticleRecord | None) -> ArticleRecord:
        if self.json is not None:
            return record_from_input(self.json, stored)
        # Imported on the first page written, not when serving starts: the page parser holds
        # word lists and language models (~25 MiB) that a read-only worker never needs.
        from app.ingest.ojs_page import parse_page

        try:
            record = parse_page(self.page or "", source_url=self.source_url)
        except PageError as exc:
            raise ProblemError(
                422, f"Not an OJS article page: {exc}.", title="Not a page"
            ) from None
        if record.source_url is None and stored is not None:
            record = dataclasses.replace(record, source_url=stored.source_url)
        if not journal_identifiers(record.journal):
            # The loader's rule: a page whose journal is only a logo needs its address.
            raise ProblemError(
                422,
                "The page names no journal (no title, ISSN or journal address): "
                "give the article's address with ?source_url=.",
                title="No journal",
            )
        return record


async def _article_body(request: Request, source_url: str | None) -> ArticleBody:
    media_type, charset = _media_type(request)
    data = await request.body()
    if media_type in JSON_TYPES or media_type.endswith("+json"):
        return ArticleBody(json=_validated(ArticleInput, data))
    if media_type in PAGE_TYPES:
        return ArticleBody(page=_text(data, charset), source_url=source_url)
    raise ProblemError(
        415,
        f"Send an article as application/json, or an OJS page as text/html or text/plain "
        f"(not {media_type}).",
    )


async def _reference_body(request: Request) -> list[str]:
    media_type, charset = _media_type(request)
    data = await request.body()
    if media_type in JSON_TYPES or media_type.endswith("+json"):
        return _validated(ReferenceListInput, data).raw_references()
    if media_type == "text/plain":
        lines = [line.strip() for line in _text(data, charset).splitlines()]
        return _checked_lines([line for line in lines if line])
    raise ProblemError(
        415, f"Send references as application/json or text/plain (not {media_type})."
    )


def _checked_lines(lines: list[str]) -> list[str]:
    try:
        return ReferenceListInput.model_validate({"references": lines}).raw_references()
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        ) from None


# ------------------------------------------------------------------------------- writes


def _current(session: Session, article_id: int) -> bytes:
    current = article_json(session, article_id)
    if current is None:
        raise not_found(article_id, session=session)
    return current


def _free_keys(session: Session, record: ArticleRecord, article_id: int | None) -> None:
    """409 when the record's address or DOI belongs to another article (writers are
    serialized, so nothing can take them between this check and the write)."""
    for what, holder in (
        ("source URL", article_holding(session, source_url=record.source_url)),
        ("DOI", article_holding(session, doi=record.doi)),
    ):
        if holder is not None and holder != article_id:
            raise ProblemError(
                409,
                f"Article {holder} already has this {what}; update it instead "
                f"(PUT /articles/{holder}).",
                title="Conflict",
                article_id=holder,
            )


def _article_response(session: Session, result: LoadResult, status_code: int) -> Response:
    body = article_json(session, result.article_id) or b"{}"
    # Absolute, from PUBLIC_BASE_URL: a relative one would miss a proxy's path prefix.
    url = absolute_url(f"/articles/{result.article_id}")
    headers = {"ETag": body_etag(body), "Content-Location": url}
    if result.status == "created":
        headers["Location"] = url
    return Response(body, status_code, headers=headers, media_type="application/json")


def _post(session: Session, body: ArticleBody) -> Response:
    with write_transaction(session):
        record = body.record(None)
        # The article the loader would update: by address, else DOI, else derived key.
        found = stored_article_for(session, record)
        existing = found.id if found is not None else None
        if existing is None:
            existing = article_holding(session, source_url=source_key(record))
        if existing is not None and body.json is not None:
            # An update: keep what the JSON leaves out (its references).
            record = body.record(record_of_article(session, existing))
        _free_keys(session, record, existing)
        result = store_record(session, record)
    return _article_response(session, result, 201 if result.status == "created" else 200)


def _put(session: Session, article_id: int, body: ArticleBody, if_match: str | None) -> Response:
    with write_transaction(session):
        current = _current(session, article_id)
        check_if_match(
            if_match, body_etag(current), required=get_settings().write_require_if_match
        )
        record = body.record(record_of_article(session, article_id))
        _free_keys(session, record, article_id)
        result = store_record(session, record, article_id=article_id)
    return _article_response(session, result, 200)


def _delete(session: Session, article_id: int, if_match: str | None) -> Response:
    with write_transaction(session):
        current = _current(session, article_id)
        check_if_match(
            if_match, body_etag(current), required=get_settings().write_require_if_match
        )
        delete_article(session, article_id)
    return Response(status_code=204)


def _put_references(
    session: Session, article_id: int, references: list[str], if_match: str | None
) -> Response:
    with write_transaction(session):
        current = _current(session, article_id)
        check_if_match(
            if_match, body_etag(current), required=get_settings().write_require_if_match
        )
        stored = record_of_article(session, article_id)
        assert stored is not None  # the article exists: _current said so, under the write lock
        if stored.references != references:
            store_record(
                session, dataclasses.replace(stored, references=references), article_id=article_id
            )
    items, _next = reference_service.list_article_references(
        session=session, article_id=article_id, limit=None, after=None
    )
    return model_json(Page[ReferencePublic](items=items))


@router.post(
    "",
    summary="Create or update an article",
    status_code=201,
    responses={200: {"description": "An existing article (same source URL) was updated"},
               **WRITE_RESPONSES},
    openapi_extra={"requestBody": ARTICLE_BODY},
)
async def post_article(
    request: Request, session: SessionDep, _token: WriteToken, source_url: SourceUrlQuery = None
) -> Response:
    """Store an article from an OJS page (`text/html`, `text/plain`) or a JSON record in the
    shape of `GET /articles/{id}`: 201 with `Location` when new, 200 when it updated the
    article with the same source URL (an identical one changes nothing). Needs `write`."""
    body = await _article_body(request, source_url)
    return await run_in_threadpool(_post, session, body)


@router.put(
    "/{article_id}",
    summary="Replace an article",
    responses=WRITE_RESPONSES,
    openapi_extra={"requestBody": ARTICLE_BODY},
)
async def put_article(
    article_id: ArticleId,
    request: Request,
    session: SessionDep,
    _token: WriteToken,
    if_match: IfMatchHeader = None,
    source_url: SourceUrlQuery = None,
) -> Response:
    """Replace the article with a JSON record or a page; a JSON record without `references`
    keeps the stored list. `If-Match` carries the ETag from `GET /articles/{id}`. Needs
    `write`."""
    body = await _article_body(request, source_url)
    return await run_in_threadpool(_put, session, article_id, body, if_match)


@router.delete(
    "/{article_id}",
    summary="Delete an article",
    status_code=204,
    responses=WRITE_RESPONSES,
)
def delete_article_route(
    article_id: ArticleId, session: SessionDep, _token: AdminToken, if_match: IfMatchHeader = None
) -> Response:
    """Delete the article; it leaves a tombstone (`410` on `GET`, a deleted record in OAI-PMH,
    a `deleted` event in `/changes`). Needs `admin`."""
    return _delete(session, article_id, if_match)


@router.put(
    "/{article_id}/references",
    summary="Replace an article's reference list",
    response_model=Page[ReferencePublic],
    responses=WRITE_RESPONSES,
    openapi_extra={"requestBody": REFERENCES_BODY},
)
async def put_references(
    article_id: ArticleId,
    request: Request,
    session: SessionDep,
    _token: WriteToken,
    if_match: IfMatchHeader = None,
) -> Response:
    """Replace the whole list with raw strings in printed order (JSON `{"references": [...]}`,
    or text with one reference a line), parsed on write; answers the stored list. `If-Match`
    carries the article's ETag. Needs `write`."""
    references = await _reference_body(request)
    return await run_in_threadpool(_put_references, session, article_id, references, if_match)
