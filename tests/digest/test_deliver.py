"""Delivering the outbox to a real SMTP server: once each, retried with backoff through an
outage, given up on time, stopped for good by a 5xx, never after an unsubscribe; senders'
leases keep two of them off the same digest. SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

from sqlalchemy import event, select

from paperwire.accounts.secret import site_secret
from paperwire.digest import outbox
from paperwire.digest.compose import compose_due
from paperwire.digest.deliver import deliver_due, retry_delay
from paperwire.digest.links import unsubscribe_token
from paperwire.digest.subscriptions import active_subscriptions, unsubscribe_by_token
from paperwire.store.reader_schema import digest_subscriptions

from community.community_support import arxiv_paper, day
from .digest_support import at, outbox_rows, visitor

COMPOSED = at(1, 7)
LEASE = timedelta(minutes=10)


def composed_digests(db, settings, add_papers, *emails: str) -> list:
    add_papers(arxiv_paper(1, day(0), "A paper worth reading"))
    subscriptions = [visitor(db, settings, email) for email in emails or ("reader@example.org",)]
    compose_due(db, settings, None, now=COMPOSED)
    return subscriptions


def clock_at(moment):
    return lambda: moment


def closed_port() -> int:
    with socket.socket() as probe:  # bound, then closed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_each_digest_is_delivered_once(db, settings, add_papers, smtp_server):
    composed_digests(db, settings, add_papers, "ann@example.org", "bob@example.org")
    mail = smtp_server.settings(settings.home)

    report = deliver_due(db, mail, clock=clock_at(COMPOSED))

    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    assert sorted(r[0] for r in smtp_server.recipients) == ["ann@example.org", "bob@example.org"]
    assert [(row.status, row.attempts, row.claim_token) for row in outbox_rows(db)] == [("sent", 1, None)] * 2
    assert not deliver_due(db, mail, clock=clock_at(COMPOSED + timedelta(hours=1))).changed
    assert len(smtp_server.messages) == 2


def test_a_server_that_is_down_is_tried_again_later_and_the_digest_goes_once(db, settings, add_papers,
                                                                              smtp_server):
    composed_digests(db, settings, add_papers)
    down = smtp_server.settings(settings.home, smtp_port=str(closed_port()))

    report = deliver_due(db, down, clock=clock_at(COMPOSED))
    assert (report.sent, report.retrying) == (0, 1)
    [row] = outbox_rows(db)
    assert (row.status, row.attempts) == ("pending", 1) and "Connection refused" in row.last_error
    up = smtp_server.settings(settings.home)
    assert not deliver_due(db, up, clock=clock_at(COMPOSED + timedelta(seconds=30))).changed  # not yet due

    assert deliver_due(db, up, clock=clock_at(COMPOSED + retry_delay(1))).sent == 1
    assert len(smtp_server.messages) == 1 and outbox_rows(db)[0].status == "sent"


def test_retries_wait_longer_each_time_up_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(7) == retry_delay(100) == timedelta(hours=1)


def test_a_digest_not_accepted_in_time_is_given_up_for_the_administrators(db, settings, add_papers,
                                                                           smtp_server):
    composed_digests(db, settings, add_papers)
    smtp_server.refuse_rcpt = "451 4.3.0 mailbox busy, try later"
    mail = smtp_server.settings(settings.home, outbox_give_up_hours="2")

    deliver_due(db, mail, clock=clock_at(COMPOSED + timedelta(hours=1)))
    assert outbox_rows(db)[0].status == "pending"
    report = deliver_due(db, mail, clock=clock_at(COMPOSED + timedelta(hours=2)))

    assert report.failed == 1
    [row] = outbox_rows(db)
    assert (row.status, row.attempts) == ("failed", 2)
    assert "gave up after 2 tries" in row.last_error and "451 4.3.0 mailbox busy" in row.last_error
    assert [p.last_error for p in outbox.problems(db)] == [row.last_error]
    assert outbox.counts(db) == {"pending": 0, "sent": 0, "failed": 1, "cancelled": 0}


def test_a_permanent_refusal_stops_every_try_for_that_address(db, settings, add_papers, smtp_server):
    [subscription] = composed_digests(db, settings, add_papers)
    smtp_server.refuse_rcpt = "550 5.1.1 no such mailbox"

    report = deliver_due(db, smtp_server.settings(settings.home), clock=clock_at(COMPOSED))

    assert report.failed == 1 and smtp_server.messages == []
    assert outbox_rows(db)[0].status == "failed"
    with db.connect() as conn:
        reason = conn.execute(select(digest_subscriptions.c.undeliverable_reason)
                              .where(digest_subscriptions.c.id == subscription.id)).scalar()
    assert "550 5.1.1 no such mailbox" in reason
    assert active_subscriptions(db) == []  # nothing more is composed for it


def test_a_reader_who_unsubscribes_after_composing_never_gets_the_digest(db, settings, add_papers, smtp_server):
    [subscription] = composed_digests(db, settings, add_papers)
    secret = site_secret(settings)
    unsubscribe_by_token(db, secret, unsubscribe_token(secret, subscription.id, subscription.email))

    report = deliver_due(db, smtp_server.settings(settings.home), clock=clock_at(COMPOSED))

    assert (report.sent, smtp_server.messages) == (0, [])
    assert outbox_rows(db)[0].status == "cancelled"


def test_a_digest_whose_subscription_ends_between_claim_checks_is_cancelled_not_sent(db, settings, add_papers):
    # Unsubscribed by other means than the link (the row changed directly, as an admin might):
    # the claim itself refuses rows whose subscription no longer takes mail.
    [subscription] = composed_digests(db, settings, add_papers)
    with db.begin() as conn:
        conn.execute(digest_subscriptions.update().where(digest_subscriptions.c.id == subscription.id)
                     .values(unsubscribed_at=COMPOSED))
    assert outbox.claim_due(db, now=COMPOSED, limit=10, lease=LEASE) == []
    assert outbox.cancel_unwanted(db) == 1


def test_two_senders_claiming_at_once_take_different_digests(db, settings, add_papers):
    composed_digests(db, settings, add_papers, *(f"reader{n}@example.org" for n in range(6)))
    claims: list[list[outbox.Claimed]] = []
    start = threading.Barrier(2)

    def claim():
        start.wait(timeout=10)
        claims.append(outbox.claim_due(db, now=COMPOSED, limit=4, lease=LEASE))

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    ids = [c.id for batch in claims for c in batch]
    assert len(ids) == 6 and len(set(ids)) == 6  # 4 + 2: every digest claimed, none twice


def test_a_lease_that_ran_out_passes_to_another_sender_and_the_first_can_no_longer_mark_it(db, settings,
                                                                                           add_papers):
    composed_digests(db, settings, add_papers)
    [first] = outbox.claim_due(db, now=COMPOSED, limit=10, lease=LEASE)
    assert outbox.claim_due(db, now=COMPOSED + timedelta(minutes=5), limit=10, lease=LEASE) == []  # still held

    [second] = outbox.claim_due(db, now=COMPOSED + LEASE + timedelta(seconds=1), limit=10,
                                 lease=LEASE)

    assert second.id == first.id and second.claim_token != first.claim_token
    assert not outbox.mark_sent(db, first, COMPOSED)
    assert outbox.mark_sent(db, second, COMPOSED) and outbox_rows(db)[0].status == "sent"


def test_a_delivered_digest_keeps_its_row_but_drops_its_text_once_the_days_kept_are_over(db, settings, add_papers,
                                                                                         smtp_server):
    composed_digests(db, settings, add_papers)
    mail = smtp_server.settings(settings.home)  # outbox_keep_days: 30 by default
    deliver_due(db, mail, clock=clock_at(COMPOSED))
    text = outbox_rows(db)[0].message

    within = deliver_due(db, mail, clock=clock_at(COMPOSED + timedelta(days=29)))
    assert within.forgotten == 0 and outbox_rows(db)[0].message == text
    after = deliver_due(db, mail, clock=clock_at(COMPOSED + timedelta(days=31)))

    assert after.forgotten == 1 and "texts of 1 older digests dropped" in after.summary()
    assert [(row.status, row.message) for row in outbox_rows(db)] == [("sent", "")]
    assert compose_due(db, settings, None, now=COMPOSED).already == 1  # its period is still never composed twice
    assert len(smtp_server.messages) == 1


def test_a_digest_still_waiting_to_go_keeps_its_text_however_old(db, settings, add_papers):
    composed_digests(db, settings, add_papers)
    text = outbox_rows(db)[0].message

    assert outbox.forget_old_texts(db, COMPOSED + timedelta(days=3650)) == 0
    assert [(row.status, row.message) for row in outbox_rows(db)] == [("pending", text)] and "A paper worth" in text


def test_finding_the_texts_to_drop_reads_only_the_digests_still_holding_one(db, settings, add_papers):
    composed_digests(db, settings, add_papers)
    run = []
    event.listen(db, "before_cursor_execute", lambda *call: run.append(call[2:4]))
    outbox.forget_old_texts(db, COMPOSED)
    if db.dialect.name == "sqlite":  # PostgreSQL plans a table of one row as it likes
        statement, parameters = run[0]
        with db.connect() as conn:
            plan = " ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
        assert "ix_outbox_holding_text_created" in plan and "SCAN outbox" not in plan
