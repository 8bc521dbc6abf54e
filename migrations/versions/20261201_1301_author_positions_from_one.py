"""Author positions count from 1, like reference positions (they were stored from 0).

Two steps through negative values, so the (article_id, position) primary key never sees two rows
with one position midway, whatever order the database updates rows in.

Revision ID: 1301
Revises: 0002
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "1301"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Only lists still stored from 0 move, so running against a fresh database changes nothing.
    op.execute(
        "UPDATE article_author SET position = -(position + 1) WHERE article_id IN "
        "(SELECT article_id FROM article_author WHERE position = 0)"
    )
    op.execute("UPDATE article_author SET position = -position WHERE position < 0")


def downgrade() -> None:
    op.execute("UPDATE article_author SET position = -(position - 1)")
    op.execute("UPDATE article_author SET position = -position WHERE position < 0")
