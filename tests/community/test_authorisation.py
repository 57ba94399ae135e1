"""Nobody does, changes or sees what is not theirs: each rule tried through every function it guards."""

from __future__ import annotations

import pytest

from paperwire.accounts import users
from paperwire.community import (
    claims, collections, comments, library, members, moderation, submissions, votes)
from paperwire.community.errors import NotAllowed, NotFound, NotSignedIn

from .community_support import NOW, arxiv_paper


@pytest.fixture
def world(db, policy, member, add_papers):
    """ann's private things, a comment and a claim of hers, and bob, mod and root."""
    docs = add_papers(arxiv_paper(1), arxiv_paper(2))
    ann, bob = member("ann"), member("bob")
    mod, root = member("mod", role="moderator"), member("root", role="admin")
    secret = collections.create_collection(db, policy, ann, "Secret plans")
    collections.add_item(db, policy, ann, secret.id, docs[0], note="private note on an item")
    library.save(db, policy, ann, docs[0])
    library.dismiss(db, policy, ann, docs[1])
    library.set_note(db, policy, ann, docs[0], "my private note")
    comment = comments.add_comment(db, policy, ann, docs[0], "Ann's comment.")
    claim = claims.claim_authorship(db, policy, ann, docs[1])
    submissions.submit(db, policy, ann, "2607.00001", None, lambda _: None, now=NOW)
    return dict(docs=docs, ann=ann, bob=bob, mod=mod, root=root, secret=secret, comment=comment, claim=claim)


def test_someone_elses_private_collection_is_not_found_through_any_read(db, policy, world):
    bob = world["bob"]
    with pytest.raises(NotFound):
        collections.collection_for(db, policy, bob, "ann", world["secret"].slug)
    with pytest.raises(NotFound):
        collections.collection_for(db, policy, None, "ann", world["secret"].slug)
    assert collections.public_collections(db, world["ann"].id) == []
    assert collections.my_collections(db, policy, bob) == []
    assert members.profile(db, policy, bob, "ann").collections == []


@pytest.mark.parametrize("change", [
    lambda db, policy, viewer, c, doc: collections.update_collection(db, policy, viewer, c.id, name="Mine now"),
    lambda db, policy, viewer, c, doc: collections.delete_collection(db, policy, viewer, c.id),
    lambda db, policy, viewer, c, doc: collections.add_item(db, policy, viewer, c.id, doc),
    lambda db, policy, viewer, c, doc: collections.remove_item(db, policy, viewer, c.id, doc),
    lambda db, policy, viewer, c, doc: collections.move_item(db, policy, viewer, c.id, doc, 1),
    lambda db, policy, viewer, c, doc: collections.set_item_note(db, policy, viewer, c.id, doc, "hi"),
], ids=["rename", "delete", "add", "remove", "move", "note"])
def test_someone_elses_private_collection_cannot_be_changed_or_even_found(db, policy, world, change):
    with pytest.raises(NotFound, match="no such collection"):
        change(db, policy, world["bob"], world["secret"], world["docs"][1])


def test_a_library_and_its_notes_are_seen_by_their_owner_only(db, policy, world):
    bob, docs = world["bob"], world["docs"]
    assert library.states(db, bob, docs) == {}
    assert library.note_for(db, policy, bob, docs[0]) is None
    for kind in library.KINDS:
        assert library.library(db, policy, bob, kind) == ([], 0)
    assert library.note_for(db, policy, world["ann"], docs[0]) == "my private note"


@pytest.mark.parametrize("act", [
    lambda db, policy, viewer, w: comments.edit_comment(db, policy, viewer, w["comment"].id, "Mine now."),
    lambda db, policy, viewer, w: comments.delete_comment(db, policy, viewer, w["comment"].id),
], ids=["edit", "delete"])
def test_someone_elses_comment_cannot_be_edited_or_deleted_even_by_a_moderator(db, policy, world, act):
    for viewer in (world["bob"], world["mod"]):
        with pytest.raises(NotAllowed, match="your own comments"):
            act(db, policy, viewer, world)
    assert comments.thread(db, policy, None, world["docs"][0])[0].body == "Ann's comment."


MODERATING = {
    "queue": lambda db, policy, viewer, w: moderation.queue(db, policy, viewer),
    "pending claims": lambda db, policy, viewer, w: claims.pending_claims(db, policy, viewer),
    "hide": lambda db, policy, viewer, w: comments.hide_comment(db, policy, viewer, w["comment"].id),
    "restore": lambda db, policy, viewer, w: comments.restore_comment(db, policy, viewer, w["comment"].id),
    "dismiss reports": lambda db, policy, viewer, w: moderation.dismiss_reports(db, policy, viewer, w["comment"].id),
    "decide claim": lambda db, policy, viewer, w: claims.decide_claim(db, policy, viewer, w["claim"].id, True),
    "remove submission": lambda db, policy, viewer, w: submissions.remove_submission(db, policy, viewer, w["docs"][0]),
    "disable": lambda db, policy, viewer, w: moderation.disable_member(db, policy, viewer, w["ann"].id),
    "enable": lambda db, policy, viewer, w: moderation.enable_member(db, policy, viewer, w["ann"].id),
}


@pytest.mark.parametrize("act", MODERATING.values(), ids=MODERATING.keys())
def test_a_member_cannot_moderate(db, policy, world, act):
    with pytest.raises(NotAllowed, match="only moderators"):
        act(db, policy, world["bob"], world)
    with pytest.raises(NotSignedIn):
        act(db, policy, None, world)


@pytest.mark.parametrize("act", [
    lambda db, policy, viewer, w: moderation.audit_log(db, policy, viewer),
    lambda db, policy, viewer, w: members.delete_member(db, policy, viewer, w["ann"].id),
    lambda db, policy, viewer, w: moderation.disable_member(db, policy, viewer, w["root"].id),
], ids=["read the audit log", "delete a member", "disable an admin"])
def test_a_moderator_cannot_do_what_only_admins_do(db, policy, world, act):
    with pytest.raises(NotAllowed, match="only administrators"):
        act(db, policy, world["mod"], world)


PARTICIPATING = {
    "vote": lambda db, policy, viewer, w: votes.upvote(db, policy, viewer, w["docs"][1]),
    "comment": lambda db, policy, viewer, w: comments.add_comment(db, policy, viewer, w["docs"][1], "Hi."),
    "report": lambda db, policy, viewer, w: comments.report_comment(db, policy, viewer, w["comment"].id, "spam"),
    "submit": lambda db, policy, viewer, w: submissions.submit(db, policy, viewer, "2607.00002", None, lambda _: None),
    "claim": lambda db, policy, viewer, w: claims.claim_authorship(db, policy, viewer, w["docs"][0]),
    "save": lambda db, policy, viewer, w: library.save(db, policy, viewer, w["docs"][1]),
    "collect": lambda db, policy, viewer, w: collections.create_collection(db, policy, viewer, "Mine"),
}


@pytest.mark.parametrize("act", PARTICIPATING.values(), ids=PARTICIPATING.keys())
def test_a_disabled_member_can_do_nothing(db, policy, world, act):
    moderation.disable_member(db, policy, world["mod"], world["bob"].id)
    with pytest.raises(NotAllowed, match="this account is disabled"):
        act(db, policy, users.member_by_id(db, world["bob"].id), world)
