"""Every community form refuses what another site makes a member's browser send: a POST from
another origin, or one without this site's token. Found from the routers, so a new form is
covered the day it is added."""

from __future__ import annotations

import pytest
from community_site import arxiv, make_site, page_token, site  # noqa: F401 (fixtures)
from sqlalchemy import func, select

from paperwire.store.people_schema import collections, comment_reports, comments, library_items, submissions, votes
from paperwire.web.community.setup import FEATURES

EVIL = "https://evil.example"
EXAMPLES = {"{paper_id:path}": "2612.00001", "{comment_id}": "1", "{collection_id}": "1", "{claim_id}": "1",
            "{owner}": "ann", "{decision}": "approve", "{change}": "disable"}
FIELDS = {"on": "true", "body": "Hello", "note": "A note", "name": "Stolen", "reason": "because", "paper": "2612.00002",
          "position": "1", "comment": "hi"}
FORMS = sorted((method, route.path) for feature in FEATURES for route in feature.pages.routes
               for method in route.methods if method == "POST")


def _example(path: str) -> str:
    for name, value in EXAMPLES.items():
        path = path.replace(name, value)
    return path


def _rows(site) -> dict[str, int]:
    with site.db.connect() as conn:
        return {table.name: conn.execute(select(func.count()).select_from(table)).scalar()
                for table in (votes, comments, comment_reports, submissions, library_items, collections)}


@pytest.fixture
def victim(site):
    """A signed-in moderator (so that every form would act), her token, and a comment and a
    collection for the forms to aim at."""
    site.member("ann")
    browser = site.signed_in("mod", role="moderator")
    script = site.script(site.member_named("ann"))
    script.post("/api/v1/papers/2612.00001/comments", json={"body": "A target"})
    script.post("/api/v1/me/collections", json={"name": "Target", "public": True})
    return browser, page_token(browser, "/papers/2612.00001")


def test_the_community_has_forms_to_protect():
    assert len(FORMS) >= 20
    assert ("POST", "/papers/{paper_id:path}/upvote") in FORMS and ("POST", "/submit") in FORMS


@pytest.mark.parametrize("method, path", FORMS)
def test_a_cross_site_post_changes_nothing(site, victim, method, path):
    browser, token = victim
    before = _rows(site)
    response = browser.post(_example(path), data={"csrf_token": token, **FIELDS}, headers={"Origin": EVIL},
                            follow_redirects=False)
    assert response.status_code == 403 and "another site" in response.text
    without_token = browser.post(_example(path), data=FIELDS, follow_redirects=False)
    assert without_token.status_code == 403
    assert _rows(site) == before
