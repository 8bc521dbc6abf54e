"""Liveness and database reachability, for load balancers and `make run` checks."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import SessionDep
from app.errors import PROBLEM_MEDIA_TYPE, ProblemError

router = APIRouter(tags=["service"])


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    database: str = Field(description="Dialect in use.", examples=["sqlite", "postgresql"])


@router.get(
    "/health",
    summary="Service health",
    response_model=Health,
    responses={
        503: {
            "description": "The database does not answer",
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    },
)
def health(session: SessionDep) -> Health:
    """Answers 200 when the service runs and its database answers a trivial query, else 503."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        raise ProblemError(503, "The database does not answer.") from None
    return Health(status="ok", database=session.get_bind().dialect.name)
