"""Unknown query parameters are a 400 problem that names them: a typo never passes silently.

What a route accepts is read from its own declaration (its query parameters and those of its
dependencies, recursively), once per route: a new ``Query`` parameter anywhere is accepted with
no extra work. A route that parses its own arguments (OAI-PMH, whose protocol answers
``badArgument`` itself) opts out with ``openapi_extra={ANY_QUERY_PARAMETER: True}``.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.errors import ProblemError

ANY_QUERY_PARAMETER = "x-any-query-parameter"

_declared: dict[int, frozenset[str] | None] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def declared_query_parameters(route: APIRoute) -> frozenset[str] | None:
    """The query parameters ``route`` declares; None when it takes any (it checks them itself)."""
    key = id(route)
    if key not in _declared:
        extra = route.openapi_extra or {}
        _declared[key] = (
            None if extra.get(ANY_QUERY_PARAMETER) else frozenset(_query_names(route.dependant))
        )
    return _declared[key]


async def reject_unknown_query_parameters(request: Request) -> None:
    """App-wide dependency: 400 when the query string holds a name the route does not declare.
    async, so that it runs on the event loop: no thread-pool hop per request."""
    if not request.scope.get("query_string"):
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed = declared_query_parameters(route)
    if allowed is None:
        return
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in allowed]
    if not unknown:
        return
    names = ", ".join(f"'{name}'" for name in unknown)
    accepted = ", ".join(sorted(allowed)) or "none"
    raise ProblemError(
        400,
        f"Unknown query parameter {names}; {request.url.path} accepts: {accepted}.",
        title="Unknown query parameter",
        errors=[
            {"name": f"query parameter '{name}'", "reason": "not a parameter of this resource"}
            for name in unknown
        ],
    )
