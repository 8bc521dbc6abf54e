"""Webhooks: after each committed change, a signed JSON event to the configured URL.

Signed as the Standard Webhooks specification asks (standardwebhooks.com): headers
``webhook-id`` (the change's ``seq``), ``webhook-timestamp`` (Unix seconds) and
``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` keyed by
``WEBHOOK_SECRET``. Delivery never blocks a request or a load: committing sessions hand their
events to a queue, and one sender thread posts them in commit order with the standard library's
urllib (a timeout on each attempt), retrying network errors, 408, 429 and 5xx with exponential
backoff; a 3xx or another 4xx is a refusal, not retried.
Notifications are best effort (a process that dies loses its queue): ``/changes`` is the record a
receiver catches up from, by the ``seq`` of the last event it saw.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import hmac
import http.client
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.services.change_events import ChangeEvent

log = logging.getLogger(__name__)
RETRIED_STATUSES = {408, 429}
USER_AGENT = "journal-metadata-api-webhooks"
_STOP = object()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def event_body(change: ChangeEvent, base_url: str) -> bytes:
    """The JSON of one event: ``article.created|updated|deleted`` and where to read it."""
    return json.dumps(
        {
            "type": f"article.{change.kind}",
            "timestamp": change.changed_at.isoformat().replace("+00:00", "Z"),
            "data": {
                "seq": change.seq,
                "article_id": change.article_id,
                "url": f"{base_url}/articles/{change.article_id}",
            },
        },
        separators=(",", ":"),
    ).encode()


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    secret: str
    base_url: str = ""
    attempts: int = 6
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    timeout: float = 10.0
    max_queue: int = 10_000


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an instruction: urllib would re-send a POST as a bodiless
    GET. Refusing it makes a 3xx an HTTPError (a refusal, not retried)."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    """POST ``body``; the HTTP status (any status, 2xx or not). Network errors raise OSError
    or http.client.HTTPException."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        with error:
            return error.code


class WebhookDispatcher:
    """One sender thread posting queued events in commit order; ``submit`` is safe from any
    thread and never blocks (the standard library's urllib, so no HTTP client to ship)."""

    def __init__(self, target: WebhookTarget) -> None:
        self.target = target
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=target.max_queue)
        self._thread = threading.Thread(target=self._run, name="webhooks", daemon=True)
        self.delivered = 0
        self.failed = 0

    def start(self) -> WebhookDispatcher:
        self._thread.start()
        return self

    def submit(self, changes: Sequence[ChangeEvent]) -> None:
        for change in changes:
            self._enqueue(change)

    def stop(self, timeout: float = 10.0) -> None:
        """Send what is queued (for at most ``timeout`` seconds), then end the thread."""
        if self._thread.is_alive():
            self._enqueue(_STOP)
            self._thread.join(timeout)

    def _enqueue(self, item: Any) -> None:
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.failed += 1
            log.warning("webhook queue full: event %s dropped (see /changes)", item)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if self._deliver(item):
                self.delivered += 1
            else:
                self.failed += 1

    def _deliver(self, change: ChangeEvent) -> bool:
        body = event_body(change, self.target.base_url)
        message_id = str(change.seq)
        delay = self.target.backoff
        for attempt in range(1, self.target.attempts + 1):
            timestamp = int(time.time())
            headers = {
                "content-type": "application/json",
                "user-agent": USER_AGENT,
                "webhook-id": message_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": signature(self.target.secret, message_id, timestamp, body),
            }
            try:
                status = post(self.target.url, body, headers, self.target.timeout)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                reason = f"{type(exc).__name__}: {exc}"
            else:
                if 200 <= status < 300:
                    return True
                reason = f"HTTP {status}"
                if status < 500 and status not in RETRIED_STATUSES:
                    log.warning("webhook %s refused (%s); not retried", message_id, reason)
                    return False
            if attempt < self.target.attempts:
                log.info("webhook %s attempt %d failed (%s)", message_id, attempt, reason)
                time.sleep(delay)
                delay *= 2
        log.warning("webhook %s undelivered after %d attempts", message_id, self.target.attempts)
        return False


_installed: WebhookDispatcher | None = None
_install_lock = threading.Lock()


def install(dispatcher: WebhookDispatcher | None) -> WebhookDispatcher | None:
    """Make ``dispatcher`` receive every committed change (None: none); returns the previous."""
    global _installed
    with _install_lock:
        previous, _installed = _installed, dispatcher
    return previous


def _configured() -> WebhookDispatcher | None:
    """The dispatcher for WEBHOOK_URL, started on the first commit that has events."""
    global _installed
    from app.config import get_settings

    settings = get_settings()
    if not settings.webhook_url:
        return None
    with _install_lock:
        if _installed is None:
            _installed = WebhookDispatcher(
                WebhookTarget(
                    url=settings.webhook_url,
                    secret=settings.webhook_secret,
                    base_url=settings.public_url,
                )
            ).start()
            atexit.register(_installed.stop)
        return _installed


def dispatch(changes: Sequence[ChangeEvent]) -> None:
    """Hand committed changes to the installed dispatcher, or to WEBHOOK_URL's (if set)."""
    dispatcher = _installed or _configured()
    if dispatcher is not None:
        dispatcher.submit(changes)
