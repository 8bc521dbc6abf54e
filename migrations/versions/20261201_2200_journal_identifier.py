"""Journal identifiers: every ISSN, address and title a journal is known by, unique.

Pages of one journal name it differently (a title, an ISSN, only the journal's address); each
identifier points to one journal, so they all find it. Existing journals get their key, ISSNs,
base URL and titles as identifiers.

Revision ID: 2200
Revises: 2150
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.ingest.ojs_page.identity import journal_url_key
from app.search import fold_spaces

revision: str = "2200"
down_revision: str | None = "2150"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journal_identifier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["journal_id"],
            ["journal.id"],
            name=op.f("fk_journal_identifier_journal_id_journal"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_identifier")),
        sa.UniqueConstraint("key", name=op.f("uq_journal_identifier_key")),
    )
    op.create_index(
        op.f("ix_journal_identifier_journal_id"), "journal_identifier", ["journal_id"]
    )
    connection = op.get_bind()
    journal = sa.table(
        "journal",
        sa.column("id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("titles", sa.JSON),
        sa.column("issn_print", sa.String),
        sa.column("issn_online", sa.String),
        sa.column("base_url", sa.String),
    )
    identifier = sa.table(
        "journal_identifier", sa.column("journal_id", sa.Integer), sa.column("key", sa.String)
    )
    claimed: set[str] = set()
    rows = []
    for row in connection.execute(sa.select(journal).order_by(journal.c.id)):
        keys = [row.key]
        keys += [f"issn:{issn}" for issn in (row.issn_print, row.issn_online) if issn]
        if row.base_url:
            keys.append(f"url:{journal_url_key(row.base_url)}")
        keys += [f"title:{fold_spaces(title)}" for title in (row.titles or {}).values()]
        for key in keys:
            if key not in claimed:
                claimed.add(key)
                rows.append({"journal_id": row.id, "key": key})
    if rows:
        op.bulk_insert(identifier, rows)


def downgrade() -> None:
    op.drop_index(op.f("ix_journal_identifier_journal_id"), table_name="journal_identifier")
    op.drop_table("journal_identifier")
