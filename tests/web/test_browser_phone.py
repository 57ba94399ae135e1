"""The search page on a phone (Debian's Chromium through Playwright): results on the first screen."""

from __future__ import annotations

import re

import pytest
from test_browser import browser, pytestmark  # noqa: F401 (Chromium through Playwright, skipped without it)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):  # noqa: F811
    context = browser.new_context(base_url=live_server, viewport=PHONE, is_mobile=True)
    yield context.new_page()
    context.close()


def test_first_result_shows_on_the_first_phone_screen_with_filters_folded(phone):
    phone.goto("/search?q=learning")
    first = phone.locator("article.hit").first.bounding_box()
    assert first["y"] + 100 < PHONE["height"]  # its title and the start of its snippet, without scrolling
    assert not phone.get_by_label("Category").is_visible()
    phone.get_by_text("Filters").click()
    phone.get_by_label("Category").select_option("cs.CR")
    phone.get_by_role("button", name="Apply").click()
    phone.wait_for_url(re.compile(r"category=cs\.CR"))
    assert phone.get_by_label("Category").is_visible()  # a filter set keeps them unfolded
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
