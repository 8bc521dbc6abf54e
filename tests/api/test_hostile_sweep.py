"""Every parameter of every operation, and the headers every route reads, with hostile values:
the answer is never a 5xx, and every 4xx is a problem document (OAI-PMH answers its own XML).

The values are the classes that broke parsers and databases elsewhere: control characters, NUL,
a lone surrogate (sent as the UTF-8 bytes of one, which no decoder should accept), RTL marks,
100 KB values, SQL and format-string injection, path traversal, numbers out of every range,
unknown styles, locales and formats, forged cursors.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.main import app
from app.services.loading import LoadResult

HOSTILE_VALUES = [
    "\x01\x02\x1b[31m",
    "%00",  # raw: the literal text; the NUL itself is sent percent-encoded below
    "\u202eevil\u200f",
    "x" * 60_000,  # httpx sends at most 64 KiB per URL component; 100 KB goes in bodies below
    "' OR '1'='1' --",
    "1; DROP TABLE article; --",
    "%s%s%s%n{0}{0.__class__}",
    "../../../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "eyJpZCI6MX0.forged-signature",
    "ZZZ-unknown-style-or-format",
    "en-XX-u-zz-unknown",
    "*/*;q=0",
    "",
]
# Percent-encoded forms a client can put in a URL: NUL, a lone surrogate's UTF-8 bytes (invalid),
# an overlong encoding, a lone continuation byte.
RAW_ENCODED = ["%00", "%ED%A0%80", "%C0%AF", "%80", "%FF%FE"]
HOSTILE_HEADERS = {
    "Accept": ["text/x-bibliography; style=" + "a" * 300, "\x7f/\x7f", "*/*;q=abc", "a" * 8000],
    "Accept-Language": ["\x01", "x" * 5000, "*;q=NaN"],
    "If-None-Match": ['"' + "a" * 5000 + '"', "W/", "*,*,*"],
    "Authorization": ["Bearer \x01", "Bearer " + "a" * 5000, "Basic =="],
}
# make test tries a rotating share of the values on each parameter (every value is used on some
# parameters); HOSTILE_SWEEP=full tries every value on every parameter (the campaign figure).
PER_PARAMETER = len(HOSTILE_VALUES) if os.environ.get("HOSTILE_SWEEP") == "full" else 3
SAMPLE_IDS = {"article_id": "1", "reference_id": "1", "journal_id": "1", "issue_id": "1"}


def _operations() -> list[tuple[str, str, list[dict[str, Any]]]]:
    schema = app.openapi()
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "delete"}:
                found.append((method.upper(), path, operation.get("parameters", [])))
    return found


def _path(template: str, override: dict[str, str] | None = None) -> str:
    values = {**SAMPLE_IDS, "doi": "10.1000/x", **(override or {})}
    path = template
    for name, value in values.items():
        path = path.replace("{" + name + "}", value).replace("{" + name + ":path}", value)
    return path


def _check(response: Any, tally: Counter[str], what: str) -> None:
    tally[str(response.status_code)] += 1
    assert response.status_code < 500, f"{what}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        media = response.headers.get("content-type", "")
        assert media.startswith("application/problem+json"), f"{what}: {media}"


def test_no_parameter_value_brings_a_server_error(client: TestClient, seeded: LoadResult) -> None:
    tally: Counter[str] = Counter()
    rotation = 0
    for method, template, parameters in _operations():
        for parameter in parameters:
            name, where = parameter["name"], parameter["in"]
            rotation += PER_PARAMETER
            for offset in range(PER_PARAMETER):
                value = HOSTILE_VALUES[(rotation + offset) % len(HOSTILE_VALUES)]
                what = f"{method} {template} {where}:{name}={value[:40]!r}"
                if where == "path":
                    path = _path(template, {name: quote(value, safe="") or "%20"})
                    response = client.request(method, path)
                elif where == "query":
                    response = client.request(method, _path(template), params={name: value})
                else:
                    continue
                _check(response, tally, what)
            if where == "query":
                for raw in RAW_ENCODED:
                    response = client.request(method, f"{_path(template)}?{name}={raw}")
                    _check(response, tally, f"{method} {template} {name}={raw}")
        for header, values in HOSTILE_HEADERS.items():
            for value in values:
                try:
                    response = client.request(method, _path(template), headers={header: value})
                except UnicodeEncodeError:
                    continue  # not sendable as an HTTP header at all
                _check(response, tally, f"{method} {template} {header}: {value[:40]!r}")
    print(f"\nhostile requests by status: {dict(sorted(tally.items()))}")
    assert sum(tally.values()) > 500


HOSTILE_BODIES: list[bytes] = [
    b"",
    b"null",
    b"{",
    b'{"citations": null}',
    b'{"citations": [[]]}',
    b'{"citations": [{"a": 1}]}',
    b'{"citations": ["\\u0000"]}',
    b'{"citations": ["\\ud800"]}',
    b'{"citations": ["' + b"[" * 4000 + b'"]}',
    b"[" * 100_000,
    b'{"citations": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
    b'{"citations": ["x"], "citations": 5}',
    b"\xff\xfe\x00",
    "{\"citations\": [\"Иванов И.И. \u202eТитул // Ж. 2019.\"]}".encode(),
    b'{"citations": ["' + b"x" * 100_000 + b'"]}',
    b"verb=GetRecord&identifier=" + b"x" * 100_000 + b"&metadataPrefix=oai_dc",
    b"verb=ListRecords&metadataPrefix=oai_dc&from=%01%02",
]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
@pytest.mark.parametrize(
    "content_type", ["application/json", "application/x-www-form-urlencoded", "text/plain", None]
)
def test_no_body_brings_a_server_error(
    client: TestClient, body: bytes, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    tally: Counter[str] = Counter()
    for method, template, _ in _operations():
        if method in {"POST", "PUT"}:
            response = client.request(method, _path(template), content=body, headers=headers)
            _check(response, tally, f"{method} {template} body={body[:40]!r}")
