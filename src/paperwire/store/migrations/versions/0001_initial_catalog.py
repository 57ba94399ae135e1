"""initial catalog

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 16:28:05.646500
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('harvest_state',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('resumption_token', sa.Text(), nullable=True),
    sa.Column('from_date', sa.Date(), nullable=True),
    sa.Column('last_datestamp', sa.Date(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('import_runs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('origin', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=64), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('read', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('papers',
    sa.Column('doc_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('arxiv_id', sa.String(length=64), nullable=True),
    sa.Column('title_key', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('updated_date', sa.Date(), nullable=True),
    sa.Column('published_date', sa.Date(), nullable=True),
    sa.Column('listing_date', sa.Date(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('abstract', sa.Text(), nullable=False),
    sa.Column('authors', sa.JSON(), nullable=False),
    sa.Column('authors_parsed', sa.JSON(), nullable=False),
    sa.Column('primary_category', sa.String(length=64), nullable=True),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('classes', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('journal_ref', sa.Text(), nullable=True),
    sa.Column('doi', sa.Text(), nullable=True),
    sa.Column('license', sa.Text(), nullable=True),
    sa.Column('code_links', sa.JSON(), nullable=False),
    sa.Column('extra', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('upvotes', sa.Integer(), nullable=False),
    sa.Column('num_comments', sa.Integer(), nullable=False),
    sa.Column('trending_score', sa.Float(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('doc_id'),
    sa.UniqueConstraint('arxiv_id'),
    sa.UniqueConstraint('id')
    )
    with op.batch_alter_table('papers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_papers_listing_date'), ['listing_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_papers_primary_category'), ['primary_category'], unique=False)
        batch_op.create_index(batch_op.f('ix_papers_revision'), ['revision'], unique=False)
        batch_op.create_index(batch_op.f('ix_papers_source'), ['source'], unique=False)
        batch_op.create_index(batch_op.f('ix_papers_title_key'), ['title_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_papers_trending_score'), ['trending_score'], unique=False)
        batch_op.create_index(batch_op.f('ix_papers_upvotes'), ['upvotes'], unique=False)

    op.create_table('import_errors',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['import_runs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('import_errors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_errors_run_id'), ['run_id'], unique=False)

    op.create_table('paper_authors',
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('name_key', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['papers.doc_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc_id', 'position')
    )
    with op.batch_alter_table('paper_authors', schema=None) as batch_op:
        batch_op.create_index('ix_paper_authors_name_key', ['name_key'], unique=False)

    op.create_table('paper_categories',
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['papers.doc_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc_id', 'category')
    )
    with op.batch_alter_table('paper_categories', schema=None) as batch_op:
        batch_op.create_index('ix_paper_categories_category', ['category'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('paper_categories', schema=None) as batch_op:
        batch_op.drop_index('ix_paper_categories_category')

    op.drop_table('paper_categories')
    with op.batch_alter_table('paper_authors', schema=None) as batch_op:
        batch_op.drop_index('ix_paper_authors_name_key')

    op.drop_table('paper_authors')
    with op.batch_alter_table('import_errors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_errors_run_id'))

    op.drop_table('import_errors')
    with op.batch_alter_table('papers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_papers_upvotes'))
        batch_op.drop_index(batch_op.f('ix_papers_trending_score'))
        batch_op.drop_index(batch_op.f('ix_papers_title_key'))
        batch_op.drop_index(batch_op.f('ix_papers_source'))
        batch_op.drop_index(batch_op.f('ix_papers_revision'))
        batch_op.drop_index(batch_op.f('ix_papers_primary_category'))
        batch_op.drop_index(batch_op.f('ix_papers_listing_date'))

    op.drop_table('papers')
    op.drop_table('import_runs')
    op.drop_table('harvest_state')
