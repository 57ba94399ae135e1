"""Private feed keys: random, kept hashed, one live key per member, nothing for a disabled member."""

from __future__ import annotations

from sqlalchemy import select

from paperwire.accounts import users
from paperwire.reader import private_feeds
from paperwire.store.reader_schema import private_feed_keys


def test_a_key_opens_its_members_feeds_and_is_stored_only_hashed(db, policy, member):
    ann = member("ann")
    key = private_feeds.new_key(db, policy, ann)
    assert key.startswith("pwf_") and len(key) > 40
    assert private_feeds.member_by_key(db, key).id == ann.id
    with db.connect() as conn:
        stored = conn.execute(select(private_feed_keys.c.key_hash)).scalars().all()
    assert len(stored) == 1 and key not in stored[0] and len(stored[0]) == 64


def test_a_new_key_revokes_the_old_one(db, policy, member):
    ann = member("ann")
    old = private_feeds.new_key(db, policy, ann)
    new = private_feeds.new_key(db, policy, ann)
    assert old != new
    assert private_feeds.member_by_key(db, old) is None and private_feeds.member_by_key(db, new).id == ann.id


def test_wrong_odd_or_disabled_keys_open_nothing(db, policy, member):
    ann = member("ann")
    key = private_feeds.new_key(db, policy, ann)
    for wrong in ("", "pwf_" + "x" * 43, key[:-1], key + "x" * 200, None, 42, key.replace("pwf_", "pw_")):
        assert private_feeds.member_by_key(db, wrong) is None
    users.disable(db, ann.id)
    assert private_feeds.member_by_key(db, key) is None


def test_key_info_says_when_without_the_key(db, policy, member):
    ann = member("ann")
    assert private_feeds.key_info(db, policy, ann) is None
    private_feeds.new_key(db, policy, ann)
    assert private_feeds.key_info(db, policy, ann).created_at is not None
