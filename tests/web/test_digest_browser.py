"""The digest in a real browser (Debian's Chromium through Playwright): a visitor subscribes
from the footer's box with only an address and confirms it from the received mail; a member
changes their digest on the settings page; an unsubscribe link from a mail is followed."""

from __future__ import annotations

import re
import time

import pytest
from community_site import arxiv  # noqa: F401 (fixtures)
from test_browser import CHROMIUM, browser, screenshot  # noqa: F401 (the browser fixture)
from test_community_browser import open_page, served, sign_in  # noqa: F401 (fixtures: a site with mail on, served)

from paperwire.digest import subscriptions
from paperwire.digest.links import unsubscribe_token, unsubscribe_url

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
READER = "reader@example.org"


def received(smtp_server, count: int):
    deadline = time.monotonic() + 15
    while len(smtp_server.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return smtp_server.messages[count - 1]


def test_a_visitor_subscribes_from_the_footer_confirms_from_the_mail_and_unsubscribes(open_page, served,
                                                                                        smtp_server):
    site, _ = served
    page = open_page(javascript=False)
    page.goto("/")
    page.fill("#subscribe-email", READER)
    page.locator("form.subscribe-box").get_by_role("button", name="Subscribe").click()
    page.wait_for_url(re.compile(r"/subscribe\?email="))
    assert page.input_value("#email") == READER, "the address typed in the box is filled in"
    page.locator("main").get_by_role("button", name="Subscribe").click()
    assert "We sent a link to reader@example.org" in page.locator("main").inner_text()

    mail = received(smtp_server, 1)
    link = re.search(r"http://127\.0\.0\.1:\d+/subscribe/confirm/\S+", mail.get_body(("plain",)).get_content()).group(0)
    assert subscriptions.active_subscriptions(site.db) == []
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    assert "The daily digest goes to reader@example.org" in page.locator("main").inner_text()
    (subscription,) = subscriptions.active_subscriptions(site.db)
    assert len(smtp_server.messages) == 1

    # The link every digest carries (List-Unsubscribe too).
    page.goto(unsubscribe_url(site.settings, unsubscribe_token(site.app.state.secret_key, subscription.id, READER)))
    screenshot(page, "digest-unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    assert "No more digests go to reader@example.org" in page.locator("main").inner_text()
    assert subscriptions.active_subscriptions(site.db) == []


def test_a_member_changes_their_digest_on_the_settings_page(open_page, served):
    site, _ = served
    site.member("ann")
    page = open_page()
    sign_in(page, "ann")
    page.locator("footer").get_by_role("link", name="Manage your digest").click()
    page.get_by_role("radio", name="Weekly").check()
    page.get_by_label("Weekly, on").select_option(label="Friday")
    page.get_by_label("At", exact=True).select_option(label="09:00")
    page.fill("#digest-timezone", "Europe/Berlin")
    page.get_by_label("Replies to your comments").uncheck()
    screenshot(page, "digest-settings")
    page.get_by_role("button", name="Subscribe").click()
    page.wait_for_url(re.compile(r"/settings/digest\?done=saved"))
    assert "The weekly digest goes to ann@example.org." in page.locator("main").inner_text()

    (chosen,) = subscriptions.active_subscriptions(site.db)
    assert (chosen.period, chosen.weekday, chosen.hour, chosen.timezone) == ("weekly", 4, 9, "Europe/Berlin")
    assert chosen.sections == ("trending", "for-you", "authors", "searches")
