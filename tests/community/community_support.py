"""The community tests' world: a fixed clock and papers listed around it.

NOW is a Wednesday noon UTC; papers are listed on days around it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from paperwire.paper import Paper

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
TODAY = NOW.date()
PASSWORD = "correct horse battery staple"


def day(offset: int) -> date:
    """TODAY moved by ``offset`` days (-1: yesterday)."""
    return TODAY + timedelta(days=offset)


def arxiv_paper(number: int, listed: date = TODAY, title: str | None = None) -> Paper:
    arxiv_id = f"2607.{number:05d}"
    return Paper(id=arxiv_id, arxiv_id=arxiv_id, title=title or f"Paper number {number}", listing_date=listed,
                 published_date=listed, abstract="An abstract.", authors=("Ann Lee",),
                 categories=("cs.CL",), primary_category="cs.CL")
