"""Collections: named, ordered, annotated lists of papers, private until made public."""

from __future__ import annotations

import pytest

from paperwire.community import collections
from paperwire.community.errors import Conflict, Invalid, NotAllowed, NotFound

from .community_support import arxiv_paper


@pytest.fixture
def docs(add_papers) -> list[int]:
    return add_papers(*(arxiv_paper(n) for n in range(1, 6)))


def order(db, policy, viewer, owner, slug) -> list[int]:
    return [item.paper.doc_id for item in collections.collection_for(db, policy, viewer, owner, slug)[1]]


def test_a_collection_in_the_owners_order_with_notes(db, policy, member, docs):
    ann = member("ann")
    made = collections.create_collection(db, policy, ann, "Matryoshka & friends (2026)", "Nested *embeddings*.")
    assert (made.slug, made.is_public, made.item_count) == ("matryoshka-friends-2026", False, 0)
    for doc in docs[:4]:
        collections.add_item(db, policy, ann, made.id, doc, note=f"why {doc}")
    assert collections.move_item(db, policy, ann, made.id, docs[3], 1) == 1
    assert collections.move_item(db, policy, ann, made.id, docs[0], 99) == 4  # beyond the end: last
    collections.remove_item(db, policy, ann, made.id, docs[1])
    shown, items = collections.collection_for(db, policy, ann, "ANN", made.slug)  # usernames ignore case
    assert [i.paper.doc_id for i in items] == [docs[3], docs[2], docs[0]]
    assert [i.position for i in items] == [1, 2, 3] and items[0].note == f"why {docs[3]}"
    assert shown.item_count == 3 and shown.description == "Nested *embeddings*."


def test_slugs_are_unique_per_member_and_survive_a_rename(db, policy, member):
    ann, bob = member("ann"), member("bob")
    first = collections.create_collection(db, policy, ann, "Reading list")
    second = collections.create_collection(db, policy, ann, "Reading  list!")
    assert (first.slug, second.slug) == ("reading-list", "reading-list-2")
    assert collections.create_collection(db, policy, bob, "Reading list").slug == "reading-list"
    assert collections.create_collection(db, policy, ann, "日本語の論文").slug == "collection"
    renamed = collections.update_collection(db, policy, ann, first.id, name="Done reading", is_public=True)
    assert (renamed.name, renamed.slug, renamed.is_public) == ("Done reading", "reading-list", True)


def test_limits_say_what_and_how_many(db, rules, member, docs):
    policy = rules(collection_max_items=2, collections_per_member=1)
    ann = member("ann")
    made = collections.create_collection(db, policy, ann, "Small")
    with pytest.raises(NotAllowed, match="you have 1 collections, the most allowed is 1"):
        collections.create_collection(db, policy, ann, "Another")
    collections.add_item(db, policy, ann, made.id, docs[0])
    with pytest.raises(Conflict, match="already in 'Small'"):
        collections.add_item(db, policy, ann, made.id, docs[0])
    collections.add_item(db, policy, ann, made.id, docs[1])
    with pytest.raises(NotAllowed, match="'Small' holds 2 papers, the most a collection may hold is 2"):
        collections.add_item(db, policy, ann, made.id, docs[2])


@pytest.mark.parametrize("name, description, message", [
    ("", "", "name: is empty"),
    ("  \n ", "", "name: is empty"),
    ("n" * 121, "", "name: is 121 characters long; at most 120 are allowed"),
    ("Fine", "d" * 2001, "description: is 2,001 characters long; at most 2,000 are allowed"),
    (None, "", "name: must be text, not NoneType"),
])
def test_names_and_descriptions_are_checked(db, policy, member, name, description, message):
    with pytest.raises(Invalid) as refused:
        collections.create_collection(db, policy, member("ann"), name, description)
    assert str(refused.value) == message


def test_a_position_must_be_a_whole_number_from_one(db, policy, member, docs):
    ann = member("ann")
    made = collections.create_collection(db, policy, ann, "List")
    collections.add_item(db, policy, ann, made.id, docs[0])
    for bad in (0, -1, "2", 1.5, True):
        with pytest.raises(Invalid, match="position: must be a whole number from 1"):
            collections.move_item(db, policy, ann, made.id, docs[0], bad)


def test_public_collections_for_everyone_private_ones_for_their_owner(db, policy, member, docs):
    ann, bob = member("ann"), member("bob")
    open_list = collections.create_collection(db, policy, ann, "Open", is_public=True)
    collections.add_item(db, policy, ann, open_list.id, docs[0])
    secret = collections.create_collection(db, policy, ann, "Secret")
    assert order(db, policy, None, "ann", "open") == [docs[0]]
    assert order(db, policy, bob, "ann", "open") == [docs[0]]
    assert [c.slug for c in collections.public_collections(db, ann.id)] == ["open"]
    assert {c.slug for c in collections.my_collections(db, policy, ann)} == {"open", "secret"}
    for viewer in (None, bob):
        with pytest.raises(NotFound, match="no such collection"):
            collections.collection_for(db, policy, viewer, "ann", "secret")
    with pytest.raises(NotFound):  # the same answer as for a collection that does not exist
        collections.collection_for(db, policy, bob, "ann", "no-such-thing")
    with pytest.raises(NotAllowed, match="only its owner"):
        collections.add_item(db, policy, bob, open_list.id, docs[1])
    with pytest.raises(NotFound):
        collections.add_item(db, policy, bob, secret.id, docs[1])
    collections.delete_collection(db, policy, ann, secret.id)
    with pytest.raises(NotFound):
        collections.collection_for(db, policy, ann, "ann", "secret")
