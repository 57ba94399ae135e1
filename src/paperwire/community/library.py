"""A member's library: papers saved, seen, or marked "not interested", and private notes.

Private to its owner: every function acts on the viewer's own library, and there is no way
to name anyone else's. A paper with no mark and no note leaves the library.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Literal

from sqlalchemy import Engine, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection

from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.community.errors import Invalid, NotFound
from paperwire.community.rules import Policy
from paperwire.community.text import clean_body
from paperwire.community.writes import insert_new
from paperwire.store import StoredPaper
from paperwire.store.catalog import row_to_stored
from paperwire.store.people_schema import library_items
from paperwire.store.schema import papers

Kind = Literal["saved", "seen", "dismissed"]
KINDS: tuple[str, ...] = ("saved", "seen", "dismissed")
_MARKS = {"saved": library_items.c.saved_at, "seen": library_items.c.seen_at, "dismissed": library_items.c.dismissed_at}


@dataclass(frozen=True)
class LibraryState:
    """What a card shows of the viewer's own library."""

    saved: bool = False
    seen: bool = False
    dismissed: bool = False
    has_note: bool = False


@dataclass(frozen=True)
class LibraryEntry:
    paper: StoredPaper
    marked_at: datetime  # when it was saved / seen / dismissed (the kind listed)
    note: str | None


def save(db: Engine, policy: Policy, viewer: Member | None, doc_id: int) -> None:
    _mark(db, policy, viewer, doc_id, "saved", True)


def unsave(db: Engine, policy: Policy, viewer: Member | None, doc_id: int) -> None:
    _mark(db, policy, viewer, doc_id, "saved", False)


def mark_seen(db: Engine, policy: Policy, viewer: Member | None, doc_id: int, seen: bool = True) -> None:
    _mark(db, policy, viewer, doc_id, "seen", seen)


def dismiss(db: Engine, policy: Policy, viewer: Member | None, doc_id: int) -> None:
    """"Not interested": the paper can be left out of the viewer's lists and recommendations."""
    _mark(db, policy, viewer, doc_id, "dismissed", True)


def undismiss(db: Engine, policy: Policy, viewer: Member | None, doc_id: int) -> None:
    _mark(db, policy, viewer, doc_id, "dismissed", False)


def set_note(db: Engine, policy: Policy, viewer: Member | None, doc_id: int, note: str | None) -> None:
    """Keep a private note on a paper (Markdown source, shown only to its writer); empty: remove it."""
    member = policy.require_member(viewer)
    text = clean_body(note or "", "note", policy.settings.note_max_chars) or None
    _change(db, member, doc_id, {"note": text}, needs_paper=text is not None)


_NOTE = select(library_items.c.note).where(library_items.c.user_id == bindparam("user_id"),
                                           library_items.c.doc_id == bindparam("doc_id"))


def note_for(db: Engine, policy: Policy, viewer: Member | None, doc_id: int) -> str | None:
    member = policy.require_member(viewer)
    with db.connect() as conn:
        return conn.execute(_NOTE, {"user_id": member.id, "doc_id": doc_id}).scalar()


def library(db: Engine, policy: Policy, viewer: Member | None, kind: Kind = "saved", *,
            limit: int = 50, offset: int = 0) -> tuple[list[LibraryEntry], int]:
    """The viewer's saved (or seen, or dismissed) papers, most recent first, and how many in all."""
    member = policy.require_member(viewer)
    if kind not in _MARKS:
        raise Invalid("kind", f"must be one of {', '.join(KINDS)}, not {kind!r}")
    marked = _MARKS[kind]
    mine = (library_items.c.user_id == member.id, marked.is_not(None), papers.c.deleted.is_(False))
    joined = library_items.join(papers, papers.c.doc_id == library_items.c.doc_id)
    page = (select(papers, marked.label("marked_at"), library_items.c.note.label("library_note"))
            .select_from(joined).where(*mine).order_by(marked.desc(), papers.c.doc_id.desc())
            .limit(bindparam("page_limit", int(limit), literal_execute=True))
            .offset(bindparam("page_offset", int(offset), literal_execute=True)))
    with db.connect() as conn:
        rows = conn.execute(page).all()
        total = conn.execute(select(func.count()).select_from(joined).where(*mine)).scalar()
    return [LibraryEntry(row_to_stored(row), as_utc(row.marked_at), row.library_note) for row in rows], total


# Built once, as every page of cards asks it (a statement built afresh pays its construction and cache key).
_STATES = select(library_items).where(library_items.c.user_id == bindparam("user_id"),
                                      library_items.c.doc_id.in_(bindparam("doc_ids", expanding=True)))


def states(db: Engine, viewer: Member | None, doc_ids: Iterable[int]) -> dict[int, LibraryState]:
    """The viewer's marks on ``doc_ids`` (those in the library only), in one query."""
    doc_ids = list(doc_ids)
    if viewer is None or not doc_ids:
        return {}
    with db.connect() as conn:
        return {row.doc_id: LibraryState(row.saved_at is not None, row.seen_at is not None,
                                         row.dismissed_at is not None, bool(row.note))
                for row in conn.execute(_STATES, {"user_id": viewer.id, "doc_ids": doc_ids})}


def _mark(db: Engine, policy: Policy, viewer: Member | None, doc_id: int, kind: str, on: bool) -> None:
    member = policy.require_member(viewer)
    _change(db, member, doc_id, {_MARKS[kind].name: utc_now() if on else None}, needs_paper=on)


def _change(db: Engine, member: Member, doc_id: int, values: dict, needs_paper: bool) -> None:
    """Set ``values`` on the member's entry for ``doc_id``, making or dropping the entry as needed."""
    now = utc_now()
    with db.begin() as conn:
        if needs_paper:
            if conn.execute(select(papers.c.doc_id).where(papers.c.doc_id == doc_id, papers.c.deleted.is_(False))).first() is None:
                raise NotFound("no such paper")
            insert_new(conn, library_items, {"user_id": member.id, "doc_id": doc_id, "updated_at": now})
        mine = (library_items.c.user_id == member.id, library_items.c.doc_id == doc_id)
        conn.execute(update(library_items).where(*mine).values(**values, updated_at=now))
        _drop_if_empty(conn, mine)


def _drop_if_empty(conn: Connection, mine: tuple) -> None:
    conn.execute(delete(library_items).where(*mine, *(column.is_(None) for column in _MARKS.values()),
                                             library_items.c.note.is_(None)))
