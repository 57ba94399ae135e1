"""A member's library: Save, Not interested, Seen and private notes, on the pages and through
/api/v1/me/, and never visible to anyone else."""

from __future__ import annotations

from community_site import arxiv, both_site, make_site, post_form, site  # noqa: F401 (fixtures)

PAPER = "/papers/2612.00001"


def test_saving_from_a_card_puts_the_paper_in_the_library(both_site):
    ann = both_site.signed_in("ann")
    response = post_form(ann, "/", "/papers/2612.00001/save", on="true", next="/")
    assert response.headers["location"] == "/"
    library = ann.get("/library").text
    assert "Attention with Fewer Heads" in library and "Sparse Mixtures" not in library
    post_form(ann, "/library", "/papers/2612.00001/save", on="false", next="/library")
    assert "Nothing saved yet" in ann.get("/library").text


def test_not_interested_folds_the_card_and_has_its_own_tab(site):
    ann = site.signed_in("ann")
    post_form(ann, "/", "/papers/2612.00002/dismiss", on="true", next="/")
    assert '<article class="card dismissed" id="paper-' in ann.get("/?date=" + site.paper("2612.00002").paper
                                                                   .listing_date.isoformat()).text
    assert "Sparse Mixtures Revisited" in ann.get("/library?tab=dismissed").text
    assert "Sparse Mixtures Revisited" not in ann.get("/library").text
    assert 'class="card dismissed"' not in site.signed_in("bob").get("/").text  # ann's mark, not bob's


def test_a_private_note_is_shown_to_its_writer_only(both_site):
    ann = both_site.signed_in("ann")
    response = post_form(ann, PAPER, "/papers/2612.00001/note", note="Compare with **§4**\n<script>x</script>",
                         next=PAPER)
    assert response.headers["location"] == f"{PAPER}?done=noted#note"
    page = ann.get(PAPER).text
    assert "Compare with **§4**\n&lt;script&gt;x&lt;/script&gt;</textarea>" in page
    for other in (both_site.signed_in("bob"), both_site.browser()):
        assert "Compare with" not in other.get(PAPER).text
    bob = both_site.script(both_site.member_named("bob"))
    assert bob.get("/api/v1/me/notes/2612.00001").json() == {"paper": "2612.00001", "note": None}
    assert "Compare with" not in bob.get("/api/v1/me/library").text


def test_a_script_keeps_its_library_through_the_api(both_site):
    script = both_site.script(both_site.member("ann"))
    saved = script.post("/api/v1/me/library/2612.00002").json()
    assert saved == {"paper": "2612.00002", "saved": True, "dismissed": False, "seen": False, "has_note": False}
    assert script.post("/api/v1/me/library/2612.00002").json()["saved"] is True  # idempotent
    assert script.post("/api/v1/me/dismissed/2612.00004").json()["dismissed"] is True
    assert script.put("/api/v1/me/notes/2612.00002", json={"note": "Read on the train"}).json()["note"] == \
        "Read on the train"
    listed = script.get("/api/v1/me/library").json()
    assert [(e["paper"]["id"], e["note"]) for e in listed["items"]] == [("2612.00002", "Read on the train")]
    assert listed["total"] == 1
    dismissed = script.get("/api/v1/me/library", params={"kind": "dismissed"}).json()
    assert [e["paper"]["id"] for e in dismissed["items"]] == ["2612.00004"]
    assert script.delete("/api/v1/me/dismissed/2612.00004").json()["dismissed"] is False
    assert script.put("/api/v1/me/notes/2612.00002", json={"note": ""}).json()["note"] is None


def test_a_library_needs_a_member_and_a_write_token_to_change(site):
    assert site.browser().get("/api/v1/me/library").status_code == 401
    assert site.browser().get("/library", follow_redirects=False).headers["location"] == "/signin?next=/library"
    reader = site.script(site.member("ann"), scope="read")
    assert reader.post("/api/v1/me/library/2612.00001").status_code == 403
    assert reader.get("/api/v1/me/library").json()["items"] == []


def test_a_note_over_the_limit_is_refused_saying_so(make_site):
    small = make_site(note_max_chars="10")
    script = small.script(small.member("ann"))
    answer = script.put("/api/v1/me/notes/2612.00001", json={"note": "x" * 11})
    assert answer.status_code == 400
    assert answer.json()["error"] == "note: is 11 characters long; at most 10 are allowed"


def test_an_unknown_paper_cannot_be_saved(site):
    script = site.script(site.member("ann"))
    answer = script.post("/api/v1/me/library/2612.99999")
    assert answer.status_code == 404 and answer.json()["parameter"] == "paper_id"


def test_a_notice_is_said_once_not_again_after_the_next_button(site):
    ann = site.signed_in("ann")
    noted = post_form(ann, PAPER, "/papers/2612.00001/note", note="mine", next=PAPER).headers["location"]
    page = ann.get(noted).text
    assert "Your note is saved" in page and f'name="next" value="{PAPER}"' in page
