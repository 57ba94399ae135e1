"""The site in a real browser (Debian's Chromium driven by Playwright), as a reader uses it.

Screenshots of the main pages are kept under test-artifacts/ (not committed).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                     "(scripts/install-system-deps installs it)"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    alerts: list[str] = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    page.alerts = alerts
    yield page
    assert not alerts, f"hostile data ran a script: {alerts}"
    context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_front_page_then_previous_day(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Wednesday, 1 July 2026"
    # The hostile title shows as text, its math as math.
    hostile = page.locator('h2.title a[href="/papers/2607.99001"]')
    assert "<script>alert(1)</script> &" in hostile.inner_text()
    screenshot(page, "front")
    page.get_by_role("link", name="← Previous day").click()
    page.wait_for_url(re.compile(r"date=2026-06-30"))
    assert page.locator("h1").inner_text() == "Tuesday, 30 June 2026"
    page.get_by_role("link", name="Week").click()
    assert page.locator("h1").inner_text().startswith("Week 27, 2026")


def test_open_a_paper_and_see_rendered_math(page):
    page.goto("/")
    page.locator('h2.title a[href="/papers/2607.99002"]').click()
    page.wait_for_url(re.compile(r"/papers/2607\.99002$"))
    fraction = page.locator("h1 math mfrac").first
    box = fraction.bounding_box()
    assert box and box["height"] > 0 and box["width"] > 0  # laid out as MathML, not raw TeX
    assert "\\frac" not in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="PDF").get_attribute("href") == "https://arxiv.org/pdf/2607.99002"
    assert "@misc{" in page.locator("#bibtex-text").input_value()
    screenshot(page, "paper")


def test_search_and_filter(page):
    page.goto("/trending")
    screenshot(page, "trending")
    page.get_by_label("Search papers").fill("alert script")
    page.get_by_label("Search papers").press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=alert"))
    assert page.locator("article.hit").count() >= 1
    page.get_by_label("Category").select_option("cs.CR")
    page.get_by_label("Has code").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"category=cs\.CR"))
    titles = page.locator("article.hit h2").all_inner_texts()
    assert titles and all("alert" in t or "Quotes" in t for t in titles)
    screenshot(page, "search")


def test_keyboard_and_phone_screen(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "front-phone")
    page.goto("/categories")
    screenshot(page, "categories")
    context.close()
