"""Moderation as moderators and admins do it: the queue, claims, disabling members, the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from paperwire.accounts import sessions, users
from paperwire.community import claims, comments, moderation, submissions, votes
from paperwire.community.errors import Conflict, NotAllowed, NotFound

from .community_support import NOW, arxiv_paper


@pytest.fixture
def people(member):
    return member("ann"), member("bob"), member("cyd"), member("mod", role="moderator"), member("root", role="admin")


@pytest.fixture
def docs(add_papers) -> list[int]:
    return add_papers(arxiv_paper(1), arxiv_paper(2))


def test_the_queue_shows_reported_comments_pending_claims_and_recent_submissions(db, policy, people, docs):
    ann, bob, cyd, mod, _ = people
    spam = comments.add_comment(db, policy, ann, docs[0], "Buy watches.")
    rude = comments.add_comment(db, policy, ann, docs[0], "Rude.")
    comments.report_comment(db, policy, bob, spam.id, "spam")
    comments.report_comment(db, policy, cyd, spam.id, "advertising")
    comments.report_comment(db, policy, bob, rude.id, "rude")
    claim = claims.claim_authorship(db, policy, bob, docs[1])
    submissions.submit(db, policy, cyd, "2607.00002", "worth a look", lambda _: None, now=NOW)

    queue = moderation.queue(db, policy, mod)
    assert [(r.comment_id, r.reports, r.reasons, r.author) for r in queue.reported] == [
        (spam.id, 2, ["spam", "advertising"], "ann"), (rude.id, 1, ["rude"], "ann")]
    assert [(c.id, c.claimant, c.paper_id) for c in queue.claims] == [(claim.id, "bob", "2607.00002")]
    assert [(s.paper_id, s.submission.submitter, s.submission.comment) for s in queue.submissions] == [
        ("2607.00002", "cyd", "worth a look")]

    comments.hide_comment(db, policy, mod, spam.id)
    assert moderation.dismiss_reports(db, policy, mod, rude.id, "not rude, just blunt") == 1
    assert moderation.queue(db, policy, mod).reported == []
    with pytest.raises(NotFound, match="no open reports"):
        moderation.dismiss_reports(db, policy, mod, rude.id)


def test_a_claim_is_made_once_and_decided_once_by_another_moderator(db, policy, people, docs):
    ann, bob, _, mod, root = people
    claim = claims.claim_authorship(db, policy, ann, docs[0])
    with pytest.raises(Conflict, match="already claimed this paper \\(claim pending\\)"):
        claims.claim_authorship(db, policy, ann, docs[0])
    assert claims.claimed_papers(db, ann, ann.id)[0].status == "pending"
    assert claims.claimed_papers(db, bob, ann.id) == []  # nobody else sees a claim before it is confirmed
    with pytest.raises(NotAllowed, match="only moderators"):
        claims.decide_claim(db, policy, bob, claim.id, approve=True)
    decided = claims.decide_claim(db, policy, mod, claim.id, approve=True)
    assert decided.verified and [c.paper_id for c in claims.claimed_papers(db, None, ann.id)] == ["2607.00001"]
    with pytest.raises(Conflict, match="already decided"):
        claims.decide_claim(db, policy, root, claim.id, approve=False)
    own = claims.claim_authorship(db, policy, mod, docs[1])
    with pytest.raises(NotAllowed, match="another moderator must decide your own claim"):
        claims.decide_claim(db, policy, mod, own.id, approve=True)
    assert not claims.decide_claim(db, policy, root, own.id, approve=False).verified


def test_a_disabled_member_can_no_longer_vote_and_their_sessions_end(db, policy, people, docs):
    ann, _, _, mod, _ = people
    cookie, _csrf = sessions.start_session(db, ann)
    moderation.disable_member(db, policy, mod, ann.id, "spam account")
    assert sessions.session_member(db, cookie) is None
    disabled = users.member_by_id(db, ann.id)
    with pytest.raises(NotAllowed, match="this account is disabled"):
        votes.upvote(db, policy, disabled, docs[0])
    moderation.enable_member(db, policy, mod, ann.id, "appeal")
    assert votes.upvote(db, policy, users.member_by_id(db, ann.id), docs[0]) == 1


def test_who_may_disable_whom(db, policy, people):
    ann, bob, _, mod, root = people
    with pytest.raises(NotAllowed, match="only moderators"):
        moderation.disable_member(db, policy, ann, bob.id)
    with pytest.raises(NotAllowed, match="only administrators can disable or enable moderators"):
        moderation.disable_member(db, policy, mod, root.id)
    with pytest.raises(NotAllowed, match="your own account"):
        moderation.disable_member(db, policy, root, root.id)
    with pytest.raises(NotFound):
        moderation.disable_member(db, policy, mod, 9999)
    moderation.disable_member(db, policy, root, mod.id)
    assert users.member_by_id(db, mod.id).disabled


def test_the_audit_log_holds_every_action_for_admins_only(db, policy, people, docs):
    ann, bob, _, mod, root = people
    posted = comments.add_comment(db, policy, ann, docs[0], "Hello.")
    claim = claims.claim_authorship(db, policy, bob, docs[0])
    submissions.submit(db, policy, ann, "2607.00002", None, lambda _: None, now=NOW)
    comments.hide_comment(db, policy, mod, posted.id, now=NOW)
    comments.restore_comment(db, policy, mod, posted.id, now=NOW + timedelta(seconds=1))
    claims.decide_claim(db, policy, mod, claim.id, approve=False)
    submissions.remove_submission(db, policy, mod, docs[1])
    moderation.disable_member(db, policy, mod, bob.id)
    moderation.enable_member(db, policy, mod, bob.id)
    for not_admin in (ann, mod):
        with pytest.raises(NotAllowed, match="only administrators"):
            moderation.audit_log(db, policy, not_admin)
    entries, total = moderation.audit_log(db, policy, root)
    assert total == 6 and {e.actor for e in entries} == {"mod"}
    assert [e.action for e in entries] == [  # newest first
        "user.enable", "user.disable", "submission.remove", "claim.reject", "comment.restore", "comment.hide"]
    assert [(e.target_kind, e.target_id) for e in entries[:2]] == [("user", str(bob.id))] * 2
    page, _ = moderation.audit_log(db, policy, root, limit=2, offset=1)
    assert [e.id for e in page] == [e.id for e in entries[1:3]]
