"""Composing the digests that are due into the outbox: once per subscription and period.

Each digest is built whole (sections, the rendered MIME message with its stable Message-ID
and List-Unsubscribe headers) and written with the papers it lists in the same transaction,
STORE_BATCH digests to a transaction: a crash loses at most the few composed since the last
write, which nothing has sent and the next run composes again. The outbox's unique key
(subscription, kind, period) makes a second run of the same period add nothing, however the
runs interleave; nothing is sent here (deliver.py sends). A digest with no papers is not
composed: the next period's window then reaches back to cover it.

Reads are batched over chunks of subscriptions (members, their follows, signals and saved
searches, what was composed, what was sent) so that the cost per reader is that of its
sections' own queries.
"""

from __future__ import annotations

import hashlib
import hmac
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from multiprocessing import get_context

from sqlalchemy import Engine, func, select
from sqlalchemy.dialects import postgresql, sqlite
from threadpoolctl import threadpool_limits

from paperwire.accounts.members import member_from_row
from paperwire.accounts.secret import site_secret
from paperwire.accounts.timestamps import as_utc
from paperwire.accounts.users import member_by_username
from paperwire.community.comments import replied_to
from paperwire.community.rules import Policy
from paperwire.community.writes import inserted_key
from paperwire.config import Settings
from paperwire.digest.links import list_unsubscribe_headers, unsubscribe_token, unsubscribe_url
from paperwire.digest.render import render_digest
from paperwire.digest.schedule import Period, current_period, due_period, listing_window, local_now
from paperwire.digest.sections import Reader, Section, Sources, compose_sections
from paperwire.digest.subscriptions import Subscription, active_subscriptions
from paperwire.mail.addresses import shown_value
from paperwire.mail.message import InvalidMessage, build_message, message_text, sender
from paperwire.rank.signals import readers_signals
from paperwire.reader.follows import followed_by
from paperwire.reader.saved_searches import of_members
from paperwire.store.people_schema import users
from paperwire.store.reader_schema import digest_papers, outbox
from paperwire.store.schema import papers

CHUNK = 500  # subscriptions whose rows are read together
STORE_BATCH = 20  # digests written in one transaction (each commit cost half a millisecond)
PROCESSES_ABOVE = CHUNK  # fewer due digests than this are composed here, whatever ``jobs`` says


class UnknownReader(LookupError):
    """``--user NAME`` names no account with an active digest subscription."""


@dataclass(frozen=True)
class Composed:
    """A digest as composed (or, in a dry run, as it would be)."""

    subscription_id: int
    to_address: str
    period_key: str
    subject: str
    sections: tuple[tuple[str, int], ...]  # (section, papers)


@dataclass(frozen=True)
class _Ready:
    """A composed digest, not yet written."""

    summary: Composed
    subscription: Subscription
    period: Period
    message_id: str
    message: str
    sections: list[Section]


@dataclass
class ComposeReport:
    composed: list[Composed] = field(default_factory=list)
    empty: int = 0  # due, but nothing new: not composed
    already: int = 0  # this period's digest was composed before
    errors: list[str] = field(default_factory=list)  # "subscription 12: why", nothing written for it

    def add(self, other: "ComposeReport") -> None:
        self.composed += other.composed
        self.empty += other.empty
        self.already += other.already
        self.errors += other.errors


def message_id(settings: Settings, secret_key: str, subscription_id: int, kind: str, key: str) -> str:
    """The digest's Message-ID, the same whenever it is made again: a copy is recognisably the
    same message. The HMAC keeps outsiders from forging one that looks like the site's."""
    name = f"{subscription_id}.{kind}.{key}"
    mac = hmac.new(secret_key.encode(), f"digest-message-id:{name}".encode(), hashlib.sha256).hexdigest()[:16]
    return f"<digest.{name}.{mac}@{sender(settings).domain}>"


def compose_due(db: Engine, settings: Settings, search, *, now: datetime, period: str | None = None,
                user: str | None = None, dry_run: bool = False, jobs: int = 1) -> ComposeReport:
    """Compose every digest due at ``now`` (``period``: daily or weekly ones only). With
    ``user`` (a username): that reader's digest for their current period at once, whatever
    their hour, still once per period. ``dry_run``: compose, report, write nothing. ``jobs``:
    processes composing at once (each with its own connections and view of the indexes)."""
    user_id = None
    if user is not None:
        member = member_by_username(db, user)
        if member is None:
            raise UnknownReader(f"no account named {shown_value(user)}")
        user_id = member.id
    subscriptions = active_subscriptions(db, period=period, user_id=user_id)
    if user is not None and not subscriptions:
        which = f"{period} " if period else ""
        raise UnknownReader(f"{user} has no active {which}digest subscription "
                            f"(subscribe with `paperwire digest subscribe {user} --period daily`)")
    due = [(s, _period_of(s, now, at_once=user is not None)) for s in subscriptions]
    due = [(s, p) for s, p in due if p is not None]
    if jobs > 1 and len(due) > PROCESSES_ABOVE:
        return _compose_in_processes(db, settings, due, now, dry_run, jobs)
    return _compose_all(db, settings, search, due, now, dry_run)


def _compose_all(db: Engine, settings: Settings, search, due: list[tuple[Subscription, Period]], now: datetime,
                 dry_run: bool) -> ComposeReport:
    secret = site_secret(settings)
    sources = Sources(db, settings, Policy(settings), search)
    report = ComposeReport()
    for start in range(0, len(due), CHUNK):
        _compose_chunk(db, settings, secret, sources, due[start:start + CHUNK], now, dry_run, report)
    return report


def _compose_in_processes(db: Engine, settings: Settings, due: list[tuple[Subscription, Period]], now: datetime,
                          dry_run: bool, jobs: int) -> ComposeReport:
    """``due`` dealt out to ``jobs`` fresh processes (spawned: nothing of this one's connections or
    threads is inherited), one share each. The outbox's unique key keeps every digest single
    whatever they do; each share's report comes back and joins the others."""
    shares = [due[n::jobs] for n in range(jobs)]
    url = db.url.render_as_string(hide_password=False)
    report = ComposeReport()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        for part in pool.map(_compose_share, [url] * jobs, [settings] * jobs, shares, [now] * jobs, [dry_run] * jobs):
            report.add(part)
    return report


def _compose_share(url: str, settings: Settings, due: list[tuple[Subscription, Period]], now: datetime,
                   dry_run: bool) -> ComposeReport:
    from paperwire.search.backends import open_search
    from paperwire.store import open_catalog

    catalog = open_catalog(url)
    # One BLAS thread each: composers are as many as the cores, and BLAS threads (a core each,
    # spinning while they wait) would only take turns with the other composers' (10,000
    # readers on 2 cores: 443 s with them, 108 s without).
    try:
        with threadpool_limits(limits=1, user_api="blas"):
            return _compose_all(catalog.engine, settings, open_search(settings, catalog), due, now, dry_run)
    finally:
        catalog.engine.dispose()


def _period_of(subscription: Subscription, now: datetime, *, at_once: bool) -> Period | None:
    if at_once:
        return current_period(subscription.period, subscription.timezone, now)
    return due_period(subscription.period, subscription.hour, subscription.weekday, subscription.timezone, now)


def _compose_chunk(db: Engine, settings: Settings, secret: str, sources: Sources,
                   due: list[tuple[Subscription, Period]], now: datetime, dry_run: bool,
                   report: ComposeReport) -> None:
    ids = [s.id for s, _ in due]
    with db.connect() as conn:
        composed = {tuple(row) for row in conn.execute(select(outbox.c.subscription_id, outbox.c.kind, outbox.c.period_key).where(
            outbox.c.subscription_id.in_(ids), outbox.c.period_key.in_({p.key for _, p in due})))}
        previous = dict(conn.execute(select(outbox.c.subscription_id, func.max(outbox.c.created_at)).where(
            outbox.c.subscription_id.in_(ids), outbox.c.status != "cancelled").group_by(outbox.c.subscription_id)
        ).all())
        user_ids = [s.user_id for s, _ in due if s.user_id is not None]
        members = {row["id"]: member_from_row(row)
                   for row in conn.execute(select(users).where(users.c.id.in_(user_ids))).mappings()}
        windows = {}
        for subscription, period in due:
            last = as_utc(previous[subscription.id]) if subscription.id in previous else None
            last_day = local_now(subscription.timezone, last).date() if last else None
            windows[subscription.id] = listing_window(period, last_day, last, now)
        earliest = min((w.since for w in windows.values()), default=date.max)
        sent: dict[int, set[int]] = {}
        for subscription_id, doc_id in conn.execute(
                select(digest_papers.c.subscription_id, digest_papers.c.doc_id)
                .join(papers, papers.c.doc_id == digest_papers.c.doc_id)
                .where(digest_papers.c.subscription_id.in_(ids), papers.c.listing_date >= earliest)):
            sent.setdefault(subscription_id, set()).add(doc_id)
    follows, signals, searches = followed_by(db, members), readers_signals(db, members), of_members(db, members)
    replied = replied_to(db, members, since=min((w.replies_since for w in windows.values()), default=now))
    ready: list[_Ready] = []
    for subscription, period in due:
        if (subscription.id, period.kind, period.key) in composed:
            report.already += 1
            continue
        member = members.get(subscription.user_id) if subscription.user_id is not None else None
        if subscription.user_id is not None and (member is None or member.disabled):
            continue  # an account being deleted, or disabled by a moderator: nothing goes out
        reader = Reader(subscription, member, windows[subscription.id], frozenset(sent.get(subscription.id, ())),
                        follows.get(subscription.user_id), signals.get(subscription.user_id),
                        tuple(searches.get(subscription.user_id, ())), subscription.user_id in replied)
        try:
            digest = _compose_one(settings, secret, sources, reader, period)
        except InvalidMessage as error:
            report.errors.append(f"subscription {subscription.id}: {error}")
            continue
        if digest is None:
            report.empty += 1
        elif dry_run:
            report.composed.append(digest.summary)
        else:
            ready.append(digest)
            if len(ready) == STORE_BATCH:
                _store(db, ready, now, report)
                ready = []
    if ready:
        _store(db, ready, now, report)


def _compose_one(settings: Settings, secret: str, sources: Sources, reader: Reader, period: Period) -> _Ready | None:
    """The reader's digest for ``period``, or None when it would have no papers."""
    sections = compose_sections(sources, reader)
    if not sections:
        return None
    subscription = reader.subscription
    link = unsubscribe_url(settings, unsubscribe_token(secret, subscription.id, subscription.email))
    rendered = render_digest(settings, period, sections, link)
    mid = message_id(settings, secret, subscription.id, period.kind, period.key)
    message = build_message(settings, subscription.email, rendered.subject, rendered.text, rendered.html,
                            headers=list_unsubscribe_headers(link), message_id=mid)
    summary = Composed(subscription.id, subscription.email, period.key, rendered.subject,
                       tuple((s.name, len(s.papers)) for s in sections))
    return _Ready(summary, subscription, period, mid, message_text(message), sections)


def _store(db: Engine, ready: list[_Ready], now: datetime, report: ComposeReport) -> None:
    """Write these digests, each with its papers, in one transaction; one whose period's digest is
    there already (another composer was first) is counted as such and left out."""
    with db.begin() as conn:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        for digest in ready:
            subscription, period = digest.subscription, digest.period
            new = inserted_key(conn, outbox, {
                "subscription_id": subscription.id, "kind": period.kind, "period_key": period.key,
                "to_address": subscription.email, "message_id": digest.message_id, "message": digest.message,
                "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now})
            if new is None:
                report.already += 1
                continue
            (outbox_id,) = new
            # DO NOTHING: a paper another period's composer recorded for this reader meanwhile stays its.
            conn.execute(dialect.insert(digest_papers).on_conflict_do_nothing(), [
                {"subscription_id": subscription.id, "doc_id": listed.paper.doc_id, "outbox_id": outbox_id,
                 "section": section.name} for section in digest.sections for listed in section.papers])
            report.composed.append(digest.summary)
