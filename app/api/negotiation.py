"""Content negotiation for routes: `Accept` or `?format=` picks an exporter; JSON stays default."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from app.api.work_pool import work_pool
from app.config import get_settings
from app.errors import ProblemError
from app.exporters import Negotiated, NotAcceptable, available_formats, negotiate
from app.exporters.registry import Kind
from app.schemas import ArticlePublic, ReferencePublic

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
    except NotAcceptable as exc:
        raise ProblemError(
            406, exc.detail, available=exc.available, headers={"Vary": "Accept"}, **exc.extensions
        ) from None
    except ValueError as exc:
        # A format that cannot represent this record (a Crossref deposit needs a DOI).
        raise ProblemError(
            409,
            f"This record cannot be rendered as {chosen.exporter.name}: {exc}",
            title="Conflict",
            headers={"Vary": "Accept"},
        ) from None
    headers: dict[str, Any] = {"Vary": "Accept"}
    if filename and chosen.exporter.extension not in {"html", "json"}:
        headers["Content-Disposition"] = (
            f'inline; filename="{filename}.{chosen.exporter.extension}"'
        )
    return Response(body, media_type=chosen.content_type, headers=headers)
