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

from app.api.work_pool import shutting_down, work_pool
from app.config import get_settings
from app.errors import ProblemError
from app.exporters import Negotiated, NotAcceptable, available_formats, exporters, negotiate
from app.exporters import citation_catalog as catalog
from app.exporters.citation_styles import check_locale
from app.exporters.registry import Kind, UnknownParameter
from app.schemas import ArticlePublic, ReferencePublic

log = logging.getLogger(__name__)

def _format_query(kind: Kind) -> Any:
    """``?format=`` for one kind of resource: its schema lists the names (and aliases) of the
    formats that render it; empty means no choice (``Accept`` decides)."""
    names = [n for e in exporters(kind) for n in (e.name, *e.aliases)]
    return Query(
        max_length=40,
        description="Output format, overriding `Accept`: "
        + ", ".join(e.name for e in exporters(kind))
        + " (see the README for each media type).",
        json_schema_extra={"enum": [*names, ""]},
    )


def export_content(kind: Kind) -> dict[str, dict[str, Any]]:
    """The media types a resource of ``kind`` can be answered in besides JSON, for the 200
    response of its OpenAPI operation (text formats are strings; JSON dialects unschematised)."""
    content: dict[str, dict[str, Any]] = {}
    for exporter in exporters(kind):
        media = exporter.media_type
        if media != "application/json":
            content[media] = {} if media.endswith("json") else {"schema": {"type": "string"}}
    return content


ArticleFormatQuery = Annotated[str | None, _format_query("article")]
ReferencesFormatQuery = Annotated[str | None, _format_query("references")]
ReferenceFormatQuery = Annotated[str | None, _format_query("reference")]
StyleQuery = Annotated[
    str | None,
    Query(
        max_length=80,
        # A style id's syntax (and the dotted alias gost-r-7.0.5-2008); GET /styles lists the ids.
        pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]*$",
        description="Citation style for `format=citation`: any id of `/styles` "
        "(apa, vancouver, gost, ...).",
    ),
]
LocaleQuery = Annotated[
    str | None,
    Query(
        max_length=20,
        description="CSL locale for `format=citation`, e.g. `en-US`, `ru-RU` (`/locales`).",
        json_schema_extra={"enum": [*catalog.locale_ids(), ""]},
    ),
]


@dataclass(frozen=True)
class ExportRequest:
    """What a request asks for: its `Accept` header, and `?format=`, `style`, `locale`."""

    accept: str | None
    format: str | None
    style: str | None
    locale: str | None

    def choose(self, kind: Kind) -> Negotiated:
        """The exporter for this request, or a 406 problem listing what is available (an
        unknown ``locale`` too, whatever the format)."""
        try:
            if self.locale:
                check_locale(self.locale)
            return negotiate(self.accept, self.format, kind, style=self.style, locale=self.locale)
        except UnknownParameter as exc:
            raise ProblemError(
                406, str(exc), title="Not Acceptable", headers={"Vary": "Accept"},
                **exc.extensions,
            ) from None
        except NotAcceptable as exc:
            raise ProblemError(
                406,
                f"{exc.detail} Use ?format= or Accept with one of the listed formats.",
                title="Not Acceptable",
                available=exc.available or available_formats(kind),
                headers={"Vary": "Accept"},
                **exc.extensions,
            ) from None


async def article_export(
    request: Request,
    format: ArticleFormatQuery = None,
    style: StyleQuery = None,
    locale: LocaleQuery = None,
) -> ExportRequest:
    # async: a plain function dependency would cost a thread-pool hop on every request.
    return ExportRequest(request.headers.get("accept"), format, style, locale)


async def references_export(
    request: Request,
    format: ReferencesFormatQuery = None,
    style: StyleQuery = None,
    locale: LocaleQuery = None,
) -> ExportRequest:
    return ExportRequest(request.headers.get("accept"), format, style, locale)


async def reference_export(
    request: Request,
    format: ReferenceFormatQuery = None,
    style: StyleQuery = None,
    locale: LocaleQuery = None,
) -> ExportRequest:
    return ExportRequest(request.headers.get("accept"), format, style, locale)


ArticleExportDep = Annotated[ExportRequest, Depends(article_export)]
ReferencesExportDep = Annotated[ExportRequest, Depends(references_export)]
ReferenceExportDep = Annotated[ExportRequest, Depends(reference_export)]


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
    asked whether it is still there: when it has gone (``http.disconnect``), or when the server
    is shutting down, rendering stops and the slot is given back, so a long export costs at most
    one piece after the client leaves.
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
                if shutting_down():
                    log.info("export stopped: the server is shutting down")
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
