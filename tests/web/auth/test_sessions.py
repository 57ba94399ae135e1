"""Sessions as a browser sees them: the cookie's flags, a new id at every sign-in, and sessions
that end on the server (sign-out, password change, a disabled member) so an old cookie is worthless."""

from __future__ import annotations

from http.cookies import SimpleCookie

from paperwire.accounts import users

from .conftest import PASSWORD


def _set_cookies(response) -> dict[str, dict]:
    """The Set-Cookie headers of a response: {name: {"value": ..., flag: value}}."""
    cookies = {}
    for header in response.headers.get_list("set-cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            cookies[name] = {"value": morsel.value, **{k: v for k, v in morsel.items() if v}}
    return cookies


def _signed_in_as(browser) -> str | None:
    response = browser.get("/api/v1/me")
    return response.json()["username"] if response.status_code == 200 else None


def test_the_session_cookie_is_httponly_and_samesite_lax_over_http(site):
    site.member("ann")
    response = site.browser().sign_in("ann")
    cookie = _set_cookies(response)["paperwire_session"]
    assert cookie["httponly"] is True and cookie["samesite"].lower() == "lax" and cookie["path"] == "/"
    assert "secure" not in cookie  # a plain-http site: a Secure cookie would never come back


def test_over_https_the_cookie_is_secure_and_host_prefixed(make_site):
    site = make_site(base_url="https://papers.example.org")
    site.member("ann")
    response = site.browser().sign_in("ann")
    cookies = _set_cookies(response)
    assert "paperwire_session" not in cookies
    cookie = cookies["__Host-paperwire_session"]
    assert cookie["secure"] is True and cookie["httponly"] is True and cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/" and "domain" not in cookie  # what __Host- requires


def test_every_sign_in_gets_a_new_session_id_and_ends_the_one_before(both_site):
    both_site.member("ann")
    browser = both_site.browser()
    browser.sign_in("ann")
    first = browser.session_cookie
    browser.sign_in("ann")
    second = browser.session_cookie
    assert first and second and first != second

    planted = both_site.browser()  # someone holding the first id, e.g. planted before sign-in
    planted.cookies.set("paperwire_session", first)
    assert _signed_in_as(planted) is None
    assert _signed_in_as(browser) == "ann"


def test_sign_out_ends_the_session_on_the_server(both_site):
    both_site.member("ann")
    browser = both_site.browser()
    browser.sign_in("ann")
    cookie = browser.session_cookie

    response = browser.submit("/signout", page="/")
    assert response.status_code == 303
    assert _set_cookies(response)["paperwire_session"]["max-age"] == "0"

    copy = both_site.browser()  # the old cookie, kept by someone who copied it
    copy.cookies.set("paperwire_session", cookie)
    assert _signed_in_as(copy) is None
    assert copy.get("/settings", follow_redirects=False).headers["location"] == "/signin?next=/settings"


def test_a_password_change_ends_the_other_sessions_and_renews_this_one(both_site):
    both_site.member("ann")
    laptop, phone = both_site.browser(), both_site.browser()
    laptop.sign_in("ann")
    phone.sign_in("ann")
    before = laptop.session_cookie

    response = laptop.submit("/settings/password", page="/settings", current_password=PASSWORD,
                             new_password="a brand new passphrase")
    assert response.headers["location"] == "/settings?done=password"
    assert laptop.session_cookie != before
    assert _signed_in_as(laptop) == "ann"
    assert _signed_in_as(phone) is None
    old = both_site.browser()
    old.cookies.set("paperwire_session", before)
    assert _signed_in_as(old) is None


def test_a_disabled_members_cookie_and_token_stop_working_at_once(both_site):
    ann = both_site.member("ann")
    browser = both_site.browser()
    browser.sign_in("ann")
    token = browser.submit("/settings/tokens", page="/settings", name="script", scope="write")
    secret = token.text.split('<code class="token">')[1].split("</code>")[0]
    script = both_site.browser(authorization=f"Bearer {secret}")
    assert _signed_in_as(script) == "ann"

    users.disable(both_site.db, ann.id)

    assert _signed_in_as(browser) is None
    assert script.get("/api/v1/me").status_code == 401
    refused = both_site.browser().submit("/signin", login="ann", password=PASSWORD)
    assert refused.status_code == 400 and "do not match an account" in refused.text
