"""The interactive docs work offline: Swagger UI's assets come from the app, not from a CDN."""

from __future__ import annotations

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.browser.conftest import RenderDom

pytestmark = pytest.mark.browser

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def documented_operations(base_url: str) -> set[tuple[str, str]]:
    """(METHOD, path) for every operation in the app's OpenAPI document."""
    paths = httpx.get(f"{base_url}/openapi.json", timeout=10.0).raise_for_status().json()["paths"]
    return {
        (method.upper(), path)
        for path, item in paths.items()
        for method in item
        if method in HTTP_METHODS
    }


def rendered_operations(dom: str) -> set[tuple[str, str]]:
    """(METHOD, path) for every operation block Swagger UI drew.

    The visible path text carries zero-width breaks, so the path is read from `data-path`.
    """
    operations = set()
    for block in LexborHTMLParser(dom).css("div.opblock"):
        method = block.css_first(".opblock-summary-method")
        path = block.css_first(".opblock-summary-path")
        if method is not None and path is not None:
            data_path = path.attributes.get("data-path") or ""
            operations.add((method.text(strip=True).upper(), data_path))
    return operations


def test_docs_page_lists_every_operation_with_the_network_off(
    live_server: str, render_dom: RenderDom
) -> None:
    expected = documented_operations(live_server)
    assert {"/articles", "/articles/{article_id}", "/health"} <= {path for _, path in expected}

    dom = render_dom(f"{live_server}/docs")

    assert LexborHTMLParser(dom).css_first("div.swagger-ui") is not None, "Swagger UI did not mount"
    assert rendered_operations(dom) == expected
