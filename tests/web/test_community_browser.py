"""The community in a real browser (Debian's Chromium through Playwright), as members use it:
sign up and confirm the address from the mail, submit, upvote with JavaScript on and off,
comment and reply, build a collection and export it, moderate.

Each test runs its own site on a real server, its mail going to a real SMTP server on
127.0.0.1. One screenshot of each community page is kept under test-artifacts/.
"""

from __future__ import annotations

import re
import time

import pytest
from community_site import PASSWORD, CommunitySite, arxiv  # noqa: F401 (fixtures)
from live_server import free_port, serving
from pybtex.database import parse_string
from test_browser import CHROMIUM, browser, screenshot  # noqa: F401 (the browser fixture)

from auth.conftest import _settings

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


@pytest.fixture
def served(tmp_path, smtp_server, arxiv):
    """A community site with mail on, served on 127.0.0.1 at its own base URL."""
    port = free_port()
    settings = _settings(tmp_path / "home", None, {
        "base_url": f"http://127.0.0.1:{port}", "smtp_host": smtp_server.host, "smtp_port": str(smtp_server.port),
        "arxiv_api_url": arxiv.url + "/api/query"})
    site = CommunitySite(settings)
    with serving(site.app, port) as base_url:
        yield site, base_url
    site.close()


@pytest.fixture
def open_page(browser, served):
    """``open_page(javascript=True)``: a new browser context's page on the served site."""
    contexts = []

    def make(javascript: bool = True):
        context = browser.new_context(base_url=served[1], viewport={"width": 1200, "height": 900},
                                      java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: pytest.fail(f"hostile data ran a script: {dialog.message}"))
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page, username: str) -> None:
    page.goto("/signin")
    page.fill("#login", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def vote_button(page, paper_id: str):
    return page.locator(f'form[action="/papers/{paper_id}/upvote"] button')


def test_a_newcomer_signs_up_confirms_the_address_submits_and_upvotes(open_page, served, smtp_server):
    site, _ = served
    page = open_page()
    page.goto("/signup")
    page.fill("#username", "newcomer")
    page.fill("#email", "newcomer@example.org")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"/welcome$"))

    deadline = time.monotonic() + 15
    while not smtp_server.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    mail = smtp_server.messages[-1].get_content()
    link = re.search(r"http://127\.0\.0\.1:\d+/verify-email\?token=\S+", mail).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm my address").click()
    assert "newcomer@example.org" in page.locator("main").inner_text()

    page.goto("/submit")
    screenshot(page, "community-submit")
    page.fill("#paper", "https://arxiv.org/abs/2612.00002v2")
    page.fill("#comment", "Worth a read")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(re.compile(r"/papers/2612\.00002\?done=submitted"))
    assert "Submitted by newcomer: “Worth a read”" in page.locator("main").inner_text()

    page.goto("/")
    page.evaluate("window.stillHere = true")
    vote_button(page, "2612.00001").click()
    page.wait_for_selector('form[action="/papers/2612.00001/upvote"] button[aria-pressed="true"]')
    assert vote_button(page, "2612.00001").locator(".count").inner_text() == "1"
    assert page.evaluate("window.stillHere") is True  # counted without a reload
    screenshot(page, "community-front-signed-in")
    page.reload()
    assert vote_button(page, "2612.00001").get_attribute("aria-pressed") == "true"
    assert site.paper("2612.00001").votes == 1


def test_upvoting_and_saving_work_with_javascript_off(open_page, served):
    site, _ = served
    site.member("ann")
    page = open_page(javascript=False)
    sign_in(page, "ann")
    vote_button(page, "2612.00001").click()
    page.wait_for_url(re.compile(r"/$"))  # the plain form came back to the page
    assert vote_button(page, "2612.00001").get_attribute("aria-pressed") == "true"
    assert vote_button(page, "2612.00001").locator(".count").inner_text() == "1"
    page.locator('form[action="/papers/2612.00001/save"] button').click()
    page.goto("/library")
    assert "Attention with Fewer Heads" in page.locator("main").inner_text()
    screenshot(page, "community-library")
    vote_button(page, "2612.00001").click()  # and back
    assert vote_button(page, "2612.00001").locator(".count").inner_text() == "0"
    assert site.paper("2612.00001").votes == 0


def test_members_comment_and_reply_and_a_moderator_hides_a_comment(open_page, served):
    site, _ = served
    for name, role in (("ann", "member"), ("bob", "member"), ("mod", "moderator"), ("root", "admin")):
        site.member(name, role=role)
    ann = open_page()
    sign_in(ann, "ann")
    ann.goto("/papers/2612.00001")
    ann.fill("#comment-body", "Is $O(n^2)$ **tight**?")
    ann.get_by_role("button", name="Comment", exact=True).click()
    ann.wait_for_url(re.compile(r"#comment-\d+$"))
    comment_id = ann.url.rsplit("-", 1)[1]

    bob = open_page()
    sign_in(bob, "bob")
    bob.goto("/papers/2612.00001")
    thread = bob.locator(f"#comment-{comment_id}")
    thread.locator("summary", has_text="Reply").first.click()
    thread.locator("textarea[name=body]").first.fill("Yes, see the lower bound in §5.")
    thread.get_by_role("button", name="Reply").first.click()
    bob.wait_for_url(re.compile(r"#comment-\d+$"))
    reply = bob.locator(f"#comment-{comment_id} .replies .comment").first
    assert "Yes, see the lower bound" in reply.inner_text()
    assert bob.locator(f"#comment-{comment_id} .body math").count() == 1  # the math rendered
    screenshot(bob, "community-paper-comments")
    bob.locator(f"#comment-{comment_id} summary", has_text="Report").first.click()
    bob.fill(f"#report-{comment_id}", "off topic")
    bob.get_by_role("button", name="Report to the moderators").click()
    assert "the moderators will look at this comment" in bob.locator("main").inner_text()

    mod = open_page()
    sign_in(mod, "mod")
    mod.goto("/moderation")
    assert "“off topic”" in mod.locator("main").inner_text()
    screenshot(mod, "community-moderation")
    mod.get_by_role("button", name="Hide the comment").click()
    mod.wait_for_url(re.compile(r"/moderation"))
    bob.reload()
    assert "tight" not in bob.locator("#comments").inner_text()
    assert "Yes, see the lower bound" in bob.locator("#comments").inner_text()  # the reply stays

    admin = open_page()
    sign_in(admin, "root")
    admin.goto("/moderation/audit")
    assert "comment.hide" in admin.locator("table.audit").inner_text()
    screenshot(admin, "community-audit")


def test_a_member_builds_a_collection_and_exports_it(open_page, served):
    site, _ = served
    site.member("ann")
    page = open_page()
    sign_in(page, "ann")
    page.goto("/papers/2612.00001")
    page.locator("#collect summary").click()
    page.fill("#new-collection", "Reading list")
    page.locator("#collect input[name=public]").check()
    page.get_by_role("button", name="Make it").click()
    page.wait_for_url(re.compile(r"done=collected"))
    page.goto("/papers/2612.00002")
    page.locator("#collect summary").click()
    page.get_by_role("button", name="Add to “Reading list”").click()
    page.wait_for_url(re.compile(r"done=collected"))

    page.goto("/collections")
    screenshot(page, "community-collections")
    page.get_by_role("link", name="Reading list").click()
    screenshot(page, "community-collection")
    page.get_by_role("button", name="Move “Attention with Fewer Heads” down").click()
    page.wait_for_url(re.compile(r"/users/ann/collections/reading-list"))
    titles = page.locator("article.card h2.title").all_inner_texts()
    assert titles == ["Sparse Mixtures Revisited", "Attention with Fewer Heads"]

    export = page.request.get(page.get_by_role("link", name="BibTeX").get_attribute("href"))
    entries = parse_string(export.text(), "bibtex").entries.values()
    assert [e.fields["title"] for e in entries] == titles

    page.goto("/users/ann")
    assert "Reading list" in page.locator("main").inner_text()
    screenshot(page, "community-profile")
