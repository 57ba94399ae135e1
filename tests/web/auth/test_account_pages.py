"""The account pages as a person uses them: sign up, confirm the address from a real mail,
sign in and come back where they were, reset a forgotten password, manage API tokens, leave."""

from __future__ import annotations

import html
import logging
import re

from datetime import date

import pytest

from paperwire.accounts import users
from paperwire.community import comments, votes
from paperwire.community.rules import Policy
from paperwire.paper import Paper
from paperwire.store import Catalog

from .conftest import PASSWORD

NEW_PASSWORD = "a completely new passphrase"


def _link(message, path: str) -> str:
    """The link to ``path`` in a received mail (read as a person reads it)."""
    found = re.search(r"(http://127\.0\.0\.1:8000" + re.escape(path) + r"\?token=\S+)", message.get_content())
    assert found, message.get_content()
    return found.group(1)


def _field_error(response, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field}-error" role="alert">([^<]*)</p>', response.text)
    assert found, f"no error next to {field}: {response.text[:2000]}"
    return html.unescape(found.group(1))


@pytest.fixture
def mail_site(make_site, smtp_server, tmp_path):
    """A site that sends its mail to a real SMTP server on 127.0.0.1."""
    return make_site(smtp_server.settings(tmp_path / "home")), smtp_server


def test_without_mail_a_new_account_is_verified_at_once_and_signed_in(site):
    browser = site.browser()
    response = browser.submit("/signup", username="ann", email="ann@example.org", password=PASSWORD)
    assert response.headers["location"] == "/welcome"
    me = browser.get("/api/v1/me").json()
    assert me == {"username": "ann", "role": "member", "email_verified": True, "auth": "session", "scope": "write"}
    assert "Welcome" in browser.get("/welcome").text


def test_the_sign_up_form_explains_the_password_policy(site):
    page = site.browser().get("/signup").text
    assert "At least 12 characters" in page and "no other rules" in page
    assert '<label for="password">Password</label>' in page


def test_with_mail_sign_up_sends_a_link_that_confirms_the_address_only_by_its_button(mail_site):
    site, smtp = mail_site
    browser = site.browser()
    browser.submit("/signup", username="ann", email="ann@example.org", password=PASSWORD)
    assert browser.get("/api/v1/me").json()["email_verified"] is False
    (mail,) = smtp.messages
    assert mail["To"] == "ann <ann@example.org>" and "Confirm your address" in mail["Subject"]
    link = _link(mail, "/verify-email")

    page = browser.get(link)  # what a mail scanner fetching the link does, too
    assert "Confirm my address" in page.text
    assert browser.get("/api/v1/me").json()["email_verified"] is False

    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    confirmed = browser.post("/verify-email", data={"token": token, "csrf_token": browser.token(link)})
    assert confirmed.status_code == 200 and "ann@example.org is confirmed" in confirmed.text
    assert browser.get("/api/v1/me").json()["email_verified"] is True


def test_a_verification_link_can_be_sent_again_from_settings(mail_site):
    site, smtp = mail_site
    site.member("ann", verified=False)
    browser = site.browser()
    browser.sign_in("ann")
    response = browser.submit("/settings/verification", page="/settings")
    assert response.headers["location"] == "/settings?done=verification-sent"
    assert [m["To"].addresses[0].addr_spec for m in smtp.messages] == ["ann@example.org"]


def test_an_altered_verification_link_says_so(mail_site):
    site, _ = mail_site
    site.member("ann", verified=False)
    browser = site.browser()
    response = browser.post("/verify-email", data={"token": "forged.token", "csrf_token": browser.token()})
    assert response.status_code == 400 and "not valid" in response.text


def test_a_forgotten_password_is_reset_by_the_mailed_link_once_and_every_session_ends(mail_site):
    site, smtp = mail_site
    site.member("ann")
    elsewhere = site.browser()
    elsewhere.sign_in("ann")
    browser = site.browser()
    answer = browser.submit("/forgot-password", email="ann@example.org")
    assert "we have sent it a link" in answer.text and "one hour" in answer.text
    link = _link(smtp.messages[-1], "/reset-password")

    form = browser.get(link)
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    done = browser.post("/reset-password", data={"token": token, "password": NEW_PASSWORD,
                                                 "csrf_token": browser.token(link)}, follow_redirects=False)
    assert done.headers["location"] == "/signin?done=password-reset"
    assert elsewhere.get("/api/v1/me").status_code == 401
    browser.sign_in("ann", NEW_PASSWORD)

    again = site.browser()
    assert again.get(link).status_code == 400  # the link is spent
    replay = again.post("/reset-password", data={"token": token, "password": "yet another passphrase",
                                                 "csrf_token": again.token()})
    assert replay.status_code == 400 and "used already" in replay.text
    assert users.authenticate(site.db, "ann", NEW_PASSWORD) is not None


def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(mail_site):
    site, smtp = mail_site
    site.member("ann")
    browser = site.browser()
    known = browser.submit("/forgot-password", email="ann@example.org")
    unknown = browser.submit("/forgot-password", email="nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("ann@example.org", "ADDRESS") == unknown.text.replace("nobody@example.org", "ADDRESS")
    assert len(smtp.messages) == 1  # only the real account got a mail


def test_sign_in_answers_the_same_for_a_wrong_password_and_an_unknown_account(site):
    site.member("ann")
    browser = site.browser()
    wrong = browser.submit("/signin", login="ann", password="not the password at all")
    unknown = browser.submit("/signin", login="zed", password="not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.text.replace('value="ann"', "") == unknown.text.replace('value="zed"', "")
    assert _field_error(wrong, "login") == "that username or e-mail address and password do not match an account"


def test_sign_in_by_email_comes_back_to_the_page_asked_for(site):
    site.member("ann")
    browser = site.browser()
    bounce = browser.get("/settings", follow_redirects=False)
    assert bounce.status_code == 303 and bounce.headers["location"] == "/signin?next=/settings"
    form = browser.get(bounce.headers["location"]).text
    assert '<input type="hidden" name="next" value="/settings">' in form
    response = browser.submit("/signin", login="ANN@example.org", password=PASSWORD, next="/settings")
    assert response.headers["location"] == "/settings"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    "javascript:alert(1)", "http:/evil.example", "/%0a/evil.example".replace("%0a", "\n"), "evil.example",
])
def test_sign_in_never_sends_anyone_to_another_site(site, target):
    site.member("ann")
    browser = site.browser()
    assert 'name="next"' not in browser.get("/signin", params={"next": target}).text
    response = browser.submit("/signin", login="ann", password=PASSWORD, next=target)
    assert response.headers["location"] == "/"


def test_an_api_token_is_shown_once_listed_by_its_prefix_and_revoked(site, caplog):
    site.member("ann")
    browser = site.browser()
    browser.sign_in("ann")
    with caplog.at_level(logging.DEBUG):
        made = browser.submit("/settings/tokens", page="/settings", name="laptop scripts", scope="read")
        secret = re.search(r'<code class="token">(pw_[^<]+)</code>', made.text).group(1)
        assert browser.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).json()["scope"] == "read"
        later = browser.get("/settings").text
    assert made.headers["cache-control"] == "no-store"
    assert secret not in later and secret[:9] + "…" in later and "laptop scripts" in later
    assert secret not in caplog.text

    token_id = re.search(r'/settings/tokens/(\d+)/revoke', later).group(1)
    revoked = browser.submit(f"/settings/tokens/{token_id}/revoke", page="/settings")
    assert revoked.headers["location"] == "/settings?done=revoked"
    assert browser.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert browser.submit(f"/settings/tokens/{token_id}/revoke", page="/settings").status_code == 404


def test_changing_the_email_address_needs_the_password_and_asks_to_confirm_the_new_one(mail_site):
    site, smtp = mail_site
    site.member("ann")
    browser = site.browser()
    browser.sign_in("ann")
    refused = browser.submit("/settings/email", page="/settings", email="ann@new.example", password="wrong guess!!")
    assert _field_error(refused, "password") == "that is not your current password"
    browser.submit("/settings/email", page="/settings", email="ann@new.example", password=PASSWORD)
    assert browser.get("/api/v1/me").json()["email_verified"] is False
    assert smtp.messages[-1]["To"].addresses[0].addr_spec == "ann@new.example"


def test_deleting_the_account_takes_back_its_votes_keeps_its_comments_and_signs_out(site):
    ann = site.member("ann")
    catalog, policy = Catalog(site.db), Policy(site.settings)
    catalog.store([Paper(id="2607.00001", arxiv_id="2607.00001", title="A paper", abstract="About it.",
                         listing_date=date(2026, 7, 1))])
    doc_id = catalog.get("2607.00001").doc_id
    votes.upvote(site.db, policy, ann, doc_id)
    comments.add_comment(site.db, policy, ann, doc_id, "My thoughts.")
    browser = site.browser()
    browser.sign_in("ann")

    refused = browser.submit("/settings/delete", page="/settings", password="not my password")
    assert refused.status_code == 400
    assert _field_error(refused, "delete_password") == "that is not your password; the account was not deleted"
    gone = browser.submit("/settings/delete", page="/settings", password=PASSWORD)

    assert gone.headers["location"] == "/signin?done=deleted"
    assert "deleted user" in browser.get("/signin?done=deleted").text
    assert browser.get("/api/v1/me").status_code == 401
    assert users.member_by_username(site.db, "ann") is None
    assert catalog.get("2607.00001").votes == 0
    (kept,) = comments.thread(site.db, policy, None, doc_id)
    assert (kept.author_name, kept.body) == ("deleted user", "My thoughts.")


HOSTILE = {
    "10 KB": "x" * 10_000,
    "NUL": "ann\x00ann@example.org",
    "RTL override": "ann\u202egro.elpmaxe@",
    "markup": '"><script>alert(1)</script>',
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_input_in_every_form_field_gets_a_clear_message_next_to_it(mail_site, kind):
    site, _ = mail_site
    value = HOSTILE[kind]
    site.member("ann")
    browser = site.browser()
    forms = [
        ("/signup", "username", {"username": value, "email": "new@example.org", "password": PASSWORD}),
        ("/signup", "email", {"username": "newbie", "email": value, "password": PASSWORD}),
        ("/signin", "login", {"login": value, "password": PASSWORD}),
        ("/forgot-password", "email", {"email": value}),
    ]
    for action, field, data in forms:
        response = browser.submit(action, **data)
        assert response.status_code == 400, (action, field)
        message = _field_error(response, field)
        assert message and "<script>" not in response.text, (action, field)
    browser.sign_in("ann")
    settings_forms = [
        ("/settings/tokens", "token_name", {"name": value, "scope": "read"}),
        ("/settings/email", "email", {"email": value, "password": PASSWORD}),
        ("/settings/password", "current_password", {"current_password": value, "new_password": NEW_PASSWORD}),
    ]
    for action, field, data in settings_forms:
        response = browser.submit(action, page="/settings", **data)
        assert "<script>" not in response.text, (action, field)
        if kind == "markup" and field == "token_name":  # any printable name will do: it is shown escaped
            assert response.status_code == 200 and "&lt;script&gt;" in response.text
            continue
        assert response.status_code == 400, (action, field)
        assert _field_error(response, field), (action, field)
    assert browser.get("/api/v1/me").json()["username"] == "ann"


def test_a_password_of_10_kb_is_refused_with_its_limit(site):
    response = site.browser().submit("/signup", username="ann", email="ann@example.org", password="p" * 10_000)
    assert _field_error(response, "password") == "password is too long: at most 1024 characters, got 10000"


def test_a_taken_username_is_answered_409_beside_the_field(site):
    site.member("ann")
    response = site.browser().submit("/signup", username="ANN", email="other@example.org", password=PASSWORD)
    assert response.status_code == 409
    assert _field_error(response, "username") == "username 'ANN' is taken"
