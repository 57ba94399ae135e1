"""Composing digests into the outbox: once per reader and period, never a paper twice, never
an empty one, sections in the reader's order. SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest

from paperwire.community.comments import add_comment, delete_comment
from paperwire.community.votes import upvote
from paperwire.digest.compose import UnknownReader, compose_due
from paperwire.reader.follows import follow

from community.community_support import arxiv_paper, day
from .digest_support import at, listed_in, message_of, outbox_rows, subscribed, visitor


def compose(db, settings, now, **options):
    return compose_due(db, settings, None, now=now, **options)


def test_a_visitor_gets_the_days_trending_papers_once_at_their_hour(db, settings, add_papers, member, policy):
    hot, quiet = add_papers(arxiv_paper(1, day(0), "Hot paper"), arxiv_paper(2, day(-1), "Quiet paper"))
    upvote(db, policy, member("bob"), hot)
    subscription = visitor(db, settings)

    assert compose(db, settings, at(1, 6)).composed == []  # 06:00 UTC: not yet their hour
    report = compose(db, settings, at(1, 7))

    assert [(c.to_address, c.period_key, c.sections) for c in report.composed] == [
        ("reader@example.org", "2026-07-01", (("trending", 2),))]
    [row] = outbox_rows(db)
    assert (row.subscription_id, row.kind, row.status, row.attempts) == (subscription.id, "daily", "pending", 0)
    message = message_of(row)
    assert message["Subject"] == "paperwire · 2 papers for Wed 1 Jul"
    assert message["Message-ID"] == row.message_id
    assert row.message_id.startswith(f"<digest.{subscription.id}.daily.2026-07-01.")
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    assert text.index("Hot paper") < text.index("Quiet paper")  # by trending score
    assert "Why: trending: 1 upvote" in text
    assert listed_in(db, row.id) == {hot: "trending", quiet: "trending"}


def test_the_same_period_composed_again_adds_nothing(db, settings, add_papers):
    add_papers(arxiv_paper(1, day(0)))
    visitor(db, settings)
    assert len(compose(db, settings, at(1, 7)).composed) == 1

    again = compose(db, settings, at(1, 18))
    assert (again.composed, again.already) == ([], 1)
    assert len(outbox_rows(db)) == 1


def test_no_paper_reaches_a_reader_twice_and_a_day_with_nothing_new_sends_nothing(db, settings, add_papers):
    first, = add_papers(arxiv_paper(1, day(0)))
    visitor(db, settings)
    compose(db, settings, at(1))
    # Thursday: the window reaches back over Wednesday, but Wednesday's paper went already.
    thursday = compose(db, settings, at(2))
    assert (thursday.composed, thursday.empty) == ([], 1)

    second, = add_papers(arxiv_paper(2, day(1)))
    friday = compose(db, settings, at(3))
    assert [c.sections for c in friday.composed] == [(("trending", 1),)]
    assert listed_in(db, outbox_rows(db)[-1].id) == {second: "trending"}


def test_a_paper_appears_once_in_the_first_section_that_lists_it(db, settings, policy, member, add_papers):
    # Sections go in the site's order (trending first): both papers are by Ann Lee, whom
    # Ann follows; the upvoted one is trending, so only the other is left for "authors".
    ann = member("ann")
    hot, other = add_papers(arxiv_paper(1, day(0)), arxiv_paper(2, day(0)))
    upvote(db, policy, member("bob"), hot)
    follow(db, policy, ann, "author", "Ann Lee")
    subscribed(db, policy, ann, "authors", "trending")

    compose(db, dataclasses.replace(settings, digest_section_size=1), at(1))

    [row] = outbox_rows(db)
    assert listed_in(db, row.id) == {hot: "trending", other: "authors"}
    text = message_of(row).get_body(("plain",)).get_content()
    assert text.count("Paper number 1") == 1 and text.count("Paper number 2") == 1
    assert text.index("== Trending ==") < text.index("== From authors you follow ==")
    assert "Why: by Ann Lee, whom you follow" in text


def test_each_section_holds_at_most_the_configured_number_of_papers(db, settings, add_papers):
    add_papers(*(arxiv_paper(n, day(0)) for n in range(1, 6)))
    visitor(db, settings)
    [composed] = compose(db, dataclasses.replace(settings, digest_section_size=3), at(1)).composed

    assert composed.sections == (("trending", 3),)


def test_replies_to_a_readers_comments_are_a_section_of_their_own(db, settings, policy, member, add_papers):
    ann, bob = member("ann"), member("bob")
    old, = add_papers(arxiv_paper(1, day(-30), "An old paper"))
    mine = add_comment(db, policy, ann, old, "What about the baseline?", now=at(1, 1))
    add_comment(db, policy, bob, old, "It is in the appendix.", parent_id=mine.id, now=at(1, 2))
    add_comment(db, policy, ann, old, "Thanks!", parent_id=mine.id, now=at(1, 3))  # her own: not a reply to her
    subscribed(db, policy, ann, "replies", "trending")

    [composed] = compose(db, settings, at(1)).composed

    assert composed.sections == (("replies", 1),)
    text = message_of(outbox_rows(db)[0]).get_body(("plain",)).get_content()
    assert "Why: bob replied to your comment" in text
    assert compose(db, settings, at(2)).composed == []  # the same paper never comes again


def test_a_reply_its_author_deleted_is_no_news(db, settings, policy, member, add_papers):
    ann, bob = member("ann"), member("bob")
    paper, = add_papers(arxiv_paper(1, day(-30)))
    mine = add_comment(db, policy, ann, paper, "A question.", now=at(1, 1))
    reply = add_comment(db, policy, bob, paper, "Never mind.", parent_id=mine.id, now=at(1, 2))
    delete_comment(db, policy, bob, reply.id)
    subscribed(db, policy, ann, "replies")

    assert compose(db, settings, at(1)).empty == 1


def test_user_composes_that_readers_digest_at_once_still_once_per_period(db, settings, policy, member, add_papers):
    add_papers(arxiv_paper(1, day(0)))
    ann = member("ann")
    subscribed(db, policy, ann, "trending", hour=20)

    assert compose(db, settings, at(1, 7)).composed == []  # not her hour
    assert len(compose(db, settings, at(1, 7), user="ann").composed) == 1
    assert compose(db, settings, at(1, 8), user="ann").already == 1
    with pytest.raises(UnknownReader, match="no account named 'nobody'"):
        compose(db, settings, at(1, 7), user="nobody")
    member("cyd")
    with pytest.raises(UnknownReader, match="cyd has no active digest subscription"):
        compose(db, settings, at(1, 7), user="cyd")


def test_a_dry_run_reports_the_digests_and_writes_nothing(db, settings, add_papers):
    add_papers(arxiv_paper(1, day(0)))
    visitor(db, settings)

    report = compose(db, settings, at(1), dry_run=True)

    assert [c.subject for c in report.composed] == ["paperwire · 1 paper for Wed 1 Jul"]
    assert outbox_rows(db) == []
    assert len(compose(db, settings, at(1)).composed) == 1


def test_a_weekly_digest_covers_the_week(db, settings, policy, member, add_papers):
    add_papers(arxiv_paper(1, day(-6)), arxiv_paper(2, day(0)), arxiv_paper(3, day(-9)))
    subscribed(db, policy, member("ann"), "trending", period="weekly", weekday=2)  # Wednesdays

    [composed] = compose(db, settings, at(1), period="weekly").composed

    assert (composed.period_key, composed.sections) == ("2026-W27", (("trending", 2),))
    assert composed.subject == "paperwire · 2 papers for the week of 29 Jun"


def test_two_composing_processes_write_each_due_digest_once_as_one_would(db, settings, add_papers, monkeypatch):
    from paperwire.digest import compose as composing

    add_papers(arxiv_paper(1, day(0)), arxiv_paper(2, day(-1)))
    readers = [visitor(db, settings, f"reader{n}@example.org") for n in range(5)]
    monkeypatch.setattr(composing, "PROCESSES_ABOVE", 2)  # five readers are enough to share out here

    report = compose(db, settings, at(1), jobs=2)
    assert sorted(c.subscription_id for c in report.composed) == sorted(r.id for r in readers)
    assert sorted(row.to_address for row in outbox_rows(db)) == sorted(r.email for r in readers)
    again = compose(db, settings, at(1, 18), jobs=2)
    assert (again.composed, again.already) == ([], 5)


def test_a_digest_another_composer_wrote_meanwhile_is_left_out_of_a_batch_and_the_rest_are_written(
        db, settings, add_papers, monkeypatch):
    from paperwire.digest import compose as composing

    add_papers(arxiv_paper(1, day(0)))
    readers = [visitor(db, settings, f"reader{n}@example.org") for n in range(3)]
    real_compose_one = composing._compose_one

    def first_written_elsewhere(settings_, secret, sources, reader, period):
        digest = real_compose_one(settings_, secret, sources, reader, period)
        if reader.subscription.id == readers[1].id:  # another composer writes this one first
            composing._store(db, [digest], at(1), composing.ComposeReport())
        return digest

    monkeypatch.setattr(composing, "_compose_one", first_written_elsewhere)
    report = compose(db, settings, at(1))

    assert sorted(c.subscription_id for c in report.composed) == [readers[0].id, readers[2].id]
    assert report.already == 1
    assert sorted(row.to_address for row in outbox_rows(db)) == sorted(r.email for r in readers)


def test_a_write_that_fails_raises_writes_none_of_its_batch_and_the_next_run_composes_them_again(
        db, settings, add_papers, monkeypatch):
    from paperwire.digest import compose as composing

    add_papers(arxiv_paper(1, day(0)))
    readers = [visitor(db, settings, f"reader{n}@example.org") for n in range(3)]
    real_inserted_key = composing.inserted_key
    calls = []

    def fails_on_the_second(conn, table, values):
        calls.append(values["subscription_id"])
        if len(calls) == 2:
            raise RuntimeError("database or disk is full")
        return real_inserted_key(conn, table, values)

    monkeypatch.setattr(composing, "inserted_key", fails_on_the_second)
    with pytest.raises(RuntimeError, match="disk is full"):
        compose(db, settings, at(1))
    assert outbox_rows(db) == []  # the first digest went back with its batch

    monkeypatch.setattr(composing, "inserted_key", real_inserted_key)
    assert len(compose(db, settings, at(1)).composed) == 3
    assert sorted(row.to_address for row in outbox_rows(db)) == sorted(r.email for r in readers)
