"""The Host header is never reflected: absolute URLs come from PUBLIC_BASE_URL (issue 10/11)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

EVIL = "evil.example.org"


@pytest.mark.parametrize(
    "path",
    [
        "/articles?limit=1",
        "/references?limit=1",
        "/authors?limit=1",
        "/keywords?limit=1",
        "/articles/1",
        "/articles/1?format=html",
        "/articles/1?format=jsonld",
        "/articles/1/references?limit=1",
        "/oai?verb=Identify",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
    ],
)
def test_a_forged_host_header_appears_in_no_answer(corpus_client: TestClient, path: str) -> None:
    response = corpus_client.get(path, headers={"Host": EVIL, "X-Forwarded-Host": EVIL})
    assert response.status_code < 500
    assert EVIL not in response.text
    assert EVIL not in str(response.headers)
