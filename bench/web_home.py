"""The web benchmark's own home, its members, and what its requests take turns over.

The home given is only read: its SQLite catalog is copied with SQLite's backup API (a few
seconds for the 88k catalog), and its indexes and models are linked, not copied, since the
server only reads them. Members, sessions, tokens and votes go into the copy.
"""

from __future__ import annotations

import re
import secrets
import shutil
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import func, or_, select

from paperwire.accounts import tokens, users
from paperwire.config import load_settings
from paperwire.store import Catalog
from paperwire.store.browse import category_counts, latest_listing_date
from paperwire.store.people_schema import votes
from paperwire.store.schema import paper_authors, papers

READER = "benchuser"
SAMPLE_SIZE = 200  # papers, authors, categories and words each request takes its turn over
_WORD = re.compile(r"[a-z]{4,}")
# Words that say nothing of a paper's subject: two of them make a query no reader types.
_FILLER = {"with", "from", "that", "this", "their", "using", "based", "into", "over", "under", "through",
           "towards", "toward", "when", "which", "what", "does", "more", "than", "between", "beyond", "about",
           "without", "your", "they", "them", "these", "other", "only", "also", "some", "each", "very"}


def copy_home(source: Path, target: Path) -> None:
    """A copy of ``source`` in the empty directory ``target`` that the benchmark may write into."""
    settings = load_settings(home=source, environ={})
    if settings.database_url:
        raise SystemExit(f"{source} keeps its catalog at database_url: bench/web.py copies a SQLite catalog only")
    catalog = source / "catalog.db"
    if not catalog.is_file():
        raise SystemExit(f"no catalog at {catalog}: import papers into that home first")
    with closing(sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)) as original, \
            closing(sqlite3.connect(target / "catalog.db")) as copy:
        original.backup(copy)
    for name in ("indexes", "models"):
        if (source / name).is_dir():
            (target / name).symlink_to((source / name).resolve(), target_is_directory=True)
    if (source / "paperwire.toml").is_file():
        shutil.copy(source / "paperwire.toml", target / "paperwire.toml")


def add_members(catalog: Catalog, voters: int) -> tuple[str, list[str]]:
    """The reader who signs in (their password) and ``voters`` members' write-scope API tokens."""
    password = secrets.token_urlsafe(16)
    users.create_user(catalog.engine, READER, "bench@example.org", password, verified=True)
    written = []
    for n in range(1, voters + 1):
        member = users.create_user(catalog.engine, f"benchvoter{n:03d}", f"voter{n}@example.org",
                                   secrets.token_urlsafe(16), verified=True)
        written.append(tokens.create_token(catalog.engine, member, "bench/web.py", "write")[0])
    return password, written


@dataclass
class Sample:
    papers: int
    latest_day: str
    paper_ids: list[str]  # the newest papers', URL-quoted
    categories: list[str]
    authors: list[str]  # URL-quoted
    words: list[str]  # the commonest subject words of titles


def sample(catalog: Catalog) -> Sample:
    with catalog.engine.connect() as conn:
        newest = conn.execute(select(papers.c.doc_id, papers.c.id).where(papers.c.deleted.is_(False))
                              .order_by(papers.c.listing_date.desc(), papers.c.doc_id.desc())
                              .limit(SAMPLE_SIZE)).all()
        authors = conn.execute(select(paper_authors.c.name).distinct()
                               .where(paper_authors.c.doc_id.in_([doc_id for doc_id, _ in newest]))
                               .limit(SAMPLE_SIZE)).scalars().all()
        titles = conn.execute(select(papers.c.title).order_by(papers.c.doc_id.desc()).limit(20 * SAMPLE_SIZE))
        counted = Counter(word for (title,) in titles for word in set(_WORD.findall(title.lower()))
                          if word not in _FILLER)
    return Sample(
        papers=catalog.count(), latest_day=str(latest_listing_date(catalog)),
        paper_ids=[quote(paper_id, safe="/") for _, paper_id in newest],
        categories=[quote(category) for category, _ in category_counts(catalog)[:SAMPLE_SIZE]],
        authors=[quote(name, safe="") for name in authors],
        words=[word for word, _ in counted.most_common(SAMPLE_SIZE)],
    )


def votes_consistent(catalog: Catalog) -> tuple[bool, int]:
    """Whether every paper's count (papers.votes) equals its rows in votes; and the rows."""
    rows = select(func.count()).where(votes.c.doc_id == papers.c.doc_id).scalar_subquery()
    voted = or_(papers.c.votes != 0, papers.c.doc_id.in_(select(votes.c.doc_id)))
    with catalog.engine.connect() as conn:
        wrong = conn.execute(select(func.count()).where(voted, papers.c.votes != rows)).scalar_one()
        total = conn.execute(select(func.count()).select_from(votes)).scalar_one()
    return wrong == 0, total
