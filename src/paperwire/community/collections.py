"""Collections: named, ordered lists of papers with a note on each, private or public.

A collection lives at /<owner>/<slug>; the slug comes from its first name, is unique among
its owner's collections, and stays when the collection is renamed, so links and feeds to
it keep working. Someone else's private collection answers NotFound everywhere. Items are
numbered 1..n in the owner's order; the web layer renders pages, feeds (RSS/Atom) and
exports (BibTeX, RIS, JSON) from ``collection_for``'s items, in that order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.community.errors import Conflict, Invalid, NotAllowed, NotFound
from paperwire.community.rules import Policy
from paperwire.community.text import clean_body, clean_line, require_text
from paperwire.community.writes import insert_new
from paperwire.store import StoredPaper
from paperwire.store.catalog import row_to_stored
from paperwire.store.people_schema import collection_items, collections, users
from paperwire.store.schema import papers

NAME_MAX_CHARS = 120
DESCRIPTION_MAX_CHARS = 2000
SLUG_MAX_CHARS = 60  # leaves room for a "-2" in the 80-character column
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Collection:
    id: int
    owner: str
    owner_id: int
    slug: str
    name: str
    description: str
    is_public: bool
    item_count: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Item:
    position: int  # 1 for the first
    paper: StoredPaper
    note: str | None
    added_at: datetime


def create_collection(db: Engine, policy: Policy, viewer: Member | None, name: str, description: str = "",
                      is_public: bool = False) -> Collection:
    member = policy.require_member(viewer)
    name = _name(name)
    description = clean_body(description, "description", DESCRIPTION_MAX_CHARS)
    now = utc_now()
    with db.begin() as conn:
        _lock_member(conn, member)  # counting and choosing a slug see every collection of theirs
        owned = conn.execute(select(collections.c.slug).where(collections.c.user_id == member.id)).scalars().all()
        limit = policy.settings.collections_per_member
        if len(owned) >= limit:
            raise NotAllowed(f"you have {len(owned)} collections, the most allowed is {limit}; delete one first")
        collection_id = conn.execute(insert(collections).values(
            user_id=member.id, slug=_free_slug(slugify(name), set(owned)), name=name, description=description,
            is_public=bool(is_public), created_at=now, updated_at=now).returning(collections.c.id)).scalar_one()
        return _collection(conn, collection_id)


def update_collection(db: Engine, policy: Policy, viewer: Member | None, collection_id: int, *,
                      name: str | None = None, description: str | None = None,
                      is_public: bool | None = None) -> Collection:
    """Rename, describe again, or make public / private (what is None stays as it is)."""
    values: dict = {}
    if name is not None:
        values["name"] = _name(name)
    if description is not None:
        values["description"] = clean_body(description, "description", DESCRIPTION_MAX_CHARS)
    if is_public is not None:
        values["is_public"] = bool(is_public)
    with db.begin() as conn:
        _owned(conn, policy, viewer, collection_id)
        conn.execute(update(collections).where(collections.c.id == collection_id).values(**values, updated_at=utc_now()))
        return _collection(conn, collection_id)


def delete_collection(db: Engine, policy: Policy, viewer: Member | None, collection_id: int) -> None:
    with db.begin() as conn:
        _owned(conn, policy, viewer, collection_id)
        conn.execute(delete(collections).where(collections.c.id == collection_id))


def add_item(db: Engine, policy: Policy, viewer: Member | None, collection_id: int, doc_id: int,
             note: str | None = None) -> int:
    """Add a paper at the end; its position comes back."""
    note = clean_body(note or "", "note", policy.settings.note_max_chars) or None
    with db.begin() as conn:
        collection = _owned(conn, policy, viewer, collection_id)
        if conn.execute(select(papers.c.doc_id).where(papers.c.doc_id == doc_id, papers.c.deleted.is_(False))).first() is None:
            raise NotFound("no such paper")
        count = _item_count(conn, collection_id)
        limit = policy.settings.collection_max_items
        if count >= limit:
            raise NotAllowed(f"{collection.name!r} holds {count} papers, the most a collection may hold is {limit}")
        if not insert_new(conn, collection_items, {"collection_id": collection_id, "doc_id": doc_id,
                                                   "position": count + 1, "note": note, "added_at": utc_now()}):
            raise Conflict(f"this paper is already in {collection.name!r}")
        _touch(conn, collection_id)
        return count + 1


def remove_item(db: Engine, policy: Policy, viewer: Member | None, collection_id: int, doc_id: int) -> None:
    with db.begin() as conn:
        _owned(conn, policy, viewer, collection_id)
        order = _order(conn, collection_id)
        if doc_id not in order:
            raise NotFound("this paper is not in the collection")
        conn.execute(delete(collection_items).where(collection_items.c.collection_id == collection_id,
                                                    collection_items.c.doc_id == doc_id))
        order.remove(doc_id)
        _renumber(conn, collection_id, order)


def move_item(db: Engine, policy: Policy, viewer: Member | None, collection_id: int, doc_id: int,
              position: int) -> int:
    """Move a paper to ``position`` (1 = first; beyond the end = last); its new position comes back."""
    if not isinstance(position, int) or isinstance(position, bool) or position < 1:
        raise Invalid("position", f"must be a whole number from 1, not {position!r}")
    with db.begin() as conn:
        _owned(conn, policy, viewer, collection_id)
        order = _order(conn, collection_id)
        if doc_id not in order:
            raise NotFound("this paper is not in the collection")
        order.remove(doc_id)
        order.insert(min(position, len(order) + 1) - 1, doc_id)
        _renumber(conn, collection_id, order)
        return order.index(doc_id) + 1


def set_item_note(db: Engine, policy: Policy, viewer: Member | None, collection_id: int, doc_id: int,
                  note: str | None) -> None:
    note = clean_body(note or "", "note", policy.settings.note_max_chars) or None
    with db.begin() as conn:
        _owned(conn, policy, viewer, collection_id)
        if not conn.execute(update(collection_items).where(
                collection_items.c.collection_id == collection_id, collection_items.c.doc_id == doc_id)
                .values(note=note)).rowcount:
            raise NotFound("this paper is not in the collection")
        _touch(conn, collection_id)


def collection_for(db: Engine, policy: Policy, viewer: Member | None, owner_username: str,
                   slug: str) -> tuple[Collection, list[Item]]:
    """A collection and its papers in order, as ``viewer`` may see it; NotFound for another's private one."""
    with db.connect() as conn:
        row = conn.execute(_collections_query().where(users.c.username_key == _lower(owner_username),
                                                      collections.c.slug == slug)).first()
        policy.require_see_collection(viewer, row)
        items = conn.execute(
            select(papers, collection_items.c.position, collection_items.c.note.label("item_note"),
                   collection_items.c.added_at)
            .join(collection_items, collection_items.c.doc_id == papers.c.doc_id)
            .where(collection_items.c.collection_id == row.id, papers.c.deleted.is_(False))
            .order_by(collection_items.c.position)).all()
    return _from_row(row), [Item(item.position, row_to_stored(item), item.item_note, as_utc(item.added_at))
                            for item in items]


def my_collections(db: Engine, policy: Policy, viewer: Member | None) -> list[Collection]:
    """Every collection of the viewer, private ones included, most recently changed first."""
    member = policy.require_member(viewer)
    return _listed(db, _MEMBERS_COLLECTIONS, member.id)


def public_collections(db: Engine, user_id: int) -> list[Collection]:
    """A member's public collections (for their profile), most recently changed first."""
    return _listed(db, _PUBLIC_COLLECTIONS, user_id)


def slugify(name: str) -> str:
    """"Matryoshka & friends (2026)" -> "matryoshka-friends-2026"; names without Latin letters -> "collection"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return _NOT_SLUG.sub("-", ascii_name).strip("-")[:SLUG_MAX_CHARS].strip("-") or "collection"


# ---- helpers ----------------------------------------------------------------------------

def _name(name: object) -> str:
    return require_text(clean_line(name, "name", NAME_MAX_CHARS), "name")


def _lower(value: object) -> str:
    return value.lower() if isinstance(value, str) else ""


def _free_slug(base: str, taken: set[str]) -> str:
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _lock_member(conn: Connection, member: Member) -> None:
    # An UPDATE that changes nothing: the member's row lock on PostgreSQL, the write lock on SQLite.
    conn.execute(update(users).where(users.c.id == member.id).values(role=users.c.role))


def _owned(conn: Connection, policy: Policy, viewer: Member | None, collection_id: int) -> Row:
    row = conn.execute(select(collections).where(collections.c.id == collection_id)).first()
    policy.require_own_collection(viewer, row)
    return row


def _item_count(conn: Connection, collection_id: int) -> int:
    return conn.execute(select(func.count()).select_from(collection_items)
                        .where(collection_items.c.collection_id == collection_id)).scalar()


def _order(conn: Connection, collection_id: int) -> list[int]:
    return list(conn.execute(select(collection_items.c.doc_id).where(collection_items.c.collection_id == collection_id)
                             .order_by(collection_items.c.position)).scalars())


def _renumber(conn: Connection, collection_id: int, order: list[int]) -> None:
    if order:
        conn.execute(update(collection_items).where(collection_items.c.collection_id == collection_id,
                                                    collection_items.c.doc_id == bindparam("doc"))
                     .values(position=bindparam("place")),
                     [{"doc": doc_id, "place": n} for n, doc_id in enumerate(order, 1)])
    _touch(conn, collection_id)


def _touch(conn: Connection, collection_id: int) -> None:
    conn.execute(update(collections).where(collections.c.id == collection_id).values(updated_at=utc_now()))


def _collections_query():
    count = (select(func.count()).where(collection_items.c.collection_id == collections.c.id)
             .scalar_subquery().label("item_count"))
    return select(collections, users.c.username, count).join(users, users.c.id == collections.c.user_id)


# Built once: every paper page a member opens lists theirs (to add the paper to one).
_MEMBERS_COLLECTIONS = (_collections_query().where(collections.c.user_id == bindparam("user_id"))
                        .order_by(collections.c.updated_at.desc(), collections.c.id.desc()))
_PUBLIC_COLLECTIONS = _MEMBERS_COLLECTIONS.where(collections.c.is_public.is_(True))


def _listed(db: Engine, query, user_id: int) -> list[Collection]:
    with db.connect() as conn:
        rows = conn.execute(query, {"user_id": user_id}).all()
    return [_from_row(row) for row in rows]


def _collection(conn: Connection, collection_id: int) -> Collection:
    return _from_row(conn.execute(_collections_query().where(collections.c.id == collection_id)).one())


def _from_row(row: Row) -> Collection:
    return Collection(row.id, row.username, row.user_id, row.slug, row.name, row.description, bool(row.is_public),
                      row.item_count, as_utc(row.created_at), as_utc(row.updated_at))
