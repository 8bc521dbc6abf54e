"""Writes: API tokens (hashed), the article change feed, tombstones of deleted articles

Also an (updated_at, id) index: `GET /articles?updated_since=` pages in update order by keyset.

Revision ID: 2150
Revises: 1301
Create Date: 2026-12-01 21:50:15.358884
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '2150'
down_revision: str | None = '1301'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('secret_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('scopes', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('key_id', name=op.f('uq_api_token_key_id'))
    )
    op.create_table('article_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_change'))
    )
    with op.batch_alter_table('article_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_change_article_id'), ['article_id'], unique=False)

    op.create_table('article_tombstone',
    sa.Column('article_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('doi', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('journal_id', sa.Integer(), nullable=True),
    sa.Column('issue_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('deleted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('article_id', name=op.f('pk_article_tombstone'))
    )
    with op.batch_alter_table('article_tombstone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_tombstone_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_tombstone_journal_id'), ['journal_id'], unique=False)

    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index('ix_article_updated_at_id', ['updated_at', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index('ix_article_updated_at_id')

    with op.batch_alter_table('article_tombstone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_tombstone_journal_id'))
        batch_op.drop_index(batch_op.f('ix_article_tombstone_deleted_at'))

    op.drop_table('article_tombstone')
    with op.batch_alter_table('article_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_change_article_id'))

    op.drop_table('article_change')
    op.drop_table('api_token')
