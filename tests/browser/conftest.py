"""Browser tests: the real app in a subprocess, rendered by headless Chromium with the network off.

Chromium comes from Debian's ``chromium`` package, installed by the test set-up when missing (we run
as root in the container and in CI). Where it cannot be installed the tests skip, saying why.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
APT_TIMEOUT = 900  # seconds for `apt-get update` and for the install; a cold mirror is slow
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
