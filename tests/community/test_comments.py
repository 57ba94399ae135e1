"""Comments as members and moderators meet them: threads, edits, deletions, reports, hiding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from paperwire.accounts import users
from paperwire.community import comments
from paperwire.community.errors import Conflict, Invalid, NotAllowed, NotFound, NotSignedIn
from paperwire.store.people_schema import audit_log, comment_reports
from paperwire.store.schema import papers

from .community_support import NOW, arxiv_paper


@pytest.fixture
def paper(add_papers) -> int:
    return add_papers(arxiv_paper(1), arxiv_paper(2))[0]


def counts(db, doc_id: int) -> tuple[int, float]:
    with db.connect() as conn:
        return tuple(conn.execute(select(papers.c.num_comments, papers.c.trending_score)
                                  .where(papers.c.doc_id == doc_id)).one())


def shape(thread) -> list:
    """A thread as (author, text) pairs with nested replies, as a page would lay it out."""
    return [(c.author_name if c.body_html else "[deleted]" if c.deleted else "[removed]",
             c.body, shape(c.replies)) for c in thread]


def test_a_discussion_in_threads_oldest_first(db, policy, member, paper):
    ann, bob = member("ann"), member("bob")
    first = comments.add_comment(db, policy, ann, paper, "Does this hold for $n > 2$?", now=NOW)
    comments.add_comment(db, policy, bob, paper, "Yes, see section 4.", parent_id=first.id, now=NOW + timedelta(1))
    comments.add_comment(db, policy, bob, paper, "Great paper.", now=NOW + timedelta(2))
    thread = comments.thread(db, policy, None, paper)
    assert shape(thread) == [("ann", "Does this hold for $n > 2$?", [("bob", "Yes, see section 4.", [])]),
                             ("bob", "Great paper.", [])]
    assert "<math" in thread[0].body_html  # math as in abstracts
    assert counts(db, paper)[0] == 3
    assert [c.mine for c in comments.thread(db, policy, ann, paper)] == [True, False]


def test_a_reply_must_answer_a_comment_shown_on_the_same_paper(db, policy, member, add_papers, paper):
    other = add_papers(arxiv_paper(2))[0]
    ann = member("ann")
    elsewhere = comments.add_comment(db, policy, ann, other, "On the other paper.")
    for parent in (elsewhere.id, elsewhere.id + 100):
        with pytest.raises(Invalid, match=f"no comment {parent} to reply to"):
            comments.add_comment(db, policy, ann, paper, "A reply.", parent_id=parent)


def test_replies_nest_eight_deep_then_continue_at_the_deepest_level(db, policy, member, paper):
    ann = member("ann")
    parent_id = None
    for n in range(10):  # each a reply to the one before
        parent_id = comments.add_comment(db, policy, ann, paper, f"level {n + 1}", parent_id=parent_id).id
    levels, level = [], comments.thread(db, policy, ann, paper)
    while level:
        levels.append(level)
        level = level[0].replies
    depth, last_level = len(levels), levels[-1]
    assert depth == comments.MAX_DEPTH
    assert [c.body for c in last_level] == ["level 8", "level 9", "level 10"]



def test_a_reply_to_the_deepest_level_is_news_for_the_comment_it_answers(db, policy, member, paper):
    ann, bob, cat = member("ann"), member("bob"), member("cat")
    parent_id = None
    for n in range(comments.MAX_DEPTH):  # ann and bob take turns down to the deepest level, cat's last
        author = cat if n == comments.MAX_DEPTH - 1 else (ann, bob)[n % 2]
        parent_id = comments.add_comment(db, policy, author, paper, f"level {n + 1}", parent_id=parent_id,
                                         now=NOW + timedelta(minutes=n)).id
    since = NOW + timedelta(hours=1)
    comments.add_comment(db, policy, ann, paper, "Answering cat.", parent_id=parent_id, now=since)
    assert [why for _, why in comments.replies_to(db, cat.id, since=since, limit=10)] == ["ann replied to your comment"]
    assert comments.replies_to(db, bob.id, since=since, limit=10) == []  # it hangs below bob's, answers cat

def test_only_the_author_edits_and_an_edit_shows(db, policy, member, paper):
    ann, bob = member("ann"), member("bob")
    posted = comments.add_comment(db, policy, ann, paper, "Teh result.", now=NOW)
    with pytest.raises(NotAllowed, match="only edit your own"):
        comments.edit_comment(db, policy, bob, posted.id, "Vandalised.")
    edited = comments.edit_comment(db, policy, ann, posted.id, "The **result**.", now=NOW + timedelta(minutes=5))
    assert edited.edited_at == NOW + timedelta(minutes=5) and "<strong>result</strong>" in edited.body_html
    [shown] = comments.thread(db, policy, None, paper)
    assert shown.body == "The **result**." and shown.edited_at is not None


def test_only_the_author_deletes_and_a_deleted_comment_with_replies_keeps_its_thread(db, policy, member, paper):
    ann, bob = member("ann"), member("bob")
    question = comments.add_comment(db, policy, ann, paper, "A question.")
    answer = comments.add_comment(db, policy, bob, paper, "An answer.", parent_id=question.id)
    with pytest.raises(NotAllowed, match="only delete your own"):
        comments.delete_comment(db, policy, bob, question.id)
    comments.delete_comment(db, policy, ann, question.id)
    assert shape(comments.thread(db, policy, None, paper)) == [("[deleted]", "", [("bob", "An answer.", [])])]
    assert counts(db, paper)[0] == 1
    with pytest.raises(NotFound):
        comments.edit_comment(db, policy, ann, question.id, "Back again?")
    comments.delete_comment(db, policy, bob, answer.id)  # the placeholder goes with its last reply
    assert comments.thread(db, policy, None, paper) == [] and counts(db, paper)[0] == 0


def test_a_member_reports_a_comment_once_and_never_their_own(db, policy, member, paper):
    ann, bob = member("ann"), member("bob")
    posted = comments.add_comment(db, policy, ann, paper, "Buy cheap watches.")
    comments.report_comment(db, policy, bob, posted.id, "spam\nreally")
    with pytest.raises(Conflict, match="already reported"):
        comments.report_comment(db, policy, bob, posted.id, "spam again")
    with pytest.raises(NotAllowed, match="your own comment"):
        comments.report_comment(db, policy, ann, posted.id, "oops")
    with pytest.raises(Invalid, match="reason: is empty"):
        comments.report_comment(db, policy, member("cyd"), posted.id, "   ")
    with pytest.raises(NotFound):
        comments.report_comment(db, policy, bob, posted.id + 99, "spam")
    with db.connect() as conn:
        assert conn.execute(select(comment_reports.c.reason)).scalars().all() == ["spam really"]


def test_a_moderator_hides_and_restores_and_every_step_is_logged(db, policy, member, paper):
    ann, bob, mod = member("ann"), member("bob"), member("mod", role="moderator")
    spam = comments.add_comment(db, policy, ann, paper, "Buy cheap watches.")
    comments.add_comment(db, policy, bob, paper, "Good point.")
    comments.report_comment(db, policy, bob, spam.id, "spam")
    with pytest.raises(NotAllowed, match="only moderators"):
        comments.hide_comment(db, policy, bob, spam.id)

    comments.hide_comment(db, policy, mod, spam.id, "advertising", now=NOW)
    assert shape(comments.thread(db, policy, bob, paper)) == [("bob", "Good point.", [])]
    as_moderator = comments.thread(db, policy, mod, paper)
    assert [(c.body, c.hidden) for c in as_moderator] == [("Buy cheap watches.", True), ("Good point.", False)]
    assert counts(db, paper)[0] == 1
    with pytest.raises(NotAllowed, match="no longer be edited"):
        comments.edit_comment(db, policy, ann, spam.id, "Buy cheaper watches.")

    comments.restore_comment(db, policy, mod, spam.id, "appeal granted", now=NOW + timedelta(hours=1))
    assert counts(db, paper)[0] == 2
    with db.connect() as conn:
        log = conn.execute(select(audit_log.c.actor_name, audit_log.c.action, audit_log.c.target_id,
                                  audit_log.c.detail).order_by(audit_log.c.id)).all()
        resolved = conn.execute(select(comment_reports.c.resolved_at)).scalars().all()
    assert [(name, action, target, detail["reason"]) for name, action, target, detail in log] == [
        ("mod", "comment.hide", str(spam.id), "advertising"),
        ("mod", "comment.restore", str(spam.id), "appeal granted")]
    assert all(resolved)  # hiding answered the report


def test_a_hidden_comment_with_replies_stays_as_a_placeholder_for_readers(db, policy, member, paper):
    ann, bob, mod = member("ann"), member("bob"), member("mod", role="moderator")
    rude = comments.add_comment(db, policy, ann, paper, "Rude words.")
    comments.add_comment(db, policy, bob, paper, "Please be civil.", parent_id=rude.id)
    comments.hide_comment(db, policy, mod, rude.id)
    assert shape(comments.thread(db, policy, None, paper)) == [("[removed]", "", [("bob", "Please be civil.", [])])]


def test_comments_of_a_deleted_account_stay_by_deleted_user(db, policy, member, paper):
    ann = member("ann")
    comments.add_comment(db, policy, ann, paper, "Still worth reading.")
    users.delete_user(db, ann.id)
    [kept] = comments.thread(db, policy, None, paper)
    assert (kept.author_name, kept.body) == ("deleted user", "Still worth reading.")


def test_who_may_comment(db, policy, rules, member, paper):
    with pytest.raises(NotSignedIn):
        comments.add_comment(db, policy, None, paper, "Hello")
    newcomer = member("newcomer", verified=False)
    with pytest.raises(NotAllowed, match="before you comment"):
        comments.add_comment(db, policy, newcomer, paper, "Hello")
    assert comments.add_comment(db, rules(unverified_may_participate=True), newcomer, paper, "Hello").id


@pytest.mark.parametrize("body, message", [
    ("", "body: is empty"),
    (" \n\t\x00 ", "body: is empty"),
    ("x" * 10_001, "body: is 10,001 characters long; at most 10,000 are allowed"),
    (None, "body: must be text, not NoneType"),
])
def test_comment_limits_name_the_field_and_the_problem(db, policy, member, paper, body, message):
    with pytest.raises(Invalid) as refused:
        comments.add_comment(db, policy, member("ann"), paper, body)
    assert str(refused.value) == message and refused.value.field == "body"


def test_invisible_characters_are_dropped_and_the_length_limit_is_a_setting(db, rules, member, paper):
    policy = rules(comment_max_chars=20)
    posted = comments.add_comment(db, policy, member("ann"), paper, "safe\x00 \u202eevil\u202c\r\nline")
    assert posted.body == "safe evil\nline"
    with pytest.raises(Invalid, match="at most 20"):
        comments.add_comment(db, policy, member("bob"), paper, "y" * 21)


def test_each_member_s_comments_count_once_for_trending(db, policy, member, paper):
    ann = member("ann")
    listed_only = counts(db, paper)[1]
    comments.add_comment(db, policy, ann, paper, "First.", now=NOW)
    after_one = counts(db, paper)[1]
    second = comments.add_comment(db, policy, ann, paper, "Second.", now=NOW)
    assert after_one > listed_only and counts(db, paper)[1] == after_one
    comments.delete_comment(db, policy, ann, second.id)
    assert counts(db, paper)[1] == pytest.approx(after_one)
    mod = member("mod", role="moderator")
    first = comments.thread(db, policy, mod, paper)[0]
    comments.hide_comment(db, policy, mod, first.id)
    assert counts(db, paper)[1] == pytest.approx(listed_only)
