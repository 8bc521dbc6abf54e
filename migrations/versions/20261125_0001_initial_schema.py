"""Initial schema: journals, issues, articles with localized texts, authors, keywords, galleys, references

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25 07:53:05.709827
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('author',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('family', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('given', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('family_folded', sa.String().with_variant(sa.String(collation='C'), 'postgresql'), nullable=False),
    sa.Column('orcid', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_author')),
    sa.UniqueConstraint('key', name=op.f('uq_author_key'))
    )
    with op.batch_alter_table('author', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_author_family_folded'), ['family_folded'], unique=False)

    op.create_table('journal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('titles', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('issn_print', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('issn_online', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('publisher', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('base_url', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal')),
    sa.UniqueConstraint('key', name=op.f('uq_journal_key'))
    )
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_issn_online'), ['issn_online'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_issn_print'), ['issn_print'], unique=False)

    op.create_table('issue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('journal_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('volume', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['journal_id'], ['journal.id'], name=op.f('fk_issue_journal_id_journal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issue')),
    sa.UniqueConstraint('journal_id', 'key', name=op.f('uq_issue_journal_id_key'))
    )
    with op.batch_alter_table('issue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issue_year'), ['year'], unique=False)

    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('journal_id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=True),
    sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('ojs_article_id', sa.Integer(), nullable=True),
    sa.Column('doi', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('pages', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('sort_title', sa.String().with_variant(sa.String(collation='C'), 'postgresql'), nullable=False),
    sa.Column('sort_date', sa.String().with_variant(sa.String(collation='C'), 'postgresql'), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['issue.id'], name=op.f('fk_article_issue_id_issue'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['journal_id'], ['journal.id'], name=op.f('fk_article_journal_id_journal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article')),
    sa.UniqueConstraint('doi', name=op.f('uq_article_doi')),
    sa.UniqueConstraint('source_url', name=op.f('uq_article_source_url'))
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_issue_id'), ['issue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_journal_id'), ['journal_id'], unique=False)
        batch_op.create_index('ix_article_sort_date_id', ['sort_date', 'id'], unique=False)
        batch_op.create_index('ix_article_sort_title_id', ['sort_title', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_updated_at'), ['updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_year'), ['year'], unique=False)

    op.create_table('article_author',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('affiliation', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_author_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['author.id'], name=op.f('fk_article_author_author_id_author'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'position', name=op.f('pk_article_author'))
    )
    with op.batch_alter_table('article_author', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_author_author_id'), ['author_id'], unique=False)

    op.create_table('article_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=35), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_as_printed', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_text_article_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_text')),
    sa.UniqueConstraint('article_id', 'kind', 'lang', name=op.f('uq_article_text_article_id_kind_lang'))
    )
    with op.batch_alter_table('article_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_text_lang'), ['lang'], unique=False)

    op.create_table('galley',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_galley_article_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_galley')),
    sa.UniqueConstraint('article_id', 'position', name=op.f('uq_galley_article_id_position'))
    )
    op.create_table('keyword',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('lang', sa.String().with_variant(sa.String(collation='C'), 'postgresql'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('term', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('term_folded', sa.String().with_variant(sa.String(collation='C'), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_keyword_article_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_keyword')),
    sa.UniqueConstraint('article_id', 'lang', 'position', name=op.f('uq_keyword_article_id_lang_position'))
    )
    with op.batch_alter_table('keyword', schema=None) as batch_op:
        batch_op.create_index('ix_keyword_lang_term_folded', ['lang', 'term_folded'], unique=False)
        batch_op.create_index('ix_keyword_term_folded', ['term_folded'], unique=False)

    op.create_table('reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('doi', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('container_title', sa.Text(), nullable=True),
    sa.Column('container_folded', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('csl', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_reference_article_id_article'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reference')),
    sa.UniqueConstraint('article_id', 'position', name=op.f('uq_reference_article_id_position'))
    )
    with op.batch_alter_table('reference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reference_container_folded'), ['container_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_reference_doi'), ['doi'], unique=False)
        batch_op.create_index(batch_op.f('ix_reference_year'), ['year'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reference_year'))
        batch_op.drop_index(batch_op.f('ix_reference_doi'))
        batch_op.drop_index(batch_op.f('ix_reference_container_folded'))

    op.drop_table('reference')
    with op.batch_alter_table('keyword', schema=None) as batch_op:
        batch_op.drop_index('ix_keyword_term_folded')
        batch_op.drop_index('ix_keyword_lang_term_folded')

    op.drop_table('keyword')
    op.drop_table('galley')
    with op.batch_alter_table('article_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_text_lang'))

    op.drop_table('article_text')
    with op.batch_alter_table('article_author', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_author_author_id'))

    op.drop_table('article_author')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article_year'))
        batch_op.drop_index(batch_op.f('ix_article_updated_at'))
        batch_op.drop_index('ix_article_sort_title_id')
        batch_op.drop_index('ix_article_sort_date_id')
        batch_op.drop_index(batch_op.f('ix_article_journal_id'))
        batch_op.drop_index(batch_op.f('ix_article_issue_id'))

    op.drop_table('article')
    with op.batch_alter_table('issue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issue_year'))

    op.drop_table('issue')
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_issn_print'))
        batch_op.drop_index(batch_op.f('ix_journal_issn_online'))

    op.drop_table('journal')
    with op.batch_alter_table('author', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_author_family_folded'))

    op.drop_table('author')
