"""paper_vectors: stored embeddings move into the catalog (from index/embeddings.sqlite3)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 15:10:00
"""
from alembic import op
import sqlalchemy as sa

from paperwire.store.vector_column import HalfVector


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS vector')
    op.create_table('paper_vectors',
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('text_hash', sa.LargeBinary(), nullable=False),
    sa.Column('vector', HalfVector(384), nullable=False),
    sa.ForeignKeyConstraint(['doc_id'], ['papers.doc_id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('doc_id')
    )


def downgrade() -> None:
    op.drop_table('paper_vectors')
