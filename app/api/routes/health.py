"""Liveness and database reachability, for load balancers and `make run` checks."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from app.api.deps import SessionDep

router = APIRouter(tags=["service"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/health", summary="Service health", response_model=Health)
def health(session: SessionDep) -> Health:
    """Answers 200 when the service runs and its database answers a trivial query."""
    session.execute(text("SELECT 1"))
    return Health(status="ok", database=session.get_bind().dialect.name)
