"""Bearer tokens for the write API: random secrets shown once, only their digest stored.

A token reads ``jm_<key id>_<secret>``. The key id (public, unique) finds the row; the secret's
SHA-256 is compared in constant time. The secrets are 256 random bits, so a fast digest is as
safe as a slow password hash here, and checking a token costs one indexed lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from app.models import ApiToken, utcnow

TOKEN_PREFIX = "jm"
# ``admin`` includes everything ``write`` may do.
SCOPES = ("write", "admin")
IMPLIED_SCOPES = {"admin": {"write", "admin"}, "write": {"write"}}
_DUMMY_HASH = hashlib.sha256(b"no such token").hexdigest()


class TokenError(ValueError):
    """A token request that cannot be honoured; the message says why in one line."""


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def checked_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(scope.strip().lower() for scope in scopes if scope.strip()))
    if not chosen:
        raise TokenError(f"give at least one scope: {', '.join(SCOPES)}")
    unknown = [scope for scope in chosen if scope not in SCOPES]
    if unknown:
        raise TokenError(f"unknown scope {unknown[0]!r}; choose from {', '.join(SCOPES)}")
    return chosen


def create_token(session: Session, *, name: str, scopes: Iterable[str]) -> tuple[ApiToken, str]:
    """A new token row and the token itself: the only time the secret exists in clear."""
    name = name.strip()
    if not name or len(name) > 200:
        raise TokenError("a token needs a name of 1 to 200 characters (who or what uses it)")
    chosen = checked_scopes(scopes)
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        key_id=key_id, secret_hash=_digest(secret), name=name, scopes=" ".join(chosen)
    )
    session.add(token)
    session.flush()
    return token, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def verify_token(session: Session, presented: str) -> ApiToken | None:
    """The live token row for a presented token, or None (unknown, malformed or revoked)."""
    prefix, _, rest = presented.partition("_")
    key_id, _, secret = rest.partition("_")
    row = None
    if prefix == TOKEN_PREFIX and key_id and secret and len(presented) <= 200:
        row = session.exec(select(ApiToken).where(col(ApiToken.key_id) == key_id)).first()
    # Compare even when there is no row, so timing tells nothing about the secret.
    expected = row.secret_hash if row is not None else _DUMMY_HASH
    matches = hmac.compare_digest(_digest(secret), expected)
    if row is None or not matches or row.revoked_at is not None:
        return None
    return row


def scopes_of(token: ApiToken) -> set[str]:
    granted: set[str] = set()
    for scope in token.scopes.split():
        granted |= IMPLIED_SCOPES.get(scope, set())
    return granted


def list_tokens(session: Session) -> Sequence[ApiToken]:
    return session.exec(select(ApiToken).order_by(col(ApiToken.id))).all()


def revoke_token(session: Session, token_id: int) -> ApiToken:
    """Revoke a token for good (revoking twice keeps the first time)."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise TokenError(f"no token with id {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.flush()
    return token
