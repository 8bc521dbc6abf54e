"""The served process under slow and idle clients and SIGTERM (uvicorn, real sockets)."""

from __future__ import annotations

import os
import signal
import socket
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


def test_sigterm_stops_the_server_within_its_graceful_timeout(server: Server) -> None:
    # A heavy request in flight: the process still exits within the graceful timeout (2 s) plus
    # the bounded rest of the work already running.
    citations = [f"Author{i} A. A title of a work number {i}. J Ex. 2020;{i}(2):10-20."
                 for i in range(1000)]
    thread = threading.Thread(
        target=lambda: httpx.post(
            f"{server.base}/references/parse", json={"citations": citations}, timeout=30
        ),
        daemon=True,
    )
    thread.start()
    time.sleep(0.5)
    start = time.monotonic()
    os.killpg(server.process.pid, signal.SIGTERM)
    server.process.wait(timeout=30)
    assert time.monotonic() - start < 15
