"""Every answer carries nosniff, a referrer policy and frame protection; HTML gets a strict CSP."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser

from app.api.security_headers import docs_policy
from app.main import app
from app.services.loading import LoadResult


@pytest.fixture(scope="module")
def api() -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/health"), ("GET", "/no/such/route"), ("GET", "/openapi.json"),
     ("POST", "/references/parse"), ("GET", "/articles?limit=0")],
)
def test_every_answer_has_the_security_headers(api: TestClient, method: str, path: str) -> None:
    response = api.request(method, path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"
    policy = _directives(response.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_the_landing_page_has_a_strict_policy_and_no_inline_script_or_style(
    client: TestClient, seeded: LoadResult
) -> None:
    response = client.get(f"/articles/{seeded.article_id}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    policy = _directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)
    tree = LexborHTMLParser(response.text)
    scripts = tree.css("script")
    assert all(s.attributes.get("type") == "application/ld+json" for s in scripts)
    assert not tree.css("style") and not tree.css("[style]")
    assert not [n for n in tree.css("*") if any(a.startswith("on") for a in n.attributes)]


def test_the_docs_page_runs_only_its_own_inline_script_by_hash(api: TestClient) -> None:
    for _ in range(2):  # the first answer learns the hash, the next ones reuse it
        response = api.get("/docs")
        policy = _directives(response.headers["content-security-policy"])
        assert policy["script-src"][0] == "'self'"
        assert len(policy["script-src"]) == 2 and policy["script-src"][1].startswith("'sha256-")
        assert "'unsafe-inline'" not in policy["script-src"]


def test_a_docs_policy_hashes_each_inline_script() -> None:
    # sha256 of "alert(1)", as browsers compute it for the CSP hash source
    policy = _directives(docs_policy(b"<script>alert(1)</script><script src='/x.js'></script>"))
    alert_hash = "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    assert policy["script-src"] == ["'self'", alert_hash]
