"""Delivering the outbox: each pending digest sent once, retried with backoff, given up on time.

What "exactly once" means here: a digest is marked sent only after the mail server has
accepted it, under its sender's lease (outbox.py), so a crash, kill -9 or outage before that
moment leaves it pending and a later run sends it; two senders never hold the same digest.
One window cannot be closed by any sender: the server accepted the message and the process
died before it could mark the row. The lease then expires and the digest goes again, with
the same Message-ID, which mail programs and many servers use to drop the copy. Everywhere
else it is at most once per attempt.

Once ``outbox_keep_days`` have passed, a digest that is done with (sent, failed, cancelled)
keeps its row and loses its text.

A temporary failure (no connection, 4xx) waits 1, 2, 4 ... minutes (at most an hour) before
the next try, until ``outbox_give_up_hours`` after composing, when the digest is marked
failed for the administrators' outbox page. A permanent one (5xx) fails it at once and marks
the address undeliverable: nothing more is composed for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import message_from_string
from typing import Callable

from sqlalchemy import Engine

from paperwire.accounts.timestamps import utc_now
from paperwire.config import Settings
from paperwire.digest import outbox
from paperwire.digest.dkim import sign
from paperwire.digest.subscriptions import mark_undeliverable
from paperwire.mail import smtp
from paperwire.mail.message import AS_BUILT
from paperwire.mail.smtp import MailError, PermanentMailError

log = logging.getLogger(__name__)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
BATCH = 50  # digests claimed at a time


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0  # failed for now, tried again later
    failed: int = 0  # given up, or refused for good
    cancelled: int = 0  # their readers unsubscribed after composing
    forgotten: int = 0  # older digests whose text was dropped (outbox_keep_days)
    errors: list[str] = field(default_factory=list)  # "to ann@example.org: why"

    @property
    def changed(self) -> bool:
        return bool(self.sent or self.retrying or self.failed or self.cancelled)

    def summary(self) -> str:
        dropped = f", texts of {self.forgotten} older digests dropped" if self.forgotten else ""
        return f"sent {self.sent}, to retry {self.retrying}, failed {self.failed}, cancelled {self.cancelled}{dropped}"


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try (1 = the first)."""
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 16), LONGEST_RETRY)


def deliver_due(db: Engine, settings: Settings, *, clock: Callable[[], datetime] = utc_now,
                send: Callable = smtp.send) -> DeliveryReport:
    """Send every pending digest that is due, batch after batch, until none is left."""
    report = DeliveryReport(cancelled=outbox.cancel_unwanted(db))
    give_up_after = timedelta(hours=settings.outbox_give_up_hours)
    while batch := outbox.claim_due(db, now=clock(), limit=BATCH, lease=outbox.lease_for(settings)):
        for claimed in batch:
            _deliver_one(db, settings, claimed, clock, send, give_up_after, report)
    report.forgotten = outbox.forget_old_texts(db, clock() - timedelta(days=settings.outbox_keep_days))
    return report


def _deliver_one(db: Engine, settings: Settings, claimed: outbox.Claimed, clock, send,
                 give_up_after: timedelta, report: DeliveryReport) -> None:
    message = message_from_string(claimed.message, policy=AS_BUILT)
    try:
        send(settings, sign(settings, message))
    except MailError as error:
        now = clock()
        report.errors.append(f"to {claimed.to_address}: {error}")
        if isinstance(error, PermanentMailError):
            outbox.give_up(db, claimed, str(error))
            mark_undeliverable(db, claimed.subscription_id, str(error))
            report.failed += 1
        elif now >= claimed.created_at + give_up_after:
            outbox.give_up(db, claimed, f"gave up after {claimed.attempts + 1} tries: {error}")
            report.failed += 1
        else:
            outbox.retry_later(db, claimed, str(error), now + retry_delay(claimed.attempts + 1))
            report.retrying += 1
        return
    if not outbox.mark_sent(db, claimed, clock()):  # the lease ran out mid-conversation; another took it
        log.warning("digest %d was sent after its lease had expired", claimed.id)
    report.sent += 1
