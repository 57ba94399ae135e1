"""CSRF: another site cannot make a signed-in (or signed-out) browser change anything here.

Each refused request below is one a hostile page can make a victim's browser send: the
victim's cookies travel with it, but not this site's token, nor this site's Origin.
"""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select

from paperwire.accounts import tokens
from paperwire.store import people_schema  # noqa: F401  (its tables join the metadata)
from paperwire.store.schema import metadata

from .conftest import PASSWORD

EVIL = "https://evil.example"


@pytest.fixture
def victim(both_site):
    """A signed-in browser, the member ann, and the CSRF token of her session."""
    ann = both_site.member("ann")
    browser = both_site.browser()
    browser.sign_in("ann")
    return browser, ann, browser.token("/settings")


def _live_tokens(site, member) -> list[str]:
    return [t.name for t in tokens.list_tokens(site.db, member)]


def test_a_cross_site_form_post_with_the_victims_cookie_is_refused(both_site, victim):
    browser, ann, _ = victim
    response = browser.post("/settings/tokens", data={"name": "stolen", "scope": "write"},
                            headers={"Origin": EVIL}, follow_redirects=False)
    assert response.status_code == 403
    assert "another site" in response.text
    assert _live_tokens(both_site, ann) == []


def test_a_post_without_the_token_is_refused(both_site, victim):
    browser, ann, _ = victim
    response = browser.post("/settings/tokens", data={"name": "no token", "scope": "write"})
    assert response.status_code == 403
    assert "reload the page" in response.text
    assert _live_tokens(both_site, ann) == []


def test_a_post_with_a_wrong_token_is_refused(both_site, victim):
    browser, ann, token = victim
    for wrong in ("x" * len(token), token[:-1], token + "x", ""):
        response = browser.post("/settings/tokens", data={"name": "guess", "scope": "write", "csrf_token": wrong})
        assert response.status_code == 403, wrong
    assert _live_tokens(both_site, ann) == []


def test_the_right_token_from_a_foreign_origin_or_referer_is_still_refused(both_site, victim):
    browser, ann, token = victim
    for headers in ({"Origin": EVIL}, {"Origin": "null"}, {"Referer": f"{EVIL}/page"},
                    {"Origin": "http://127.0.0.1:8001"}, {"Origin": "https://127.0.0.1:8000"}):
        response = browser.post("/settings/tokens", data={"name": "x", "scope": "write", "csrf_token": token},
                                headers=headers)
        assert response.status_code == 403, headers
    assert _live_tokens(both_site, ann) == []


def test_the_right_token_from_this_site_is_accepted(both_site, victim):
    browser, ann, token = victim
    response = browser.post("/settings/tokens", data={"name": "mine", "scope": "read", "csrf_token": token},
                            headers={"Origin": "http://127.0.0.1:8000", "Referer": "http://127.0.0.1:8000/settings"})
    assert response.status_code == 200
    assert _live_tokens(both_site, ann) == ["mine"]


def test_scripts_send_the_token_as_a_header(both_site, victim):
    browser, ann, token = victim
    assert browser.post("/signout", headers={"X-CSRF-Token": token}, follow_redirects=False).status_code == 303
    assert browser.get("/api/v1/me").status_code == 401


def test_signing_a_visitor_into_another_account_from_another_site_is_refused(both_site):
    """Login CSRF: a hostile page posts its own credentials so the victim works in its account."""
    both_site.member("mallory")
    victim = both_site.browser()  # has never been here: no cookie at all
    response = victim.post("/signin", data={"login": "mallory", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403
    assert victim.session_cookie is None


def test_a_signed_out_forms_token_only_works_with_its_own_browsers_cookie(both_site):
    both_site.member("ann")
    attacker = both_site.browser()
    token = attacker.token("/signin")  # a genuine token, bound to the attacker's form cookie
    victim = both_site.browser()
    victim.get("/signin")  # the victim has a form cookie of her own
    response = victim.post("/signin", data={"login": "ann", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 403


def test_an_api_call_with_a_bearer_token_and_no_cookie_needs_no_csrf_token(both_site, victim):
    browser, _, _ = victim
    made = browser.submit("/settings/tokens", page="/settings", name="script", scope="write")
    secret = made.text.split('<code class="token">')[1].split("</code>")[0]
    script = both_site.browser(authorization=f"Bearer {secret}")
    assert script.delete("/api/v1/me").status_code == 405  # reached the route: no CSRF refusal first
    assert script.post("/signout", follow_redirects=False).status_code == 303


def test_a_bearer_call_that_carries_the_session_cookie_too_needs_the_token(both_site, victim):
    browser, _, _ = victim
    made = browser.submit("/settings/tokens", page="/settings", name="script", scope="write")
    secret = made.text.split('<code class="token">')[1].split("</code>")[0]
    response = browser.post("/settings/tokens", data={"name": "x", "scope": "read"},
                            headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403


def test_sign_out_is_a_post_only(both_site, victim):
    browser, _, _ = victim
    assert browser.get("/signout").status_code == 405  # an <img src=/signout> signs nobody out
    assert browser.get("/api/v1/me").json()["username"] == "ann"


def _api_routes(app) -> list:
    return [context for context in iter_route_contexts(app.routes) if isinstance(context.original_route, APIRoute)]


def test_every_route_that_changes_things_is_csrf_checked(site):
    from paperwire.web.auth.csrf import protect

    unsafe = [route for route in _api_routes(site.app) if route.methods - {"GET", "HEAD", "OPTIONS"}]
    assert len(unsafe) >= 10
    for route in unsafe:
        assert protect in [d.dependency for d in route.dependencies], route.path


def _snapshot(db) -> dict[str, list]:
    """Every row of every table, but visit bookkeeping (last seen / last used) and rate-limit counters."""
    skipped = {"last_seen_at", "last_used_at"}
    with db.connect() as connection:
        return {
            table.name: sorted(map(repr, connection.execute(
                select(*[c for c in table.columns if c.name not in skipped])).all()))
            for table in metadata.sorted_tables if table.name != "rate_limits"
        }


def _example_path(path: str) -> str:
    for name, value in (("{paper_id:path}", "2607.00001"), ("{paper_id}", "2607.00001"), ("{format}", "rss"),
                        ("{category}", "cs.CL"), ("{name}", "Ann Lee"), ("{name:path}", "Ann Lee")):
        path = path.replace(name, value)
    return path.replace("{", "").replace("}", "")


def test_no_get_route_changes_anything(both_site, victim):
    """Every GET the app has, asked by a signed-in member with a verify link (of an unverified
    member) and a reset link in hand, leaves every table as it was."""
    from paperwire.accounts import links

    browser, ann, _ = victim
    secret = both_site.app.state.secret_key
    verify = links.verify_email_token(secret, both_site.member("bea", verified=False))
    reset = links.password_reset_token(both_site.db, secret, ann)
    users_before = _snapshot(both_site.db)
    gets = sorted({route.path for route in _api_routes(both_site.app) if "GET" in route.methods})
    assert {"/signin", "/settings", "/verify-email", "/reset-password"} <= set(gets)
    for path in gets:
        for query in ({}, {"token": verify}, {"token": reset}):
            response = browser.get(_example_path(path), params=query, follow_redirects=False)
            assert response.status_code < 500, path
    assert _snapshot(both_site.db) == users_before
