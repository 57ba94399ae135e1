"""Rate limits on sign-in, sign-up and password resets: 429 with Retry-After, the same answer
for an account that exists and one that does not, counted in the database so that two
workers of one site share them."""

from __future__ import annotations

import re

from paperwire.accounts import passwords

from .conftest import PASSWORD

WRONG = "not the password at all"


def _sign_in(browser, login: str, password: str = WRONG, **headers):
    return browser.post("/signin", data={"login": login, "password": password, "csrf_token": browser.token()},
                        headers=headers, follow_redirects=False)


def test_sign_in_attempts_on_one_account_are_limited_whoever_makes_them(make_site):
    site = make_site(limit_sign_in_per_account="3/minute", limit_sign_in_per_address="")
    site.member("ann")
    statuses = [_sign_in(site.browser(), "ann").status_code for _ in range(3)]
    refused = _sign_in(site.browser(), "ANN", PASSWORD)  # even the right password, typed another way
    assert statuses == [400, 400, 400]
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "too many sign-in attempts" in refused.text
    assert _sign_in(site.browser(), "bob").status_code == 400  # other accounts are not locked out


def test_a_limited_account_answers_as_a_limited_unknown_one(make_site):
    site = make_site(limit_sign_in_per_account="1/minute", limit_sign_in_per_address="")
    site.member("ann")
    browser = site.browser()
    for login in ("ann", "zed"):
        _sign_in(browser, login)
    known, unknown = _sign_in(browser, "ann"), _sign_in(browser, "zed")
    assert known.status_code == unknown.status_code == 429
    seconds = re.compile(r"\d+ s\b")  # the two windows may end a second apart
    assert seconds.sub("N s", known.text) == seconds.sub("N s", unknown.text)


def test_sign_in_attempts_from_one_address_are_limited_across_accounts(make_site):
    site = make_site(limit_sign_in_per_account="", limit_sign_in_per_address="3/minute")
    browser = site.browser()
    assert [_sign_in(browser, name).status_code for name in ("a1", "a2", "a3", "a4")] == [400, 400, 400, 429]


def test_an_api_client_gets_the_limit_as_json(make_site):
    site = make_site(limit_sign_in_per_account="1/minute")
    browser = site.browser()
    _sign_in(browser, "ann")
    refused = _sign_in(browser, "ann", accept="application/json")
    assert refused.status_code == 429 and refused.headers["retry-after"]
    assert refused.json() == {"error": "too many sign-in attempts: try again in "
                                       f"{refused.headers['retry-after']} s", "parameter": None}


def test_limits_hold_across_two_workers_of_one_site(make_both_site):
    first = make_both_site(limit_sign_in_per_account="4/minute")
    second = make_both_site(first.settings)  # another process on the same home and database
    first.member("ann")
    statuses = [_sign_in((first if n % 2 else second).browser(), "ann").status_code for n in range(5)]
    assert statuses == [400, 400, 400, 400, 429]


def test_sign_ups_from_one_address_are_limited(make_site):
    site = make_site(limit_sign_up_per_address="2/hour")
    browser = site.browser()
    statuses = [site.browser().submit("/signup", username=f"user{n}", email=f"user{n}@example.org",
                                      password=PASSWORD).status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    assert browser.get("/signup").status_code == 200  # the form still shows; sending it is what counts


def test_password_reset_requests_are_limited_the_same_for_known_and_unknown_addresses(make_site, smtp_server,
                                                                                        tmp_path):
    site = make_site(smtp_server.settings(tmp_path / "home", limit_password_reset_per_account="2/hour",
                                          limit_password_reset_per_address=""))
    site.member("ann")
    answers = {}
    for address in ("ann@example.org", "nobody@example.org"):
        browser = site.browser()
        answers[address] = [browser.submit("/forgot-password", email=address) for _ in range(3)]
    for address, responses in answers.items():
        assert [r.status_code for r in responses] == [200, 200, 429], address
    seconds = re.compile(r"\d+ s\b")
    assert seconds.sub("N s", answers["ann@example.org"][2].text) == seconds.sub("N s", answers["nobody@example.org"][2].text)
    assert len(smtp_server.messages) == 2


def test_a_sign_in_while_every_hashing_slot_is_busy_is_answered_503_with_retry_after(site, monkeypatch):
    site.member("ann")
    browser = site.browser()
    token = browser.token()
    monkeypatch.setattr(passwords, "HASH_WAIT_S", 0.05)  # wait less than the 5 s a real request would
    held = [passwords.hashing_slot() for _ in range(passwords.CONCURRENT_HASHES)]
    for slot in held:
        slot.__enter__()
    try:
        response = browser.post("/signin", data={"login": "ann", "password": PASSWORD, "csrf_token": token})
    finally:
        for slot in held:
            slot.__exit__(None, None, None)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert "try again" in response.text
    assert browser.get("/api/v1/me").status_code == 401
