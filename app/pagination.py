"""Opaque keyset cursors: signed, bound to the listing that issued them, never an OFFSET.

A cursor holds the sort key of the last row served. It is signed with HMAC, and the signature also
covers a fingerprint of the listing (path, sort, filters), so a tampered cursor or one from another
listing is refused with a 400 instead of silently returning wrong rows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any

from app.errors import ProblemError

CURSOR_VERSION = 1
DEFAULT_LIMIT = 20
MAX_LIMIT = 1000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(secret.encode()).digest()

    def _sign(self, payload: bytes, scope: str) -> bytes:
        return hmac.new(self._key, payload + b"\x00" + scope.encode(), hashlib.sha256).digest()[:16]

    def encode(self, key: Sequence[Any], scope: str) -> str:
        payload = json.dumps([CURSOR_VERSION, list(key)], separators=(",", ":")).encode()
        return _b64(payload) + "." + _b64(self._sign(payload, scope))

    def decode(self, cursor: str, scope: str) -> list[Any]:
        try:
            body, signature = cursor.split(".", 1)
            payload, given = _unb64(body), _unb64(signature)
        except (ValueError, TypeError):
            raise _bad_cursor("it is not a cursor this API issued") from None
        if not hmac.compare_digest(given, self._sign(payload, scope)):
            raise _bad_cursor("it was altered, or it belongs to another listing or sort order")
        try:
            version, key = json.loads(payload)
        except (ValueError, TypeError):
            raise _bad_cursor("it cannot be read") from None
        if version != CURSOR_VERSION or not isinstance(key, list):
            raise _bad_cursor("it was issued by an older version of this API")
        return key


def _bad_cursor(reason: str) -> ProblemError:
    return ProblemError(
        400,
        f"Invalid cursor: {reason}. Start again without 'cursor' and follow 'next_cursor'.",
        title="Invalid cursor",
    )


def listing_scope(path: str, params: Mapping[str, Any]) -> str:
    """What a cursor is bound to: the path and every parameter except the paging ones."""
    kept = sorted(
        (name, str(value))
        for name, value in params.items()
        if name not in {"cursor", "limit", "count", "facets", "fields", "include"}
        and value is not None
    )
    return path + "?" + json.dumps(kept, separators=(",", ":"))
