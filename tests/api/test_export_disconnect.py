"""A streamed citation export stops rendering when its client goes away (issue 10).

The app is driven over raw ASGI so that the client can leave after the first piece of the body,
as a browser tab closed mid-download does; what is counted is the references rendered, not
time. Both ASGI disconnect styles are covered: a 2.3 server (Starlette also listens for the
disconnect and cancels the stream) and a 2.4 one (only the route's own check stops it).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from sqlmodel import Session
from starlette.requests import Request

from app.api import negotiation
from app.api.work_pool import WorkPool
from app.db import get_session
from app.exporters import citation, get_exporter
from app.exporters.registry import Negotiated
from app.main import app
from app.services.loading import LoadResult
from app.services.references import list_article_references

CHUNK = 2


@pytest.fixture
def rendered_count(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many references citeproc rendered, and a small piece size so a list has many."""
    count = [0]
    original = citation._render_slice

    def counting(*args: Any, **kwargs: Any) -> list[str]:
        entries = original(*args, **kwargs)
        count[0] += len(entries)
        return entries

    monkeypatch.setattr(citation, "_render_slice", counting)
    monkeypatch.setattr(citation, "CHUNK_ITEMS", CHUNK)
    yield count


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> WorkPool:
    fresh = WorkPool(workers=1, queue=0, wait_seconds=0.1)
    monkeypatch.setattr(negotiation, "work_pool", lambda: fresh)
    return fresh


@pytest.fixture
def on_session(session: Session) -> Iterator[None]:
    app.dependency_overrides[get_session] = lambda: session
    yield
    app.dependency_overrides.clear()


async def _export(path: str, *, leave_after: int | None, spec: str) -> tuple[int, bytes]:
    """GET ``path?format=citation``; the client leaves after ``leave_after`` body pieces."""
    gone = anyio.Event()
    asked = False
    pieces = 0
    status = 0
    body = b""

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if not gone.is_set():  # like uvicorn: a disconnect is answered without waiting
            await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal pieces, status, body
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body" and message.get("body"):
            pieces += 1
            body += message["body"]
            if leave_after is not None and pieces >= leave_after:
                gone.set()

    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": spec}, "http_version": "1.1",
        "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": b"format=citation", "root_path": "",
        "headers": [(b"host", b"testserver"), (b"accept-encoding", b"identity")],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }
    with anyio.fail_after(120):
        await app(scope, receive, send)
    return status, body


@pytest.mark.parametrize("spec", ["2.3", "2.4"])
def test_a_citation_export_stops_rendering_when_the_client_leaves(
    seeded: LoadResult, on_session: None, rendered_count: list[int], pool: WorkPool, spec: str
) -> None:
    path = f"/articles/{seeded.article_id}/references"
    status, whole = anyio.run(lambda: _export(path, leave_after=None, spec=spec))
    assert status == 200
    total = rendered_count[0]
    assert total == len(whole.decode().strip().splitlines()) >= 5 * CHUNK

    rendered_count[0] = 0
    status, part = anyio.run(lambda: _export(path, leave_after=1, spec=spec))
    assert status == 200 and whole.startswith(part)
    # The first piece, and at most the one being rendered when the client left.
    assert rendered_count[0] <= 2 * CHUNK < total
    assert pool.running == 0  # the heavy-work slot is free again


def test_an_export_never_sent_gives_its_slot_back(
    session: Session, seeded: LoadResult, pool: WorkPool
) -> None:
    chosen = Negotiated(get_exporter("citation"), {"style": "apa"})
    items, _next = list_article_references(
        session=session, article_id=seeded.article_id, limit=None
    )

    async def answer_and_drop() -> None:
        request = Request({"type": "http", "method": "GET", "headers": []})
        response = await negotiation.streamed(request, chosen, items)
        assert pool.running == 1
        del response

    anyio.run(answer_and_drop)
    gc.collect()
    assert pool.running == 0
