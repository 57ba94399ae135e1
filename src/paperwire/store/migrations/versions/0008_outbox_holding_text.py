"""outbox: a partial index of the digests still holding their message text, by when composed

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 17:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

_HOLDS_TEXT = sa.text("message <> ''")


def upgrade() -> None:
    op.create_index('ix_outbox_holding_text_created', 'outbox', ['created_at'], unique=False,
                    sqlite_where=_HOLDS_TEXT, postgresql_where=_HOLDS_TEXT)


def downgrade() -> None:
    op.drop_index('ix_outbox_holding_text_created', table_name='outbox')
