"""A member's library: saved, seen and "not interested" papers and private notes, as they use it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from paperwire.community import library
from paperwire.community.errors import Invalid, NotFound, NotSignedIn
from paperwire.paper import DeletedRecord
from paperwire.store.people_schema import library_items

from .community_support import arxiv_paper


@pytest.fixture
def docs(add_papers) -> list[int]:
    return add_papers(*(arxiv_paper(n) for n in range(1, 5)))


def listed(db, policy, viewer, kind="saved") -> list[int]:
    entries, total = library.library(db, policy, viewer, kind)
    assert total == len(entries)
    return [entry.paper.doc_id for entry in entries]


def test_saved_papers_most_recent_first_and_unsaving_takes_one_out(db, policy, member, docs):
    ann = member("ann")
    for doc in docs[:3]:
        library.save(db, policy, ann, doc)
    library.save(db, policy, ann, docs[0])  # saving again changes nothing...
    assert set(listed(db, policy, ann)) == set(docs[:3])
    library.unsave(db, policy, ann, docs[1])
    assert set(listed(db, policy, ann)) == {docs[0], docs[2]}
    page, total = library.library(db, policy, ann, "saved", limit=1, offset=1)
    assert len(page) == 1 and total == 2


def test_seen_and_not_interested_are_lists_of_their_own(db, policy, member, docs):
    ann = member("ann")
    library.mark_seen(db, policy, ann, docs[0])
    library.dismiss(db, policy, ann, docs[1])
    library.save(db, policy, ann, docs[1])
    assert listed(db, policy, ann, "seen") == [docs[0]]
    assert listed(db, policy, ann, "dismissed") == [docs[1]]
    library.undismiss(db, policy, ann, docs[1])
    library.mark_seen(db, policy, ann, docs[0], seen=False)
    assert listed(db, policy, ann, "dismissed") == [] and listed(db, policy, ann, "seen") == []
    with pytest.raises(Invalid, match="kind: must be one of saved, seen, dismissed"):
        library.library(db, policy, ann, "everything")


def test_a_private_note_and_its_limit(db, rules, member, docs):
    policy = rules(note_max_chars=50)
    ann = member("ann")
    library.set_note(db, policy, ann, docs[0], "Compare with\r\nTable 2.\x00")
    assert library.note_for(db, policy, ann, docs[0]) == "Compare with\nTable 2."
    assert library.states(db, ann, docs)[docs[0]].has_note
    with pytest.raises(Invalid, match="note: is 51 characters long; at most 50"):
        library.set_note(db, policy, ann, docs[0], "n" * 51)
    library.set_note(db, policy, ann, docs[0], "")
    assert library.note_for(db, policy, ann, docs[0]) is None


def test_an_entry_with_nothing_left_leaves_the_library(db, policy, member, docs):
    ann = member("ann")
    library.save(db, policy, ann, docs[0])
    library.set_note(db, policy, ann, docs[0], "keep")
    library.unsave(db, policy, ann, docs[0])
    assert library.states(db, ann, [docs[0]]) == {docs[0]: library.LibraryState(has_note=True)}
    library.set_note(db, policy, ann, docs[0], None)
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(library_items)).scalar() == 0


def test_states_mark_a_page_of_cards_in_one_go(db, policy, member, docs):
    ann = member("ann")
    library.save(db, policy, ann, docs[0])
    library.dismiss(db, policy, ann, docs[2])
    found = library.states(db, ann, docs)
    assert found == {docs[0]: library.LibraryState(saved=True), docs[2]: library.LibraryState(dismissed=True)}
    assert library.states(db, None, docs) == {}


def test_no_library_without_signing_in_and_no_saving_what_is_not_there(db, policy, member, docs, catalog):
    with pytest.raises(NotSignedIn):
        library.save(db, policy, None, docs[0])
    with pytest.raises(NotSignedIn):
        library.library(db, policy, None)
    ann = member("ann")
    with pytest.raises(NotFound, match="no such paper"):
        library.save(db, policy, ann, docs[-1] + 100)
    library.save(db, policy, ann, docs[0])
    catalog.store([DeletedRecord("2607.00001")])
    assert listed(db, policy, ann) == []  # withdrawn papers leave the list
    library.unsave(db, policy, ann, docs[0])  # and can still be taken out
