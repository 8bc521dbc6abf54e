"""Content negotiation for routes: `Accept` or `?format=` picks an exporter; JSON stays default."""

from __future__ import annotations

import logging
import weakref
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from app.api.work_pool import work_pool
from app.config import get_settings
from app.errors import ProblemError
from app.exporters import Negotiated, NotAcceptable, available_formats, negotiate
from app.exporters.registry import Kind
from app.schemas import ArticlePublic, ReferencePublic

log = logging.getLogger(__name__)

FormatQuery = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Output format, overriding `Accept`: json, csl-json, bibtex, ris, citation, "
        "citation-html, jsonld, html, jats, crossref (see the README for each media type).",
    ),
]
StyleQuery = Annotated[
    str | None,
    Query(max_length=80, description="Citation style for `format=citation`: apa, vancouver, gost."),
]
LocaleQuery = Annotated[
    str | None,
    Query(max_length=20, description="CSL locale for `format=citation`, e.g. `en-US`, `ru-RU`."),
]


@dataclass(frozen=True)
class ExportRequest:
    """What a request asks for: its `Accept` header, and `?format=`, `style`, `locale`."""

    accept: str | None
    format: str | None
    style: str | None
    locale: str | None

    def choose(self, kind: Kind) -> Negotiated:
        """The exporter for this request, or a 406 problem listing what is available."""
        try:
            return negotiate(self.accept, self.format, kind, style=self.style, locale=self.locale)
        except NotAcceptable as exc:
            raise ProblemError(
                406,
                f"{exc.detail} Use ?format= or Accept with one of the listed formats.",
                title="Not Acceptable",
                available=exc.available or available_formats(kind),
                headers={"Vary": "Accept"},
                **exc.extensions,
            ) from None


async def export_request(
    request: Request,
    format: FormatQuery = None,
    style: StyleQuery = None,
    locale: LocaleQuery = None,
) -> ExportRequest:
    # async: a plain function dependency would cost a thread-pool hop on every request.
    return ExportRequest(request.headers.get("accept"), format, style, locale)


ExportDep = Annotated[ExportRequest, Depends(export_request)]


def is_default_json(chosen: Negotiated) -> bool:
    return chosen.exporter.name == "json"


def rendered(
    chosen: Negotiated,
    kind: Kind,
    data: ArticlePublic | ReferencePublic | Sequence[ReferencePublic],
    *,
    references: Sequence[ReferencePublic] = (),
    filename: str | None = None,
) -> Response:
    """The rendered body with its media type, and ``Vary: Accept`` for shared caches."""
    settings = get_settings()
    site = {"depositor_name": settings.depositor_name, "depositor_email": settings.depositor_email}
    chosen = Negotiated(chosen.exporter, {**{k: v for k, v in site.items() if v}, **chosen.params})
    try:
        # Rendering (citation styles above all) is the CPU-heavy part: bounded pool.
        with work_pool().slot():
            body = chosen.render(kind, data, references=references)
    except (NotAcceptable, ValueError) as exc:
        raise _render_problem(chosen, exc) from None
    return Response(body, media_type=chosen.content_type, headers=_headers(chosen, filename))


def _render_problem(chosen: Negotiated, exc: Exception) -> ProblemError:
    if isinstance(exc, NotAcceptable):
        return ProblemError(
            406, exc.detail, available=exc.available, headers={"Vary": "Accept"}, **exc.extensions
        )
    # A format that cannot represent this record (a Crossref deposit needs a DOI).
    return ProblemError(
        409,
        f"This record cannot be rendered as {chosen.exporter.name}: {exc}",
        title="Conflict",
        headers={"Vary": "Accept"},
    )


def _headers(chosen: Negotiated, filename: str | None) -> dict[str, Any]:
    headers: dict[str, Any] = {"Vary": "Accept"}
    if filename and chosen.exporter.extension not in {"html", "json"}:
        headers["Content-Disposition"] = (
            f'inline; filename="{filename}.{chosen.exporter.extension}"'
        )
    return headers


async def streamed(
    request: Request,
    chosen: Negotiated,
    items: Sequence[ReferencePublic],
    *,
    filename: str | None = None,
) -> Response:
    """A reference list rendered piece by piece (``Exporter.streamers``), each piece in a worker
    thread while this request holds a slot of the heavy-work pool. Between pieces the client is
    asked whether it is still there: when it has gone (``http.disconnect``), rendering stops and
    the slot is given back, so a long export costs at most one piece after the client leaves.
    The first piece is rendered before answering, so a busy pool (503) or a record the format
    cannot render (406, 409) is still a problem document."""
    pool = work_pool()
    await run_in_threadpool(pool.acquire)
    pieces = chosen.stream("references", items)
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            pieces.close()
            pool.release()

    try:
        first = await run_in_threadpool(next, pieces, None)
    except (NotAcceptable, ValueError) as exc:
        release()
        raise _render_problem(chosen, exc) from None
    except BaseException:
        release()
        raise

    async def body() -> AsyncIterator[bytes]:
        try:
            piece = first
            while piece is not None:
                yield piece
                if await request.is_disconnected():
                    log.info("export stopped: the client disconnected")
                    return
                piece = await run_in_threadpool(next, pieces, None)
        finally:
            release()

    iterator = body()
    # A response that is never sent (the client left before it started) never runs the
    # generator's ``finally``: the slot is given back when the generator is collected.
    weakref.finalize(iterator, release)
    return StreamingResponse(
        iterator, media_type=chosen.content_type, headers=_headers(chosen, filename)
    )
