"""A bound on how deeply a page's elements nest, checked before the HTML parser sees it.

lexbor's tree builder takes time quadratic in the depth of open elements: 16,000 nested
``<div><span>`` took 10 s, the 500 KB page of 41,000 of them four minutes. Real OJS pages nest a
few dozen levels. A linear scan counts the open elements that stay open until closed (not the
void ones, nor those HTML closes by itself, like ``<p>`` or ``<li>``), and a page deeper than
MAX_DEPTH is refused with a clear error before any parsing.
"""

from __future__ import annotations

import re

from app.ingest.records import PageError

MAX_DEPTH = 1_000
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)")
# Elements that never hold others, or whose end tag HTML infers (they do not deepen a page).
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta source track wbr param keygen "
    "p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rtc rp "
    "html head body".split()
)


def nesting_depth(html: str) -> int:
    """The deepest nesting of elements that stay open until closed (an upper bound)."""
    depth = deepest = 0
    for closing, name in _TAG.findall(html):
        if name.lower() in _NOT_NESTING:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def check_nesting(html: str) -> None:
    depth = nesting_depth(html)
    if depth > MAX_DEPTH:
        raise PageError(
            f"elements nest {depth:,} levels deep, over the {MAX_DEPTH:,} a page may have"
        )
