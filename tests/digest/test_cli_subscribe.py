"""`paperwire digest subscribe / unsubscribe / list` on a temporary home, as an admin types them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from paperwire.accounts.users import create_user
from paperwire.cli import main
from paperwire.digest import subscriptions
from paperwire.store import open_catalog

PASSWORD = "correct horse battery staple"


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.fixture
def db(home):
    catalog = open_catalog(f"sqlite:///{home / 'catalog.db'}")
    create_user(catalog.engine, "ann", "ann@example.org", PASSWORD, verified=True)
    create_user(catalog.engine, "bob", "bob@example.org", PASSWORD)
    yield catalog.engine
    catalog.engine.dispose()


@pytest.fixture
def paperwire(home):
    def run(*args):
        return CliRunner().invoke(main, ["--home", str(home), "digest", *args])

    return run


def test_subscribe_says_what_it_did_and_the_member_gets_that_digest(db, paperwire):
    done = paperwire("subscribe", "ann", "--period", "weekly", "--sections", "trending,replies", "--hour", "8",
                     "--timezone", "Europe/Berlin", "--weekday", "Fri")
    assert done.exit_code == 0, done.output
    assert done.output == "ann: weekly at fri 08:00 Europe/Berlin, sections trending,replies\n"
    (active,) = subscriptions.active_subscriptions(db)
    assert (active.period, active.weekday, active.hour, active.sections) == ("weekly", 4, 8, ("trending", "replies"))

    changed = paperwire("subscribe", "ann", "--period", "daily")
    assert changed.output == "ann: daily at 08:00 Europe/Berlin, sections trending,replies\n", "the rest is kept"


def test_an_unverified_member_is_told_that_nothing_goes_yet(db, paperwire):
    done = paperwire("subscribe", "bob", "--period", "daily")
    assert done.exit_code == 0 and "nothing is sent until bob@example.org is verified" in done.output
    assert subscriptions.active_subscriptions(db) == []


@pytest.mark.parametrize(("args", "says"), [
    (("nobody", "--period", "daily"), "no account named 'nobody'"),
    (("ann", "--period", "daily", "--sections", "trending,gossip"), "'gossip' is not one of trending, for-you"),
    (("ann", "--period", "daily", "--timezone", "Mars/Olympus"), "'Mars/Olympus' is not a time zone name"),
    (("ann", "--period", "hourly"), "'hourly' is not one of 'daily', 'weekly'"),
    (("ann", "--period", "daily", "--hour", "24"), "24 is not in the range 0<=x<=23"),
])
def test_a_wrong_subscribe_says_what_is_wrong_and_changes_nothing(db, paperwire, args, says):
    refused = paperwire("subscribe", *args)
    assert refused.exit_code != 0 and says in refused.output
    assert subscriptions.all_subscriptions(db) == []


def test_unsubscribe_and_list_show_each_subscription_with_its_state(db, paperwire):
    paperwire("subscribe", "ann", "--period", "daily", "--sections", "trending")
    assert "no digest subscription" in paperwire("unsubscribe", "bob").output
    paperwire("subscribe", "bob", "--period", "weekly")
    assert paperwire("unsubscribe", "ann").output == "ann: unsubscribed\n"

    listed = json.loads(paperwire("list", "--json").output)
    assert [(s["member"], s["email"], s["state"]) for s in listed] == [
        ("ann", "ann@example.org", "unsubscribed"), ("bob", "bob@example.org", "unconfirmed")]
    table = paperwire("list").output.splitlines()
    assert "ann" in table[0] and "unsubscribed" in table[0] and "unconfirmed" in table[1]
