"""A 100 MB request body costs the server no memory (issue 10: RSS went from 142 MiB to 1.85 GiB
and stayed there). Against a live server: a body declared as 100 MB is refused before it is
read, a chunked one is cut off once it passes MAX_BODY_BYTES, and the server's resident memory
afterwards is within a few MiB of what it was (`make chaos` prints the same figures)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from campaigns.pressure import HUNDRED_MB, post_chunked, post_declared, rss_mib
from tests.support.live_server import start_empty_server, stop

# Generous: allocator noise and the first requests' caches, far below a body's 100 MB.
GROWTH_MIB = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    process, base = start_empty_server(tmp_path_factory)
    try:
        yield process.pid, base
    finally:
        stop(process)


def test_a_100_mb_body_is_refused_without_growing_the_server(server: tuple[int, str]) -> None:
    pid, base = server
    port = int(base.rsplit(":", 1)[1])
    warm = httpx.post(f"{base}/references/parse", json={"citations": ["A B. T. J. 2020;1:2."]})
    assert warm.status_code == 200
    before = rss_mib(pid)
    declared = post_declared(port, HUNDRED_MB)
    chunked = post_chunked(base, HUNDRED_MB)
    after = rss_mib(pid)
    assert declared.startswith("HTTP/1.1 413"), declared
    assert chunked in (413, -1)  # -1: the server closed the connection while httpx still sent
    assert after - before < GROWTH_MIB, (before, after)
    assert httpx.get(f"{base}/health").status_code == 200
