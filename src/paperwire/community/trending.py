"""The trending score: time-decayed activity, kept up to date as events arrive. Pure arithmetic.

Each event e of a paper (its listing day, its submission to a daily list, a vote, a member's
first comment on it) has a weight w_e and a time t_e. How hot a paper is at time t:

    D(t) = sum_e  w_e * 2^(-(t - t_e) / h)        h: trending_half_life_hours (36 by default)

so a paper's heat halves every h hours that nothing happens. Because
D(t) = 2^(-t/h) * sum_e w_e * 2^(t_e/h), the order of papers by D is the same at every moment
as their order by

    T = h * log2( sum_e  w_e * 2^(t_e / h) )      (t in hours since 1970-01-01 UTC)

and T changes only when an event arrives: papers.trending_score holds T, an index orders by
it, and nothing is rescanned nightly. T reads as a time: a paper scores T when its events
together are as hot as one event of weight 1 at hour T. A single listing event scores the
listing day's own hour (whatever h is), and doubling a paper's activity is worth h hours of
recency. Adding an event is a "log-add"; removing one (an un-vote) the matching subtraction.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timezone
from typing import Iterable

# What each kind of event weighs. A member's comments on a paper count once, as their vote
# does: replying twenty times in a thread must not push a paper up twenty times.
LISTING = 1.0
SUBMISSION = 1.0
VOTE = 1.0
COMMENT = 2.0  # writing costs more than clicking

NO_EVENTS = 0.0  # below every paper with an event since 1970
# A removal that leaves less than this share of the score is recomputed from the events
# instead: subtracting nearly equal numbers would lose the digits that remain.
_SAFE_REMAINDER = 1e-4


def hours(when: datetime) -> float:
    """Hours since 1970-01-01 UTC (a naive datetime is taken as UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() / 3600.0


def listing_score(listing_date: date | None) -> float:
    """The score of a paper whose only event is its listing (at midnight UTC of that day)."""
    if listing_date is None:
        return NO_EVENTS
    return hours(datetime.combine(listing_date, time(), tzinfo=timezone.utc))


def event_score(at_hours: float, weight: float, half_life_hours: float) -> float:
    """The score of one event alone."""
    return at_hours + half_life_hours * math.log2(weight)


def add_event(score: float, at_hours: float, weight: float, half_life_hours: float) -> float:
    """``score`` with one more event: h * log2(2^(score/h) + w * 2^(t/h)), without overflow."""
    x = event_score(at_hours, weight, half_life_hours)
    high, low = max(score, x), min(score, x)
    return high + half_life_hours * math.log2(1.0 + 2.0 ** ((low - high) / half_life_hours))


def remove_event(score: float, at_hours: float, weight: float, half_life_hours: float) -> float | None:
    """``score`` without one of its events, or None when the caller must recompute it.

    None comes back when the event was (nearly) all of the score: what would remain is too
    small to read from the difference of two nearly equal numbers.
    """
    share = 2.0 ** ((event_score(at_hours, weight, half_life_hours) - score) / half_life_hours)
    if 1.0 - share < _SAFE_REMAINDER:
        return None
    return score + half_life_hours * math.log2(1.0 - share)


def score_of(events: Iterable[tuple[float, float]], half_life_hours: float) -> float:
    """The score of a paper's (hours, weight) events, from scratch; NO_EVENTS when there are none."""
    points = [event_score(at, weight, half_life_hours) for at, weight in events]
    if not points:
        return NO_EVENTS
    top = max(points)
    return top + half_life_hours * math.log2(math.fsum(2.0 ** ((p - top) / half_life_hours) for p in points))


def heat(score: float, now_hours: float, half_life_hours: float) -> float:
    """D(now): the weighted number of fresh events a score is worth at ``now`` (for display)."""
    return 2.0 ** ((score - now_hours) / half_life_hours)
