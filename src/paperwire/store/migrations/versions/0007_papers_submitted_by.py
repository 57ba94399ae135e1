"""papers.submitted_by: the source's submitter of a paper (extra.submitted_by), indexed with the listing date

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('papers', sa.Column('submitted_by', sa.Text(), nullable=True))
    op.create_index('ix_papers_submitted_by', 'papers', ['submitted_by', 'listing_date'], unique=False)
    # Papers imported before this revision: the name as their JSON holds it, where it is text.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("UPDATE papers SET submitted_by = json_extract(extra, '$.submitted_by')"
                   " WHERE json_type(extra, '$.submitted_by') = 'text' AND json_extract(extra, '$.submitted_by') <> ''")
    else:
        op.execute("UPDATE papers SET submitted_by = extra ->> 'submitted_by'"
                   " WHERE json_typeof(extra -> 'submitted_by') = 'string' AND extra ->> 'submitted_by' <> ''")


def downgrade() -> None:
    op.drop_index('ix_papers_submitted_by', table_name='papers')
    op.drop_column('papers', 'submitted_by')
