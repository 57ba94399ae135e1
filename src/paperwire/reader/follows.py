"""Following authors and categories: a member's own list, and the new papers it brings.

An author is followed by name as written on a paper and kept under the catalog's name key
(case and accents folded, as ``paper_authors.name_key``), so "Jürgen Schmidhuber" follows the
papers signed "jurgen schmidhuber". A category must be one the catalog holds papers in.
Every operation acts on the viewer's own follows; nobody can read or change another's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Collection, Literal

from sqlalchemy import Engine, bindparam, delete, func, select

from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import utc_now
from paperwire.community.errors import Invalid, NotAllowed, NotFound
from paperwire.community.rules import Policy
from paperwire.community.text import clean_line, require_text
from paperwire.community.writes import insert_new
from paperwire.store import Catalog, StoredPaper
from paperwire.store.browse import category_counts
from paperwire.store.catalog import name_key
from paperwire.store.reader_schema import follows
from paperwire.store.schema import paper_authors, paper_categories, papers

Kind = Literal["author", "category"]
KINDS: tuple[str, ...] = ("author", "category")
MAX_NAME_CHARS = 200  # the follows.key and label columns


@dataclass(frozen=True)
class Followed:
    authors: dict[str, str]  # name_key (as paper_authors.name_key) -> the name as shown
    categories: dict[str, str]  # "cs.LG" -> "cs.LG"

    def follows(self, kind: str, name: str) -> bool:
        """Is this author (any spelling) or category followed?"""
        return (name_key(name) in self.authors) if kind == "author" else (name in self.categories)


def follow(db: Engine, policy: Policy, viewer: Member | None, kind: str, name: object) -> str:
    """Follow an author or a category; following it again changes nothing. Answers the label kept."""
    member = policy.require_member(viewer)
    if kind not in KINDS:
        raise _invalid_kind(kind)
    key, label = _author(name) if kind == "author" else _category(db, name)
    limit = policy.settings.follows_per_member
    with db.begin() as conn:
        mine = follows.c.user_id == member.id
        if conn.execute(select(follows.c.key).where(mine, follows.c.kind == kind, follows.c.key == key)).first():
            return label
        count = conn.execute(select(func.count()).select_from(follows).where(mine)).scalar() or 0
        if count >= limit:
            raise NotAllowed(f"you follow {count:,} authors and categories, the most allowed is {limit:,}; "
                             "unfollow some first")
        insert_new(conn, follows, {"user_id": member.id, "kind": kind, "key": key, "label": label,
                                   "created_at": utc_now()})
    return label


def unfollow(db: Engine, policy: Policy, viewer: Member | None, kind: str, name: object) -> None:
    """Stop following; NotFound when the viewer did not follow it."""
    member = policy.require_member(viewer)
    if kind not in KINDS:
        raise _invalid_kind(kind)
    if not isinstance(name, str):
        raise NotFound(f"you do not follow this {kind}")
    key = name_key(name) if kind == "author" else name
    with db.begin() as conn:
        gone = conn.execute(delete(follows).where(follows.c.user_id == member.id, follows.c.kind == kind,
                                                  follows.c.key == key).returning(follows.c.key)).first()
    if gone is None:
        raise NotFound(f"you do not follow this {kind}")


def following(db: Engine, policy: Policy, viewer: Member | None) -> Followed:
    """The viewer's own follows."""
    return followed(db, policy.require_member(viewer).id)


def followed(db: Engine, member_id: int) -> Followed:
    """What member ``member_id`` follows, authors and categories each in the order followed."""
    return followed_by(db, [member_id])[member_id]


def followed_by(db: Engine, member_ids: Collection[int]) -> dict[int, Followed]:
    """What each of these members follows, in one read (a digest composes hundreds at once)."""
    found = {member_id: Followed(authors={}, categories={}) for member_id in member_ids}
    query = (select(follows.c.user_id, follows.c.kind, follows.c.key, follows.c.label)
             .where(follows.c.user_id.in_(list(found))).order_by(follows.c.created_at, follows.c.key))
    with db.connect() as conn:
        for row in conn.execute(query):
            kept = found[row.user_id]
            (kept.authors if row.kind == "author" else kept.categories)[row.key] = row.label
    return found


def new_papers_by_followed(db: Engine, member_id: int, *, since: date, until: date,
                           limit: int) -> list[tuple[StoredPaper, str]]:
    """Papers listed from ``since`` to ``until`` (both included) by an author the member follows,
    newest first, each with its reason: 'by Ann Lee, whom you follow'. Categories are not
    followed here: they shape For you and trending instead."""
    mine = (follows.c.user_id == member_id, follows.c.kind == "author")
    by_followed = (select(paper_authors.c.doc_id)
                   .join(follows, follows.c.key == paper_authors.c.name_key).where(*mine))
    page = (select(papers.c.doc_id)
            .where(papers.c.deleted.is_(False), papers.c.listing_date >= since, papers.c.listing_date <= until,
                   papers.c.doc_id.in_(by_followed))
            .order_by(papers.c.listing_date.desc(), papers.c.doc_id.desc())
            .limit(bindparam("page_limit", max(0, int(limit)), literal_execute=True)))
    with db.connect() as conn:
        doc_ids = conn.execute(page).scalars().all()
        if not doc_ids:
            return []
        names: dict[int, list[str]] = {}
        for doc_id, label in conn.execute(
                select(paper_authors.c.doc_id, follows.c.label)
                .join(follows, follows.c.key == paper_authors.c.name_key)
                .where(*mine, paper_authors.c.doc_id.in_(doc_ids))
                .order_by(paper_authors.c.doc_id, paper_authors.c.position)):
            if label not in names.setdefault(doc_id, []):
                names[doc_id].append(label)
    return [(paper, f"by {_and(names[paper.doc_id])}, whom you follow") for paper in Catalog(db).by_doc_ids(doc_ids)]


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _author(name: object) -> tuple[str, str]:
    label = require_text(clean_line(name, "author", MAX_NAME_CHARS), "author")
    key = name_key(label)
    if not any(ch.isalnum() for ch in key):
        raise Invalid("author", f"{label!r} is not a name")
    return key, label


def _category(db: Engine, name: object) -> tuple[str, str]:
    wanted = require_text(clean_line(name, "category", 64), "category")
    with db.connect() as conn:
        if conn.execute(select(paper_categories.c.category).where(paper_categories.c.category == wanted)
                        .limit(1)).first():
            return wanted, wanted
    # "cs.lg" for "cs.LG": the catalog's spelling, when only the case differs.
    for known, _ in category_counts(Catalog(db)):
        if known.casefold() == wanted.casefold():
            return known, known
    raise Invalid("category", f"{wanted!r} is not a category of any paper here")


def _invalid_kind(kind: object) -> Invalid:
    return Invalid("kind", f"must be one of {', '.join(KINDS)}, not {kind!r}")
