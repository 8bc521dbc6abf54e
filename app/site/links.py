"""The site's own links: absolute URLs start at PUBLIC_BASE_URL (never the request's Host
header); record URLs become links only through ``app.exporters.safe_links.safe_http_url``."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from app.public_urls import absolute_url, public_base_url


def public_url(path: str, **query: object) -> str:
    """An absolute URL on this service for ``path`` (leading slash), with query parameters."""
    kept = {k: str(v) for k, v in query.items() if v is not None and v != ""}
    return absolute_url(path, kept)


def site_root() -> str:
    """The path of PUBLIC_BASE_URL (``/journal-api`` behind a proxy's prefix, else empty): the
    start of every site-relative link, so pages work under a prefix too."""
    return urlsplit(public_base_url()).path.rstrip("/")


def site_path(path: str, **query: object) -> str:
    """A site-relative link (``/articles/1?lang=az``) with the non-empty query parameters."""
    kept = {k: v for k, v in query.items() if v is not None and v != ""}
    path = site_root() + path
    return f"{path}?{urlencode(kept)}" if kept else path
