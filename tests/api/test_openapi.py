"""The OpenAPI document is the contract people read: every operation is fully documented."""

from __future__ import annotations

from typing import Any

import pytest

from app.main import app

OPENAPI: dict[str, Any] = app.openapi()
OPERATIONS = [
    (path, method, operation)
    for path, item in OPENAPI["paths"].items()
    for method, operation in item.items()
    if method in {"get", "post", "put", "patch", "delete"}
]


def _examples_in(node: Any) -> bool:
    if isinstance(node, dict):
        if node.get("examples") or "example" in node:
            return True
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return _examples_in(OPENAPI["components"]["schemas"].get(name, {}))
        return any(_examples_in(value) for value in node.values())
    if isinstance(node, list):
        return any(_examples_in(value) for value in node)
    return False


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=lambda v: str(v)[:40])
def test_every_operation_is_documented(path: str, method: str, operation: dict[str, Any]) -> None:
    assert operation.get("summary"), "summary"
    assert operation.get("description"), "description"
    for parameter in operation.get("parameters", []):
        assert parameter.get("description"), f"parameter {parameter['name']} has no description"
    responses = operation["responses"]
    assert any(code.startswith("2") for code in responses), "no success response"
    problems = [code for code in responses if code[0] in "45"]
    if "oai-pmh" in operation.get("tags", []):
        problems = []  # OAI-PMH answers its errors inside the protocol's XML, with HTTP 200
    else:
        assert problems, "no problem responses documented"
    for code in problems:
        content = responses[code].get("content", {})
        assert "application/problem+json" in content, f"{code} is not a problem document"
    assert _examples_in(operation), "no examples in parameters, body or responses"


def test_problem_schema_is_registered() -> None:
    problem = OPENAPI["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance"} <= set(problem["properties"])
