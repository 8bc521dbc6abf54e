"""The ASGI application: `app.main:app`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool

from app.api import hot_lists, hot_reads
from app.api.body_limit import BodyLimitMiddleware
from app.api.guards import RejectNulMiddleware
from app.api.http_caching import GZIP_MINIMUM, HttpCachingMiddleware
from app.api.limits_openapi import document_limits
from app.api.openapi_truth import document_fields, document_if_match, document_language_keys
from app.api.query_parameters import reject_unknown_query_parameters
from app.api.rate_limit import RateLimiter, RateLimitMiddleware, make_storage
from app.api.routes import (
    article_writes,
    articles,
    authors,
    changes,
    health,
    journals,
    keywords,
    references,
)
from app.api.routes import citation_styles as citation_style_routes
from app.api.routes import dump as dump_routes
from app.api.routes import oai as oai_routes
from app.api.routes import site as site_routes
from app.api.security_headers import SecurityHeadersMiddleware
from app.config import get_settings
from app.db import get_engine
from app.errors import install_error_handlers
from app.exporters import citation_catalog
from app.ingest.references import warm_up
from app.loop_reads import LoopReads
from app.observability.logs import configure_logging
from app.observability.metrics import metrics_endpoint
from app.observability.middleware import ObservabilityMiddleware, note_route
from app.schemas import Problem

DESCRIPTION = """
Open metadata for scholarly journals: articles, authors, multilingual keywords and structured
reference lists, loaded from Open Journal Systems article pages.

* Multilingual fields are maps keyed by BCP 47 language tag (`en`, `az`, `ru`), in printed order.
* Lists are keyset-paginated: follow `next_cursor` or the `Link: rel="next"` header.
* Errors are `application/problem+json` (RFC 9457).
"""

DOCS_URL, REDOC_URL = "/docs", "/redoc"


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # The parser's models (the CRF tagger, lingua's language models) cost ~30 MiB and ~0.5 s of
    # CPU: loaded here on request, else by the first parse (in the heavy-work pool, off the
    # event loop), so a worker that never parses never carries them (docs/limits.md).
    settings = get_settings()
    if settings.preload_parser:
        await run_in_threadpool(warm_up)
    # The catalog of ~10,800 citation styles (the head of each CSL file: ~0.3 s of CPU, seconds
    # with a cold disk cache, ~3 MiB) is read once here, in a thread: built by the first request
    # that names a style, it stalled the event loop (include=citation:...) or ran past 10 s.
    await run_in_threadpool(citation_catalog.styles)
    engine = get_engine()
    loop_reads = None
    if engine.dialect.name == "postgresql" and settings.postgres_loop_reads:
        # The hot reads' connections for this worker's event loop (app.loop_reads).
        loop_reads = app.state.loop_reads = LoopReads(
            engine.url, size=settings.postgres_loop_reads,
            statement_timeout_ms=settings.statement_timeout_ms,
        )
    try:
        yield
    finally:
        if loop_reads is not None:
            app.state.loop_reads = None
            await loop_reads.close()
        engine.dispose()


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings)
    app = FastAPIOffline(
        docs_url=DOCS_URL,
        redoc_url=REDOC_URL,
        title="Journal Metadata API",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(note_route), Depends(reject_unknown_query_parameters)],
    )
    # Set by the lifespan on PostgreSQL; present from the start so that reading it on every
    # request (app.api.deps.reads_of) never goes through Starlette State's AttributeError.
    app.state.loop_reads = None
    install_error_handlers(app)
    # Outermost last: gzip for streams, CORS on every answer (304s too), then conditional GET.
    app.add_middleware(RejectNulMiddleware)
    app.add_middleware(HttpCachingMiddleware, max_age=settings.cache_max_age)
    if settings.rate_limits:
        # Inside CORS, so that a 429 can be read by a browser client.
        storage = make_storage(settings.redis_url, key_prefix=settings.redis_key_prefix)
        limiter = RateLimiter(settings.rate_limit_specs(), storage)
        app.add_middleware(RateLimitMiddleware, limiter=limiter)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "If-None-Match", "If-Match", "Authorization"],
        expose_headers=[
            "Link", "ETag", "Content-Location", "Location", "Retry-After",
            "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "X-Request-ID",
        ],
        max_age=86400,
    )
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM)
    # Outermost: an oversized body is refused before anything else looks at the request.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        SecurityHeadersMiddleware, docs_paths=(DOCS_URL, REDOC_URL)
    )
    # Around everything (it reads no body): logs and metrics see every answer, 413s included.
    app.add_middleware(ObservabilityMiddleware, metrics=settings.metrics)
    if settings.metrics:
        app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    app.include_router(health.router)
    app.include_router(articles.router)
    app.include_router(article_writes.router)
    app.include_router(changes.router)
    app.include_router(references.router)
    app.include_router(authors.router)
    app.include_router(keywords.router)
    app.include_router(journals.journals_router)
    app.include_router(journals.issues_router)
    app.include_router(oai_routes.router)
    app.include_router(dump_routes.router)
    app.include_router(citation_style_routes.router)
    app.include_router(site_routes.router)
    # In front of all routes: an article page's plain JSON request, without parameter solving.
    hot_reads.install(app, articles.router_route(articles.get_article))
    # And the plain list requests of articles and references (limit, cursor, simple filters).
    hot_lists.install(
        app,
        articles.router_route(articles.list_articles),
        references.router_route(references.list_references),
    )
    # Problem is referenced by every error response, and bodies that routes read themselves
    # (the write API) by their operations: register them once in the schema components.
    original_openapi = app.openapi

    def openapi() -> dict:  # type: ignore[type-arg]
        if app.openapi_schema is None:
            schema = original_openapi()
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in (Problem, *article_writes.BODY_MODELS):
                found = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(found.pop("$defs", {}))
                components[model.__name__] = found
            document_limits(schema, rate_limited=settings.rate_limits)
            document_fields(schema)
            document_if_match(schema, required=settings.write_require_if_match)
            document_language_keys(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


app = create_app()
