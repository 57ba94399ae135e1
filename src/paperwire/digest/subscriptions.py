"""Who gets which digest: visitors who gave only an address, members, and unsubscribing.

One subscription per address (``digest_subscriptions``). A visitor's starts unconfirmed and
nothing is sent until the link mailed to the address is followed (double opt-in); it is the
daily trending digest. A member's is confirmed when their address is verified (accounts made
where no mail is sent count as verified, and no digest can go there anyway), and follows the
account: see :mod:`paperwire.accounts.subscription_address`. Unsubscribing by the signed link in
every digest is honoured at once and cancels what the outbox still holds for it.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Iterable, Sequence
from zoneinfo import available_timezones

from sqlalchemy import Engine, select, update
from sqlalchemy.engine import Connection, RowMapping

from paperwire.accounts.links import LinkInvalid
from paperwire.accounts.members import Member
from paperwire.accounts.timestamps import as_utc, utc_now
from paperwire.community.errors import Invalid, NotFound
from paperwire.community.rules import Policy
from paperwire.community.writes import insert_new
from paperwire.config import Settings
from paperwire.digest.links import load_confirm_token, load_unsubscribe_token
from paperwire.mail.addresses import InvalidAddress, check_address, shown_value
from paperwire.store.people_schema import users
from paperwire.store.reader_schema import digest_subscriptions, outbox

SECTIONS = ("trending", "for-you", "authors", "searches", "replies")  # a visitor without an account gets "trending" only
VISITOR_SECTIONS = ("trending",)
PERIODS = ("daily", "weekly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index = the weekday column (0 = Monday)
DEFAULT_TIMEZONE = "UTC"
MAX_TIMEZONE_LENGTH = 64  # the column's width; no IANA name comes close


@dataclass(frozen=True)
class Subscription:
    """A row of digest_subscriptions, as composing (and the settings page) needs it."""

    id: int
    user_id: int | None
    email: str
    period: str
    hour: int
    weekday: int
    timezone: str
    sections: tuple[str, ...]
    confirmed: bool
    active: bool  # confirmed, not unsubscribed, not undeliverable
    unsubscribed: bool = False
    undeliverable_reason: str | None = None  # set when the mail server refused the address for good
    undeliverable_at: datetime | None = None


@dataclass(frozen=True)
class DigestChoice:
    """What a member chooses on the settings page (checked by :func:`check_choice`)."""

    period: str
    hour: int
    timezone: str
    weekday: int
    sections: tuple[str, ...]


# ---- what composing asks ------------------------------------------------------------------

def active_subscriptions(db: Engine, *, period: str | None = None, user_id: int | None = None) -> list[Subscription]:
    """Subscriptions a digest may go to now (confirmed, not unsubscribed, not undeliverable), by id."""
    query = select(digest_subscriptions).where(
        digest_subscriptions.c.confirmed_at.is_not(None), digest_subscriptions.c.unsubscribed_at.is_(None),
        digest_subscriptions.c.undeliverable_at.is_(None)).order_by(digest_subscriptions.c.id)
    if period is not None:
        query = query.where(digest_subscriptions.c.period == check_period(period))
    if user_id is not None:
        query = query.where(digest_subscriptions.c.user_id == user_id)
    with db.connect() as conn:
        return [_subscription(row) for row in conn.execute(query).mappings()]


def mark_undeliverable(db: Engine, subscription_id: int, reason: str) -> None:
    """The mail server refused this address for good (5xx): nothing more is composed for it
    until its owner subscribes (and confirms) again."""
    with db.begin() as conn:
        conn.execute(update(digest_subscriptions).where(digest_subscriptions.c.id == subscription_id)
                     .values(undeliverable_at=utc_now(), undeliverable_reason=reason[:1000]))


# ---- the signed links -----------------------------------------------------------------------

def unsubscribe_by_token(db: Engine, secret_key: str, token: str) -> Subscription:
    """Unsubscribe the subscription an unsubscribe link names, at once (idempotent), and cancel
    the digests the outbox still holds for it. LinkInvalid for an altered link or one made for
    an address the subscription no longer has; NotFound when it is gone."""
    subscription_id, email_key = load_unsubscribe_token(secret_key, token)
    with db.begin() as conn:
        _row_for_link(conn, subscription_id, email_key, "unsubscribe")
        _unsubscribe(conn, subscription_id)
        return _subscription(_row(conn, subscription_id))


def subscription_for_unsubscribe_link(db: Engine, secret_key: str, token: str) -> Subscription:
    """The subscription an unsubscribe link names (for its page), changing nothing."""
    subscription_id, email_key = load_unsubscribe_token(secret_key, token)
    with db.connect() as conn:
        return _subscription(_row_for_link(conn, subscription_id, email_key, "unsubscribe"))


def confirm_by_token(db: Engine, secret_key: str, token: str) -> Subscription:
    """Follow a confirmation link: the address is proven, so the subscription is on again
    (unsubscribed or undeliverable before) and, when a verified member has this address and
    no subscription, it becomes theirs. LinkExpired / LinkInvalid for a bad link."""
    subscription_id, email_key = load_confirm_token(secret_key, token)
    with db.begin() as conn:
        row = _row_for_link(conn, subscription_id, email_key, "confirmation")
        values = {"confirmed_at": row["confirmed_at"] or utc_now(), "unsubscribed_at": None,
                  "undeliverable_at": None, "undeliverable_reason": None}
        owner = _verified_owner_without_subscription(conn, row["email_key"]) if row["user_id"] is None else None
        if owner is not None:
            values["user_id"] = owner
        conn.execute(update(digest_subscriptions).where(digest_subscriptions.c.id == subscription_id).values(values))
        return _subscription(_row(conn, subscription_id))


# ---- visitors -------------------------------------------------------------------------------

def request_subscription(db: Engine, settings: Settings, email: object) -> Subscription:
    """A visitor asks for the digest at ``email``: the subscription the confirmation link is to
    be mailed for, made unconfirmed when the address has none. An address that has one changes
    nothing here (the link turns it on again): the caller answers the same either way, so no
    one learns who subscribes. Invalid("email") for an address that cannot be used."""
    address = check_email(email)
    now = utc_now()
    with db.begin() as conn:
        insert_new(conn, digest_subscriptions, {
            "user_id": None, "email": address, "email_key": address.lower(), "period": "daily",
            "hour": settings.digest_hour, "weekday": 0, "timezone": DEFAULT_TIMEZONE,
            "sections": list(VISITOR_SECTIONS), "created_at": now})
        found = conn.execute(select(digest_subscriptions).where(
            digest_subscriptions.c.email_key == address.lower())).mappings().one()
        return _subscription(found)


# ---- members --------------------------------------------------------------------------------

def subscription_of(db: Engine, policy: Policy, viewer: Member | None) -> Subscription | None:
    """The viewer's own subscription, unsubscribed ones too; None when they never had one."""
    member = policy.require_member(viewer)
    with db.connect() as conn:
        row = conn.execute(select(digest_subscriptions).where(
            digest_subscriptions.c.user_id == member.id)).mappings().first()
    return _subscription(row) if row else None


def subscribe_member(db: Engine, policy: Policy, viewer: Member | None, choice: DigestChoice) -> Subscription:
    """Make or change the viewer's subscription (subscribed again when it was not), to their
    account's address; confirmed when that address is verified. A visitor's subscription at
    that address (one not yet taken over) becomes theirs, with these choices."""
    member = policy.require_member(viewer)
    choice = check_choice(choice)
    with db.begin() as conn:
        account = conn.execute(select(users.c.email, users.c.email_key, users.c.email_verified_at)
                               .where(users.c.id == member.id)).first()
        if account is None:
            raise NotFound("no such member")
        now = utc_now()
        chosen = {"period": choice.period, "hour": choice.hour, "weekday": choice.weekday,
                  "timezone": choice.timezone, "sections": list(choice.sections), "unsubscribed_at": None}
        verified = account.email_verified_at is not None
        mine = conn.execute(select(digest_subscriptions.c.id, digest_subscriptions.c.confirmed_at).where(
            (digest_subscriptions.c.user_id == member.id)
            | ((digest_subscriptions.c.email_key == account.email_key) & digest_subscriptions.c.user_id.is_(None)))
            .order_by(digest_subscriptions.c.user_id.is_(None))).first()  # the member's own first
        if mine is None:
            insert_new(conn, digest_subscriptions, {
                "user_id": member.id, "email": account.email, "email_key": account.email_key, "created_at": now,
                "confirmed_at": now if verified else None, **chosen})
        else:
            confirmed = mine.confirmed_at or (now if verified else None)
            conn.execute(update(digest_subscriptions).where(digest_subscriptions.c.id == mine.id).values(
                user_id=member.id, confirmed_at=confirmed, **chosen))
        row = conn.execute(select(digest_subscriptions).where(
            digest_subscriptions.c.user_id == member.id)).mappings().one()
        return _subscription(row)


def unsubscribe_member(db: Engine, policy: Policy, viewer: Member | None) -> Subscription:
    """The viewer's subscription, unsubscribed (and its waiting digests cancelled); NotFound without one."""
    member = policy.require_member(viewer)
    with db.begin() as conn:
        row = conn.execute(select(digest_subscriptions.c.id).where(
            digest_subscriptions.c.user_id == member.id)).first()
        if row is None:
            raise NotFound("you have no digest subscription")
        _unsubscribe(conn, row.id)
        return _subscription(_row(conn, row.id))


def all_subscriptions(db: Engine) -> list[tuple[Subscription, str | None]]:
    """Every subscription with its member's username (None for a visitor's), by id: for admins."""
    query = (select(digest_subscriptions, users.c.username)
             .select_from(digest_subscriptions.outerjoin(users, users.c.id == digest_subscriptions.c.user_id))
             .order_by(digest_subscriptions.c.id))
    with db.connect() as conn:
        return [(_subscription(row), row["username"]) for row in conn.execute(query).mappings()]


# ---- checking what is chosen ----------------------------------------------------------------

def check_email(email: object) -> str:
    try:
        return check_address(email.strip() if isinstance(email, str) else email)
    except InvalidAddress as error:
        raise Invalid("email", str(error)) from None


def check_period(period: object) -> str:
    if period not in PERIODS:
        raise Invalid("period", f"{shown_value(period)} is not one of {', '.join(PERIODS)}")
    return period


def check_choice(choice: DigestChoice) -> DigestChoice:
    """``choice`` with its sections in the usual order, or Invalid naming the field at fault."""
    check_period(choice.period)
    if isinstance(choice.hour, bool) or not isinstance(choice.hour, int) or not 0 <= choice.hour <= 23:
        raise Invalid("hour", f"{shown_value(choice.hour)} is not an hour from 0 to 23")
    if isinstance(choice.weekday, bool) or not isinstance(choice.weekday, int) or not 0 <= choice.weekday <= 6:
        raise Invalid("weekday", f"{shown_value(choice.weekday)} is not a weekday from 0 (Monday) to 6 (Sunday)")
    return DigestChoice(choice.period, choice.hour, check_timezone(choice.timezone), choice.weekday,
                        check_sections(choice.sections))


def check_timezone(name: object) -> str:
    if not isinstance(name, str) or len(name) > MAX_TIMEZONE_LENGTH or name not in known_timezones():
        raise Invalid("timezone", f"{shown_value(name)} is not a time zone name such as Europe/Berlin or UTC")
    return name


def check_sections(sections: Iterable[object]) -> tuple[str, ...]:
    chosen = set()
    for section in sections:
        if section not in SECTIONS:
            raise Invalid("sections", f"{shown_value(section)} is not one of {', '.join(SECTIONS)}")
        chosen.add(section)
    if not chosen:
        raise Invalid("sections", "choose at least one section (or unsubscribe)")
    return tuple(section for section in SECTIONS if section in chosen)


def weekday_number(name: object) -> int:
    """0-6 for "mon".."sun" (any case), as the CLI and forms name them."""
    key = name.lower() if isinstance(name, str) else name
    if key not in WEEKDAYS:
        raise Invalid("weekday", f"{shown_value(name)} is not one of {', '.join(WEEKDAYS)}")
    return WEEKDAYS.index(key)


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    """The IANA zone names (from the tzdata package where the system has none)."""
    return frozenset(available_timezones())


# ---- rows -----------------------------------------------------------------------------------

def _row(conn: Connection, subscription_id: int) -> RowMapping:
    return conn.execute(select(digest_subscriptions).where(
        digest_subscriptions.c.id == subscription_id)).mappings().one()


def _row_for_link(conn: Connection, subscription_id: int, email_key: str, kind: str) -> RowMapping:
    row = conn.execute(select(digest_subscriptions).where(
        digest_subscriptions.c.id == subscription_id)).mappings().first()
    if row is None:
        raise NotFound("this subscription no longer exists: nothing more is sent to its address")
    if not hmac.compare_digest(row["email_key"], str(email_key)):
        raise LinkInvalid(f"this {kind} link was made for another e-mail address")
    return row


def _unsubscribe(conn: Connection, subscription_id: int) -> None:
    conn.execute(update(digest_subscriptions).where(digest_subscriptions.c.id == subscription_id,
                                                    digest_subscriptions.c.unsubscribed_at.is_(None))
                 .values(unsubscribed_at=utc_now()))
    conn.execute(update(outbox).where(outbox.c.subscription_id == subscription_id, outbox.c.status == "pending")
                 .values(status="cancelled"))


def _verified_owner_without_subscription(conn: Connection, email_key: str) -> int | None:
    taken = select(digest_subscriptions.c.user_id).where(digest_subscriptions.c.user_id.is_not(None))
    return conn.execute(select(users.c.id).where(
        users.c.email_key == email_key, users.c.email_verified_at.is_not(None), users.c.id.not_in(taken))).scalar()


def _subscription(row: RowMapping) -> Subscription:
    confirmed = row["confirmed_at"] is not None
    unsubscribed = row["unsubscribed_at"] is not None
    undeliverable_at = as_utc(row["undeliverable_at"]) if row["undeliverable_at"] else None
    sections: Sequence[str] = row["sections"] or ()
    return Subscription(
        id=row["id"], user_id=row["user_id"], email=row["email"], period=row["period"], hour=row["hour"],
        weekday=row["weekday"], timezone=row["timezone"], sections=tuple(s for s in SECTIONS if s in sections),
        confirmed=confirmed, active=confirmed and not unsubscribed and undeliverable_at is None,
        unsubscribed=unsubscribed, undeliverable_reason=row["undeliverable_reason"],
        undeliverable_at=undeliverable_at)
