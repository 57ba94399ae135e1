"""Comments on the paper page and in the JSON API: threads, edits, deletions, reports, and
what moderators hide (and readers then no longer see)."""

from __future__ import annotations

import re

import pytest
from community_site import PASSWORD, arxiv, both_site, make_site, post_form, site  # noqa: F401 (fixtures)

PAPER = "/papers/2612.00001"
COMMENTS = "/api/v1/papers/2612.00001/comments"


def _comment(browser, body: str, parent: int | None = None) -> int:
    """Comment through the paper page's form; the new comment's id, from where the page sends us."""
    fields = {"body": body, "next": PAPER, **({"parent": str(parent)} if parent else {})}
    response = post_form(browser, PAPER, "/papers/2612.00001/comments", **fields)
    assert response.status_code == 303, response.text[:300]
    return int(re.search(r"#comment-(\d+)$", response.headers["location"]).group(1))


def _thread_item(html: str, comment_id: int) -> str:
    """The HTML of one comment on the page, its replies excluded."""
    start = html.index(f'id="comment-{comment_id}"')
    end = html.find('<ol class="replies">', start)
    following = html.find('<li id="comment-', start + 1)
    stops = [i for i in (end, following) if i != -1]
    return html[start:min(stops)] if stops else html[start:]


def test_a_comment_and_its_reply_show_threaded_with_their_authors(both_site):
    ann, bob = both_site.signed_in("ann"), both_site.signed_in("bob")
    first = _comment(ann, "Table 2 is the **key** result: $O(n^2)$.")
    reply = _comment(bob, "Agreed, but see §4.", parent=first)
    page = both_site.browser().get(PAPER).text
    assert "Comments (2)" in page
    assert '<a href="/users/ann">ann</a>' in _thread_item(page, first)
    assert "<strong>key</strong>" in page and "<math" in _thread_item(page, first)  # Markdown and math rendered
    replies = page[page.index(f'id="comment-{first}"'):]
    assert replies.index('<ol class="replies">') < replies.index(f'id="comment-{reply}"')  # indented under it


def test_a_member_edits_their_comment_and_it_is_marked_edited(both_site):
    ann = both_site.signed_in("ann")
    made = _comment(ann, "Frist!")
    response = post_form(ann, PAPER, f"/comments/{made}/edit", body="First!", next=PAPER)
    assert response.headers["location"] == f"{PAPER}#comment-{made}"
    shown = _thread_item(both_site.browser().get(PAPER).text, made)
    assert "First!" in shown and "Frist" not in shown and ">edited<" in shown


def test_a_deleted_comment_with_replies_stays_as_deleted(both_site):
    ann, bob = both_site.signed_in("ann"), both_site.signed_in("bob")
    made = _comment(ann, "I will regret this.")
    _comment(bob, "You will.", parent=made)
    post_form(ann, PAPER, f"/comments/{made}/delete", next=PAPER)
    page = both_site.browser().get(PAPER).text
    assert "I will regret this." not in page and "[deleted]" in _thread_item(page, made) and "You will." in page
    assert "Comments (1)" in page


def test_nobody_edits_or_deletes_someone_elses_comment(site):
    ann, bob = site.signed_in("ann"), site.signed_in("bob")
    made = _comment(ann, "Mine.")
    assert post_form(bob, PAPER, f"/comments/{made}/edit", body="Yours now.").status_code == 403
    assert post_form(bob, PAPER, f"/comments/{made}/delete").status_code == 403
    script = site.script(site.member_named("bob"))
    assert script.patch(f"/api/v1/comments/{made}", json={"body": "Yours now."}).status_code == 403
    assert script.delete(f"/api/v1/comments/{made}").status_code == 403
    assert "Mine." in site.browser().get(PAPER).text
    # The page offers edit and delete only on one's own.
    assert f'action="/comments/{made}/edit"' not in bob.get(PAPER).text
    assert f'action="/comments/{made}/edit"' in ann.get(PAPER).text


def test_a_report_reaches_the_moderators_queue_once(site):
    ann, bob = site.signed_in("ann"), site.signed_in("bob")
    made = _comment(ann, "Buy cheap watches at example.com")
    response = post_form(bob, PAPER, f"/comments/{made}/report", reason="spam", next=PAPER)
    assert response.headers["location"] == f"{PAPER}?done=reported#comment-{made}"
    assert "the moderators will look at this comment" in bob.get(response.headers["location"]).text
    assert post_form(bob, PAPER, f"/comments/{made}/report", reason="spam").status_code == 409
    assert post_form(ann, PAPER, f"/comments/{made}/report", reason="me").status_code == 403  # one's own
    queue = site.signed_in("mod", role="moderator").get("/moderation").text
    assert "Buy cheap watches" in queue and "“spam”" in queue and "1 report" in queue


def test_a_hidden_comment_is_seen_only_by_moderators_and_logged(both_site):
    ann = both_site.signed_in("ann")
    made = _comment(ann, "Something rude.")
    mod = both_site.signed_in("mod", role="moderator")
    assert post_form(mod, PAPER, f"/comments/{made}/hide", reason="rude", next=PAPER).status_code == 303
    for reader in (both_site.browser(), both_site.signed_in("bob"), ann):
        assert "Something rude." not in reader.get(PAPER).text
        assert reader.get(COMMENTS).json()["items"] == []
    shown = _thread_item(mod.get(PAPER).text, made)
    assert "Something rude." in shown and "hidden by a moderator" in shown and "Restore" in shown
    assert "Comments (0)" in both_site.browser().get(PAPER).text

    admin = both_site.signed_in("root", role="admin")
    log = admin.get("/moderation/audit").text
    assert "comment.hide" in log and "mod" in log and "reason: rude" in log
    post_form(mod, PAPER, f"/comments/{made}/restore", next=PAPER)
    assert "Something rude." in ann.get(PAPER).text


def test_members_cannot_hide_comments_nor_read_the_audit_log(site):
    ann = site.signed_in("ann")
    made = _comment(ann, "Fine words.")
    bob = site.signed_in("bob")
    assert post_form(bob, PAPER, f"/comments/{made}/hide").status_code == 403
    assert bob.get("/moderation/audit").status_code == 403
    assert site.signed_in("mod", role="moderator").get("/moderation/audit").status_code == 403


@pytest.mark.parametrize("body, shown, absent", [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert"),
    ("[click](javascript:alert(1))", "click", 'href="javascript'),
    ("[click](JaVaScRiPt:alert(1))", "click", 'href="JaVaScRiPt'),
    ("![pixel](data:image/png;base64,AAAA)", "pixel", "<img"),
    ('<img src=x onerror="alert(1)">', "&lt;img", "<img"),
    ("[site](https://example.org)", 'rel="nofollow ugc noopener"', 'href="javascript'),
    ("$\\href{javascript:alert(1)}{x}$", "", 'href="javascript'),
])
def test_hostile_markdown_is_shown_as_text_never_run(site, body, shown, absent):
    ann = site.signed_in("ann")
    made = _comment(ann, body)
    item = _thread_item(site.browser().get(PAPER).text, made)
    assert shown in item and absent not in item


def test_odd_unicode_is_kept_and_invisible_controls_dropped(site):
    ann = site.signed_in("ann")
    made = _comment(ann, "Ünïcödé 李小龙 🙂\u202egnirts desrever\x00 and a zero\u200bwidth space")
    item = _thread_item(site.browser().get(PAPER).text, made)
    assert "Ünïcödé 李小龙 🙂" in item and "\u202e" not in item and "\x00" not in item


def test_empty_and_too_long_comments_are_refused_saying_why(make_site):
    small = make_site(comment_max_chars="50")
    ann = small.signed_in("ann")
    empty = post_form(ann, PAPER, "/papers/2612.00001/comments", body="   \n ")
    assert empty.status_code == 400 and "body: is empty" in empty.text
    long = post_form(ann, PAPER, "/papers/2612.00001/comments", body="x" * 51)
    assert long.status_code == 400 and "body: is 51 characters long; at most 50 are allowed" in long.text
    script = small.script(small.member_named("ann"))
    answer = script.post(COMMENTS, json={"body": 12})
    assert answer.status_code == 400 and answer.json()["parameter"] == "body"


def test_a_script_comments_replies_edits_and_deletes_through_the_api(both_site):
    script = both_site.script(both_site.member("ann"))
    made = script.post(COMMENTS, json={"body": "Via *API*", "parent": None})
    assert made.status_code == 201
    first = made.json()
    assert (first["author"], first["body_html"], first["mine"]) == ("ann", "<p>Via <em>API</em></p>\n", True)
    reply = script.post(COMMENTS, json={"body": "A reply", "parent": first["id"]}).json()
    assert reply["parent"] == first["id"]
    edited = script.patch(f"/api/v1/comments/{reply['id']}", json={"body": "A better reply"}).json()
    assert edited["edited_at"] is not None
    thread = both_site.browser().get(COMMENTS).json()
    assert thread["num_comments"] == 2
    assert [c["body"] for c in thread["items"][0]["replies"]] == ["A better reply"]
    assert script.delete(f"/api/v1/comments/{reply['id']}").status_code == 204
    assert both_site.browser().get(COMMENTS).json()["items"][0]["replies"] == []
    assert both_site.browser().get("/api/v1/papers/2612.00001").json()["num_comments"] == 1


def test_a_reply_to_a_comment_on_another_paper_is_refused(site):
    script = site.script(site.member("ann"))
    elsewhere = script.post("/api/v1/papers/2612.00002/comments", json={"body": "Over there"}).json()
    answer = script.post(COMMENTS, json={"body": "Here", "parent": elsewhere["id"]})
    assert answer.status_code == 400 and answer.json()["parameter"] == "parent"


def test_reports_and_hiding_through_the_api(site):
    script = site.script(site.member("ann"))
    made = script.post(COMMENTS, json={"body": "Off topic"}).json()["id"]
    bob = site.script(site.member("bob"))
    assert bob.post(f"/api/v1/comments/{made}/report", json={"reason": ""}).status_code == 400
    assert bob.post(f"/api/v1/comments/{made}/report", json={"reason": "off topic"}).status_code == 204
    assert bob.post(f"/api/v1/comments/{made}/hide", json={}).status_code == 403
    mod = site.script(site.member("mod", role="moderator"))
    assert mod.post(f"/api/v1/comments/{made}/hide", json={"reason": "off topic"}).status_code == 204
    assert bob.get(COMMENTS).json()["items"] == []
    assert mod.get(COMMENTS).json()["items"][0]["hidden"] is True


def test_a_deleted_accounts_comments_stay_signed_deleted_user(both_site):
    ann = both_site.signed_in("ann")
    made = _comment(ann, "Still worth reading.")
    assert post_form(ann, "/settings", "/settings/delete", password=PASSWORD).status_code == 303
    shown = _thread_item(both_site.signed_in("bob").get(PAPER).text, made)
    assert "Still worth reading." in shown and "deleted user" in shown and "/users/ann" not in shown
