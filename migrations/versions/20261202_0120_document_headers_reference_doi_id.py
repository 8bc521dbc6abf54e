"""Stored read headers beside an article's document; "who cites this DOI" by (doi, id)

article_document gains ``language`` (the first title's, for Content-Language) and ``signposts``
(the Signposting Link header with its URLs left open), so a read of a stored document parses no
JSON. DOCUMENT_VERSION is 2: ``python -m app migrate`` renders every document again.

reference's index on ``doi`` becomes one on ``(doi, id)``: a page of the references citing a DOI
is read in index order, and PostgreSQL no longer walks the primary key for a DOI nothing cites.

Revision ID: 0120
Revises: 2205
Create Date: 2026-12-02 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0120"
down_revision: str | None = "2205"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article_document", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(sa.Column("signposts", sa.Text(), nullable=True))
    with op.batch_alter_table("reference", schema=None) as batch_op:
        batch_op.create_index("ix_reference_doi_id", ["doi", "id"], unique=False)
        batch_op.drop_index(batch_op.f("ix_reference_doi"))


def downgrade() -> None:
    with op.batch_alter_table("reference", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reference_doi"), ["doi"], unique=False)
        batch_op.drop_index("ix_reference_doi_id")
    with op.batch_alter_table("article_document", schema=None) as batch_op:
        batch_op.drop_column("signposts")
        batch_op.drop_column("language")
