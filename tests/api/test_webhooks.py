"""Webhooks against a local receiver on 127.0.0.1: signed events after commit, in commit order,
retried with backoff, never holding up the write that caused them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import webhooks
from app.services.tokens import create_token
from app.webhooks import WebhookDispatcher, WebhookTarget

SECRET = "a-test-secret-of-some-length"


class Receiver:
    """An HTTP server that records each POST and answers the scripted statuses (then 200)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        self.gate = threading.Event()
        self.gate.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.gate.wait(timeout=30)
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _headers, body in self.requests]

    def close(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


def _dispatcher(url: str, timeout: float = 5, **options: Any) -> Iterator[WebhookDispatcher]:
    dispatcher = WebhookDispatcher(
        WebhookTarget(url=url, secret=SECRET, backoff=0.02, timeout=timeout, **options)
    ).start()
    previous = webhooks.install(dispatcher)
    yield dispatcher
    webhooks.install(previous)
    dispatcher.stop(timeout=5)


@pytest.fixture
def dispatcher(receiver: Receiver) -> Iterator[WebhookDispatcher]:
    yield from _dispatcher(receiver.url, attempts=4)


@pytest.fixture
def write(session: Session) -> dict[str, str]:
    _row, token = create_token(session, name="hooks", scopes=["admin"])
    session.commit()
    return {"Authorization": f"Bearer {token}", "If-Match": "*"}


ARTICLE = {
    "source_url": "https://hooks.example/article/1",
    "journal": {"title": {"en": "Journal of Hooks"}},
    "title": {"en": "Hooked"},
}


def test_each_committed_change_is_a_signed_event_in_commit_order(
    client: TestClient, receiver: Receiver, dispatcher: WebhookDispatcher, write: dict[str, str]
) -> None:
    created = client.post("/articles", json=ARTICLE, headers=write).json()
    url = f"/articles/{created['id']}"
    client.put(url, json={**ARTICLE, "title": {"en": "Hooked again"}}, headers=write)
    client.delete(url, headers=write)
    wait_for(lambda: len(receiver.requests) == 3)
    events = receiver.events()
    assert [e["type"] for e in events] == ["article.created", "article.updated", "article.deleted"]
    assert {e["data"]["article_id"] for e in events} == {created["id"]}
    feed = client.get("/changes", params={"article": created["id"]}).json()["items"]
    assert [e["data"]["seq"] for e in events] == [item["seq"] for item in feed]
    for headers, body in receiver.requests:
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(SECRET.encode(), signed, hashlib.sha256).digest())
        assert headers["webhook-signature"] == "v1," + expected.decode()
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
        assert headers["content-type"] == "application/json"
    assert dispatcher.delivered == 3


def test_failed_deliveries_are_retried_with_backoff(
    client: TestClient, receiver: Receiver, dispatcher: WebhookDispatcher, write: dict[str, str]
) -> None:
    receiver.statuses = [503, 500, 429]
    client.post("/articles", json=ARTICLE, headers=write)
    wait_for(lambda: dispatcher.delivered == 1)
    assert len(receiver.requests) == 4
    assert len({headers["webhook-id"] for headers, _body in receiver.requests}) == 1


def test_a_refusal_is_not_retried_and_nothing_waits_on_it(
    client: TestClient, receiver: Receiver, dispatcher: WebhookDispatcher, write: dict[str, str]
) -> None:
    receiver.statuses = [400]
    client.post("/articles", json=ARTICLE, headers=write)
    wait_for(lambda: dispatcher.failed == 1)
    assert len(receiver.requests) == 1


def test_an_unreachable_receiver_is_given_up_after_the_attempts(
    client: TestClient, write: dict[str, str]
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for dispatcher in _dispatcher(f"http://127.0.0.1:{port}/hook", attempts=3):
        assert client.post("/articles", json=ARTICLE, headers=write).status_code == 201
        wait_for(lambda: dispatcher.failed == 1)  # noqa: B023
        assert dispatcher.delivered == 0


def test_a_redirect_is_a_refusal_and_is_not_followed(
    client: TestClient, receiver: Receiver, dispatcher: WebhookDispatcher, write: dict[str, str]
) -> None:
    receiver.statuses = [302]
    client.post("/articles", json=ARTICLE, headers=write)
    wait_for(lambda: dispatcher.failed == 1)
    assert len(receiver.requests) == 1 and dispatcher.delivered == 0


def test_a_receiver_that_never_answers_times_out_and_is_retried(
    client: TestClient, write: dict[str, str]
) -> None:
    accepted: list[socket.socket] = []
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        silent.settimeout(10)
        port = silent.getsockname()[1]
        for dispatcher in _dispatcher(f"http://127.0.0.1:{port}/hook", attempts=2, timeout=0.3):
            assert client.post("/articles", json=ARTICLE, headers=write).status_code == 201
            accepted.append(silent.accept()[0])
            accepted.append(silent.accept()[0])  # the retry after the first attempt timed out
            wait_for(lambda: dispatcher.failed == 1)  # noqa: B023
            assert dispatcher.delivered == 0
    for connection in accepted:
        connection.close()


def test_the_event_names_the_article_under_the_public_base_url(
    client: TestClient, receiver: Receiver, write: dict[str, str], settings_env: pytest.MonkeyPatch
) -> None:
    settings_env.setenv("WEBHOOK_URL", receiver.url)
    settings_env.setenv("WEBHOOK_SECRET", SECRET)
    settings_env.setenv("PUBLIC_BASE_URL", "https://api.example.org/journal-api/")
    previous = webhooks.install(None)  # the dispatcher is built from the settings
    try:
        created = client.post(
            "/articles", json=ARTICLE, headers={**write, "Host": "attacker.example"}
        ).json()
        wait_for(lambda: len(receiver.requests) == 1)
    finally:
        configured = webhooks.install(previous)
        if configured is not None:
            configured.stop(timeout=5)
    [event] = receiver.events()
    assert event["data"]["url"] == (
        f"https://api.example.org/journal-api/articles/{created['id']}"
    )


def test_a_slow_receiver_never_holds_up_the_write(
    client: TestClient, receiver: Receiver, dispatcher: WebhookDispatcher, write: dict[str, str]
) -> None:
    receiver.gate.clear()  # the receiver hangs until released
    first = client.post("/articles", json=ARTICLE, headers=write)
    second = client.put(
        f"/articles/{first.json()['id']}",
        json={**ARTICLE, "title": {"en": "Changed while the receiver hangs"}},
        headers=write,
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert receiver.requests == []
    receiver.gate.set()
    wait_for(lambda: len(receiver.requests) == 2)


def test_no_event_for_what_did_not_commit_or_did_not_change(
    client: TestClient, receiver: Receiver, dispatcher: WebhookDispatcher, write: dict[str, str]
) -> None:
    created = client.post("/articles", json=ARTICLE, headers=write)
    wait_for(lambda: len(receiver.requests) == 1)
    assert client.post("/articles", json=ARTICLE, headers=write).status_code == 200  # identical
    stale = {**write, "If-Match": '"0000"'}
    url = f"/articles/{created.json()['id']}"
    assert client.put(url, json=ARTICLE, headers=stale).status_code == 412
    assert client.delete(url, headers=stale).status_code == 412
    # One more real change: it is the next event, so nothing was sent in between.
    client.put(url, json={**ARTICLE, "pages": "1-2"}, headers=write)
    wait_for(lambda: len(receiver.requests) == 2)
    assert [e["type"] for e in receiver.events()] == ["article.created", "article.updated"]


def test_a_webhook_url_needs_a_secret(settings_env: pytest.MonkeyPatch) -> None:
    from app.config import ConfigError, get_settings

    settings_env.setenv("WEBHOOK_URL", "https://cdn.example/purge")
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET"):
        get_settings()
    get_settings.cache_clear()
    settings_env.setenv("WEBHOOK_SECRET", "x" * 16)
    assert get_settings().webhook_url == "https://cdn.example/purge"
