"""Structured logs with structlog: JSON lines or readable text (LOG_FORMAT), one setup per process.

The standard library's loggers (uvicorn's, the error handler's) go through the same renderer, so
an operator's log shipper sees one format. Configured once, when the app is created.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import orjson
import structlog

from app.config import Settings

REQUEST_LOGGER = "app.requests"
_HANDLER_NAME = "app.observability"


def _json_dumps(value: Any, **_kwargs: Any) -> str:
    return orjson.dumps(value, default=str).decode()


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (test captures, redirections)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure_logging(settings: Settings) -> None:
    """Route structlog and stdlib logging to stderr in the chosen format (idempotent)."""
    global _request_log
    _request_log = _build_request_log(settings)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any
    if settings.log_format == "json":
        renderer = structlog.processors.JSONRenderer(serializer=_json_dumps)
        shared.append(structlog.processors.format_exc_info)
    else:
        # A plain traceback, not rich's with every frame's locals: those held the request (its
        # Authorization header, a hostile body), and rendering them took ~10 s on the event
        # loop per 500, stalling every other client (make fuzz: a 21 s POST /oai behind one).
        renderer = structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = _StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(formatter)
    root.addHandler(handler)
    # Other libraries speak only when something is wrong; ours and uvicorn's at LOG_LEVEL.
    root.setLevel(logging.WARNING)
    level = logging.getLevelName(settings.log_level.upper())
    for name in ("app", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.setLevel(level if isinstance(level, int) else logging.DEBUG)
        if name != "app":
            # uvicorn's own handlers would print a second, differently formatted line.
            logger.handlers.clear()
            logger.propagate = True


class _StderrLines:
    """structlog's last step for request lines: write one line to whatever stderr is now."""

    def msg(self, message: str) -> None:
        stream = sys.stderr
        stream.write(message + "\n")
        stream.flush()

    debug = info = warning = error = critical = exception = log = msg


def _text_line(_logger: Any, _method: str, event: dict[str, Any]) -> str:
    """Readable ``timestamp [level] event key=value``, cheaper than ConsoleRenderer."""
    head = f"{event.pop('timestamp')} [{event.pop('level'):<8}] {event.pop('event')}"
    return head + " " + " ".join(f"{key}={value}" for key, value in event.items())


_request_log: Any = None


def _build_request_log(settings: Settings) -> Any:
    """The per-request logger: no stdlib logging on the hot path (about 10 µs a line)."""
    level = logging.getLevelName(settings.log_level.upper())
    renderer: Any = (
        structlog.processors.JSONRenderer(serializer=_json_dumps)
        if settings.log_format == "json"
        else _text_line
    )
    return structlog.wrap_logger(
        _StderrLines(),
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            level if isinstance(level, int) else logging.DEBUG
        ),
        cache_logger_on_first_use=True,
    ).bind(logger=REQUEST_LOGGER)


def log_request(**fields: Any) -> None:
    """One line for one answered request (see ObservabilityMiddleware)."""
    _request_log.info("request", **fields)
