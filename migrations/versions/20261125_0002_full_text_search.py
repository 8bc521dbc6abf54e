"""Full-text search: SQLite FTS5 tables, PostgreSQL tsvector tables with GIN indexes.

The documents are written by the loader already case-folded and tokenized (app.search), so both
engines index the same tokens and answer the same queries. These tables are outside the SQLModel
metadata (env.py excludes names starting with ``search_``), being dialect-specific.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (search table, table whose ids it indexes)
SEARCH_TABLES = (("search_article", "article"), ("search_reference", "reference"))


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, target in SEARCH_TABLES:
        if dialect == "sqlite":
            # rowid is the indexed row's id; tokens are prepared by the loader, so the tokenizer
            # only splits on spaces and keeps diacritics (PostgreSQL's 'simple' does not strip them).
            op.execute(
                f"CREATE VIRTUAL TABLE {name} USING fts5("
                "document, tokenize = \"unicode61 remove_diacritics 0\")"
            )
        else:
            op.execute(
                f"CREATE TABLE {name} ("
                f"id integer PRIMARY KEY REFERENCES {target}(id) ON DELETE CASCADE, "
                "document text NOT NULL, "
                "tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', document)) STORED)"
            )
            op.execute(f"CREATE INDEX ix_{name}_tsv ON {name} USING gin (tsv)")


def downgrade() -> None:
    for name, _target in SEARCH_TABLES:
        op.execute(f"DROP TABLE IF EXISTS {name}")
