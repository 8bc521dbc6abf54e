"""Conditional writes (RFC 9110 §13): ``If-Match`` against the article's current ETag.

The tag is the strong ETag that ``GET /articles/{id}`` serves (either encoding's form): a write
with a tag from before another write answers 412 and changes nothing. Where the deployment
requires it (``WRITE_REQUIRE_IF_MATCH``, the default), a PUT or DELETE without ``If-Match`` is
428, so no client overwrites a change it never saw by accident.
"""

from __future__ import annotations

from app.api.http_caching import opaque_tag
from app.errors import ProblemError


def check_if_match(if_match: str | None, current: str, *, required: bool) -> None:
    if if_match is None or not if_match.strip():
        if required:
            raise ProblemError(
                428,
                "Send 'If-Match' with the ETag of GET /articles/{id}, so that a change made "
                "meanwhile is not overwritten.",
                title="Precondition Required",
            )
        return
    if if_match.strip() == "*":
        return
    tags = [tag.strip() for tag in if_match.split(",") if tag.strip()]
    # Strong comparison: a weak tag never matches for a write.
    if opaque_tag(current) not in {opaque_tag(tag) for tag in tags if not tag.startswith("W/")}:
        raise ProblemError(
            412,
            "The article changed since that ETag was served; GET it again and retry.",
            title="Precondition Failed",
            headers={"ETag": current},
        )
