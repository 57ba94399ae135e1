"""trending: every paper's score starts from its listing day

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 11:20:00

A paper whose only event is its listing scores the hours from 1970-01-01 to midnight UTC of
its listing day (paperwire.community.trending.listing_score, written out here so that this
migration stays as it is when that module changes). Papers already scored are left alone;
`paperwire trending --rebuild` recomputes everything from the events.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade() -> None:
    connection = op.get_bind()
    papers = sa.table("papers", sa.column("doc_id", sa.Integer), sa.column("listing_date", sa.Date),
                      sa.column("trending_score", sa.Float))
    unscored = sa.select(papers.c.doc_id, papers.c.listing_date).where(
        papers.c.listing_date.is_not(None), papers.c.trending_score == 0).order_by(papers.c.doc_id).limit(BATCH)
    set_score = sa.update(papers).where(papers.c.doc_id == sa.bindparam("doc")).values(
        trending_score=sa.bindparam("score"))
    last = 0
    while True:
        rows = connection.execute(unscored.where(papers.c.doc_id > last)).all()
        if not rows:
            return
        connection.execute(set_score, [{"doc": doc_id, "score": _hours_since_1970(day)} for doc_id, day in rows])
        last = rows[-1][0]


def downgrade() -> None:
    op.execute("UPDATE papers SET trending_score = 0")


def _hours_since_1970(day) -> float:
    return float((day.toordinal() - 719163) * 24)  # 719163: date(1970, 1, 1).toordinal()
