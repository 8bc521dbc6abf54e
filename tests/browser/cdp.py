"""A small Chrome DevTools Protocol client: one headless Chromium, pages driven over a websocket.

``--dump-dom`` cannot size the window per page, read the console or run a check in the page; the
site tests need all three (phone width, "no console errors", widget state), so they talk CDP.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from tests.browser.conftest import HEADLESS_FLAGS, OFFLINE_FLAGS

STARTUP_TIMEOUT = 30.0
COMMAND_TIMEOUT = 30.0
_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


@dataclass
class Loaded:
    """What a page did while loading: console errors, uncaught exceptions, failed requests."""

    errors: list[str] = field(default_factory=list)


class Tab:
    def __init__(self, browser: Browser, session_id: str) -> None:
        self.browser = browser
        self.session_id = session_id

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.send(method, params, session_id=self.session_id)

    def open(self, url: str, *, width: int = 1200, height: int = 900, mobile: bool = False
             ) -> Loaded:
        """Load ``url`` at this viewport and wait for the load event; console errors noted."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width, height=height, deviceScaleFactor=1, mobile=mobile,
        )
        self.browser.drain()
        self.send("Page.navigate", url=url)
        loaded = Loaded()
        deadline = time.monotonic() + COMMAND_TIMEOUT
        for event in self.browser.events(deadline):
            if event.get("sessionId") != self.session_id:
                continue
            self._note_error(loaded, event["method"], event.get("params", {}))
            if event["method"] == "Page.loadEventFired":
                break
        else:
            raise AssertionError(f"{url} did not finish loading in {COMMAND_TIMEOUT:.0f} s")
        # Late errors (a script's fetch that fails) arrive after load: give them a moment.
        for event in self.browser.events(time.monotonic() + 0.3):
            if event.get("sessionId") == self.session_id:
                self._note_error(loaded, event["method"], event.get("params", {}))
        return loaded

    @staticmethod
    def _note_error(loaded: Loaded, method: str, params: dict[str, Any]) -> None:
        if method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
            texts = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
            loaded.errors.append("console.error: " + " ".join(texts))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            loaded.errors.append("exception: " + str(details.get("exception", details)))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            where = entry.get("url", "")
            loaded.errors.append(f"{entry.get('source')}: {entry.get('text')} {where}")

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.1)

    def screenshot(self, path: Path) -> Path:
        """The whole page, however long, as PNG."""
        metrics = self.send("Page.getLayoutMetrics")["cssContentSize"]
        shot = self.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": metrics["width"], "height": metrics["height"],
                  "scale": 1},
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


class Browser:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.ids = itertools.count(1)
        self.pending: list[dict[str, Any]] = []

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session_id: str | None = None
    ) -> dict[str, Any]:
        message_id = next(self.ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session_id:
            message["sessionId"] = session_id
        self.connection.send(json.dumps(message))
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while True:
            reply = json.loads(self.connection.recv(timeout=max(deadline - time.monotonic(), 0)))
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise AssertionError(f"CDP {method}: {reply['error']}")
                return dict(reply.get("result", {}))
            if "method" in reply:
                self.pending.append(reply)

    def events(self, deadline: float) -> Iterator[dict[str, Any]]:
        """Events queued so far, then new ones until ``deadline``."""
        while self.pending:
            yield self.pending.pop(0)
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                message = json.loads(self.connection.recv(timeout=remaining))
            except TimeoutError:
                return
            if "method" in message:
                yield message

    def drain(self) -> None:
        self.pending.clear()

    def new_tab(self) -> Tab:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        tab = Tab(self, session["sessionId"])
        for domain in ("Page", "Runtime", "Log"):
            tab.send(f"{domain}.enable")
        return tab


@contextmanager
def launch(chromium: Path) -> Iterator[Browser]:
    """A headless Chromium that reaches nothing but the loopback, driven over CDP."""
    with tempfile.TemporaryDirectory(prefix="chromium-cdp-") as profile:
        env = {**os.environ, "HOME": profile, "XDG_CONFIG_HOME": profile, "XDG_CACHE_HOME": profile}
        flags = [f for f in HEADLESS_FLAGS if not f.startswith("--virtual-time-budget")]
        log = Path(profile) / "stderr.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [str(chromium), *flags, *OFFLINE_FLAGS, f"--user-data-dir={profile}/profile",
                 "--remote-debugging-port=0", "about:blank"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,  # a file, not a pipe: nobody has to keep reading it
                start_new_session=True,
            )
        try:
            url = _devtools_url(process, log)
            with connect(url, max_size=64 * 2**20, open_timeout=STARTUP_TIMEOUT) as connection:
                yield Browser(connection)
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _devtools_url(process: subprocess.Popen[bytes], log: Path) -> str:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    text = ""
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        if match := _LISTENING.search(text):
            return match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    tail = "\n".join(text.splitlines()[-20:])
    raise RuntimeError(f"Chromium did not open its DevTools socket:\n{tail}")
