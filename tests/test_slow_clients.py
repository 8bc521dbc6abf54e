"""The served process under slow and idle clients and SIGTERM (uvicorn, real sockets)."""

from __future__ import annotations

import os
import random
import signal
import socket
import string
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.live_server import start_empty_server, stop


class Server:
    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process = process
        self.port = port
        self.base = f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    process, base = start_empty_server(
        tmp_path_factory,
        HEADER_TIMEOUT_SECONDS="1",
        KEEP_ALIVE_SECONDS="1",
        GRACEFUL_TIMEOUT_SECONDS="2",
    )
    try:
        yield Server(process, int(base.rsplit(":", 1)[1]))
    finally:
        stop(process)


def _closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed ``sock`` (reads EOF), or None if it stayed open."""
    start = time.monotonic()
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return None
    except OSError:
        pass
    return time.monotonic() - start


def test_a_connection_that_sends_nothing_is_closed(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        assert _closed_within(sock, 5) is not None


def test_headers_sent_a_byte_at_a_time_are_cut_off(server: Server) -> None:
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        start = time.monotonic()
        closed = False
        for char in b"X-Slow: " + b"a" * 40:
            try:
                sock.sendall(bytes([char]))
            except OSError:
                closed = True
                break
            time.sleep(0.1)
        if not closed:
            closed = _closed_within(sock, 3) is not None
        assert closed and time.monotonic() - start < 6


def test_an_answer_names_no_server_software(server: Server) -> None:
    response = httpx.get(f"{server.base}/health")
    assert response.status_code == 200
    assert "server" not in response.headers


def _slow_batch() -> list[str]:
    """1,000 distinct long strings (just under the 1 MiB body limit): seconds of parsing, which
    no cache shortens."""
    rng = random.Random(7)

    def word() -> str:
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 10)))

    return [
        f"{word().title()} A. {' '.join(word() for _ in range(120))}. J Ex. 2020;{i}(2):10-20."
        for i in range(1000)
    ]


def _parsing_started(base: str) -> bool:
    metrics = httpx.get(f"{base}/metrics").text
    return "references_parsed_total 1000.0" in metrics


def test_sigterm_stops_the_server_within_its_graceful_timeout(server: Server) -> None:
    # A 1,000-string parse in flight (seconds of CPU): the batch stops between two strings, the
    # client gets a 503 problem (or, at worst, a closed connection; never the parsed answer),
    # and the process exits well within the graceful timeout (2 s) instead of finishing.
    answers: list[httpx.Response | Exception] = []

    def post() -> None:
        try:
            answers.append(httpx.post(
                f"{server.base}/references/parse", json={"citations": _slow_batch()}, timeout=60
            ))
        except httpx.HTTPError as exc:
            answers.append(exc)

    thread = threading.Thread(target=post, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not _parsing_started(server.base):
        assert time.monotonic() < deadline and thread.is_alive(), answers
        time.sleep(0.05)
    start = time.monotonic()
    os.killpg(server.process.pid, signal.SIGTERM)
    server.process.wait(timeout=30)
    stopped_after = time.monotonic() - start
    thread.join(timeout=10)
    assert stopped_after < 2 + 1, f"the server took {stopped_after:.1f} s to stop"
    [answer] = answers
    if isinstance(answer, httpx.Response):
        assert answer.status_code == 503, answer.text[:300]
        assert answer.headers["content-type"] == "application/problem+json"
        assert "shutting down" in answer.json()["detail"]
