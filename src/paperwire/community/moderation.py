"""Moderation: the queue (reported comments, pending claims, recent submissions), dismissing
reports, disabling and enabling members, and the audit log that admins read.

Hiding and restoring comments live in comments.py, removing a submission in submissions.py,
deciding a claim in claims.py; each writes its audit entry in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, select, update

from paperwire.accounts import sessions
from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.community import audit
from paperwire.community.claims import Claim, pending_claims
from paperwire.community.comments import DELETED_USER, REPORT_REASON_MAX_CHARS
from paperwire.community.errors import NotAllowed, NotFound
from paperwire.community.rules import Policy
from paperwire.community.submissions import Submission
from paperwire.community.text import clean_line
from paperwire.store.people_schema import audit_log as audit_table
from paperwire.store.people_schema import comment_reports, comments, submissions, users
from paperwire.store.schema import papers

QUEUE_LENGTH = 50


@dataclass(frozen=True)
class ReportedComment:
    comment_id: int
    doc_id: int
    paper_id: str
    author: str
    body: str
    hidden: bool
    reports: int
    reasons: list[str]  # the open reports' reasons, oldest first
    first_reported_at: datetime


@dataclass(frozen=True)
class SubmittedPaper:
    submission: Submission
    paper_id: str
    title: str


@dataclass(frozen=True)
class Queue:
    reported: list[ReportedComment]
    claims: list[Claim]
    submissions: list[SubmittedPaper]  # the most recent first


@dataclass(frozen=True)
class AuditEntry:
    id: int
    actor: str
    action: str  # e.g. comment.hide, submission.remove, claim.approve, user.disable
    target_kind: str
    target_id: str
    detail: dict
    created_at: datetime


def queue(db: Engine, policy: Policy, viewer: Member | None, limit: int = QUEUE_LENGTH) -> Queue:
    """What waits for a moderator: comments with open reports (most reported first), claims, submissions."""
    policy.require_moderator(viewer)
    open_reports = comment_reports.c.resolved_at.is_(None)
    reported = (select(comment_reports.c.comment_id, func.count().label("reports"),
                       func.min(comment_reports.c.created_at).label("first_at"))
                .where(open_reports).group_by(comment_reports.c.comment_id)
                .order_by(func.count().desc(), func.min(comment_reports.c.created_at)).limit(limit).subquery())
    with db.connect() as conn:
        rows = conn.execute(
            select(reported, comments.c.doc_id, comments.c.body, comments.c.hidden_at, papers.c.id.label("paper_id"),
                   users.c.username)
            .join(comments, comments.c.id == reported.c.comment_id)
            .join(papers, papers.c.doc_id == comments.c.doc_id)
            .outerjoin(users, users.c.id == comments.c.user_id)
            .order_by(reported.c.reports.desc(), reported.c.first_at)).all()
        reasons: dict[int, list[str]] = {}
        for comment_id, reason in conn.execute(
                select(comment_reports.c.comment_id, comment_reports.c.reason)
                .where(open_reports, comment_reports.c.comment_id.in_([r.comment_id for r in rows]))
                .order_by(comment_reports.c.id)):
            reasons.setdefault(comment_id, []).append(reason)
        recent = conn.execute(
            select(submissions, users.c.username, papers.c.id.label("paper_id"), papers.c.title)
            .join(papers, papers.c.doc_id == submissions.c.doc_id)
            .outerjoin(users, users.c.id == submissions.c.user_id)
            .where(submissions.c.removed_at.is_(None))
            .order_by(submissions.c.submitted_at.desc(), submissions.c.id.desc()).limit(limit)).all()
    return Queue(
        reported=[ReportedComment(r.comment_id, r.doc_id, r.paper_id, r.username or DELETED_USER, r.body,
                                  r.hidden_at is not None, r.reports, reasons.get(r.comment_id, []),
                                  as_utc(r.first_at)) for r in rows],
        claims=pending_claims(db, policy, viewer, limit),
        submissions=[SubmittedPaper(Submission(r.doc_id, r.username or DELETED_USER, r.comment,
                                               as_utc(r.submitted_at), r.day), r.paper_id, r.title) for r in recent],
    )


def dismiss_reports(db: Engine, policy: Policy, viewer: Member | None, comment_id: int, reason: str = "",
                    *, now: datetime | None = None) -> int:
    """The comment may stay: its open reports are resolved without hiding it. How many were resolved."""
    moderator = policy.require_moderator(viewer)
    reason = clean_line(reason, "reason", REPORT_REASON_MAX_CHARS)
    now = now or utc_now()
    with db.begin() as conn:
        resolved = conn.execute(update(comment_reports).where(comment_reports.c.comment_id == comment_id,
                                                              comment_reports.c.resolved_at.is_(None))
                                .values(resolved_at=now)).rowcount
        if not resolved:
            raise NotFound("this comment has no open reports")
        audit.record(conn, moderator, "comment.reports_dismissed", "comment", comment_id,
                     {"reports": resolved, "reason": reason}, now)
    return resolved


def disable_member(db: Engine, policy: Policy, viewer: Member | None, user_id: int, reason: str = "",
                   *, now: datetime | None = None) -> None:
    """The member can no longer sign in or act, and their sessions end. Moderators disable
    members; only admins disable moderators and admins; nobody disables themselves."""
    _set_disabled(db, policy, viewer, user_id, True, reason, now or utc_now())
    sessions.end_all_sessions(db, user_id)  # they already fail to authenticate; this tidies up


def enable_member(db: Engine, policy: Policy, viewer: Member | None, user_id: int, reason: str = "",
                  *, now: datetime | None = None) -> None:
    _set_disabled(db, policy, viewer, user_id, False, reason, now or utc_now())


def audit_log(db: Engine, policy: Policy, viewer: Member | None, *, limit: int = 50,
              offset: int = 0) -> tuple[list[AuditEntry], int]:
    """Every moderator action, newest first, and how many there are in all: for admins only."""
    policy.require_admin(viewer)
    page = (select(audit_table).order_by(audit_table.c.id.desc())
            .limit(bindparam("page_limit", int(limit), literal_execute=True))
            .offset(bindparam("page_offset", int(offset), literal_execute=True)))
    with db.connect() as conn:
        rows = conn.execute(page).all()
        total = conn.execute(select(func.count()).select_from(audit_table)).scalar()
    return [AuditEntry(r.id, r.actor_name, r.action, r.target_kind, r.target_id, r.detail, as_utc(r.created_at))
            for r in rows], total


def _set_disabled(db: Engine, policy: Policy, viewer: Member | None, user_id: int, disable: bool,
                  reason: str, now: datetime) -> None:
    moderator = policy.require_moderator(viewer)
    reason = clean_line(reason, "reason", REPORT_REASON_MAX_CHARS)
    if user_id == moderator.id:
        raise NotAllowed("you cannot disable or enable your own account")
    with db.begin() as conn:
        target = conn.execute(select(users.c.username, users.c.role, users.c.disabled_at)
                              .where(users.c.id == user_id)).first()
        if target is None:
            raise NotFound("no such member")
        if target.role != "member" and not moderator.is_admin:
            raise NotAllowed("only administrators can disable or enable moderators and administrators")
        if (target.disabled_at is not None) == disable:
            return  # already so: nothing to do, nothing to log
        # The same change as accounts.users.disable/enable, made here so that it and its audit
        # entry commit together.
        conn.execute(update(users).where(users.c.id == user_id).values(disabled_at=now if disable else None))
        audit.record(conn, moderator, "user.disable" if disable else "user.enable", "user", user_id,
                     {"username": target.username, "reason": reason}, now)
