"""Browser tests: the real app in a subprocess, rendered by headless Chromium with the network off.

Chromium comes from Debian's ``chromium`` package, installed by the test set-up when missing (we run
as root in the container and in CI). Where it cannot be installed the tests skip, saying why.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from app.config import PROJECT_ROOT
from tests.conftest import ThrowawayDatabases, upgrade

CHROMIUM = Path("/usr/bin/chromium")
APT_TIMEOUT = 900  # seconds for `apt-get update` and for the install; a cold mirror is slow
SERVER_START_TIMEOUT = 60.0
SEED_TIMEOUT = 300
CHROMIUM_TIMEOUT = 90
# Only the loopback is reachable: every host name fails to resolve and every proxied request goes
# to the discard port, so a page that needs a CDN renders broken instead of quietly fetching it.
OFFLINE_FLAGS = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=127.0.0.1",
)
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",  # root in a container: the setuid sandbox is unavailable
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",  # small /dev/shm in containers crashes renderers
    "--virtual-time-budget=15000",  # let Swagger UI fetch openapi.json and render
)

RenderDom = Callable[[str], str]


def _announce(config: pytest.Config, message: str) -> None:
    """Print past pytest's capture, so a skipped browser suite is noticed in CI logs."""
    capture = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")
    if capture is None or reporter is None:
        print(message, file=sys.stderr)
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line(message, yellow=True, bold=True)


def _apt_get(*args: str) -> None:
    """Run apt-get non-interactively; raise with the last line of its output on failure."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Wait for a concurrent apt/dpkg instead of failing on its lock.
    command = ["apt-get", "-o", "DPkg::Lock::Timeout=300", *args]
    try:
        result = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"`{' '.join(command)}` timed out after {APT_TIMEOUT} s") from exc
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        last = lines[-1] if lines else "no output"
        raise RuntimeError(f"`{' '.join(command)}` exited {result.returncode}: {last}")


def _install_chromium() -> None:
    """Install Debian's chromium package, or raise saying why it cannot be."""
    if shutil.which("apt-get") is None:
        raise RuntimeError("apt-get not found on PATH (not a Debian-based system?)")
    if os.geteuid() != 0:
        raise RuntimeError("not running as root, so apt-get cannot install packages")
    _apt_get("update", "-q")
    _apt_get("install", "-y", "-q", "--no-install-recommends", "chromium")
    if not CHROMIUM.exists():
        raise RuntimeError(f"apt-get installed chromium but {CHROMIUM} does not exist")


@pytest.fixture(scope="session")
def chromium(pytestconfig: pytest.Config) -> Path:
    """Path of the Chromium binary, installed on first use; skips (with the reason) otherwise."""
    if CHROMIUM.exists():
        return CHROMIUM
    _announce(pytestconfig, f"{CHROMIUM} missing: trying to install Debian's chromium package")
    started = time.monotonic()
    try:
        _install_chromium()
    except RuntimeError as exc:
        reason = f"headless Chromium unavailable: {CHROMIUM} missing and not installable: {exc}"
        if os.environ.get("CI") == "true":
            _announce(pytestconfig, f"BROWSER TESTS SKIPPED IN CI: {reason}")
        pytest.skip(reason)
    _announce(pytestconfig, f"chromium installed in {time.monotonic() - started:.0f} s")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 30) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.strip().splitlines()[-lines:])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server we started (its process group), then kill it if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def live_server(
    databases: ThrowawayDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Base URL of `python -m app serve` on a free port, over a migrated and seeded SQLite file.

    The app runs as in production (CLI, uvicorn, real sockets), not through the ASGI test client,
    so the browser sees exactly what a user would.
    """
    url = databases.create("sqlite")
    upgrade(url)
    logs = tmp_path_factory.mktemp("live_server")
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": str(port)}

    seed = subprocess.run(
        [sys.executable, "-m", "app", "seed"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SEED_TIMEOUT,
        check=False,
    )
    if seed.returncode != 0:
        pytest.fail(f"`python -m app seed` exited {seed.returncode}:\n{seed.stdout}{seed.stderr}")

    log_path = logs / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "app", "serve"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so _stop reaches any child too
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(server, base_url, log_path)
        yield base_url
    finally:
        _stop(server)


def _wait_for_health(server: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(
                f"`python -m app serve` exited {server.returncode} before answering /health:\n"
                + _tail(log_path)
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
        f"({last_error}):\n{_tail(log_path)}"
    )


def dump_dom(chromium: Path, url: str, *, timeout: int = CHROMIUM_TIMEOUT) -> str:
    """The DOM of `url` after its scripts ran, as serialized by headless Chromium, offline."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        # A fresh profile, and HOME/XDG pointed into it, so Chromium writes nothing elsewhere.
        env = {
            **os.environ,
            "HOME": profile,
            "XDG_CONFIG_HOME": profile,
            "XDG_CACHE_HOME": profile,
        }
        command = [
            str(chromium),
            *HEADLESS_FLAGS,
            *OFFLINE_FLAGS,
            f"--user-data-dir={profile}/profile",
            "--dump-dom",
            url,
        ]
        process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # Chromium forks helpers; kill the whole group on timeout
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"headless Chromium did not finish {url} within {timeout} s")
    dom = stdout.decode("utf-8", errors="replace")
    if process.returncode != 0 or not dom.strip():
        errors = "\n".join(stderr.decode("utf-8", errors="replace").strip().splitlines()[-20:])
        pytest.fail(f"headless Chromium exited {process.returncode} on {url}:\n{errors}")
    return dom


@pytest.fixture
def render_dom(chromium: Path) -> RenderDom:
    """`render_dom(url)`: the DOM Chromium builds for `url`, reaching nothing but the loopback."""
    return lambda url: dump_dom(chromium, url)
