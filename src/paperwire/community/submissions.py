"""Submissions: a member puts a paper on today's daily list, by arXiv id or any arXiv URL.

A paper the catalog does not hold yet is fetched from the arXiv API first (``fetch_unknown``,
see :func:`arxiv_fetcher`). The rules (policy): papers at most submission_max_age_days old,
each paper submitted once, submissions_per_day per member (moderators exempt), and
who_may_submit. The submitter and their one-line comment show on the paper's card and in
the Hugging Face-compatible API (submittedBy, submittedOnDailyBy, submittedOnDailyAt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable, Iterable

from sqlalchemy import Engine, bindparam, exists, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.community import audit, scores, trending
from paperwire.community.comments import DELETED_USER
from paperwire.community.errors import Conflict, Invalid, NotAllowed, NotFound, Unavailable
from paperwire.community.rules import Policy
from paperwire.community.text import clean_line
from paperwire.community.writes import lock_paper
from paperwire.config import Settings
from paperwire.harvest.errors import HarvestError
from paperwire.paper import InvalidPaper, parse_arxiv_id
from paperwire.store import Catalog, StoredPaper
from paperwire.store.people_schema import authorship_claims, submissions, users
from paperwire.store.schema import papers

COMMENT_MAX_CHARS = 280
FETCH_TIMEOUT_S = 20.0  # a member is waiting: one quick try, not a harvester's patient retries

# Fetches one paper from arXiv into the catalog: None when arXiv has no such paper,
# HarvestError when arXiv cannot be reached.
FetchUnknown = Callable[[str], "StoredPaper | None"]

# What arXiv URLs carry beyond the id: a query or fragment, a trailing slash, the HTML view.
_URL_TAIL = re.compile(r"[?#].*$|/+$")
_HTML_VIEW = re.compile(r"^(https?://(?:www\.)?arxiv\.org/)html/", re.IGNORECASE)


@dataclass(frozen=True)
class Submission:
    doc_id: int
    submitter: str  # username, or "deleted user"
    comment: str | None
    submitted_at: datetime
    day: date  # the daily list it is featured on


def submit(db: Engine, policy: Policy, viewer: Member | None, paper_ref: str, comment: str | None,
           fetch_unknown: FetchUnknown, *, now: datetime | None = None) -> Submission:
    """Feature a paper on today's list (UTC) as submitted by ``viewer``."""
    member = policy.require_participant(viewer, "submit papers")
    arxiv_id = arxiv_id_of(paper_ref)
    comment = clean_line(comment or "", "comment", COMMENT_MAX_CHARS) or None
    now = now or utc_now()
    today = now.date()
    with db.connect() as conn:  # before fetching anything for a refused member
        _check_submitter(conn, policy, member, today)
    paper = _known_or_fetched(Catalog(db), arxiv_id, fetch_unknown)
    policy.require_recent_paper(paper.paper.listing_date or paper.paper.published_date, today)
    try:
        with db.begin() as conn:
            locked = lock_paper(conn, paper.doc_id)
            # Again, holding the member's row: two submissions at once cannot both take the last place.
            conn.execute(select(users.c.id).where(users.c.id == member.id).with_for_update())
            _check_submitter(conn, policy, member, today)
            _check_not_submitted(conn, paper.doc_id)
            conn.execute(insert(submissions).values(doc_id=paper.doc_id, user_id=member.id, comment=comment,
                                                    submitted_at=now, day=today))
            score = scores.with_event(locked, now, trending.SUBMISSION, policy.half_life_hours)
            conn.execute(update(papers).where(papers.c.doc_id == paper.doc_id).values(trending_score=score))
    except IntegrityError:  # submitted by someone else at the same moment
        with db.connect() as conn:
            _check_not_submitted(conn, paper.doc_id)
        raise
    return Submission(paper.doc_id, member.username, comment, now, today)


def remove_submission(db: Engine, policy: Policy, viewer: Member | None, doc_id: int, reason: str = "",
                      *, now: datetime | None = None) -> None:
    """A moderator takes a paper off the daily list it was submitted to; it cannot be submitted again."""
    moderator = policy.require_moderator(viewer)
    reason = clean_line(reason, "reason", COMMENT_MAX_CHARS)
    now = now or utc_now()
    with db.begin() as conn:
        locked = lock_paper(conn, doc_id)
        row = conn.execute(update(submissions).where(submissions.c.doc_id == doc_id, submissions.c.removed_at.is_(None))
                           .values(removed_at=now, removed_by=moderator.id)
                           .returning(submissions.c.user_id, submissions.c.day)).first()
        if row is None:
            raise NotFound("this paper has no submission to remove")
        scores.store_scores(conn, scores.recomputed(conn, [locked.doc_id], policy.half_life_hours))
        audit.record(conn, moderator, "submission.remove", "paper", doc_id,
                     {"submitter_id": row.user_id, "day": row.day.isoformat(), "reason": reason}, now)


# Built once, as every page of cards asks it (a statement built afresh pays its construction and cache key).
_STANDING = (select(submissions, users.c.username).outerjoin(users, users.c.id == submissions.c.user_id)
             .where(submissions.c.doc_id.in_(bindparam("doc_ids", expanding=True)), submissions.c.removed_at.is_(None)))


def submissions_for(db: Engine, doc_ids: Iterable[int]) -> dict[int, Submission]:
    """The standing submissions of ``doc_ids`` (for cards and the Hugging Face API), in one query."""
    doc_ids = list(doc_ids)
    if not doc_ids:
        return {}
    with db.connect() as conn:
        return {row.doc_id: Submission(row.doc_id, row.username or DELETED_USER, row.comment,
                                       as_utc(row.submitted_at), row.day)
                for row in conn.execute(_STANDING, {"doc_ids": doc_ids})}


def arxiv_id_of(paper_ref: object) -> str:
    """The canonical arXiv id in an id or URL (abs, pdf, html, versioned, old-style); Invalid otherwise."""
    if not isinstance(paper_ref, str) or not paper_ref.strip():
        raise Invalid("paper", "give an arXiv id or URL, e.g. 2601.01234 or https://arxiv.org/abs/2601.01234")
    text = _HTML_VIEW.sub(r"\1abs/", _URL_TAIL.sub("", paper_ref.strip()[:300]))
    try:
        return parse_arxiv_id(text)[0]
    except InvalidPaper:
        raise Invalid("paper", f"{paper_ref.strip()[:80]!r} is not an arXiv id or URL "
                               "(e.g. 2601.01234, hep-th/9901001 or https://arxiv.org/abs/2601.01234v2)") from None


def arxiv_fetcher(catalog: Catalog, settings: Settings) -> FetchUnknown:
    """``fetch_unknown`` for :func:`submit`: the site's arXiv API, one try with a short timeout."""
    from paperwire.harvest.api import fetch_paper
    from paperwire.harvest.http import PoliteClient, RetryPolicy

    def fetch(arxiv_id: str) -> StoredPaper | None:
        with PoliteClient(0, retry=RetryPolicy(max_retries=0), timeout_s=FETCH_TIMEOUT_S) as client:
            return fetch_paper(catalog, client, settings.arxiv_api_url, arxiv_id)

    return fetch


# ---- helpers ----------------------------------------------------------------------------

def _check_submitter(conn: Connection, policy: Policy, member: Member, today: date) -> None:
    start = datetime.combine(today, time(), tzinfo=timezone.utc)
    today_count = select(func.count()).select_from(submissions).where(
        submissions.c.user_id == member.id, submissions.c.submitted_at >= start,
        submissions.c.submitted_at < start + timedelta(days=1))
    claimed = select(exists().where(authorship_claims.c.user_id == member.id, authorship_claims.c.status == "approved"))
    policy.require_submit(member, submitted_today=conn.execute(today_count).scalar(),
                          has_verified_claim=conn.execute(claimed).scalar())


def _known_or_fetched(catalog: Catalog, arxiv_id: str, fetch_unknown: FetchUnknown) -> StoredPaper:
    paper = catalog.get(arxiv_id)
    if paper is None:
        try:
            paper = fetch_unknown(arxiv_id)
        except HarvestError as exc:
            raise Unavailable(f"arXiv cannot be reached right now ({exc}); try again in a few minutes") from None
        if paper is None:
            raise NotFound(f"arXiv has no paper {arxiv_id}; check the id")
    if paper.deleted:
        raise NotFound(f"paper {arxiv_id} has been withdrawn")
    return paper


def _check_not_submitted(conn: Connection, doc_id: int) -> None:
    found = conn.execute(select(submissions, users.c.username).outerjoin(users, users.c.id == submissions.c.user_id)
                         .where(submissions.c.doc_id == doc_id)).first()
    if found is None:
        return
    if found.removed_at is not None:
        raise NotAllowed("a moderator took this paper off the daily list; it cannot be submitted again")
    raise Conflict(f"already submitted by {found.username or DELETED_USER} on {found.day.isoformat()}")

