"""Collections: made and filled from the pages, reordered, annotated, read as a page, a feed and
an export; someone else's private collection is not found anywhere."""

from __future__ import annotations

import feedparser
import pytest
import rispy
from community_site import arxiv, both_site, make_site, post_form, site  # noqa: F401 (fixtures)
from pybtex.database import parse_string

PAPER = "/papers/2612.00001"
PAGE = "/users/ann/collections/reading-group"


def _collection(site, *papers: str, public: bool = True):
    """ann's collection "Reading group" holding ``papers`` in that order, made through the pages."""
    ann = site.signed_in("ann")
    made = post_form(ann, "/collections", "/collections", name="Reading group", description="Tuesdays",
                     **({"public": "on"} if public else {}))
    assert made.headers["location"] == f"{PAGE}?done=created"
    collection_id = site.script(site.member_named("ann")).get("/api/v1/me/collections").json()["items"][0]["id"]
    for paper_id in papers:
        post_form(ann, f"/papers/{paper_id}", f"/collections/{collection_id}/items", paper=paper_id,
                  next=f"/papers/{paper_id}")
    return ann, collection_id


TITLES = ("Attention with Fewer Heads", "Sparse Mixtures Revisited", "An Old Result")


def _order(html: str) -> list[str]:
    """The sample titles on a page, in the order they appear."""
    return sorted((t for t in TITLES if t in html), key=html.index)


def test_a_collection_is_made_filled_reordered_and_annotated_from_the_pages(both_site):
    ann, collection_id = _collection(both_site, "2612.00001", "2612.00002", "2612.00003")
    assert _order(ann.get(PAGE).text) == ["Attention with Fewer Heads", "Sparse Mixtures Revisited", "An Old Result"]
    post_form(ann, PAGE, f"/collections/{collection_id}/items/2612.00003/move", position="1", next=PAGE)
    post_form(ann, PAGE, f"/collections/{collection_id}/items/2612.00001/remove", next=PAGE)
    post_form(ann, PAGE, f"/collections/{collection_id}/items/2612.00002/note", note="Start with Table 2", next=PAGE)
    page = both_site.signed_in("bob").get(PAGE).text
    assert _order(page) == ["An Old Result", "Sparse Mixtures Revisited"]
    assert '<p class="item-note">Start with Table 2</p>' in page
    assert "Move" not in page and "Remove" not in page  # the owner's buttons are the owner's


def test_the_paper_page_offers_ones_collections_and_makes_a_new_one_with_the_paper(site):
    ann, _ = _collection(site)
    page = ann.get(PAPER).text
    assert "Add to “Reading group”" in page
    response = post_form(ann, PAPER, "/collections", name="Later", paper="2612.00001", next=PAPER)
    assert response.headers["location"] == f"{PAPER}?done=collected#collect"
    assert "Attention with Fewer Heads" in ann.get("/users/ann/collections/later").text


def test_a_public_collection_has_feeds_and_exports_in_its_order(both_site):
    _collection(both_site, "2612.00002", "2612.00001")
    reader = both_site.browser()
    for suffix in ("rss", "atom"):
        feed = feedparser.parse(reader.get(f"{PAGE}.{suffix}").content)
        assert [e.title for e in feed.entries] == ["Sparse Mixtures Revisited", "Attention with Fewer Heads"]
        assert "Reading group (by ann)" in feed.feed.title
    bibtex = parse_string(reader.get(f"{PAGE}.bib").text, "bibtex")
    assert [e.fields["title"] for e in bibtex.entries.values()] == ["Sparse Mixtures Revisited",
                                                                     "Attention with Fewer Heads"]
    ris = rispy.loads(reader.get(f"{PAGE}.ris").text)
    assert [r["title"] for r in ris] == ["Sparse Mixtures Revisited", "Attention with Fewer Heads"]
    exported = reader.get(f"{PAGE}.json")
    assert exported.headers["content-disposition"] == 'attachment; filename="reading-group.json"'
    assert [(i["position"], i["paper"]["id"]) for i in exported.json()["items"]] == [(1, "2612.00002"),
                                                                                     (2, "2612.00001")]


def test_someone_elses_private_collection_is_not_found_anywhere(both_site):
    ann, collection_id = _collection(both_site, "2612.00001", public=False)
    assert ann.get(PAGE).status_code == 200 and ann.get(f"{PAGE}.bib").status_code == 200  # the owner's own
    bob = both_site.signed_in("bob")
    script = both_site.script(both_site.member_named("bob"))
    for reader in (both_site.browser(), bob, script):
        for path in (PAGE, *(f"{PAGE}.{suffix}" for suffix in ("rss", "atom", "bib", "ris", "json")),
                     "/api/v1/users/ann/collections/reading-group"):
            assert reader.get(path).status_code == 404, path
        assert reader.get("/api/v1/users/ann/collections").json() == {"items": []}
        assert "Reading group" not in reader.get("/users/ann").text
    # Nor can anyone else change it: a private collection answers "not found" to them too.
    assert post_form(bob, "/collections", f"/collections/{collection_id}/edit", name="Mine now").status_code == 404
    assert script.delete(f"/api/v1/me/collections/{collection_id}").status_code == 404
    assert script.post(f"/api/v1/me/collections/{collection_id}/items", json={"paper": "2612.00002"}).status_code == 404
    assert both_site.script(both_site.member_named("ann")).get("/api/v1/me/collections").json()["items"][0][
        "item_count"] == 1


def test_a_public_collection_is_read_by_all_but_changed_by_its_owner_only(site):
    _, collection_id = _collection(site, "2612.00001")
    bob = site.script(site.member("bob"))
    assert bob.get("/api/v1/users/ann/collections/reading-group").json()["items"][0]["paper"]["id"] == "2612.00001"
    answer = bob.patch(f"/api/v1/me/collections/{collection_id}", json={"name": "Taken"})
    assert answer.status_code == 403 and "only its owner" in answer.json()["error"]


@pytest.mark.parametrize("name", ['<script>alert("x")</script>', "Ünïcödé 李小龙 🙂", "Right\u202eto left"])
def test_hostile_and_odd_names_are_shown_as_text(site, name):
    script = site.script(site.member("ann"))
    made = script.post("/api/v1/me/collections", json={"name": name, "public": True})
    assert made.status_code == 201
    page = site.browser().get(made.json()["url"].removeprefix("http://127.0.0.1:8000")).text
    assert "<script>alert" not in page and "\u202e" not in page
    assert made.json()["name"].replace("\u202e", "") == made.json()["name"]


def test_names_too_long_or_empty_are_refused_saying_so(site):
    script = site.script(site.member("ann"))
    long = script.post("/api/v1/me/collections", json={"name": "x" * 121})
    assert long.status_code == 400 and long.json()["error"] == "name: is 121 characters long; at most 120 are allowed"
    empty = script.post("/api/v1/me/collections", json={"name": " \t "})
    assert empty.status_code == 400 and empty.json()["error"] == "name: is empty"


def test_a_collection_cannot_hold_more_than_the_limit(make_site):
    small = make_site(collection_max_items="1")
    script = small.script(small.member("ann"))
    collection_id = script.post("/api/v1/me/collections", json={"name": "Tiny"}).json()["id"]
    assert script.post(f"/api/v1/me/collections/{collection_id}/items", json={"paper": "2612.00001"}).status_code == 201
    full = script.post(f"/api/v1/me/collections/{collection_id}/items", json={"paper": "2612.00002"})
    assert full.status_code == 403 and "the most a collection may hold is 1" in full.json()["error"]


def test_a_script_reorders_and_deletes_its_collection(site):
    script = site.script(site.member("ann"))
    collection_id = script.post("/api/v1/me/collections", json={"name": "Queue"}).json()["id"]
    for paper_id in ("2612.00001", "2612.00002"):
        script.post(f"/api/v1/me/collections/{collection_id}/items", json={"paper": paper_id})
    assert script.patch(f"/api/v1/me/collections/{collection_id}/items/2612.00002",
                        json={"position": 1, "note": "first"}).status_code == 204
    items = script.get("/api/v1/users/ann/collections/queue").json()["items"]
    assert [(i["paper"]["id"], i["note"]) for i in items] == [("2612.00002", "first"), ("2612.00001", None)]
    assert script.delete(f"/api/v1/me/collections/{collection_id}").status_code == 204
    assert script.get("/api/v1/users/ann/collections/queue").status_code == 404
