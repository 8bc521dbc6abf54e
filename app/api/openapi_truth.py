"""``fields=`` in the OpenAPI document: an answer holds only the fields the client chose.

An operation that takes ``fields`` (an article, a list of articles, an issue's articles) can
answer any subset of its item's properties, so its 200 schema must not require them. Each such
operation gets copies of the schemas it answers with (``<Name>Fields``) in which no property of an
article is required; the schemas other operations use keep their required properties.
"""

from __future__ import annotations

import copy
from typing import Any

PREFIX = "#/components/schemas/"
# The schemas whose properties ``fields=`` picks from.
PICKED = {"ArticlePublic", "ArticleSummary"}


def document_fields(schema: dict[str, Any]) -> None:
    components: dict[str, Any] = schema.get("components", {}).get("schemas", {})
    relaxed: dict[str, str | None] = {}

    def relax(name: str) -> str | None:
        """The name of the relaxed copy of ``name``, or None when nothing under it is picked."""
        if name in relaxed:
            return relaxed[name]
        relaxed[name] = None  # recursion guard
        body = copy.deepcopy(components[name])
        changed = _rewrite(body, relax)
        if name in PICKED:
            body.pop("required", None)
            changed = True
        if not changed:
            return None
        new = f"{name}Fields"
        components[new] = body
        relaxed[name] = new
        return new

    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or not any(
                p.get("name") == "fields" for p in operation.get("parameters", [])
            ):
                continue
            ok = operation.get("responses", {}).get("200", {}).get("content", {})
            for media in ok.values():
                _rewrite(media, relax)


def _rewrite(node: Any, relax: Any) -> bool:
    """Point every ``$ref`` under ``node`` to its relaxed copy; whether any changed."""
    changed = False
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(PREFIX):
            new = relax(ref[len(PREFIX):])
            if new is not None:
                node["$ref"] = PREFIX + new
                changed = True
        for key, value in node.items():
            if key != "$ref":
                changed |= _rewrite(value, relax)
    elif isinstance(node, list):
        for value in node:
            changed |= _rewrite(value, relax)
    return changed
