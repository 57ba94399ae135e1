"""Days, ISO weeks and months the front page shows: their bounds and their labels. Pure."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_KINDS = ("day", "week", "month")


class BadDate(ValueError):
    """A date or period the user typed that cannot be read."""


@dataclass(frozen=True)
class Period:
    kind: str  # day / week / month
    start: date
    end: date  # included
    anchor: date  # the day the reader asked for (used in links)

    @property
    def label(self) -> str:
        if self.kind == "day":
            return f"{self.start:%A}, {self.start.day} {self.start:%B %Y}"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"Week {week}, {year} ({self.start.day} {self.start:%b} – {self.end.day} {self.end:%b})"
        return f"{self.start:%B %Y}"


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadDate(f"{text[:40]!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-07-01") from None


def period_for(day: date, kind: str) -> Period:
    """The day, ISO week (Monday to Sunday) or calendar month holding ``day``."""
    if kind == "day":
        return Period(kind, day, day, day)
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return Period(kind, start, _days_after(start, 6), day)
    if kind == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return Period(kind, day.replace(day=1), day.replace(day=last), day)
    raise BadDate(f"period must be one of {', '.join(PERIOD_KINDS)}, not {kind[:20]!r}")


def _days_after(day: date, days: int) -> date:
    # The last ISO week of year 9999 ends after date.max: the calendar stops there.
    return day + timedelta(days=days) if date.max - day >= timedelta(days=days) else date.max
