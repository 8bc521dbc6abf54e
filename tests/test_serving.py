"""How uvicorn serves: raw UTF-8 in a request target works, body bytes are never rewritten, and
what the HTTP parser refuses is a problem document."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

from app.serving import encode_request_line


def test_only_the_leading_request_lines_non_ascii_bytes_are_encoded() -> None:
    raw = "GET /keywords?lang=ru&q=им HTTP/1.1\r\nX-Name: им\r\n\r\n".encode()
    assert encode_request_line(raw) == (
        b"GET /keywords?lang=ru&q=%D0%B8%D0%BC HTTP/1.1\r\nX-Name: " + "им".encode() + b"\r\n\r\n"
    )


def test_data_that_is_not_a_request_line_is_left_alone() -> None:
    for data in ("им\r\n".encode(), "GET /им\r\n".encode(), b"\xd0\xb8 HTTP/1.1\r\n"):
        assert encode_request_line(data) == data


def _exchange(base_url: str, payload: bytes) -> bytes:
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_raw_utf8_query_is_the_same_request_as_its_percent_encoded_form(live_server: str) -> None:
    raw = "GET /keywords?lang=ru&q=им HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    answer = _exchange(live_server, raw)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert "иммунологические факторы".encode() in answer


def test_a_request_line_the_parser_refuses_is_a_problem_document(live_server: str) -> None:
    answer = _exchange(live_server, b"GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"content-type: application/problem+json" in head.lower()
    assert json.loads(body)["status"] == 400
