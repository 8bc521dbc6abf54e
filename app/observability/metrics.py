"""Prometheus metrics: requests and latency by route and status, database pool, parse counts.

Per request the middleware does one dict lookup for cached label children and two increments;
the pool gauges are read only when /metrics is scraped. Metrics are per process: with WORKERS > 1
each worker answers for itself (scrape each, or run one worker per container).
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

# No ``*_created`` series: a timestamp per label set doubles what every scrape carries, and
# Prometheus tells counter resets without it. (A process-wide switch, set before any metric.)
disable_created_metrics()
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from the request's arrival to the end of its response body.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
REFERENCES_PARSED = Counter(
    "references_parsed_total",
    "Reference strings structured by POST /references/parse.",
    registry=REGISTRY,
)

_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    key = (method, route, status)
    pair = _children.get(key)
    if pair is None:
        pair = (REQUESTS.labels(method, route, str(status)), LATENCY.labels(method, route))
        _children[key] = pair
    pair[0].inc()
    pair[1].observe(seconds)


class PoolCollector(Collector):
    """The database connection pool of this process, read at scrape time."""

    def collect(self) -> Iterator[Metric]:
        from app.db import get_engine

        pool = get_engine().pool
        size = GaugeMetricFamily("db_pool_size", "Connections the pool keeps open at most.")
        checked_out = GaugeMetricFamily(
            "db_pool_checked_out", "Connections lent to requests right now."
        )
        overflow = GaugeMetricFamily("db_pool_overflow", "Connections open beyond the pool size.")
        for family, read in ((size, "size"), (checked_out, "checkedout"), (overflow, "overflow")):
            method = getattr(pool, read, None)
            if callable(method):
                # QueuePool counts overflow from -size up; below zero means "none yet".
                family.add_metric([], max(0.0, float(method())))
                yield family


REGISTRY.register(PoolCollector())


async def metrics_endpoint(request: Request) -> Response:
    """``GET /metrics``: Prometheus text (or OpenMetrics when the scraper asks), never cached."""
    encode, media_type = choose_encoder(request.headers.get("accept", ""))
    return Response(
        encode(REGISTRY), headers={"Content-Type": media_type, "Cache-Control": "no-store"}
    )
