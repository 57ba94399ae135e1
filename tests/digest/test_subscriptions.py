"""Who gets a digest: visitors' double opt-in, members' choices, one-click unsubscribing, and a
subscription following its account (sign-up, change of address, deletion). SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from paperwire.accounts import users
from paperwire.accounts.links import LinkInvalid
from paperwire.accounts.timestamps import utc_now
from paperwire.community.errors import Invalid, NotFound, NotSignedIn
from paperwire.digest import subscriptions as subs
from paperwire.digest.links import confirm_token, unsubscribe_token
from paperwire.digest.subscriptions import DigestChoice
from paperwire.store.reader_schema import outbox

SECRET = "test site secret"
WEEKLY = DigestChoice(period="weekly", hour=9, timezone="Europe/Berlin", weekday=4, sections=("replies", "trending"))


def confirm(db, subscription):
    return subs.confirm_by_token(db, SECRET, confirm_token(SECRET, subscription.id, subscription.email))


def unsubscribe(db, subscription):
    return subs.unsubscribe_by_token(db, SECRET, unsubscribe_token(SECRET, subscription.id, subscription.email))


def add_to_outbox(db, subscription_id: int, period_key: str, status: str) -> None:
    now = utc_now()
    with db.begin() as conn:
        conn.execute(insert(outbox).values(
            subscription_id=subscription_id, kind="daily", period_key=period_key, to_address="x@example.org",
            message_id=f"<{subscription_id}.{period_key}@example.org>", message="...", status=status, attempts=0,
            next_attempt_at=now, created_at=now))


def outbox_statuses(db, subscription_id: int) -> dict[str, str]:
    with db.connect() as conn:
        return dict(conn.execute(select(outbox.c.period_key, outbox.c.status)
                                 .where(outbox.c.subscription_id == subscription_id)).all())


# ---- visitors: double opt-in ------------------------------------------------------------------

def test_a_visitor_gets_nothing_until_the_link_is_followed_then_the_daily_trending_digest(db, settings):
    asked = subs.request_subscription(db, settings, "  Reader@Example.org ")
    assert (asked.confirmed, asked.active, subs.active_subscriptions(db)) == (False, False, [])

    confirmed = confirm(db, asked)
    assert confirmed.active and confirmed.user_id is None
    assert (confirmed.email, confirmed.period, confirmed.sections) == ("Reader@Example.org", "daily", ("trending",))
    assert (confirmed.hour, confirmed.timezone) == (settings.digest_hour, "UTC")
    assert [s.id for s in subs.active_subscriptions(db, period="daily")] == [asked.id]
    assert subs.active_subscriptions(db, period="weekly") == []


def test_asking_again_for_a_subscribed_address_changes_nothing_until_its_link_is_followed(db, settings):
    first = confirm(db, subs.request_subscription(db, settings, "reader@example.org"))
    unsubscribe(db, first)

    again = subs.request_subscription(db, settings, "READER@example.org")  # the same address, other case
    assert again.id == first.id and again.unsubscribed, "asking is no proof: only the mailed link turns it on"
    assert confirm(db, again).active


@pytest.mark.parametrize("hostile", ["a@b.org\r\nBcc: x@y.org", "a" * 300 + "@example.org", "jürgen@example.org",
                                     "no-at-sign", "", None])
def test_an_address_that_cannot_be_used_is_refused_by_name(db, settings, hostile):
    with pytest.raises(Invalid) as refused:
        subs.request_subscription(db, settings, hostile)
    assert refused.value.field == "email"
    assert subs.all_subscriptions(db) == []


def test_an_altered_or_foreign_link_confirms_and_unsubscribes_nothing(db, settings):
    theirs = confirm(db, subs.request_subscription(db, settings, "victim@example.org"))
    forged = [unsubscribe_token("another secret", theirs.id, theirs.email),
              unsubscribe_token(SECRET, theirs.id, "attacker@example.org"),
              unsubscribe_token(SECRET, theirs.id, theirs.email)[:-2] + "xx", "", "x" * 5000]
    for token in forged:
        with pytest.raises(LinkInvalid):
            subs.unsubscribe_by_token(db, SECRET, token)
    with pytest.raises(LinkInvalid):  # a confirmation link is not an unsubscribe link, nor the reverse
        subs.unsubscribe_by_token(db, SECRET, confirm_token(SECRET, theirs.id, theirs.email))
    with pytest.raises(LinkInvalid):
        subs.confirm_by_token(db, SECRET, unsubscribe_token(SECRET, theirs.id, theirs.email))
    with pytest.raises(NotFound):
        subs.unsubscribe_by_token(db, SECRET, unsubscribe_token(SECRET, theirs.id + 1, theirs.email))
    assert [s.id for s in subs.active_subscriptions(db)] == [theirs.id]


# ---- unsubscribing, undeliverable addresses ----------------------------------------------------

def test_unsubscribing_is_at_once_and_cancels_the_digests_still_waiting(db, settings):
    subscription = confirm(db, subs.request_subscription(db, settings, "reader@example.org"))
    add_to_outbox(db, subscription.id, "2026-12-01", "sent")
    add_to_outbox(db, subscription.id, "2026-12-02", "pending")

    done = unsubscribe(db, subscription)
    assert done.unsubscribed and not done.active
    assert subs.active_subscriptions(db) == []
    assert outbox_statuses(db, subscription.id) == {"2026-12-01": "sent", "2026-12-02": "cancelled"}
    assert unsubscribe(db, subscription).unsubscribed, "a second click (or a mail program's retry) is fine"


def test_an_undeliverable_address_gets_no_more_digests_until_confirmed_again(db, settings):
    subscription = confirm(db, subs.request_subscription(db, settings, "gone@example.org"))
    subs.mark_undeliverable(db, subscription.id, "550 5.1.1 no such mailbox")
    assert subs.active_subscriptions(db) == []
    marked = subs.all_subscriptions(db)[0][0]
    assert marked.undeliverable_reason == "550 5.1.1 no such mailbox" and marked.undeliverable_at is not None

    assert confirm(db, marked).active, "the link arriving proves the address works again"


# ---- members --------------------------------------------------------------------------------

def test_a_members_digest_is_theirs_to_choose_and_confirmed_by_their_verified_address(db, policy, member):
    ann = member("ann")
    chosen = subs.subscribe_member(db, policy, ann, WEEKLY)
    assert chosen.active and chosen.user_id == ann.id and chosen.email == "ann@example.org"
    assert (chosen.period, chosen.hour, chosen.timezone, chosen.weekday) == ("weekly", 9, "Europe/Berlin", 4)
    assert chosen.sections == ("trending", "replies"), "kept in the digest's own order"
    assert subs.active_subscriptions(db, user_id=ann.id) == [chosen]

    assert not subs.unsubscribe_member(db, policy, ann).active
    again = subs.subscribe_member(db, policy, ann, WEEKLY)
    assert again.active and again.id == chosen.id, "resubscribing from the settings page"


def test_an_unverified_members_digest_waits_for_their_address_to_be_verified(db, policy, member):
    bob = member("bob", verified=False)
    waiting = subs.subscribe_member(db, policy, bob, WEEKLY)
    assert not waiting.confirmed and subs.active_subscriptions(db) == []

    users.mark_email_verified(db, bob.id)
    assert subs.subscription_of(db, policy, bob).active


@pytest.mark.parametrize(("change", "field"), [
    ({"hour": 24}, "hour"), ({"hour": True}, "hour"), ({"weekday": 7}, "weekday"), ({"period": "hourly"}, "period"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"), ({"timezone": "../../etc/passwd"}, "timezone"),
    ({"timezone": "E" * 5000}, "timezone"), ({"sections": ()}, "sections"), ({"sections": ("gossip",)}, "sections")])
def test_a_choice_out_of_range_is_refused_by_field_and_nothing_is_saved(db, policy, member, change, field):
    ann = member("ann")
    with pytest.raises(Invalid) as refused:
        subs.subscribe_member(db, policy, ann, DigestChoice(**{**WEEKLY.__dict__, **change}))
    assert refused.value.field == field
    assert subs.subscription_of(db, policy, ann) is None


def test_only_a_signed_in_member_has_digest_settings(db, policy):
    with pytest.raises(NotSignedIn):
        subs.subscribe_member(db, policy, None, WEEKLY)
    with pytest.raises(NotSignedIn):
        subs.subscription_of(db, policy, None)


# ---- following the account ------------------------------------------------------------------

def test_signing_up_with_a_subscribed_address_keeps_the_subscription(db, settings, policy):
    visitor = confirm(db, subs.request_subscription(db, settings, "carol@example.org"))
    carol = users.create_user(db, "carol", "Carol@example.org", "correct horse battery staple", verified=True)

    kept = subs.subscription_of(db, policy, carol)
    assert kept.id == visitor.id and kept.active and kept.sections == ("trending",)


def test_an_unverified_sign_up_does_not_take_over_a_visitors_subscription(db, settings, policy):
    confirm(db, subs.request_subscription(db, settings, "dave@example.org"))
    impostor = users.create_user(db, "dave", "dave@example.org", "correct horse battery staple")
    assert subs.subscription_of(db, policy, impostor) is None, "anyone can type another's address at sign-up"

    users.mark_email_verified(db, impostor.id)  # the address's owner after all
    assert subs.subscription_of(db, policy, impostor).active


def test_a_subscription_follows_a_change_of_address_and_waits_for_it_to_be_verified(db, policy, member):
    ann = member("ann")
    subs.subscribe_member(db, policy, ann, WEEKLY)
    users.change_email(db, ann.id, "Ann.New@example.org")

    moved = subs.subscription_of(db, policy, ann)
    assert moved.email == "Ann.New@example.org" and not moved.active
    users.mark_email_verified(db, ann.id)
    assert subs.subscription_of(db, policy, ann).active


def test_changing_to_a_visitors_address_leaves_the_visitors_subscription_alone(db, settings, policy, member):
    visitor = confirm(db, subs.request_subscription(db, settings, "eve@example.org"))
    ann = member("ann")
    subs.subscribe_member(db, policy, ann, WEEKLY)
    users.change_email(db, ann.id, "eve@example.org")  # not proven yet

    assert subs.subscription_of(db, policy, ann) is None
    assert [(s.id, s.user_id) for s in subs.active_subscriptions(db)] == [(visitor.id, None)]


def test_deleting_an_account_removes_its_subscription(db, policy, member):
    ann = member("ann")
    subscription = subs.subscribe_member(db, policy, ann, WEEKLY)
    add_to_outbox(db, subscription.id, "2026-W49", "pending")
    users.delete_user(db, ann.id)
    assert subs.all_subscriptions(db) == [] and outbox_statuses(db, subscription.id) == {}
