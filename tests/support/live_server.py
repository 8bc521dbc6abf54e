"""A live server for end-to-end tests: `python -m app serve` in a subprocess, on a free port, over a
migrated and seeded throwaway SQLite file (the demo pages included), exactly as a user runs it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import PROJECT_ROOT
from tests.conftest import ThrowawayDatabases, upgrade

# Generous: on a loaded 2-core machine two spawned workers take over a minute to import the app.
SERVER_START_TIMEOUT = 180.0
SEED_TIMEOUT = 300


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tail(path: Path, lines: int = 30) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.strip().splitlines()[-lines:])


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server we started (its process group), then kill it if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_for_health(server: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"`python -m app serve` exited {server.returncode} before answering /health:\n"
                + tail(log_path)
            )
        try:
            response = httpx.get(f"{base_url}/health", timeout=2.0)
            if response.status_code == 200:
                return
            last_error = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            last_error = f"{type(exc).__name__}: {exc}"
        time.sleep(0.2)
    pytest.fail(
        f"{base_url}/health did not answer 200 within {SERVER_START_TIMEOUT:.0f} s "
        f"({last_error}):\n{tail(log_path)}"
    )


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SEED_TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="session")
def live_server_env(
    databases: ThrowawayDatabases, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The environment of the live server: its database, port and public URL."""
    url = databases.create("sqlite")
    upgrade(url)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "PUBLIC_BASE_URL": base_url,
    }
    seed = run_cli(env, "seed")
    if seed.returncode != 0:
        pytest.fail(f"`python -m app seed` exited {seed.returncode}:\n{seed.stdout}{seed.stderr}")
    return env


def doc_example_variables(env: dict[str, str]) -> dict[str, str]:
    """Variables the documented examples may use besides ``BASE`` (see docs/api.md).

    ``TOKEN``: a bearer token allowed to write and delete (scope ``admin``), made by
    ``python -m app token create`` as a reader would (its last line of output is the token),
    once that command exists.
    """
    from app.cli import cli

    commands = {info.name for info in cli.registered_commands}
    commands |= {info.name for info in cli.registered_groups}
    if "token" not in commands:
        return {}
    made = run_cli(env, "token", "create", "--scope", "admin", "--name", "doc-examples")
    lines = made.stdout.strip().splitlines()
    if made.returncode != 0 or not lines:
        pytest.fail(f"`python -m app token create` exited {made.returncode}:\n{made.stderr}")
    return {"TOKEN": lines[-1].strip()}


@pytest.fixture(scope="session")
def live_server(
    live_server_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Base URL of `python -m app serve` over the seeded database (real sockets, real uvicorn)."""
    logs = tmp_path_factory.mktemp("live_server")
    log_path = logs / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "app", "serve"],
            cwd=PROJECT_ROOT,
            env=live_server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches any child too
        )
    base_url = live_server_env["PUBLIC_BASE_URL"]
    try:
        wait_for_health(server, base_url, log_path)
        yield base_url
    finally:
        stop(server)


def start_empty_server(
    tmp_path_factory: pytest.TempPathFactory, **settings: str
) -> tuple[subprocess.Popen[bytes], str]:
    """`python -m app serve` over an empty SQLite file with extra ``settings`` (environment
    variables), answering /health; returns the process (stop it with :func:`stop`) and its URL."""
    port = free_port()
    directory = tmp_path_factory.mktemp("empty_server")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{directory / 'empty.db'}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        **settings,
    }
    log_path = directory / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve"],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(process, base_url, log_path)
    except BaseException:
        stop(process)
        raise
    return process, base_url
