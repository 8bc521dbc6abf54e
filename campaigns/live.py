"""Throwaway databases and live servers for the campaigns (make fuzz, make chaos).

Everything runs on 127.0.0.1 and stops by itself: each database is created for the run and
dropped after it, each server is started on a free port and stopped (its process group).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
DIALECTS = ("sqlite", "postgresql")


def python_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **extra}
    env.pop("RATE_LIMITS", None)
    return env


@contextmanager
def throwaway_database(dialect: str) -> Iterator[str]:
    """The URL of an empty database, dropped afterwards."""
    name = f"campaign_{uuid.uuid4().hex[:10]}"
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="campaign-") as directory:
            yield f"sqlite:///{Path(directory) / (name + '.db')}"
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(
            hide_password=False
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def cli(
    url: str, *args: str, timeout: float = 600, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``python -m app ARGS`` on the database at ``url``."""
    result = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT, env=python_env(DATABASE_URL=url), capture_output=True, text=True,
        timeout=timeout, check=False,
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"python -m app {' '.join(args)}: {result.stderr.strip()[-500:]}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(url: str, *, keep_log: Path | None = None, **settings: str) -> Iterator[str]:
    """``python -m app serve`` on a free port over ``url``; yields its base URL. The server's
    output is kept at ``keep_log`` when given (to read the server's side of a failure)."""
    port = free_port()
    env = python_env(DATABASE_URL=url, HOST="127.0.0.1", PORT=str(port), **settings)
    log: IO[bytes]
    if keep_log is not None:
        keep_log.parent.mkdir(parents=True, exist_ok=True)
        log = keep_log.open("wb")
    else:
        log = tempfile.NamedTemporaryFile(prefix="serve-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve"], cwd=ROOT, env=env, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {Path(log.name).read_text()[-800:]}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
        if keep_log is None:
            os.unlink(log.name)
