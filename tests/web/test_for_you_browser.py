"""For you in a real browser (Debian's Chromium through Playwright) on the indexed sample site:
the feed shows why each paper is there, and "Not interested" takes a paper off the page."""

from __future__ import annotations

import dataclasses
import re

import pytest
from community_site import PASSWORD
from live_server import free_port, serving
from test_browser import CHROMIUM, browser, screenshot  # noqa: F401 (the browser fixture)

from auth.conftest import Site
from paperwire.community import library
from paperwire.store import Catalog

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture
def served(web_home):
    port = free_port()
    site = Site(dataclasses.replace(web_home, base_url=f"http://127.0.0.1:{port}"))
    with serving(site.app, port) as base_url:
        yield site, base_url
    site.close()


def test_the_feed_explains_itself_and_not_interested_removes_a_paper(browser, served):
    site, base_url = served
    member = site.member("foryoubrowser")
    library.save(site.db, site.app.state.policy, member, Catalog(site.db).by_doc_ids([1])[0].doc_id)
    page = browser.new_context(base_url=base_url).new_page()
    page.goto("/signin")
    page.fill("#login", "foryoubrowser")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto("/for-you")
    first = page.locator("article.card").first
    assert first.locator(".reasons li").first.inner_text().startswith("close to ")
    screenshot(page, "for-you")
    paper_id = first.get_attribute("id")
    first.get_by_role("button", name="Not interested").click()
    page.locator(f"#{paper_id}").wait_for(state="hidden")

    page.reload()
    assert page.locator(f"#{paper_id}").count() == 0
