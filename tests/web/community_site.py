"""The community web tests' world: a fresh site per test (SQLite, or each database in turn),
papers listed over the last days, members signed in through the real sign-in form, API tokens,
and a local arXiv API (tests/harvest's server on 127.0.0.1) for papers the site lacks.

Imported by the tests/web/test_community_*.py modules, which take its fixtures.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from auth.conftest import PASSWORD, Browser, Site, _settings
from community.test_submissions import ATOM_ENTRY  # the arXiv answer the community tests use
from harvest.harvest_support import FixtureServer, Reply, fixture

from paperwire.accounts import tokens, users
from paperwire.accounts.timestamps import utc_now
from paperwire.paper import Paper
from paperwire.store import Catalog, StoredPaper

TODAY = utc_now().date()  # the site runs on the real clock: papers are listed around it
UNKNOWN = "2612.07777"  # arXiv has it (the local server below), the catalog does not
FETCHED_TITLE = "Fetched From arXiv"  # the title ATOM_ENTRY gives
_TOKEN_ON_PAGE = re.compile(r'name="csrf_token" value="([^"]+)"')


def listed(number: int, days_ago: int = 0, title: str | None = None, **more) -> Paper:
    """Paper 2612.<number>, listed ``days_ago`` days before today."""
    arxiv_id = f"2612.{number:05d}"
    day = TODAY - timedelta(days=days_ago)
    return Paper(id=arxiv_id, arxiv_id=arxiv_id, title=title or f"Paper number {number}", listing_date=day,
                 published_date=day, abstract="An abstract.", authors=("Ann Lee",), categories=("cs.CL",),
                 primary_category="cs.CL", **more)


# Papers every test site holds: today's, yesterday's, one from ten days ago (too old to
# submit), and one that came from Hugging Face with 42 upvotes of its own.
PAPERS = (listed(1, 0, "Attention with Fewer Heads"), listed(2, 1, "Sparse Mixtures Revisited"),
          listed(3, 10, "An Old Result"), listed(4, 0, "Imported With Votes", upvotes=42))


class CommunitySite(Site):
    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.catalog = Catalog(self.db)
        self.catalog.store(list(PAPERS))

    def paper(self, paper_id: str) -> StoredPaper:
        """The paper as the catalog holds it now."""
        return self.catalog.get(paper_id)

    def member_named(self, username: str):
        return users.member_by_username(self.db, username)

    def signed_in(self, username: str, role: str = "member", verified: bool = True) -> Browser:
        """A browser signed in through the sign-in form as a new member ``username``."""
        self.member(username, verified=verified, role=role)
        browser = self.browser()
        browser.sign_in(username)
        return browser

    def script(self, member, scope: str = "write") -> Browser:
        """An API client with a ``scope`` token of ``member`` and no cookies."""
        token, _ = tokens.create_token(self.db, member, f"{scope} script", scope)
        return self.browser(authorization=f"Bearer {token}")


def page_token(browser: Browser, page: str) -> str:
    """The CSRF token in ``page``'s forms, as a member's browser has it."""
    found = _TOKEN_ON_PAGE.search(browser.get(page).text)
    assert found, f"no form with a CSRF token on {page}"
    return found.group(1)


def post_form(browser: Browser, page: str, action: str, **fields):
    """Send the form at ``action`` from ``page`` as a person does (its token, no redirect followed)."""
    return browser.post(action, data={"csrf_token": page_token(browser, page), **fields}, follow_redirects=False)


@pytest.fixture
def arxiv():
    """A local arXiv API that knows UNKNOWN (published yesterday) and no other paper."""

    def respond(seen):
        if seen.params.get("id_list") == UNKNOWN:
            published = (TODAY - timedelta(days=1)).isoformat()
            return Reply(200, ATOM_ENTRY.format(id=UNKNOWN, published=published).encode())
        return Reply(200, fixture("api_empty.xml"))

    server = FixtureServer(respond).start()
    yield server
    server.stop()


def _make(home: Path, database_url: str | None, arxiv_url: str, **environ: str) -> CommunitySite:
    return CommunitySite(_settings(home, database_url, {"arxiv_api_url": arxiv_url + "/api/query", **environ}))


@pytest.fixture
def make_site(tmp_path, arxiv):
    """``make_site(front_page="submissions", ...)``: a site on a fresh SQLite home with those settings."""
    made: list[CommunitySite] = []

    def make(**environ: str) -> CommunitySite:
        made.append(_make(tmp_path / f"home{len(made)}", None, arxiv.url, **environ))
        return made[-1]

    yield make
    for one in made:
        one.close()


@pytest.fixture
def site(make_site) -> CommunitySite:
    return make_site()


@pytest.fixture
def both_site(database_url, tmp_path, arxiv) -> CommunitySite:
    """A site on SQLite, then on PostgreSQL."""
    made = _make(tmp_path / "home", database_url, arxiv.url)
    yield made
    made.close()
