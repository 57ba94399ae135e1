"""Submitting papers from /submit and the JSON API: what is featured, what the rules refuse and
how they say so, papers fetched from a (local) arXiv, and the submitter in the Hugging Face API."""

from __future__ import annotations

import socket

from community_site import (  # noqa: F401 (fixtures)
    FETCHED_TITLE,
    TODAY,
    UNKNOWN,
    arxiv,
    both_site,
    make_site,
    post_form,
    site,
)


def _submit(browser, paper: str, comment: str = ""):
    return post_form(browser, "/submit", "/submit", paper=paper, comment=comment)


def test_a_submitted_paper_shows_its_submitter_and_comment_on_todays_card(both_site):
    ann = both_site.signed_in("ann")
    response = _submit(ann, "https://arxiv.org/abs/2612.00002v3", "The ablation <b>in §3</b>")
    assert response.headers["location"] == "/papers/2612.00002?done=submitted"
    assert "Submitted: the paper is on today" in ann.get(response.headers["location"]).text
    front = both_site.browser().get(f"/?date={TODAY.isoformat()}").text
    assert 'Submitted by <a href="/users/ann">ann</a>: “The ablation &lt;b&gt;in §3&lt;/b&gt;”' in front
    assert "Sparse Mixtures Revisited" in front  # listed yesterday, featured today


def test_the_hugging_face_api_names_the_submitter(both_site):
    _submit(both_site.signed_in("ann"), "2612.00002", "worth it")
    [item] = [i for i in both_site.browser().get("/api/daily_papers", params={"date": TODAY.isoformat()}).json()
              if i["paper"]["id"] == "2612.00002"]
    assert item["submittedBy"]["name"] == "ann"
    assert item["paper"]["submittedOnDailyBy"]["user"] == "ann"
    assert item["publishedAt"].startswith(TODAY.isoformat()) and item["paper"]["submittedOnDailyAt"] == \
        item["publishedAt"]
    mine = both_site.browser().get("/api/daily_papers", params={"submitter": "ann"}).json()
    assert [i["paper"]["id"] for i in mine] == ["2612.00002"]
    native = both_site.browser().get("/api/v1/papers/2612.00002").json()
    assert (native["submitted_by"], native["submission_comment"]) == ("ann", "worth it")


def test_a_paper_arxiv_has_but_the_site_lacks_is_fetched(site, arxiv):
    ann = site.signed_in("ann")
    response = _submit(ann, f"https://arxiv.org/pdf/{UNKNOWN}v1")
    assert response.headers["location"] == f"/papers/{UNKNOWN}?done=submitted"
    assert FETCHED_TITLE in ann.get(f"/papers/{UNKNOWN}").text
    assert [seen.params.get("id_list") for seen in arxiv.requests] == [UNKNOWN]


def test_the_rules_refuse_with_a_message_beside_the_field(make_site):
    strict = make_site(submissions_per_day="1")
    ann = strict.signed_in("ann")
    old = _submit(ann, "2612.00003")
    assert old.status_code == 400
    assert "only papers at most 7 days old can be submitted" in old.text
    assert 'id="paper-error"' in old.text and 'value="2612.00003"' in old.text  # beside the field, value kept
    assert _submit(ann, "2612.00001").status_code == 303
    again = _submit(strict.signed_in("bob"), "2612.00001")
    assert again.status_code == 409 and f"already submitted by ann on {TODAY.isoformat()}" in again.text
    limit = _submit(ann, "2612.00002")
    assert limit.status_code == 403 and "the daily limit is 1" in limit.text
    assert _submit(strict.signed_in("mod", role="moderator"), "2612.00002").status_code == 303  # no limit


def test_unknown_papers_and_unreadable_ids_say_what_to_do(site):
    ann = site.signed_in("ann")
    missing = _submit(ann, "2612.09999")
    assert missing.status_code == 404 and "arXiv has no paper 2612.09999; check the id" in missing.text
    nonsense = _submit(ann, "<script>alert(1)</script>")
    assert nonsense.status_code == 400 and "is not an arXiv id or URL" in nonsense.text
    assert "<script>alert(1)</script>" not in nonsense.text


def test_arxiv_out_of_reach_is_a_clear_503(make_site):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    offline = make_site(arxiv_api_url=f"http://127.0.0.1:{closed}/api/query")
    response = _submit(offline.signed_in("ann"), UNKNOWN)
    assert response.status_code == 503 and "arXiv cannot be reached right now" in response.text


def test_only_authors_submit_where_the_site_says_so(make_site):
    curated = make_site(who_may_submit="authors")
    ann = curated.signed_in("ann")
    assert "Only authors submit here" in ann.get("/submit").text
    refused = _submit(ann, "2612.00001")
    assert refused.status_code == 403 and "only authors submit papers" in refused.text


def test_signed_out_readers_are_sent_to_sign_in_first(site):
    response = site.browser().get("/submit", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/signin?next=/submit")


def test_a_script_submits_through_the_api(both_site):
    script = both_site.script(both_site.member("ann"))
    made = script.post("/api/v1/submissions", json={"paper": "2612.00001", "comment": "Read it"})
    assert made.status_code == 201
    assert (made.json()["id"], made.json()["submitted_by"], made.json()["submission_comment"]) == \
        ("2612.00001", "ann", "Read it")
    duplicate = script.post("/api/v1/submissions", json={"paper": "2612.00001"})
    assert duplicate.status_code == 409 and "already submitted by ann" in duplicate.json()["error"]
    reader = both_site.script(both_site.member("bob"), scope="read")
    assert reader.post("/api/v1/submissions", json={"paper": "2612.00002"}).status_code == 403


def test_the_front_page_shows_only_submissions_where_the_site_says_so(make_site):
    curated = make_site(front_page="submissions")
    assert "none has been submitted yet" in curated.browser().get("/").text
    assert "No papers were listed" in curated.browser().get(f"/?date={TODAY.isoformat()}").text
    _submit(curated.signed_in("ann"), "2612.00002")
    front = curated.signed_in("bob").get("/").text  # the latest day with a submission: today
    assert "Sparse Mixtures Revisited" in front and "Attention with Fewer Heads" not in front
    hub = curated.browser().get("/api/daily_papers", params={"date": TODAY.isoformat()}).json()
    assert [i["paper"]["id"] for i in hub] == ["2612.00002"]


def test_with_the_listing_front_page_a_days_submissions_join_its_listing(site):
    _submit(site.signed_in("ann"), "2612.00002")
    front = site.signed_in("bob").get("/").text
    assert "Sparse Mixtures Revisited" in front and "Attention with Fewer Heads" in front
