"""What the sitemap lists: every journal, issue and article page, in one statement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, cast, literal, null, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.models import Article, Issue, Journal

# sitemaps.org: at most 50,000 URLs in one file.
MAX_URLS = 50_000
_PATHS = {"journal": "/journals/{}", "issue": "/issues/{}", "article": "/articles/{}"}


def site_paths(*, session: Session) -> list[tuple[str, str | None]]:
    """(path, last modification date) of each page, journals first, then issues, then articles."""
    no_date = cast(null(), DateTime)
    statement = union_all(
        sa_select(literal("journal", String), col(Journal.id), no_date),
        sa_select(literal("issue", String), col(Issue.id), no_date),
        sa_select(literal("article", String), col(Article.id), col(Article.updated_at)),
    ).limit(MAX_URLS)
    rows = session.execute(statement).all()
    order = list(_PATHS)
    result = []
    for kind, row_id, changed in sorted(rows, key=lambda r: (order.index(r[0]), r[1])):
        lastmod = changed.date().isoformat() if isinstance(changed, datetime) else None
        result.append((_PATHS[kind].format(row_id), lastmod))
    return result
