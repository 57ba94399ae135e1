"""papers: an index of (doc_id, deleted, listing_date), what sorting a small category by date reads

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 17:50:00
"""
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_papers_doc_live_date', 'papers', ['doc_id', 'deleted', 'listing_date'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_papers_doc_live_date', table_name='papers')
