"""Liveness, database reachability and the schema revision, for load balancers and operators.

Never cached (``Cache-Control: no-store``): a cache must not answer "ok" for a service that died.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.api.deps import SessionDep
from app.errors import PROBLEM_MEDIA_TYPE, ProblemError

router = APIRouter(tags=["service"])


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    database: str = Field(description="Dialect in use.", examples=["sqlite", "postgresql"])
    schema_revision: str | None = Field(
        description="The Alembic revision the database is at (null before `migrate`).",
        examples=["0001"],
    )


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
def health(session: SessionDep, response: Response) -> Health:
    """Answers 200 when the service runs and its database answers, with the schema revision;
    503 when the database does not answer. Never cached."""
    response.headers["Cache-Control"] = "no-store"
    try:
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        session.rollback()
        try:
            session.execute(text("SELECT 1"))
        except SQLAlchemyError:
            raise ProblemError(
                503, "The database does not answer.", headers={"Cache-Control": "no-store"}
            ) from None
        revision = None
    return Health(status="ok", database=session.get_bind().dialect.name, schema_revision=revision)
