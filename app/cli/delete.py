"""``delete``: delete articles by id, leaving tombstones, as ``DELETE /articles/{id}`` does."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

IdsArgument = Annotated[
    list[int], typer.Argument(metavar="ID", help="Article ids.", show_default=False)
]


def delete(article_ids: IdsArgument) -> int:
    """Delete articles (one transaction each); each leaves a tombstone (410, OAI-PMH deleted
    record, a deleted event in /changes). Exit code 1 when an id was not an article."""
    from sqlmodel import Session

    from app.db import get_engine
    from app.services.loading import delete_article

    missing = 0
    for article_id in article_ids:
        with Session(get_engine()) as session, session.begin():
            tombstone = delete_article(session, article_id)
        if tombstone is None:
            missing += 1
            print(f"article {article_id}: error: no such article", file=sys.stderr)
        else:
            print(f"article {article_id}: deleted")
    return 1 if missing else 0
