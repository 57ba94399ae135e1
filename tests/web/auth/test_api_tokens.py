"""API tokens on the JSON APIs: ``Authorization: Bearer`` on every one, /api/v1/me to check a
token, read-only tokens that cannot change anything, and bad tokens that never fall back to a cookie."""

from __future__ import annotations

import re

import pytest

from paperwire.accounts import tokens


@pytest.fixture
def ann(both_site):
    return both_site.member("ann")


def _bearer(site, member, scope: str) -> dict[str, str]:
    secret, _ = tokens.create_token(site.db, member, f"{scope} script", scope)
    return {"Authorization": f"Bearer {secret}"}


def test_me_says_who_a_token_acts_as_and_with_what_scope(both_site, ann):
    client = both_site.browser()
    for scope in ("read", "write"):
        me = client.get("/api/v1/me", headers=_bearer(both_site, ann, scope))
        assert me.json() == {"username": "ann", "role": "member", "email_verified": True, "auth": "token",
                             "scope": scope}


def test_without_credentials_me_is_401_with_a_bearer_challenge(both_site):
    response = both_site.browser().get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json() == {"error": "sign in first", "parameter": None}


@pytest.mark.parametrize("path", ["/api/v1/papers", "/api/daily_papers", "/api/v1/me", "/feeds/daily.rss"])
def test_every_json_api_takes_a_token_and_refuses_a_bad_one(site, path):
    ann = site.member("ann")
    client = site.browser()
    assert client.get(path, headers=_bearer(site, ann, "read")).status_code == 200
    refused = client.get(path, headers={"Authorization": "Bearer pw_not-a-token"})
    assert refused.status_code == 401
    assert "this API token is not valid" in refused.json()["error"]


@pytest.mark.parametrize("header", ["Bearer pw_revoked", "Basic YW5uOnB3", "Bearer", "pw_no-scheme", "Bearer " + "x" * 5000])
def test_a_bad_authorization_header_is_401_and_never_falls_back_to_the_session(both_site, ann, header):
    browser = both_site.browser()
    browser.sign_in("ann")
    assert browser.get("/api/v1/me").json()["auth"] == "session"
    response = browser.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401 and response.headers["content-type"] == "application/json"


def test_a_revoked_token_stops_at_once(both_site, ann):
    secret, token_id = tokens.create_token(both_site.db, ann, "laptop", "write")
    client = both_site.browser(authorization=f"Bearer {secret}")
    assert client.get("/api/v1/me").status_code == 200
    tokens.revoke_token(both_site.db, ann, token_id)
    assert client.get("/api/v1/me").status_code == 401


def test_a_read_scope_token_cannot_change_anything(both_site, ann):
    reader = both_site.browser(**_bearer(both_site, ann, "read"))
    refused = reader.post("/settings/tokens", data={"name": "more", "scope": "write"})
    assert refused.status_code == 403
    assert "may only read" in refused.text
    writer = both_site.browser(**_bearer(both_site, ann, "write"))
    assert writer.post("/settings/tokens", data={"name": "more", "scope": "write"}).status_code == 200
    assert sorted(t.name for t in tokens.list_tokens(both_site.db, ann)) == ["more", "read script", "write script"]


def test_openapi_documents_the_bearer_scheme_on_the_apis(site):
    schema = site.browser().get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]["bearer"]["description"]}
    assert {"bearer": []} in schema["paths"]["/api/v1/me"]["get"]["security"]
    assert {"bearer": []} in schema["paths"]["/api/v1/papers"]["get"]["security"]
    assert "401" in schema["paths"]["/api/v1/me"]["get"]["responses"]


def test_a_signed_in_reader_never_gets_a_cached_page_nor_leaves_one(site):
    """The front page is cached for anonymous readers: signing in must not show someone else's
    header, and the signed-in header (with its CSRF token) must not reach anyone else."""
    site.member("ann")
    anonymous = site.browser()
    assert "Sign in" in anonymous.get("/").text
    browser = site.browser()
    browser.sign_in("ann")
    mine = browser.get("/")
    assert 'href="/settings" title="Your account">ann</a>' in mine.text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', mine.text).group(1)
    assert mine.headers["cache-control"] == "no-store"
    again = anonymous.get("/").text
    assert "Sign in" in again and token not in again and "csrf-token" not in again


def test_require_write_scope_lets_sessions_and_write_tokens_through_and_stops_read_tokens(site):
    """What community routes depend on, even for a route that changes things on a GET by mistake."""
    from starlette.requests import Request

    from paperwire.community.errors import NotAllowed, NotSignedIn
    from paperwire.web.auth.viewer import ANONYMOUS, Viewer, require_write_scope

    ann = site.member("ann")

    def asked_by(viewer: Viewer) -> Request:
        return Request({"type": "http", "app": site.app, "method": "GET", "path": "/", "headers": [],
                        "state": {"viewer": viewer}})

    assert require_write_scope(asked_by(Viewer(ann, via="session", scope="write"))) == ann
    assert require_write_scope(asked_by(Viewer(ann, via="token", scope="write"))) == ann
    with pytest.raises(NotAllowed, match="may only read"):
        require_write_scope(asked_by(Viewer(ann, via="token", scope="read")))
    with pytest.raises(NotSignedIn):
        require_write_scope(asked_by(ANONYMOUS))
