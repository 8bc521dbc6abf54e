"""Plain JSON (``application/json``): the public models as they are, the default format."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from app.exporters.registry import Exporter, register
from app.schemas import ArticlePublic, ReferencePublic


def render_article(
    article: ArticlePublic,
    *,
    references: Sequence[ReferencePublic] = (),
    params: Mapping[str, str] | None = None,
) -> bytes:
    return article.model_dump_json().encode("utf-8")


def render_references(
    references: Sequence[ReferencePublic], *, params: Mapping[str, str] | None = None
) -> bytes:
    """A bare array; list routes wrap pages in ``{"items", "next_cursor"}`` themselves."""
    items = [r.model_dump(mode="json") for r in references]
    return json.dumps(items, ensure_ascii=False).encode("utf-8")


def render_reference(
    reference: ReferencePublic, *, params: Mapping[str, str] | None = None
) -> bytes:
    return reference.model_dump_json().encode("utf-8")


EXPORTER = register(
    Exporter(
        name="json",
        media_type="application/json",
        extension="json",
        preference=0,
        renderers={
            "article": render_article,
            "references": render_references,
            "reference": render_reference,
        },
        description="the API's own JSON (default)",
    )
)
