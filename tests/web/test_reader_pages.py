"""The one-minute start, following, saved searches and their settings page, through the real
forms of a signed-in browser, and the same under /api/v1/me/ with tokens."""

from __future__ import annotations

from pathlib import Path

from community_site import arxiv, make_site, page_token, post_form, site  # noqa: F401 (fixtures)

from paperwire.web.reader import follows, onboarding, private_feeds, saved_searches

BIBTEX = (Path(__file__).resolve().parents[1] / "fixtures" / "reader" / "zotero.bib").read_bytes()
MINE = (follows, saved_searches, onboarding, private_feeds)
FORMS = sorted(route.path for feature in MINE for route in feature.pages.routes if "POST" in route.methods)


def test_a_new_member_lands_on_the_welcome_page(site):
    browser = site.browser()
    response = browser.submit("/signup", username="newbie", email="newbie@example.org",
                              password="correct horse battery staple")
    assert response.headers["location"] == "/welcome"
    page = browser.get("/welcome").text
    assert "Pick your categories" in page and 'value="cs.CL"' in page


def test_ticked_categories_are_followed_and_unticked_ones_no_longer(site):
    ann = site.signed_in("ann")
    response = post_form(ann, "/welcome", "/welcome/categories", category="cs.CL")
    assert response.headers["location"] == "/welcome?done=categories"
    assert 'value="cs.CL" checked' in ann.get("/welcome").text
    assert "cs.CL" in ann.get("/settings/following").text
    post_form(ann, "/welcome", "/welcome/categories")
    assert "No categories followed" in ann.get("/settings/following").text


def test_authors_are_followed_one_per_line_and_refused_lines_say_why(site):
    ann = site.signed_in("ann")
    response = post_form(ann, "/welcome", "/welcome/authors", authors="Ann Lee\n\n<>!\nBob  Stone\n")
    assert response.status_code == 200
    assert "Now following: Ann Lee, Bob Stone." in response.text
    assert "line 3: author: &#39;&lt;&gt;!&#39; is not a name" in response.text
    assert ann.get("/api/v1/me/follows").json()["authors"] == ["Ann Lee", "Bob Stone"]


def test_pasted_ids_and_an_uploaded_bibtex_file_seed_the_library(site):
    ann = site.signed_in("ann")
    token = page_token(ann, "/welcome")
    pasted = ann.post("/welcome/papers", data={"csrf_token": token, "pasted": "https://arxiv.org/abs/2612.00004v1"})
    assert "1 paper saved" in pasted.text
    uploaded = ann.post("/welcome/papers", data={"csrf_token": token},
                        files={"file": ("My Library.bib", BIBTEX, "application/x-bibtex")})
    assert uploaded.status_code == 200
    assert "3 papers saved, 2 not found" in uploaded.text
    assert "arXiv 2612.09999 is not in this catalog" in uploaded.text
    assert "no arXiv id, and no paper here has this DOI or title" in uploaded.text
    library = ann.get("/library").text
    for title in ("Attention with Fewer Heads", "Sparse Mixtures Revisited", "An Old Result", "Imported With Votes"):
        assert title in library


def test_bringing_nothing_or_too_much_is_refused_on_the_form(site):
    ann = site.signed_in("ann")
    token = page_token(ann, "/welcome")
    empty = ann.post("/welcome/papers", data={"csrf_token": token, "pasted": "  "})
    assert empty.status_code == 400 and "paste arXiv ids or URLs, or choose a BibTeX or RIS file" in empty.text
    huge = ann.post("/welcome/papers", data={"csrf_token": token},
                    files={"file": ("big.bib", b"%" * (5 * 2**20 + 1), "text/plain")})
    assert huge.status_code == 400 and "at most 5 MB" in huge.text
    assert "Nothing saved yet" in ann.get("/library").text


def test_the_follow_button_on_an_author_page_follows_and_unfollows(site):
    ann = site.signed_in("ann")
    page = ann.get("/authors/Ann Lee").text
    assert '<button type="submit" aria-pressed="false">Follow</button>' in page
    assert '<input type="hidden" name="next" value="/authors/Ann%20Lee">' in page
    response = post_form(ann, "/authors/Ann Lee", "/follow", kind="author", name="Ann Lee", on="true",
                         next="/authors/Ann%20Lee")
    assert response.headers["location"] == "/authors/Ann%20Lee?done=followed"
    assert 'aria-pressed="true"' in ann.get("/authors/ann lee").text
    assert "Ann Lee" in ann.get("/settings/following").text
    post_form(ann, "/settings/following", "/follow", kind="author", name="Ann Lee", on="false")
    assert "No authors followed" in ann.get("/settings/following").text
    assert "Follow</button>" not in site.browser().get("/authors/Ann Lee").text  # a visitor has no button


def test_a_category_page_has_its_follow_button(site):
    ann = site.signed_in("ann")
    post_form(ann, "/categories/cs.CL", "/follow", kind="category", name="cs.CL", on="true", next="/categories/cs.CL")
    assert 'aria-pressed="true"' in ann.get("/categories/cs.CL").text
    refused = post_form(ann, "/categories/cs.CL", "/follow", kind="category", name="cs.XX", on="true")
    assert refused.status_code == 400 and "is not a category of any paper here" in refused.text


def test_saved_searches_are_listed_with_a_link_to_run_them_and_removed(site):
    ann, bob = site.signed_in("ann"), site.signed_in("bob")
    post_form(ann, "/settings/following", "/saved-searches", query="sparse  mixtures cat:cs.CL")
    page = ann.get("/settings/following").text
    assert '<a href="/search?q=sparse%20mixtures%20cat%3Acs.CL">sparse mixtures cat:cs.CL</a>' in page
    assert "sparse mixtures" not in bob.get("/settings/following").text
    saved = ann.get("/api/v1/me/saved-searches").json()[0]
    assert post_form(bob, "/settings/following", f"/saved-searches/{saved['id']}/remove").status_code == 404
    post_form(ann, "/settings/following", f"/saved-searches/{saved['id']}/remove")
    assert "No saved searches" in ann.get("/settings/following").text


def test_a_query_that_cannot_be_kept_is_refused_with_the_reason(site):
    ann = site.signed_in("ann")
    refused = post_form(ann, "/settings/following", "/saved-searches", query="heads since:yesterday")
    assert refused.status_code == 400 and "dates are written YYYY-MM-DD" in refused.text


def test_every_form_here_refuses_a_post_without_the_token_or_from_another_site(site):
    assert "/follow" in FORMS and "/welcome/papers" in FORMS and "/settings/feeds/key" in FORMS
    ann = site.signed_in("ann")
    token = page_token(ann, "/welcome")
    fields = {"kind": "author", "name": "Ann Lee", "query": "heads", "authors": "Ann Lee", "category": "cs.CL",
              "pasted": "2612.00001"}
    for path in FORMS:
        path = path.replace("{search_id}", "1")
        assert ann.post(path, data=fields, follow_redirects=False).status_code == 403, path
        assert ann.post(path, data={"csrf_token": token, **fields}, headers={"Origin": "https://evil.example"},
                        follow_redirects=False).status_code == 403, path
    assert ann.get("/api/v1/me/follows").json() == {"authors": [], "categories": []}
    assert "Nothing saved yet" in ann.get("/library").text


def test_the_follows_api_needs_a_write_token_to_change_anything(site):
    ann = site.member("ann")
    writer, reader = site.script(ann), site.script(ann, "read")
    assert reader.post("/api/v1/me/follows", json={"kind": "author", "name": "Ann Lee"}).status_code == 403
    answer = writer.post("/api/v1/me/follows", json={"kind": "category", "name": "cs.CL"})
    assert answer.status_code == 200 and answer.json() == {"authors": [], "categories": ["cs.CL"]}
    writer.post("/api/v1/me/follows", json={"kind": "author", "name": "Jörg Müller"})
    assert reader.get("/api/v1/me/follows").json()["authors"] == ["Jörg Müller"]
    assert writer.delete("/api/v1/me/follows/author/jorg muller").json()["authors"] == []
    missing = writer.delete("/api/v1/me/follows/author/Nobody")
    assert missing.status_code == 404 and missing.json()["error"] == "you do not follow this author"
    bad = writer.post("/api/v1/me/follows", json={"kind": "venue", "name": "x"})
    assert bad.status_code in (400, 422)
    assert site.browser().get("/api/v1/me/follows").status_code == 401


def test_the_saved_searches_api_keeps_each_members_own(site):
    ann, bob = site.member("ann"), site.member("bob")
    made = site.script(ann).post("/api/v1/me/saved-searches", json={"query": "attention heads"})
    assert made.status_code == 201 and made.json()["query"] == "attention heads"
    twice = site.script(ann).post("/api/v1/me/saved-searches", json={"query": "Attention Heads"})
    assert twice.status_code == 409 and "already saved" in twice.json()["error"]
    assert site.script(bob).get("/api/v1/me/saved-searches").json() == []
    assert site.script(bob).delete(f"/api/v1/me/saved-searches/{made.json()['id']}").status_code == 404
    assert site.script(ann).delete(f"/api/v1/me/saved-searches/{made.json()['id']}").status_code == 204
    assert site.script(ann).get("/api/v1/me/saved-searches").json() == []


def test_the_import_api_takes_a_file_as_the_body_or_an_upload(site):
    script = site.script(site.member("ann"))
    answer = script.post("/api/v1/me/library/import", content=BIBTEX, headers={"Content-Type": "application/x-bibtex"})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert [f["paper"]["id"] for f in report["saved"]] == ["2612.00001", "2612.00002", "2612.00003"]
    assert [p["where"] for p in report["not_found"]] == ['entry 4 "harris_array_2020" (Array programming with NumPy)',
                                                         'entry 5 "unknown_preprint_2026" (A Preprint This Site Lacks)']
    uploaded = script.post("/api/v1/me/library/import", files={"file": ("ids.txt", b"2612.00004\nnothing", "text/plain")})
    assert [f["by"] for f in uploaded.json()["saved"]] == ["arXiv id"]
    assert uploaded.json()["unreadable"][0]["where"] == "line 2"
    huge = script.post("/api/v1/me/library/import", content=b"%" * (5 * 2**20 + 1))
    assert huge.status_code == 400 and "at most 5 MB" in huge.json()["error"]
    reader = site.script(site.member_named("ann"), "read")
    assert reader.post("/api/v1/me/library/import", content=b"2612.00001").status_code == 403



def test_imports_past_the_rate_limit_are_answered_429_on_the_page_and_the_api(make_site):
    limited = make_site(limit_import_per_account="2/hour")
    ann = limited.signed_in("ann")
    pages = [post_form(ann, "/welcome", "/welcome/papers", pasted="2612.00001").status_code for _ in range(2)]
    script = limited.script(limited.member_named("ann"))
    refused = script.post("/api/v1/me/library/import", content=b"2612.00002")
    assert pages == [200, 200]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert post_form(ann, "/welcome", "/welcome/authors", authors="Ann Lee").status_code == 429
    bob = limited.script(limited.member("bob"))  # counted per member
    assert bob.post("/api/v1/me/library/import", content=b"2612.00002").status_code == 200

def test_a_body_far_over_the_largest_upload_is_refused_before_it_is_read_declared_or_streamed(site):
    from paperwire.web.http.body_limit import MAX_BODY_BYTES

    ann = site.signed_in("ann")
    token = page_token(ann, "/welcome")
    declared = ann.post("/welcome/papers", data={"csrf_token": token},
                        files={"file": ("big.bib", b"%" * (MAX_BODY_BYTES + 1), "text/plain")})
    assert declared.status_code == 413 and "at most 5 MB" in declared.text

    def chunks():  # no Content-Length: the size is only known while reading
        for _ in range(MAX_BODY_BYTES // 2**20 + 2):
            yield b"%" * 2**20

    script = site.script(site.member_named("ann"))
    streamed = script.post("/api/v1/me/library/import", content=chunks())
    assert streamed.status_code == 413
    assert "Nothing saved yet" in ann.get("/library").text
