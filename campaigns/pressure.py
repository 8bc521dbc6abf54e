"""Server pressure figures for ``make chaos``: memory after oversized bodies, /health while the
server parses, and the slowest reference string found by the adversarial families."""

from __future__ import annotations

import socket
import statistics
import threading
import time
from pathlib import Path

import httpx

from campaigns.live import cli, live_server, throwaway_database

HUNDRED_MB = 100 * 1024 * 1024


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def server_pid(port: int) -> int:
    """The process listening on ``port`` (the uvicorn worker, one worker)."""
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
            inode = fields[9]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if inode and str(fd.readlink()) == f"socket:[{inode}]":
                    return int(proc.name)
        except OSError:
            continue
    raise RuntimeError(f"no process listens on port {port}")


def post_declared(port: int, size: int) -> str:
    """POST a body declared as ``size`` bytes, sending it as fast as the server reads it."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(
            b"POST /references/parse HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {size}\r\n\r\n".encode()
        )
        chunk = b'{"citations": [' + b'"a",' * 16000
        sent = 0
        try:
            while sent < size:
                sock.sendall(chunk[: size - sent])
                sent += len(chunk)
        except OSError:
            pass  # the server answered and closed: the rest is never read
        sock.settimeout(10)
        answer = sock.recv(200).split(b"\r\n", 1)[0].decode(errors="replace")
    return f"{answer} after {sent / 1024 / 1024:.1f} MiB sent"


def post_chunked(base: str, size: int) -> int:
    def body():  # type: ignore[no-untyped-def]
        yield b'{"citations": ['
        for _ in range(size // 65536):
            yield b'"a",' * 16384
    try:
        return httpx.post(f"{base}/references/parse", content=body(), timeout=60).status_code
    except httpx.HTTPError:
        return -1


def health_during_parse(base: str) -> str:
    citations = [f"Author{i} A, Other B. A title of work {i} on things. J Ex. 2020;{i}(2):10-20."
                 for i in range(1000)]
    latencies: list[float] = []
    done = threading.Event()

    def parse() -> None:
        httpx.post(f"{base}/references/parse", json={"citations": citations}, timeout=120)
        done.set()

    thread = threading.Thread(target=parse)
    start = time.monotonic()
    thread.start()
    with httpx.Client(base_url=base, timeout=30) as client:
        while not done.is_set():
            begin = time.monotonic()
            client.get("/health")
            latencies.append(time.monotonic() - begin)
            time.sleep(0.05)
    thread.join()
    took = time.monotonic() - start
    return (f"1,000-string parse took {took:.1f} s; meanwhile {len(latencies)} /health answers, "
            f"median {statistics.median(latencies) * 1000:.0f} ms, "
            f"worst {max(latencies) * 1000:.0f} ms")


def pressure() -> list[str]:
    lines = []
    with throwaway_database("sqlite") as url:
        cli(url, "migrate")
        with live_server(url) as base:
            port = int(base.rsplit(":", 1)[1])
            pid = server_pid(port)
            httpx.post(f"{base}/references/parse", json={"citations": ["A B. T. J. 2020;1:2."]})
            before = rss_mib(pid)
            declared = post_declared(port, HUNDRED_MB)
            chunked = post_chunked(base, HUNDRED_MB)
            time.sleep(1)
            after = rss_mib(pid)
            lines.append(f"100 MB body declared: {declared}; 100 MB chunked: HTTP {chunked}; "
                         f"server RSS {before:.0f} MiB before, {after:.0f} MiB after")
            lines.append(health_during_parse(base))
    return lines
