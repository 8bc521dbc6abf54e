"""Bearer-token authentication for writes (RFC 6750): reads stay anonymous.

No token, or one that is unknown or revoked: 401. A token without the scope the route needs:
403. Both are problem documents with a ``WWW-Authenticate`` challenge saying what to send.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.deps import SessionDep
from app.errors import ProblemError
from app.models import ApiToken
from app.services import tokens as token_service

REALM = "journal-metadata"

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="BearerToken",
    description="A token made by `python -m app token create --scope write`.",
)
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


def _challenge(**params: str) -> dict[str, str]:
    values = ", ".join(f'{name}="{value}"' for name, value in {"realm": REALM, **params}.items())
    return {"WWW-Authenticate": f"Bearer {values}"}


def require_scope(scope: str) -> Callable[..., ApiToken]:
    """A dependency that answers 401/403 unless the request bears a live token with ``scope``."""

    def authorized(session: SessionDep, credentials: BearerDep) -> ApiToken:
        if credentials is None:
            raise ProblemError(
                401,
                "This method needs a bearer token: 'Authorization: Bearer <token>'.",
                headers=_challenge(scope=scope),
            )
        token = token_service.verify_token(session, credentials.credentials)
        if token is None:
            raise ProblemError(
                401,
                "The bearer token is unknown or was revoked.",
                headers=_challenge(error="invalid_token"),
            )
        if scope not in token_service.scopes_of(token):
            raise ProblemError(
                403,
                f"The token lacks the '{scope}' scope this method needs.",
                headers=_challenge(error="insufficient_scope", scope=scope),
                scope=scope,
            )
        return token

    return authorized


WriteToken = Annotated[ApiToken, Depends(require_scope("write"))]
AdminToken = Annotated[ApiToken, Depends(require_scope("admin"))]
