"""The administrators' outbox page: digests given up on and retrying, with their errors, and
counts by state; nobody else sees it (it names readers' addresses)."""

from __future__ import annotations

import pytest
from community_site import arxiv, make_site, site  # noqa: F401 (fixtures)

from paperwire.accounts.timestamps import utc_now
from paperwire.digest.compose import compose_due
from paperwire.digest.deliver import deliver_due

from digest.digest_support import visitor


@pytest.fixture
def refused_site(make_site, smtp_server):  # noqa: F811
    """A site whose mail server refused one visitor's digest for good."""
    site = make_site(smtp_host=smtp_server.host, smtp_port=str(smtp_server.port), digest_hour="0")
    visitor(site.db, site.settings, "gone@example.org")
    compose_due(site.db, site.settings, site.app.state.search, now=utc_now())
    smtp_server.refuse_rcpt = "550 5.1.1 <gone@example.org>: no such mailbox"
    deliver_due(site.db, site.settings)
    return site


def test_an_administrator_sees_the_failed_digest_with_its_error_and_the_counts(refused_site):
    page = refused_site.signed_in("root", role="admin").get("/admin/outbox")

    assert page.status_code == 200
    assert "gone@example.org" in page.text and "no such mailbox" in page.text
    assert "<strong>1</strong> failed" in page.text and "<strong>0</strong> pending" in page.text


def test_the_api_gives_administrators_the_same(refused_site):
    root = refused_site.member("root", role="admin")
    answer = refused_site.script(root, "read").get("/api/v1/admin/outbox")

    assert answer.status_code == 200
    body = answer.json()
    assert body["counts"]["failed"] == 1
    assert [(p["to_address"], p["status"]) for p in body["problems"]] == [("gone@example.org", "failed")]


def test_members_and_visitors_never_see_the_outbox(refused_site):
    assert refused_site.signed_in("ann").get("/admin/outbox").status_code == 403
    assert "gone@example.org" not in refused_site.browser().get("/admin/outbox", follow_redirects=True).text
    assert refused_site.browser().get("/api/v1/admin/outbox").status_code == 401
