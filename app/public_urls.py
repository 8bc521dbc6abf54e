"""Absolute URLs the service emits, all from PUBLIC_BASE_URL: never from the request's Host header.

A forged or merely different Host (``localhost`` vs ``127.0.0.1``, an internal name behind a proxy)
must not change an OAI identifier, a ``Link`` header or a sitemap entry: one record, one URL.
PUBLIC_BASE_URL is where clients reach the app's root (it may carry a path prefix, e.g.
``https://example.org/api``); unset, it is ``http://HOST:PORT``, which is right for ``make run``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request

from app.config import get_settings

Query = Mapping[str, str | int] | Sequence[tuple[str, str | int]]


def public_base_url() -> str:
    """PUBLIC_BASE_URL without a trailing slash (settings are read once per process)."""
    return get_settings().public_url


def public_host() -> str:
    """The host part of the public base URL, e.g. for ``oai:<host>:article/<id>`` identifiers."""
    return urlsplit(public_base_url()).hostname or "localhost"


def absolute_url(path: str, query: Query | None = None) -> str:
    """``path`` (relative to the app's root, starting with ``/``) as an absolute public URL."""
    if not path.startswith("/"):
        path = "/" + path
    url = public_base_url() + path
    if query:
        url += "?" + urlencode(query)
    return url


def app_path(request: Request) -> str:
    """The request's path relative to the app's root (a proxy's ``root_path`` removed)."""
    path: str = request.scope.get("path", "/")
    root: str = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    return path
