"""Which stored URLs may become links: absolute ``http(s)`` URLs only.

URLs come from loaded pages and clients, so any of them may be ``javascript:alert(1)``,
``data:text/html,...`` or ``java\\tscript:...`` (browsers drop tabs and newlines inside a URL and
control characters around it). Every renderer that turns a stored URL into ``href``/``src`` or a
link-valued meta tag asks :func:`safe_http_url` first; anything else is shown as text or left out.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_SCHEMES = frozenset({"http", "https"})
# Controls, spaces and DEL inside a URL: browsers silently drop some of them, which is how
# "java\tscript:" slips past a scheme check. No real link needs them (they are %-encoded).
_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


def safe_http_url(url: str | None) -> str | None:
    """``url`` without surrounding spaces if it is an absolute http(s) URL with a host."""
    if not url:
        return None
    url = url.strip()
    if _UNSAFE.search(url):  # one pass in C: every stored document renders a few links
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        return None
    return url
