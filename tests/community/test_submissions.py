"""Submissions: a member features a paper on today's list; unknown papers come from a real
(local) arXiv API server; the site's rules refuse what they should, saying why."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

# tests/harvest's arXiv-shaped server (tests/ is on the path, as pytest puts it there)
from harvest.harvest_support import FixtureServer, Reply

from paperwire.community import claims, submissions
from paperwire.community.errors import Conflict, Invalid, NotAllowed, NotFound, NotSignedIn, Unavailable
from paperwire.store import browse
from paperwire.store.people_schema import audit_log
from paperwire.store.schema import papers

from .community_support import NOW, TODAY, arxiv_paper, day

ATOM_ENTRY = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/{id}v1</id>
    <updated>{published}T17:02:00Z</updated>
    <published>{published}T17:02:00Z</published>
    <title>Fetched From arXiv</title>
    <summary>An abstract arXiv sent.</summary>
    <author><name>Ana Silva</name></author>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL"/>
    <category term="cs.CL"/>
  </entry>
</feed>"""
NO_ENTRY = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:totalResults>
</feed>"""


@pytest.fixture
def arxiv():
    """A local arXiv API: it knows 2607.07777 (published yesterday) and no other paper."""

    def respond(seen):
        if seen.params.get("id_list") == "2607.07777":
            return Reply(200, ATOM_ENTRY.format(id="2607.07777", published=day(-1).isoformat()).encode())
        return Reply(200, NO_ENTRY.encode())

    server = FixtureServer(respond).start()
    yield server
    server.stop()


@pytest.fixture
def fetch(catalog, settings, arxiv):
    return submissions.arxiv_fetcher(catalog, dataclasses.replace(settings, arxiv_api_url=arxiv.url + "/api/query"))


@pytest.fixture
def known(add_papers) -> list[int]:
    """Papers the catalog holds: listed today, yesterday, and ten days ago."""
    return add_papers(arxiv_paper(1, day(0)), arxiv_paper(2, day(-1)), arxiv_paper(3, day(-10)))


def test_a_known_paper_is_featured_today_with_its_submitter(db, catalog, policy, member, known, fetch):
    yesterdays = known[1]
    made = submissions.submit(db, policy, member("ann"), "https://arxiv.org/abs/2607.00002v3", "Read §3\nfirst.",
                              fetch, now=NOW)
    assert (made.doc_id, made.day, made.comment) == (yesterdays, TODAY, "Read §3 first.")
    shown = submissions.submissions_for(db, known)
    assert list(shown) == [yesterdays]
    assert (shown[yesterdays].submitter, shown[yesterdays].submitted_at) == ("ann", NOW)
    # On today's front page in both settings, though arXiv listed it yesterday.
    submitted_only, total = browse.papers_in_period(catalog, TODAY, TODAY, featured="submissions")
    assert [p.doc_id for p in submitted_only] == [yesterdays] and total == 1
    listing, _ = browse.papers_in_period(catalog, TODAY, TODAY, featured="listing")
    assert {p.doc_id for p in listing} == {known[0], yesterdays}
    listed_only, _ = browse.papers_in_period(catalog, TODAY, TODAY)
    assert [p.doc_id for p in listed_only] == [known[0]]


def test_an_unknown_paper_is_fetched_from_arxiv_and_featured(db, catalog, policy, member, fetch, arxiv):
    made = submissions.submit(db, policy, member("ann"), "arXiv:2607.07777v1", None, fetch, now=NOW)
    stored = catalog.get("2607.07777")
    assert stored.doc_id == made.doc_id and stored.paper.title == "Fetched From arXiv"
    assert [seen.params["id_list"] for seen in arxiv.requests] == ["2607.07777"]


def test_arxiv_having_no_such_paper_or_being_unreachable_is_said_plainly(db, catalog, settings, policy, member, fetch):
    ann = member("ann")
    with pytest.raises(NotFound, match="arXiv has no paper 2607.09999"):
        submissions.submit(db, policy, ann, "2607.09999", None, fetch, now=NOW)
    down = FixtureServer(lambda seen: Reply(503, b"down for maintenance")).start()
    try:
        unreachable = submissions.arxiv_fetcher(catalog, dataclasses.replace(settings, arxiv_api_url=down.url))
        with pytest.raises(Unavailable, match="arXiv cannot be reached right now"):
            submissions.submit(db, policy, ann, "2607.09999", None, unreachable, now=NOW)
    finally:
        down.stop()


@pytest.mark.parametrize("ref, arxiv_id", [
    ("2607.00001", "2607.00001"),
    (" arXiv:2607.00001v2 ", "2607.00001"),
    ("https://arxiv.org/abs/2607.00001v3", "2607.00001"),
    ("http://arxiv.org/pdf/2607.00001v1.pdf", "2607.00001"),
    ("https://arxiv.org/pdf/2607.00001", "2607.00001"),
    ("https://www.arxiv.org/abs/2607.00001?context=cs#section", "2607.00001"),
    ("https://arxiv.org/abs/2607.00001/", "2607.00001"),
    ("https://arxiv.org/html/2607.00001v1", "2607.00001"),
    ("hep-th/9901001", "hep-th/9901001"),
    ("https://arxiv.org/abs/math.GT/0309136v2", "math.GT/0309136"),
])
def test_any_arxiv_id_or_url_names_the_paper(ref, arxiv_id):
    assert submissions.arxiv_id_of(ref) == arxiv_id


@pytest.mark.parametrize("ref", ["", "   ", "not an id", "https://example.org/abs/2607.00001", "2607.1",
                                 "javascript:alert(1)", "2607.00001" * 1000, None, 2607.00001])
def test_anything_else_is_refused_with_an_example(ref):
    with pytest.raises(Invalid, match="e.g. 2601.01234") as refused:
        submissions.arxiv_id_of(ref)
    assert refused.value.field == "paper" and len(str(refused.value)) < 300


def test_the_rules_of_submission(db, policy, rules, member, known, fetch):
    ann = member("ann")
    with pytest.raises(NotSignedIn):
        submissions.submit(db, policy, None, "2607.00001", None, fetch, now=NOW)
    with pytest.raises(NotAllowed, match="before you submit"):
        submissions.submit(db, policy, member("newcomer", verified=False), "2607.00001", None, fetch, now=NOW)
    with pytest.raises(Invalid, match="from 2026-06-21; only papers at most 7 days old"):
        submissions.submit(db, policy, ann, "2607.00003", None, fetch, now=NOW)
    assert submissions.submit(db, rules(submission_max_age_days=14), ann, "2607.00003", None, fetch, now=NOW)
    submissions.submit(db, policy, ann, "2607.00001", None, fetch, now=NOW)
    with pytest.raises(Conflict, match="already submitted by ann on 2026-07-01"):
        submissions.submit(db, policy, member("bob"), "2607.00001v2", None, fetch, now=NOW)
    with pytest.raises(Invalid, match="comment: is 281 characters long"):
        submissions.submit(db, policy, ann, "2607.00002", "x" * 281, fetch, now=NOW)


def test_a_daily_limit_for_members_but_not_for_moderators(db, add_papers, policy, member, fetch):
    add_papers(*(arxiv_paper(n) for n in range(10, 18)))
    ann, mod = member("ann"), member("mod", role="moderator")
    for n in (10, 11, 12):
        submissions.submit(db, policy, ann, f"2607.000{n}", None, fetch, now=NOW)
    with pytest.raises(NotAllowed, match="you have submitted 3 papers today, the daily limit is 3"):
        submissions.submit(db, policy, ann, "2607.00013", None, fetch, now=NOW)
    assert submissions.submit(db, policy, ann, "2607.00013", None, fetch, now=NOW + timedelta(days=1))
    for n in (14, 15, 16, 17):
        submissions.submit(db, policy, mod, f"2607.000{n}", None, fetch, now=NOW)


def test_on_an_authors_only_site_a_confirmed_claim_opens_submission(db, rules, member, known, fetch):
    authors_only = rules(who_may_submit="authors")
    ann, mod = member("ann"), member("mod", role="moderator")
    with pytest.raises(NotAllowed, match="only authors submit papers"):
        submissions.submit(db, authors_only, ann, "2607.00001", None, fetch, now=NOW)
    claim = claims.claim_authorship(db, authors_only, ann, known[2])
    with pytest.raises(NotAllowed):  # still pending
        submissions.submit(db, authors_only, ann, "2607.00001", None, fetch, now=NOW)
    claims.decide_claim(db, authors_only, mod, claim.id, approve=True)
    assert submissions.submit(db, authors_only, ann, "2607.00001", None, fetch, now=NOW)


def test_a_moderator_removes_a_submission_for_good_and_it_is_logged(db, policy, member, known, fetch):
    ann, mod = member("ann"), member("mod", role="moderator")
    submissions.submit(db, policy, ann, "2607.00001", "spam", fetch, now=NOW)
    with pytest.raises(NotAllowed, match="only moderators"):
        submissions.remove_submission(db, policy, ann, known[0])
    submissions.remove_submission(db, policy, mod, known[0], "off topic", now=NOW)
    assert submissions.submissions_for(db, known) == {}
    with pytest.raises(NotAllowed, match="cannot be submitted again"):
        submissions.submit(db, policy, member("bob"), "2607.00001", None, fetch, now=NOW)
    with pytest.raises(NotFound):
        submissions.remove_submission(db, policy, mod, known[0])
    with db.connect() as conn:
        entry = conn.execute(select(audit_log)).one()
    assert (entry.actor_name, entry.action, entry.target_id, entry.detail["reason"]) == (
        "mod", "submission.remove", str(known[0]), "off topic")


def test_a_submission_counts_for_trending_until_it_is_removed(db, policy, member, known, fetch):
    def score():
        with db.connect() as conn:
            return conn.execute(select(papers.c.trending_score).where(papers.c.doc_id == known[1])).scalar()

    listed = score()
    submissions.submit(db, policy, member("ann"), "2607.00002", None, fetch, now=NOW)
    assert score() > listed
    submissions.remove_submission(db, policy, member("mod", role="moderator"), known[1])
    assert score() == pytest.approx(listed)
