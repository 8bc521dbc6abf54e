"""``serve`` prints where everything is once it answers, and refuses a port already taken."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from app.config import PROJECT_ROOT
from tests.conftest import ThrowawayDatabases, upgrade
from tests.support.live_server import SERVER_START_TIMEOUT, free_port, stop, tail


def serve(env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    with log.open("wb") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "app", "serve"],
            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True,
            start_new_session=True,
        )  # fmt: skip


def test_the_urls_are_printed_when_they_answer(
    databases: ThrowawayDatabases, tmp_path: Path
) -> None:
    url = databases.create("sqlite")
    upgrade(url)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": str(port)}
    env.pop("PUBLIC_BASE_URL", None)
    server = serve(env, tmp_path / "serve.log")
    try:
        assert server.stdout is not None
        printed: queue.Queue[str] = queue.Queue()
        output = server.stdout
        threading.Thread(target=lambda: [printed.put(x) for x in output], daemon=True).start()
        lines: list[str] = []
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not lines or lines[-1] != "Stop with Ctrl+C.":
            try:
                line = printed.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                line = ""
            assert line, tail(tmp_path / "serve.log")
            lines.append(line.rstrip("\n"))
        base = f"http://127.0.0.1:{port}"
        assert lines[0] == f"Starting the Journal Metadata API on {base} ..."
        assert f"  API docs (Swagger UI): {base}/docs" in lines
        # Printed only now: each URL answers at once, with no retry.
        assert httpx.get(f"{base}/health", timeout=10).status_code == 200
        assert httpx.get(f"{base}/docs", timeout=10).status_code == 200
    finally:
        stop(server)


def test_a_port_in_use_is_one_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port),
               "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}"}  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-m", "app", "serve"], cwd=PROJECT_ROOT, env=env,
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        f"error: port {port} on 127.0.0.1 is already in use (another server?); "
        "stop it or set PORT\n"
    )
    assert result.stdout == ""
