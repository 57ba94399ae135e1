"""The one-minute start and saved searches in a real browser (Debian's Chromium through
Playwright), as a member uses them: upload a Zotero BibTeX export on /welcome and find its
papers in the library, save a search from the results page and find it on /settings/following."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from community_site import arxiv  # noqa: F401 (fixtures)
from test_browser import CHROMIUM, browser, screenshot  # noqa: F401 (the browser fixture)
from test_community_browser import open_page, served, sign_in  # noqa: F401 (fixtures)

from paperwire.search import build_indexes

BIBTEX = Path(__file__).resolve().parents[1] / "fixtures" / "reader" / "zotero.bib"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def test_onboarding_with_a_bibtex_upload_saves_the_papers_found_and_reports_the_rest(open_page, served):
    site, _ = served
    site.member("ann")
    page = open_page(javascript=False)  # every step works without JavaScript
    sign_in(page, "ann")
    page.goto("/welcome")
    page.get_by_label("cs.CL").check()
    page.get_by_role("button", name="Save my categories").click()
    assert "Your categories are saved" in page.locator("main").inner_text()
    page.set_input_files("#file", str(BIBTEX))
    page.get_by_role("button", name="Bring them in").click()
    report = page.locator("main").inner_text()
    assert "3 papers saved, 2 not found" in report
    assert "arXiv 2612.09999 is not in this catalog" in report
    assert "Array programming with NumPy" in report
    screenshot(page, "reader-import-report")
    page.get_by_role("link", name="Your library").click()
    library = page.locator("main").inner_text()
    assert "Attention with Fewer Heads" in library and "Sparse Mixtures Revisited" in library
    assert "An Old Result" in library and "Array programming" not in library


def test_a_search_saved_from_the_results_page_shows_on_the_settings_page(open_page, served):
    site, _ = served
    build_indexes(site.settings, site.catalog, progress=False)
    site.member("ann")
    page = open_page()
    sign_in(page, "ann")
    page.goto("/search?q=sparse+mixtures&category=cs.CL")
    page.get_by_role("button", name="Save this search").click()
    page.wait_for_url(re.compile(r"done=search-saved"))
    assert "Search saved" in page.locator("main").inner_text()
    page.goto("/settings/following")
    page.get_by_role("link", name="sparse mixtures cat:cs.CL").wait_for()
    screenshot(page, "reader-following")
    page.get_by_role("button", name="Remove the saved search sparse mixtures cat:cs.CL").click()
    assert "Saved search removed" in page.locator("main").inner_text()
