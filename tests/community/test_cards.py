"""A page of cards learns the viewer's votes, library marks and submissions in three queries."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from paperwire.community import cards, library, submissions, votes

from .community_support import NOW, arxiv_paper


@pytest.fixture
def count_queries(db):
    """A list that collects every statement the engine sends while the test runs."""
    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db, "before_cursor_execute", note)
    yield sent
    event.remove(db, "before_cursor_execute", note)


def test_card_states_cost_the_same_few_queries_for_five_cards_or_fifty(db, policy, member, add_papers, count_queries):
    docs = add_papers(*(arxiv_paper(n) for n in range(1, 51)))
    ann, bob = member("ann"), member("bob")
    votes.upvote(db, policy, ann, docs[0])
    library.save(db, policy, ann, docs[1])
    library.dismiss(db, policy, ann, docs[2])
    submissions.submit(db, policy, bob, "2607.00004", "look", lambda _: None, now=NOW)

    for page in (docs[:5], docs):
        count_queries.clear()
        states = cards.card_states(db, ann, page)
        assert len(count_queries) == 3 and set(states) == set(page)
    assert states[docs[0]].voted and states[docs[1]].saved and states[docs[2]].dismissed
    assert (states[docs[3]].submission.submitter, states[docs[3]].submission.comment) == ("bob", "look")
    assert states[docs[4]] == cards.CardState()

    count_queries.clear()
    anonymous = cards.card_states(db, None, docs)
    assert len(count_queries) == 1 and not anonymous[docs[0]].voted and anonymous[docs[3]].submission
