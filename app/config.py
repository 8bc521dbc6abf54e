"""The one settings object: every knob comes from the environment, ``DATABASE_URL`` first."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'var' / 'journal.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db.",
    )
    host: str = Field(default="127.0.0.1", description="Address `serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `serve` listens on.")
    log_level: str = Field(
        default="info", description="critical, error, warning, info, debug or trace."
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log lines as text, or as JSON lines (one object a line)."
    )
    workers: int = Field(
        default=1, ge=1, le=64,
        description="uvicorn worker processes; each holds its own parser models (~120 MiB).",
    )
    keep_alive_seconds: int = Field(
        default=5, ge=1, description="An idle keep-alive connection is closed after this long."
    )
    header_timeout_seconds: float = Field(
        default=10.0, gt=0,
        description="A request's headers must arrive within this long, or the connection closes.",
    )
    limit_concurrency: int = Field(
        default=200, ge=1,
        description="Connections and tasks per worker; past it new requests get a 503 at once.",
    )
    graceful_timeout_seconds: int = Field(
        default=10, ge=1, description="On SIGTERM, in-flight requests get this long to finish."
    )
    db_pool_size: int = Field(default=10, ge=1, description="Database connections per process.")
    statement_timeout_ms: int = Field(
        default=15_000, ge=0,
        description="Longest SQL statement of the app, in ms (0: none); past it a 503 problem.",
    )
    postgres_loop_reads: int = Field(
        default=4, ge=0, le=64,
        description="On PostgreSQL, asyncpg connections per worker on which the hot reads "
        "(stored documents, list pages) are awaited on the event loop (0: read synchronously).",
    )
    cache_max_age: int = Field(default=300, ge=0, description="Cache-Control max-age, seconds.")
    cors_origins: list[str] = Field(
        default_factory=lambda: ["*"], description='JSON list of origins allowed to read, ["*"].'
    )
    cursor_secret: str = Field(
        default="",
        description="Key that signs pagination cursors; derived from DATABASE_URL when empty.",
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024,
        description="Largest request body accepted, in bytes; a larger one is a 413 unread.",
    )
    heavy_workers: int = Field(
        default=2, ge=1, le=64,
        description="Heavy requests (parsing, citations, exports) run at once per process.",
    )
    heavy_queue: int = Field(
        default=16, ge=0,
        description="Heavy requests that may wait for a slot; past that a 503 with Retry-After.",
    )
    heavy_wait_seconds: float = Field(
        default=10.0, gt=0, description="Longest wait for a heavy-work slot before a 503."
    )
    preload_parser: bool = Field(
        default=False,
        description="Load the reference parser's models at start-up (~30 MiB per worker, ~0.5 s) "
        "instead of on the first parse.",
    )
    rate_limits: bool = Field(
        default=False,
        description="Per-client rate limits (429 past them); `make run` turns them on.",
    )
    rate_limit_reads: str = Field(default="600/minute", description="Budget of plain reads.")
    rate_limit_search: str = Field(default="120/minute", description="Budget of q= searches.")
    rate_limit_parse: str = Field(default="30/minute", description="Budget of parse requests.")
    rate_limit_exports: str = Field(
        default="120/minute", description="Budget of non-JSON renderings, /dump and /oai."
    )
    redis_url: str | None = Field(
        default=None,
        description="redis://host:port/db: rate limits shared by all workers (else in-process).",
    )
    redis_key_prefix: str = Field(default="journal-api", description="Prefix of our Redis keys.")
    export_max_items: int = Field(
        default=2000, ge=1,
        description="Most references one non-JSON export of a list renders; more is a 422.",
    )
    parse_max_citations: int = Field(
        default=1000, ge=1, le=100_000,
        description="Most strings one POST /references/parse may carry; more is a 413.",
    )
    load_max_page_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1024,
        description="Largest page file `load` reads; a bigger one fails with this limit named.",
    )
    load_max_field_chars: int = Field(
        default=20_000, ge=100,
        description="Longest title, abstract, keyword, reference or author a page may store.",
    )
    depositor_name: str | None = Field(
        default=None, description="Crossref deposit: depositor name (the publisher's if unset)."
    )
    depositor_email: str | None = Field(
        default=None, description="Crossref deposit: depositor e-mail address."
    )
    public_base_url: str | None = Field(
        default=None,
        description="Where clients reach the API (https://api.example.org); every absolute URL "
        "the service emits starts with it. Default http://HOST:PORT.",
    )
    site_templates_dir: Path | None = Field(
        default=None,
        description="A folder of Jinja2 templates that replace the public site's by name "
        "(e.g. base.html alone rebrands header and footer).",
    )
    site_stylesheet: Path | None = Field(
        default=None, description="A CSS file served at /static/site.css instead of the site's."
    )
    license_url: str | None = Field(
        default=None,
        description="Licence of the journals' content (e.g. a Creative Commons URL), linked as "
        "Signposting rel=license.",
    )
    metrics: bool = Field(
        default=True, description="Serve Prometheus metrics at /metrics (false switches it off)."
    )

    write_require_if_match: bool = Field(
        default=True,
        description="PUT/DELETE of an article without If-Match are refused (428).",
    )

    webhook_url: str | None = Field(
        default=None,
        description="Where each committed change is POSTed as a signed JSON event (none if unset).",
    )
    webhook_secret: str = Field(
        default="",
        description="HMAC-SHA256 key of the webhook signatures; at least 16 characters.",
    )

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Settings:
        if self.webhook_url:
            if not self.webhook_url.startswith(("http://", "https://")):
                raise ValueError("WEBHOOK_URL must be an http(s) URL")
            if len(self.webhook_secret) < 16:
                raise ValueError("WEBHOOK_URL is set: give WEBHOOK_SECRET of 16 characters or more")
        return self

    @field_validator("database_url")
    @classmethod
    def _valid_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"cannot parse {value!r} as a database URL") from exc
        backend = url.get_backend_name()
        if backend not in {"sqlite", "postgresql"}:
            raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
        if backend == "postgresql" and url.drivername == "postgresql":
            # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
            value = url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return value

    @field_validator("public_base_url")
    @classmethod
    def _valid_public_base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"{value!r} is not an absolute http(s) URL")
        if parts.query or parts.fragment:
            raise ValueError(f"{value!r} must not carry a query or a fragment")
        return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))

    @property
    def public_url(self) -> str:
        """PUBLIC_BASE_URL, or where `serve` listens (a wildcard address read as loopback)."""
        if self.public_base_url:
            return self.public_base_url
        host = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(self.host, self.host)
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @field_validator("rate_limit_reads", "rate_limit_search", "rate_limit_parse",
                     "rate_limit_exports")
    @classmethod
    def _valid_rate_limit(cls, value: str) -> str:
        from limits import parse

        try:
            parse(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a rate such as 100/minute") from None
        return value

    def rate_limit_specs(self) -> dict[str, str]:
        return {
            "reads": self.rate_limit_reads,
            "search": self.rate_limit_search,
            "parse": self.rate_limit_parse,
            "exports": self.rate_limit_exports,
        }

    @field_validator("log_level")
    @classmethod
    def _valid_log_level(cls, value: str) -> str:
        value = value.lower()
        if value not in {"critical", "error", "warning", "info", "debug", "trace"}:
            raise ValueError(f"unknown log level {value!r}")
        return value


class ConfigError(RuntimeError):
    """The environment holds a setting we cannot use; the message is one line."""


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]).upper() or "settings"
        raise ConfigError(f"invalid {name}: {first['msg'].removeprefix('Value error, ')}") from None
