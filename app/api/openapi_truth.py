"""What the OpenAPI document must say beyond what FastAPI derives from the routes, so that a
client (or schemathesis) can rely on it: schema-valid requests are accepted, answers fit.

``fields=``: an answer holds only the fields the client chose. An operation that takes
``fields`` (an article, a list of articles, an issue's articles) can answer any subset of its
item's properties, so its 200 schema must not require them: each such operation gets copies of
the schemas it answers with (``<Name>Fields``) in which no property of an article is required;
the schemas other operations use keep their required properties. ``If-Match`` is required where
the server answers 428 without it; maps keyed by language tag accept only language tags.
"""

from __future__ import annotations

import copy
from typing import Any

from app.api.params import BCP47

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


def document_if_match(schema: dict[str, Any], *, required: bool) -> None:
    """``If-Match`` is required on writes when WRITE_REQUIRE_IF_MATCH is on (428 without)."""
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"put", "delete"} or not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header" and parameter.get("name") == "If-Match":
                    parameter["required"] = required


def document_language_keys(schema: dict[str, Any]) -> None:
    """Maps keyed by language tag accept no other key (pydantic validates the key; its schema
    says only what a matching key holds, through ``patternProperties``)."""

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if list(node.get("patternProperties", {})) == [BCP47]:
                node.setdefault("propertyNames", {})["pattern"] = BCP47
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(schema.get("components", {}))
