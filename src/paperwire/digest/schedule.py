"""When a reader's digest is due, which period it is for, and which listing days it covers.

Pure: every function takes the moment to judge (aware, any zone) and answers the same for
the same arguments.

A digest belongs to a period of the reader's own calendar: a daily one to their local date
("2026-12-01"), a weekly one to their ISO week ("2026-W49"). It is due once their local
clock has reached the chosen hour (and, weekly, the chosen weekday) within that period. The
outbox's unique key on the period makes it once per period, so the hour that a change of
clocks repeats (or skips) does not matter: a skipped hour is due at the next one.

What is "new": papers whose arXiv listing date falls in the digest's window. arXiv lists on
its own (US Eastern) calendar, announcing nothing on weekends, while a reader's morning may
come before that day's listing exists (UTC+14) or after the next one's (UTC-12). A window
that ended exactly where the previous one did would miss a listing that arrived after one
digest but was dated within its window. So a window reaches back to the day before the
previous digest's day (one period back for a first digest), up to the reader's local date;
the overlap costs nothing, since a paper already sent to the reader is never sent again
(digest_papers). A reader who got nothing for a while (an empty digest is not sent) gets
the days since their last digest, at most LOOKBACK_DAYS of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

PERIOD_DAYS = {"daily": 1, "weekly": 7}
LOOKBACK_DAYS = {"daily": 7, "weekly": 14}  # the longest window, for a reader long without a digest


@dataclass(frozen=True)
class Period:
    """One digest's period in the reader's calendar: its outbox key and the local day it is for."""

    kind: str  # "daily" or "weekly"
    key: str  # "2026-12-01" or "2026-W49"
    day: date  # the reader's local date when it is composed (the subject's date)


@dataclass(frozen=True)
class Window:
    """What a digest covers: papers listed on ``since`` .. ``until`` (inclusive), and replies
    written since ``replies_since``."""

    since: date
    until: date
    replies_since: datetime


def local_now(timezone_name: str, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(timezone_name))


def current_period(kind: str, timezone_name: str, now: datetime) -> Period:
    """The period the reader's local clock is in at ``now``, due or not."""
    today = local_now(timezone_name, now).date()
    return Period(kind, period_key(kind, today), today)


def period_key(kind: str, day: date) -> str:
    if kind == "daily":
        return day.isoformat()
    if kind == "weekly":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"period must be daily or weekly, not {kind!r}")


def due_period(kind: str, hour: int, weekday: int, timezone_name: str, now: datetime) -> Period | None:
    """The current period when its digest is due at ``now`` (the reader's hour, and weekday for
    a weekly one, has come), else None."""
    local = local_now(timezone_name, now)
    reached = local.hour >= hour if kind == "daily" else (local.weekday(), local.hour) >= (weekday, hour)
    return current_period(kind, timezone_name, now) if reached else None


def listing_window(period: Period, previous_day: date | None, previous_at: datetime | None,
                   now: datetime) -> Window:
    """The window of ``period``'s digest, given the local day and the moment (UTC) of the
    reader's previous digest (None for a first one). See the module's text for why it overlaps."""
    until = period.day
    earliest = until - timedelta(days=LOOKBACK_DAYS[period.kind])
    if previous_day is None:
        since = until - timedelta(days=PERIOD_DAYS[period.kind])
    else:
        since = max(previous_day - timedelta(days=1), earliest)
    if previous_at is None:
        replies_since = now - timedelta(days=PERIOD_DAYS[period.kind])
    else:
        replies_since = max(previous_at, datetime.combine(earliest, time(), timezone.utc))
    return Window(since=since, until=until, replies_since=replies_since)
