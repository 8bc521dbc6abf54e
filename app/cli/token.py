"""``token``: create, list and revoke the bearer tokens of the write API.

A new token is printed once, alone on stdout (``TOKEN=$(python -m app token create ...)``); only
its digest is stored, so a lost token is revoked and replaced, never recovered.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from app.cli.application import CommandError, reads

app = typer.Typer(
    help="Bearer tokens for the write API: create (shown once), list, revoke.",
    no_args_is_help=True,
)

NameOption = Annotated[
    str,
    typer.Option(
        "--name", metavar="NAME", help="Who or what uses the token (shown by `token list`)."
    ),
]
ScopeOption = Annotated[
    list[str],
    typer.Option(
        "--scope",
        metavar="SCOPE",
        help="write (create and update articles) or admin (also delete); repeatable.",
        show_default=False,
    ),
]


@app.command("create", epilog=reads("DATABASE_URL"))
def create(name: NameOption, scope: ScopeOption) -> int:
    """Create a token and print it once on stdout (store it now: it is not shown again)."""
    from sqlmodel import Session

    from app.db import get_engine
    from app.services.tokens import TokenError, create_token

    try:
        with Session(get_engine()) as session, session.begin():
            row, token = create_token(session, name=name, scopes=scope)
            token_id, scopes = row.id, row.scopes
    except TokenError as exc:
        raise CommandError(str(exc), exit_code=2) from None
    print(token)
    print(f"token {token_id} ({scopes}) created; it is shown only this once", file=sys.stderr)
    return 0


@app.command("list", epilog=reads("DATABASE_URL"))
def list_tokens() -> int:
    """List tokens: id, name, scopes, when created, when revoked (never the secrets)."""
    from sqlmodel import Session

    from app.db import get_engine
    from app.services.tokens import list_tokens as stored_tokens

    with Session(get_engine()) as session:
        rows = [
            (
                str(t.id),
                t.name,
                t.scopes,
                t.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                f"revoked {t.revoked_at:%Y-%m-%dT%H:%M:%SZ}" if t.revoked_at else "active",
            )
            for t in stored_tokens(session)
        ]
    for row in rows:
        print("\t".join(row))
    if not rows:
        hint = "python -m app token create --name NAME --scope write"
        print(f"no tokens yet: {hint}", file=sys.stderr)
    return 0


TokenIdArgument = Annotated[int, typer.Argument(metavar="ID", help="From `token list`.")]


@app.command("revoke", epilog=reads("DATABASE_URL"))
def revoke(token_id: TokenIdArgument) -> int:
    """Revoke a token for good: requests bearing it are refused from now on (401)."""
    from sqlmodel import Session

    from app.db import get_engine
    from app.services.tokens import TokenError, revoke_token

    try:
        with Session(get_engine()) as session, session.begin():
            row = revoke_token(session, token_id)
            name = row.name
    except TokenError as exc:
        raise CommandError(str(exc)) from None
    print(f"token {token_id} ({name}) revoked")
    return 0
