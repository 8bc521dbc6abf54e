"""The one settings object: every knob comes from the environment, ``DATABASE_URL`` first."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
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
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "info"
    workers: int = Field(
        default=1, ge=1, le=64,
        description="uvicorn worker processes; each holds its own parser models (~120 MiB).",
    )
    db_pool_size: int = Field(default=10, ge=1)
    cache_max_age: int = Field(default=300, ge=0, description="Cache-Control max-age, seconds.")
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    cursor_secret: str = Field(
        default="",
        description="Key that signs pagination cursors; derived from DATABASE_URL when empty.",
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024,
        description="Largest request body accepted, in bytes; a larger one is a 413 unread.",
    )
    parse_max_citations: int = Field(
        default=1000, ge=1, le=100_000,
        description="Most strings one POST /references/parse may carry; more is a 413.",
    )
    depositor_name: str | None = Field(
        default=None, description="Crossref deposit: depositor name (the publisher's if unset)."
    )
    depositor_email: str | None = Field(
        default=None, description="Crossref deposit: depositor e-mail address."
    )
    public_base_url: str | None = Field(
        default=None, description="Absolute base URL for links in exports; the request's if unset."
    )

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
