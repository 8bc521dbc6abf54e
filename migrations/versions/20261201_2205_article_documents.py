"""Rendered public JSON: article_document (one row per article) and reference.document

Reads serve an article's JSON by one primary-key lookup instead of building it from its rows on
every request. Existing databases get their documents from ``python -m app migrate``, which renders
every article whose document is missing or was rendered by another renderer version.

Revision ID: 2205
Revises: 2200
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "2205"
down_revision: str | None = "2200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_document",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("etag", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("reference_list", sa.Text(), nullable=False),
        sa.Column("reference_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["article.id"],
            name=op.f("fk_article_document_article_id_article"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_document")),
    )
    with op.batch_alter_table("reference", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reference", schema=None) as batch_op:
        batch_op.drop_column("document")
    op.drop_table("article_document")
