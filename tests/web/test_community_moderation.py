"""Authorship claims, profiles and moderation: a claim waits for a moderator, a confirmed one
shows verified on the profile; moderators work through their queue and admins read the log."""

from __future__ import annotations

from community_site import TODAY, arxiv, both_site, make_site, post_form, site  # noqa: F401 (fixtures)

PAPER = "/papers/2612.00001"


def _claim_id(site) -> int:
    return site.script(site.member_named("mod")).get("/api/v1/moderation/queue").json()["claims"][0]["id"]


def test_a_claim_waits_for_a_moderator_then_shows_verified_on_the_profile(both_site):
    ann = both_site.signed_in("ann")
    response = post_form(ann, PAPER, "/papers/2612.00001/claim", next=PAPER)
    assert response.headers["location"] == f"{PAPER}?done=claimed#claim"
    assert "waiting for a moderator" in ann.get(PAPER).text
    assert "waiting for a moderator (only you see this)" in ann.get("/users/ann").text
    assert "Attention with Fewer Heads" not in both_site.browser().get("/users/ann").text  # not before a decision

    mod = both_site.signed_in("mod", role="moderator")
    assert "ann</a> says they wrote" in mod.get("/moderation").text
    decided = post_form(mod, "/moderation", f"/moderation/claims/{_claim_id(both_site)}/approve")
    assert decided.headers["location"] == "/moderation?done=approved"
    profile = both_site.browser().get("/users/ann").text
    assert "Attention with Fewer Heads" in profile and "✓ verified author" in profile
    api = both_site.browser().get("/api/v1/users/ann").json()
    assert [(c["paper"], c["status"]) for c in api["claims"]] == [("2612.00001", "approved")]


def test_a_rejected_claim_never_shows(site):
    site.script(site.member("ann")).post("/api/v1/papers/2612.00001/claim")
    mod = site.signed_in("mod", role="moderator")
    post_form(mod, "/moderation", f"/moderation/claims/{_claim_id(site)}/reject")
    assert "Attention with Fewer Heads" not in site.browser().get("/users/ann").text


def test_a_profile_lists_public_collections_and_recent_comments(site):
    script = site.script(site.member("ann"))
    script.post("/api/v1/me/collections", json={"name": "Open list", "public": True})
    script.post("/api/v1/me/collections", json={"name": "Secret list"})
    script.post("/api/v1/papers/2612.00002/comments", json={"body": "Nice *ablation*."})
    profile = site.browser().get("/users/ann").text
    assert "Open list" in profile and "Secret list" not in profile
    assert "<em>ablation</em>" in profile and "Sparse Mixtures Revisited" in profile
    assert site.browser().get("/users/nobody").status_code == 404


def test_a_moderator_removes_a_submission_and_it_leaves_the_list(both_site):
    ann = both_site.signed_in("ann")
    post_form(ann, "/submit", "/submit", paper="2612.00002", comment="spammy")
    mod = both_site.signed_in("mod", role="moderator")
    assert "“spammy”" in mod.get("/moderation").text
    response = post_form(mod, "/moderation", "/moderation/submissions/2612.00002/remove", reason="spam")
    assert response.headers["location"] == "/moderation?done=removed"
    assert "spammy" not in both_site.signed_in("bob").get(f"/?date={TODAY.isoformat()}").text
    again = post_form(ann, "/submit", "/submit", paper="2612.00002")
    assert again.status_code == 403 and "cannot be submitted again" in again.text


def test_a_disabled_member_is_signed_out_and_cannot_act(both_site):
    ann = both_site.signed_in("ann")
    script = both_site.script(both_site.member_named("ann"))
    mod = both_site.signed_in("mod", role="moderator")
    response = post_form(mod, "/users/ann", "/moderation/members/ann/disable", reason="spam", next="/users/ann")
    assert response.headers["location"] == "/users/ann?done=disabled"
    assert ann.get("/api/v1/me").status_code == 401  # the session ended
    assert script.post("/api/v1/papers/2612.00001/upvote").status_code == 401  # the token no longer works
    log = both_site.signed_in("root", role="admin").get("/moderation/audit").text
    assert "user.disable" in log and "reason: spam" in log


def test_moderators_cannot_disable_moderators_nor_members_moderate(site):
    site.member("mod2", role="moderator")
    mod = site.signed_in("mod", role="moderator")
    refused = post_form(mod, "/moderation", "/moderation/members/mod2/disable")
    assert refused.status_code == 403 and "only administrators" in refused.text
    member = site.signed_in("ann")
    assert member.get("/moderation").status_code == 403
    assert "Moderation</a>" not in member.get("/").text and "Moderation</a>" in mod.get("/").text
    assert site.script(site.member_named("ann")).get("/api/v1/moderation/queue").status_code == 403


def test_dismissing_reports_keeps_the_comment_and_empties_the_queue(site):
    made = site.script(site.member("ann")).post("/api/v1/papers/2612.00001/comments", json={"body": "Fine."}).json()
    site.script(site.member("bob")).post(f"/api/v1/comments/{made['id']}/report", json={"reason": "dislike"})
    mod = site.signed_in("mod", role="moderator")
    post_form(mod, "/moderation", f"/moderation/comments/{made['id']}/dismiss-reports")
    assert "No reported comments." in mod.get("/moderation").text
    assert "Fine." in site.signed_in("cyd").get(PAPER).text


def test_the_audit_log_api_is_for_admins(site):
    made = site.script(site.member("ann")).post("/api/v1/papers/2612.00001/comments", json={"body": "x"}).json()
    site.script(site.member("mod", role="moderator")).post(f"/api/v1/comments/{made['id']}/hide", json={})
    assert site.script(site.member_named("mod")).get("/api/v1/moderation/audit").status_code == 403
    log = site.script(site.member("root", role="admin")).get("/api/v1/moderation/audit").json()
    assert [(e["actor"], e["action"], e["target_id"]) for e in log["items"]] == [("mod", "comment.hide",
                                                                                  str(made["id"]))]
