"""comments.answers_id: the comment a reply answers, also where it hangs beside it at the deepest level

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 18:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('comments', sa.Column('answers_id', sa.Integer(), nullable=True))
    op.create_index(op.f('ix_comments_answers_id'), 'comments', ['answers_id'], unique=False)
    # Replies made before this revision answered their parent, as far as anyone can now tell.
    op.execute('UPDATE comments SET answers_id = parent_id')


def downgrade() -> None:
    op.drop_index(op.f('ix_comments_answers_id'), table_name='comments')
    op.drop_column('comments', 'answers_id')
