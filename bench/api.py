"""Throughput and latency of the read API over a generated corpus, served by uvicorn.

    .venv/bin/python bench/api.py [--seconds 10] [--concurrency 8] [--database-url URL]

Builds a throwaway SQLite database (or uses DATABASE_URL-style --database-url, which must be empty)
with the tests' generated corpus, starts `python -m app serve` on a free local port, then sends
GET requests over a mix of endpoints from concurrent clients for a bounded time and prints
requests per second and latency percentiles per endpoint. Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import make_engine  # noqa: E402
from app.services.loading import store_record  # noqa: E402
from tests.conftest import upgrade  # noqa: E402
from tests.corpus import corpus  # noqa: E402

ENDPOINTS = [
    "/articles?limit=20",
    "/articles?limit=1000",
    "/articles?q=placenta&facets=year,lang,keyword&count=true",
    "/articles/7",
    "/articles/7/references",
    "/references?doi=10.5555/cited.3",
    "/keywords?lang=en",
    "/articles/7?format=bibtex",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def client_loop(
    client: httpx.AsyncClient, deadline: float, latencies: dict[str, list[float]], worker: int
) -> None:
    i = worker
    while time.perf_counter() < deadline:
        path = ENDPOINTS[i % len(ENDPOINTS)]
        started = time.perf_counter()
        response = await client.get(path)
        response.raise_for_status()
        latencies[path].append(time.perf_counter() - started)
        i += 1


async def run(base_url: str, seconds: float, concurrency: int) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {path: [] for path in ENDPOINTS}
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        for path in ENDPOINTS:  # warm up
            (await client.get(path)).raise_for_status()
        deadline = time.perf_counter() + seconds
        await asyncio.gather(
            *(client_loop(client, deadline, latencies, w) for w in range(concurrency))
        )
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        engine = make_engine(url, pool_size=1)
        with Session(engine) as session, session.begin():
            for record in corpus():
                store_record(session, record)
        engine.dispose()
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "LOG_LEVEL": "warning"}
        server = subprocess.Popen([sys.executable, "-m", "app", "serve"], cwd=ROOT, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(120):
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            latencies = asyncio.run(run(base, args.seconds, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=30)
    total = sum(len(v) for v in latencies.values())
    print(
        f"{url.split(':')[0]}: {total / args.seconds:.0f} requests/s over {args.seconds:.0f} s, "
        f"{args.concurrency} concurrent clients, one uvicorn worker"
    )
    print(f"{'endpoint':58} {'n':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for path, values in latencies.items():
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1] if values else 0.0
        print(
            f"{path:58} {len(values):6d} {statistics.median(values) * 1000:8.1f} {p95 * 1000:8.1f}"
        )


if __name__ == "__main__":
    main()
