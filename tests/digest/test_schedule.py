"""When a digest is due and what it covers, in the reader's own time zone (pure functions)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from paperwire.digest.schedule import Period, current_period, due_period, listing_window


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def test_a_daily_digest_is_due_from_the_readers_hour_on_their_local_date():
    # 06:59 in Berlin (UTC+1 in December): not yet; 07:00: today's, keyed by the local date.
    assert due_period("daily", 7, 0, "Europe/Berlin", utc(2026, 12, 1, 5, 59)) is None
    assert due_period("daily", 7, 0, "Europe/Berlin", utc(2026, 12, 1, 6, 0)) == Period(
        "daily", "2026-12-01", date(2026, 12, 1))
    assert due_period("daily", 7, 0, "Europe/Berlin", utc(2026, 12, 1, 22, 30)).key == "2026-12-01"


@pytest.mark.parametrize(("zone", "moment", "key"), [
    ("Pacific/Kiritimati", utc(2026, 11, 30, 17, 0), "2026-12-01"),  # UTC+14: already Tuesday 07:00
    ("Etc/GMT+12", utc(2026, 12, 1, 19, 0), "2026-12-01"),  # UTC-12: Tuesday 07:00 is Tuesday 19:00 UTC
])
def test_the_period_follows_the_readers_calendar_at_the_edges_of_the_world(zone, moment, key):
    assert due_period("daily", 7, 0, zone, moment).key == key
    assert current_period("daily", zone, moment).key == key


def test_a_skipped_hour_at_the_spring_change_of_clocks_is_due_at_the_next_one():
    # Berlin, 29 March 2026: 02:00 does not exist (01:59 CET is followed by 03:00 CEST).
    assert due_period("daily", 2, 0, "Europe/Berlin", utc(2026, 3, 29, 0, 59)) is None
    assert due_period("daily", 2, 0, "Europe/Berlin", utc(2026, 3, 29, 1, 0)).key == "2026-03-29"


def test_the_hour_the_autumn_change_repeats_is_one_period():
    # Berlin, 25 October 2026: 02:00-02:59 happens twice, once in CEST and once in CET.
    first = due_period("daily", 2, 0, "Europe/Berlin", utc(2026, 10, 25, 0, 0))
    second = due_period("daily", 2, 0, "Europe/Berlin", utc(2026, 10, 25, 1, 0))
    assert first == second and first.key == "2026-10-25"


def test_a_weekly_digest_is_due_from_the_chosen_weekday_and_hour_keyed_by_iso_week():
    # Wednesday (2) at 09:00 UTC; 2 December 2026 is a Wednesday in ISO week 49.
    assert due_period("weekly", 9, 2, "UTC", utc(2026, 12, 2, 8, 59)) is None
    assert due_period("weekly", 9, 2, "UTC", utc(2026, 12, 2, 9, 0)).key == "2026-W49"
    assert due_period("weekly", 9, 2, "UTC", utc(2026, 12, 6, 23, 0)).key == "2026-W49"  # Sunday: still due
    assert due_period("weekly", 9, 2, "UTC", utc(2026, 12, 7, 9, 0)) is None  # Monday of week 50


def test_the_iso_week_of_the_new_year_belongs_to_the_year_holding_its_thursday():
    assert current_period("weekly", "UTC", utc(2027, 1, 1, 12, 0)).key == "2026-W53"


def test_a_first_daily_window_covers_yesterday_and_today():
    period = Period("daily", "2026-12-01", date(2026, 12, 1))
    window = listing_window(period, None, None, utc(2026, 12, 1, 7, 0))
    assert (window.since, window.until) == (date(2026, 11, 30), date(2026, 12, 1))
    assert window.replies_since == utc(2026, 11, 30, 7, 0)


def test_a_window_reaches_back_over_days_without_a_digest_to_the_day_before_the_last_one():
    # The last digest went out on Friday; Saturday and Sunday had nothing new: Monday covers
    # Thursday on (a listing dated Friday that arrived after Friday's digest is not missed).
    period = Period("daily", "2026-12-07", date(2026, 12, 7))
    last = utc(2026, 12, 4, 7, 0)
    window = listing_window(period, date(2026, 12, 4), last, utc(2026, 12, 7, 7, 0))
    assert (window.since, window.until) == (date(2026, 12, 3), date(2026, 12, 7))
    assert window.replies_since == last


def test_a_reader_long_without_a_digest_gets_at_most_the_lookback():
    period = Period("daily", "2026-12-01", date(2026, 12, 1))
    window = listing_window(period, date(2026, 6, 1), utc(2026, 6, 1), utc(2026, 12, 1, 7, 0))
    assert window.since == date(2026, 11, 24)
    assert window.replies_since == utc(2026, 11, 24)


def test_an_unknown_period_is_refused_by_name():
    with pytest.raises(ValueError, match="daily or weekly"):
        current_period("monthly", "UTC", utc(2026, 12, 1))
