"""Comments: Markdown with math, threaded replies, editing and deleting one's own, reports,
and moderators hiding and restoring.

A comment is rendered once, when written (markdown.py), and stored beside its source.
papers.num_comments counts the comments readers see (neither deleted nor hidden) and
changes in the same transaction as they do, under the paper's row lock; so does the
trending score, to which each member's comments on a paper count once.

Threads nest at most MAX_DEPTH levels: a reply to a comment at the deepest level joins
that comment's own level (a sibling, just below it) rather than being refused, so a
conversation can always go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Collection

from sqlalchemy import Engine, bindparam, delete, exists, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.community import audit, scores, trending
from paperwire.community.errors import Conflict, Invalid, NotAllowed, NotFound
from paperwire.community.markdown import render_markdown
from paperwire.community.rules import Policy
from paperwire.community.text import clean_body, clean_line, require_text
from paperwire.community.writes import LockedPaper, insert_new, lock_paper
from paperwire.store import Catalog, StoredPaper
from paperwire.store.people_schema import comment_reports, comments, users
from paperwire.store.schema import papers

MAX_DEPTH = 8
REPORT_REASON_MAX_CHARS = 500
DELETED_USER = "deleted user"


@dataclass
class Comment:
    """A comment as one viewer sees it; ``replies`` hold the thread below it, oldest first."""

    id: int
    doc_id: int
    parent_id: int | None
    author: str | None  # None: the account is gone, or the author deleted the comment
    body: str  # the Markdown as written; "" where the viewer is not shown it
    body_html: str
    created_at: datetime
    edited_at: datetime | None = None
    deleted: bool = False  # by its author: shown as "[deleted]", its replies kept
    hidden: bool = False  # by a moderator: its text is shown only to moderators
    mine: bool = False  # the viewer wrote it (and may edit or delete it)
    replies: list["Comment"] = field(default_factory=list)

    @property
    def author_name(self) -> str:
        return self.author or DELETED_USER


def add_comment(db: Engine, policy: Policy, viewer: Member | None, doc_id: int, body: str,
                parent_id: int | None = None, *, now: datetime | None = None) -> Comment:
    """Post a comment on paper ``doc_id``, or a reply to ``parent_id`` (a comment shown on it)."""
    member = policy.require_comment(viewer)
    text, html = _rendered(policy, body)
    now = now or utc_now()
    with db.begin() as conn:
        paper = lock_paper(conn, doc_id)
        answers_id = parent_id
        if parent_id is not None:
            parent_id = _reply_target(conn, doc_id, parent_id)
        first_here = not conn.execute(select(exists().where(
            comments.c.doc_id == doc_id, comments.c.user_id == member.id, *_shown_to_all()))).scalar()
        comment_id = conn.execute(insert(comments).values(
            doc_id=doc_id, user_id=member.id, parent_id=parent_id, answers_id=answers_id, body=text, body_html=html,
            created_at=now,
        ).returning(comments.c.id)).scalar_one()
        score = scores.with_event(paper, now, trending.COMMENT, policy.half_life_hours) if first_here \
            else paper.trending_score
        conn.execute(update(papers).where(papers.c.doc_id == doc_id)
                     .values(num_comments=paper.num_comments + 1, trending_score=score))
    return Comment(comment_id, doc_id, parent_id, member.username, text, html, now, mine=True)


def edit_comment(db: Engine, policy: Policy, viewer: Member | None, comment_id: int, body: str,
                 *, now: datetime | None = None) -> Comment:
    """Replace the text of one's own comment; it is then shown as edited."""
    with db.connect() as conn:
        member = policy.require_edit_comment(viewer, _comment_row(conn, comment_id))
    text, html = _rendered(policy, body)
    now = now or utc_now()
    with db.begin() as conn:
        row = conn.execute(
            update(comments)
            .where(comments.c.id == comment_id, comments.c.user_id == member.id, *_shown_to_all())
            .values(body=text, body_html=html, edited_at=now).returning(*comments.c)
        ).first()
    if row is None:  # deleted or hidden in the meantime
        raise NotFound("no such comment")
    return _comment(row, member.username, member)


def delete_comment(db: Engine, policy: Policy, viewer: Member | None, comment_id: int,
                   *, now: datetime | None = None) -> None:
    """Delete one's own comment. One with replies stays in the thread as "[deleted]"."""
    with db.begin() as conn:
        paper, row = _lock_comment(conn, comment_id)
        policy.require_delete_comment(viewer, row)
        if conn.execute(select(exists().where(comments.c.parent_id == comment_id))).scalar():
            conn.execute(update(comments).where(comments.c.id == comment_id)
                         .values(deleted_at=now or utc_now(), body="", body_html=""))
        else:
            conn.execute(delete(comments).where(comments.c.id == comment_id))
            _drop_emptied_ancestors(conn, row.parent_id)
        _recount(conn, paper, policy)


def report_comment(db: Engine, policy: Policy, viewer: Member | None, comment_id: int, reason: str,
                   *, now: datetime | None = None) -> None:
    """Ask the moderators to look at a comment; each member reports a comment once."""
    member = policy.require_member(viewer)
    reason = require_text(clean_line(reason, "reason", REPORT_REASON_MAX_CHARS), "reason")
    with db.begin() as conn:
        row = _comment_row(conn, comment_id)
        if row is None or row.deleted_at is not None or not policy.can_see_comment(member, row):
            raise NotFound("no such comment")
        if row.user_id == member.id:
            raise NotAllowed("you cannot report your own comment; edit or delete it instead")
        if not insert_new(conn, comment_reports, {"comment_id": comment_id, "user_id": member.id,
                                                  "reason": reason, "created_at": now or utc_now()}):
            raise Conflict("you have already reported this comment; the moderators will look at it")


def hide_comment(db: Engine, policy: Policy, viewer: Member | None, comment_id: int, reason: str = "",
                 *, now: datetime | None = None) -> None:
    """A moderator hides a comment from everyone but moderators; its open reports are resolved."""
    _set_hidden(db, policy, viewer, comment_id, True, reason, now or utc_now())


def restore_comment(db: Engine, policy: Policy, viewer: Member | None, comment_id: int, reason: str = "",
                    *, now: datetime | None = None) -> None:
    _set_hidden(db, policy, viewer, comment_id, False, reason, now or utc_now())


# Built once: every paper page asks it.
_THREAD = (select(comments, users.c.username).outerjoin(users, users.c.id == comments.c.user_id)
           .where(comments.c.doc_id == bindparam("doc_id")).order_by(comments.c.created_at, comments.c.id))


def thread(db: Engine, policy: Policy, viewer: Member | None, doc_id: int) -> list[Comment]:
    """The comments on a paper as ``viewer`` sees them: top-level ones oldest first, replies nested.

    A deleted comment, or one hidden from this viewer, stays as an empty placeholder only
    while replies the viewer sees hang below it.
    """
    with db.connect() as conn:
        rows = conn.execute(_THREAD, {"doc_id": doc_id}).all()
    nodes = {row.id: _comment(row, row.username, viewer, policy.can_see_comment(viewer, row)) for row in rows}
    roots: list[Comment] = []
    for node in nodes.values():
        (nodes[node.parent_id].replies if node.parent_id in nodes else roots).append(node)
    return _without_empty_branches(roots)


def replies_to(db: Engine, member_id: int, *, since: datetime, limit: int) -> list[tuple[StoredPaper, str]]:
    """Papers where someone else replied to one of ``member_id``'s comments since ``since``,
    latest reply first, each once, with who replied ('Bob replied to your comment'). Only
    replies every reader sees count (neither deleted nor hidden), on live papers."""
    reply, query = _replies_to([member_id], since)
    query = (query.add_columns(reply.c.doc_id, users.c.username).join(users, users.c.id == reply.c.user_id)
             .order_by(reply.c.created_at.desc(), reply.c.id.desc()))
    repliers: dict[int, list[str]] = {}
    with db.connect() as conn:
        for doc_id, username in conn.execute(query):
            names = repliers.setdefault(doc_id, [])
            if username not in names:
                names.append(username)
    if not repliers:
        return []
    found = [p for p in Catalog(db).by_doc_ids(list(repliers)) if not p.deleted][:limit]
    return [(paper, _replied(repliers[paper.doc_id])) for paper in found]


def replied_to(db: Engine, member_ids: Collection[int], *, since: datetime) -> set[int]:
    """Those of ``member_ids`` whom someone replied to since ``since``, in one read: a digest asks
    replies_to only of them (most readers never comment)."""
    _reply, query = _replies_to(member_ids, since)
    with db.connect() as conn:
        return set(conn.execute(query.add_columns(comments.c.user_id).distinct()).scalars())


def _replies_to(member_ids: Collection[int], since: datetime):
    """The reply alias, and a select (columns to add) of the replies every reader sees, written
    since ``since`` by someone else to a comment of one of ``member_ids``."""
    reply = comments.alias("reply")
    return reply, (select().select_from(reply).join(comments, comments.c.id == reply.c.answers_id)
                   .where(comments.c.user_id.in_(list(member_ids)), reply.c.user_id != comments.c.user_id,
                          reply.c.created_at >= since, reply.c.deleted_at.is_(None), reply.c.hidden_at.is_(None)))


def _replied(names: list[str]) -> str:
    others = f" and {len(names) - 1} other{'s' if len(names) > 2 else ''}" if len(names) > 1 else ""
    return f"{names[0]}{others} replied to your comment"


# ---- helpers ----------------------------------------------------------------------------

def _shown_to_all():
    return comments.c.deleted_at.is_(None), comments.c.hidden_at.is_(None)


def _rendered(policy: Policy, body: str) -> tuple[str, str]:
    text = require_text(clean_body(body, "body", policy.settings.comment_max_chars), "body")
    return text, render_markdown(text)


def _comment_row(conn: Connection, comment_id: int) -> Row | None:
    return conn.execute(select(comments).where(comments.c.id == comment_id)).first()


def _lock_comment(conn: Connection, comment_id: int) -> tuple[LockedPaper, Row]:
    """The comment's paper locked first, then the comment read under that lock."""
    doc_id = conn.execute(select(comments.c.doc_id).where(comments.c.id == comment_id)).scalar()
    if doc_id is None:
        raise NotFound("no such comment")
    paper = lock_paper(conn, doc_id)
    return paper, _comment_row(conn, comment_id)


def _reply_target(conn: Connection, doc_id: int, parent_id: int) -> int:
    """The comment a reply to ``parent_id`` hangs from: the parent, or its parent at the deepest level."""
    parent = _comment_row(conn, parent_id)
    if parent is None or parent.doc_id != doc_id or parent.deleted_at is not None or parent.hidden_at is not None:
        raise Invalid("parent", f"there is no comment {parent_id} to reply to on this paper")
    depth, above = 1, parent.parent_id
    while above is not None:
        depth += 1
        above = conn.execute(select(comments.c.parent_id).where(comments.c.id == above)).scalar()
    return parent.parent_id if depth >= MAX_DEPTH else parent_id


def _drop_emptied_ancestors(conn: Connection, comment_id: int | None) -> None:
    """Deleted placeholders whose last reply just went have nothing left to hold."""
    while comment_id is not None:
        row = _comment_row(conn, comment_id)
        if row is None or row.deleted_at is None or conn.execute(
                select(exists().where(comments.c.parent_id == comment_id))).scalar():
            return
        conn.execute(delete(comments).where(comments.c.id == comment_id))
        comment_id = row.parent_id


def _recount(conn: Connection, paper: LockedPaper, policy: Policy) -> None:
    """num_comments and the trending score recomputed after comments left or came back."""
    shown = conn.execute(select(func.count()).where(comments.c.doc_id == paper.doc_id, *_shown_to_all())).scalar()
    score = scores.recomputed(conn, [paper.doc_id], policy.half_life_hours)[paper.doc_id]
    conn.execute(update(papers).where(papers.c.doc_id == paper.doc_id)
                 .values(num_comments=shown, trending_score=score))


def _set_hidden(db: Engine, policy: Policy, viewer: Member | None, comment_id: int, hide: bool,
                reason: str, now: datetime) -> None:
    moderator = policy.require_moderator(viewer)
    reason = clean_line(reason, "reason", REPORT_REASON_MAX_CHARS)
    with db.begin() as conn:
        paper, row = _lock_comment(conn, comment_id)
        if row is None or row.deleted_at is not None:
            raise NotFound("no such comment")
        if (row.hidden_at is not None) == hide:
            return  # already so: nothing to do, nothing to log
        conn.execute(update(comments).where(comments.c.id == comment_id).values(
            hidden_at=now if hide else None, hidden_by=moderator.id if hide else None))
        if hide:
            conn.execute(update(comment_reports).where(comment_reports.c.comment_id == comment_id,
                                                       comment_reports.c.resolved_at.is_(None))
                         .values(resolved_at=now))
        _recount(conn, paper, policy)
        audit.record(conn, moderator, "comment.hide" if hide else "comment.restore", "comment", comment_id,
                     {"doc_id": paper.doc_id, "author_id": row.user_id, "reason": reason}, now)


def _comment(row: Row, username: str | None, viewer: Member | None, shown: bool = True) -> Comment:
    deleted = row.deleted_at is not None
    visible = shown and not deleted
    return Comment(
        id=row.id, doc_id=row.doc_id, parent_id=row.parent_id,
        author=username if visible else None,
        body=row.body if visible else "", body_html=row.body_html if visible else "",
        created_at=as_utc(row.created_at), edited_at=as_utc(row.edited_at) if row.edited_at else None,
        deleted=deleted, hidden=row.hidden_at is not None,
        mine=visible and viewer is not None and row.user_id == viewer.id,
    )


def _without_empty_branches(nodes: list[Comment]) -> list[Comment]:
    kept = []
    for node in nodes:
        node.replies = _without_empty_branches(node.replies)
        if node.body_html or node.replies:
            kept.append(node)
    return kept
