"""What a page's address says: the journal's path and base URL, the article id, the page kind.

OJS addresses are ``<site>/index.php/<journal>/article/view/<article>[/<galley>]`` (or without
``index.php`` when RESTful URLs are on, or ``index.php?journal=…&page=article&op=view&path[]=…``).
On most OJS sites the journal's name is a logo image, so its path in the address is often the only
name a page gives; it identifies the journal as well as an ISSN does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

_PATH = re.compile(
    r"^(?P<base>(?:/[^/]+)*?(?:/index\.php)?/(?P<journal>(?!index\.php)[^/]+))"
    r"/article/(?P<op>view|download|viewFile|viewArticle)/(?P<article>[^/]+)"
    r"(?:/(?P<galley>[^/]+))?(?:/[^/]*)?/?$"
)


@dataclass(frozen=True)
class PageAddress:
    url: str
    journal_path: str | None = None
    journal_url: str | None = None  # the journal's base URL: https://host/index.php/<journal>
    article_id: int | None = None
    galley: str | None = None  # set on a galley's viewer or download address
    op: str | None = None


def parse_address(url: str | None) -> PageAddress | None:
    """The parts of an OJS article address; None when ``url`` is not an http(s) URL."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    host = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
    match = _PATH.match(parts.path)
    if match:
        article = match["article"]
        return PageAddress(
            url=url,
            journal_path=match["journal"],
            journal_url=host + match["base"],
            article_id=int(article) if article.isdigit() else None,
            galley=match["galley"],
            op=match["op"],
        )
    query = parse_qs(parts.query)
    if query.get("page") == ["article"] and query.get("journal"):
        path: list[str] = query.get("path[]") or query.get("path") or []
        journal = query["journal"][0]
        return PageAddress(
            url=url,
            journal_path=journal,
            journal_url=f"{host}{parts.path}?journal={journal}",
            article_id=int(path[0]) if path and path[0].isdigit() else None,
            galley=path[1] if len(path) > 1 else None,
            op=query["op"][0] if query.get("op") else None,
        )
    return PageAddress(url=url)


def journal_url_key(journal_url: str) -> str:
    """The same journal over http and https, with or without ``www.``, is one journal."""
    parts = urlsplit(journal_url)
    host = parts.netloc.lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}".casefold()
