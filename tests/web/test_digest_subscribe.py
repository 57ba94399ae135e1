"""Subscribing to the digest as a visitor does it: the footer's box, one confirmation mail
received by a real SMTP server, its link, one-click unsubscribe (RFC 8058), and a member's
digest settings on the page and the JSON API."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest
from community_site import arxiv, make_site, post_form, site  # noqa: F401 (fixtures)

from paperwire.digest import subscriptions
from paperwire.digest.links import unsubscribe_token, unsubscribe_url

READER = "reader@example.org"
_CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:8000/subscribe/confirm/[A-Za-z0-9._-]+")


@pytest.fixture
def mail_site(make_site, smtp_server):  # noqa: F811
    """A site whose mail goes to a real SMTP server on 127.0.0.1."""
    return make_site(smtp_host=smtp_server.host, smtp_port=str(smtp_server.port)), smtp_server


def ask(browser, address: str):
    """Type ``address`` into the footer's box and send the form its page shows."""
    return post_form(browser, f"/subscribe?email={quote(address)}", "/subscribe", email=address)


def confirm_link(message) -> str:
    """The confirmation link in a received mail's plain-text part, as a person reads it."""
    return _CONFIRM_LINK.search(message.get_body(("plain",)).get_content()).group(0)


def confirm(browser, message):
    """Follow the mail's confirmation link and press its button."""
    link = confirm_link(message)
    return post_form(browser, link, link.removeprefix("http://127.0.0.1:8000"))


def active(site) -> list[str]:
    return [s.email for s in subscriptions.active_subscriptions(site.db)]


def field_error(response, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field}-error" role="alert">([^<]*)</p>', response.text)
    assert found, f"no error next to {field}: {response.text[:3000]}"
    return html.unescape(found.group(1))


def test_the_box_on_every_page_subscribes_with_one_mail_whose_link_confirms_by_its_button(mail_site):
    site, smtp = mail_site
    browser = site.browser()
    front = browser.get("/").text
    box = re.search(r'<form class="subscribe-box" action="/subscribe" method="get">.*?</form>', front, re.S).group(0)
    assert 'name="email"' in box and "csrf_token" not in box, "a cached page shares its box: no token in it"

    form = browser.get(f"/subscribe?email={READER}")
    assert f'value="{READER}"' in form.text and 'name="csrf_token"' in form.text
    assert form.headers["cache-control"] == "no-store"
    answer = ask(browser, READER)
    assert answer.status_code == 200 and "Check your inbox" in answer.text

    (mail,) = smtp.messages
    assert mail["To"].addresses[0].addr_spec == READER and "Confirm your" in mail["Subject"]
    assert [p.get_content_type() for p in mail.iter_parts()] == ["text/plain", "text/html"]
    link = confirm_link(mail)
    html_part = mail.get_body(("html",)).get_content()
    assert f'href="{link}"' in html_part and "<style" not in html_part, "CSS inlined for mail programs"
    assert active(site) == []

    page = browser.get(link)  # a mail scanner does this too
    assert "<button type=\"submit\">Confirm</button>" in page.text and active(site) == []
    done = confirm(browser, mail)
    assert done.status_code == 200 and "Subscribed" in done.text
    assert active(site) == [READER]
    assert len(smtp.messages) == 1, "nothing but the confirmation before confirming"


def test_a_subscribed_address_gets_the_same_answer_and_its_links_at_most_at_the_rate_limit(mail_site):
    site, smtp = mail_site
    browser = site.browser()
    ask(browser, "known@example.org")
    confirm(browser, smtp.messages[-1])
    new, known = ask(browser, "fresh@example.org"), ask(browser, "known@example.org")
    assert (new.status_code, new.text.replace("fresh", "X")) == (known.status_code, known.text.replace("known", "X"))

    ask(browser, "known@example.org")
    assert ask(browser, "known@example.org").status_code == 429, "3 links an hour to one address"
    assert [m["To"].addresses[0].addr_spec for m in smtp.messages].count("known@example.org") == 3


@pytest.mark.parametrize(("typed", "says"), [
    ("a@b.org\r\nBcc: x@y.org", "may hold no spaces, control or non-ASCII characters"),
    ("a" * 300 + "@example.org", "too long: at most 254 characters, got 312"),
    ("jürgen@exämple.org", "may hold no spaces, control or non-ASCII characters"),
    ("<script>@example.org", "the part before '@' is not valid")])
def test_an_unusable_address_is_refused_next_to_the_field_and_nothing_is_mailed(mail_site, typed, says):
    site, smtp = mail_site
    refused = ask(site.browser(), typed)
    assert refused.status_code == 400 and says in field_error(refused, "email")
    assert "<script>" not in refused.text
    assert smtp.messages == [] and subscriptions.all_subscriptions(site.db) == []


def test_the_one_click_post_needs_no_cookie_or_token_and_is_honoured_at_once(mail_site):
    site, smtp = mail_site
    ask(site.browser(), READER)
    confirm(site.browser(), smtp.messages[0])
    (subscription,) = subscriptions.active_subscriptions(site.db)
    url = unsubscribe_url(site.settings, unsubscribe_token(site.app.state.secret_key, subscription.id, READER))

    mail_program = site.browser()  # no cookies, no CSRF token: what RFC 8058 says a mail program sends
    page = mail_program.get(url)
    assert "Unsubscribe" in page.text and active(site) == [READER], "opening the link changes nothing"
    done = mail_program.post(url, content="List-Unsubscribe=One-Click",
                             headers={"content-type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200 and "Unsubscribed" in done.text
    assert active(site) == [] and not mail_program.cookies


def test_a_forged_link_confirms_or_unsubscribes_no_one(mail_site):
    site, smtp = mail_site
    ask(site.browser(), READER)
    link = confirm_link(smtp.messages[0])
    token = link.rsplit("/", 1)[1]
    browser = site.browser()
    forged_confirm = post_form(browser, link, f"/subscribe/confirm/{token[:-3]}abc")
    assert forged_confirm.status_code == 400 and "not valid" in forged_confirm.text and active(site) == []

    confirm(browser, smtp.messages[0])
    (subscription,) = subscriptions.active_subscriptions(site.db)
    forged = [unsubscribe_token("not the site's secret", subscription.id, READER), token, "x" * 3000,
              unsubscribe_token(site.app.state.secret_key, subscription.id, "someone@else.org")]
    for fake in forged:
        assert site.browser().post(f"/unsubscribe/{fake}", data={"List-Unsubscribe": "One-Click"}).status_code == 400
    assert active(site) == [READER]


def test_every_other_digest_form_still_needs_its_token(mail_site):
    site, smtp = mail_site
    ask(site.browser(), READER)
    link = confirm_link(smtp.messages[0]).removeprefix("http://127.0.0.1:8000")
    stranger = site.browser()
    assert stranger.post("/subscribe", data={"email": "victim@example.org"}).status_code == 403
    assert stranger.post(link).status_code == 403 and active(site) == []
    member = site.signed_in("ann")
    assert member.post("/settings/digest", data={"period": "weekly", "hour": "7", "timezone": "UTC",
                                                 "weekday": "0", "sections": "trending"}).status_code == 403
    assert member.post("/settings/digest/unsubscribe").status_code == 403
    assert len(smtp.messages) == 1


def test_signing_up_with_a_subscribed_address_keeps_the_subscription(mail_site):
    site, smtp = mail_site
    browser = site.browser()
    ask(browser, READER)
    confirm(browser, smtp.messages[0])
    browser.submit("/signup", username="reader", email=READER, password="correct horse battery staple")
    verify = re.search(r"http://127\.0\.0\.1:8000(/verify-email\?token=\S+)", smtp.messages[-1].get_content()).group(1)
    browser.post("/verify-email", data={"token": verify.split("=", 1)[1], "csrf_token": browser.token(verify)})

    page = browser.get("/settings/digest").text
    assert f"goes to <strong>{READER}</strong>." in page
    assert re.search(r'value="trending" checked', page) and not re.search(r'value="replies" checked', page)
    assert "Manage your digest" in page, "the footer's box, for a member"


def test_a_member_chooses_their_digest_on_the_settings_page(site):  # noqa: F811
    browser = site.signed_in("ann")
    empty = browser.get("/settings/digest")
    assert "You are not subscribed" in empty.text and 'value="7" selected' in empty.text  # the site's hour

    saved = post_form(browser, "/settings/digest", "/settings/digest", period="weekly", hour="9",
                      timezone="Europe/Berlin", weekday="4", sections=["trending", "replies"])
    assert saved.headers["location"] == "/settings/digest?done=saved"
    page = browser.get("/settings/digest?done=saved").text
    assert "Your digest is saved" in page and "The weekly digest goes to" in page
    assert 'value="Europe/Berlin"' in page and 'value="4" selected' in page and 'value="9" selected' in page
    wrong = post_form(browser, "/settings/digest", "/settings/digest", period="weekly", hour="9",
                      timezone="Mars/Olympus", weekday="4", sections=["trending"])
    assert wrong.status_code == 400 and "not a time zone name" in field_error(wrong, "timezone")
    assert 'value="Mars/Olympus"' in wrong.text, "what was typed stays in the field"

    post_form(browser, "/settings/digest", "/settings/digest/unsubscribe")
    assert "You are unsubscribed" in browser.get("/settings/digest").text
    assert subscriptions.active_subscriptions(site.db) == []


def test_the_page_says_when_the_mail_server_refused_the_address(site):  # noqa: F811
    browser = site.signed_in("ann")
    post_form(browser, "/settings/digest", "/settings/digest", period="daily", hour="7", timezone="UTC",
              weekday="0", sections=["trending"])
    (subscription,) = subscriptions.active_subscriptions(site.db)
    subscriptions.mark_undeliverable(site.db, subscription.id, "550 5.1.1 <ann@example.org>: no such user")
    assert "550 5.1.1 &lt;ann@example.org&gt;: no such user" in browser.get("/settings/digest").text


def test_the_digest_through_the_json_api(site):  # noqa: F811
    ann = site.member("ann")
    script = site.script(ann)
    assert script.get("/api/v1/me/digest").json()["subscribed"] is False
    chosen = {"period": "weekly", "hour": 18, "timezone": "America/New_York", "weekday": "fri",
              "sections": ["for-you", "trending"]}
    put = script.put("/api/v1/me/digest", json=chosen)
    assert put.status_code == 200, put.text
    assert put.json() == {"subscribed": True, "confirmed": True, "undeliverable": None, "email": "ann@example.org",
                          "period": "weekly", "hour": 18, "timezone": "America/New_York", "weekday": "fri",
                          "sections": ["trending", "for-you"]}
    bad = script.put("/api/v1/me/digest", json={**chosen, "timezone": "Nowhere/Land"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "timezone"
    assert site.script(ann, scope="read").put("/api/v1/me/digest", json=chosen).status_code == 403
    off = script.put("/api/v1/me/digest", json={**chosen, "subscribed": False}).json()
    assert off["subscribed"] is False and off["period"] == "weekly"
    assert site.browser().get("/api/v1/me/digest").status_code == 401


def test_a_site_without_mail_offers_no_box(site):  # noqa: F811
    assert "subscribe-box" not in site.browser().get("/").text
    assert "This site sends no mail" in site.browser().get("/subscribe").text
