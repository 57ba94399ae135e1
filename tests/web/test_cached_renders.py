"""Cards and feed items are rendered once per paper revision, so a changed paper shows its new text at once."""

import dataclasses

from fastapi.testclient import TestClient

from paperwire.importer import import_files
from paperwire.store import open_catalog
from paperwire.web.app import create_app


def test_a_new_version_of_a_paper_shows_on_the_next_uncached_page(settings, small_sample_file):
    catalog = open_catalog(settings.catalog_url)
    import_files(catalog, [small_sample_file], progress=False)
    with TestClient(create_app(settings), base_url=settings.base_url) as client:
        signed_in = {"Cookie": "paperwire_session=anyone"}  # never served from the page cache
        first = client.get("/", headers=signed_in).text
        stored = next(p for p in catalog.by_doc_ids(range(1, 300)) if p.paper.title.split()[0] in first)
        renamed = dataclasses.replace(stored.paper, title="A Wholly Renamed Paper", authors=["Ada Newcomer"],
                                      version=(stored.paper.version or 1) + 1)
        catalog.store([renamed])
        second = client.get("/", headers=signed_in).text
    assert "A Wholly Renamed Paper" not in first and "Ada Newcomer" not in first
    assert "A Wholly Renamed Paper" in second
    assert "Ada Newcomer" in second  # the byline, cached apart from the rest of the card, is new too
    catalog.engine.dispose()


def test_a_new_version_of_a_paper_shows_in_the_next_feed(settings, small_sample_file):
    catalog = open_catalog(settings.catalog_url)
    import_files(catalog, [small_sample_file], progress=False)
    with TestClient(create_app(settings), base_url=settings.base_url) as client:
        first = {fmt: client.get(f"/feeds/daily.{fmt}").text for fmt in ("rss", "atom")}
        stored = next(p for p in catalog.by_doc_ids(range(1, 300)) if p.paper.display_title in first["rss"])
        renamed = dataclasses.replace(stored.paper, title="A Wholly Renamed Paper",
                                      version=(stored.paper.version or 1) + 1)
        catalog.store([renamed])
        second = {fmt: client.get(f"/feeds/daily.{fmt}").text for fmt in ("rss", "atom")}
    for fmt in ("rss", "atom"):
        assert "A Wholly Renamed Paper" not in first[fmt]
        assert "A Wholly Renamed Paper" in second[fmt]
        assert second[fmt].count("A Wholly Renamed Paper") == 1
    catalog.engine.dispose()


def test_a_new_version_of_a_paper_shows_in_the_bibtex_on_its_page(settings, small_sample_file):
    catalog = open_catalog(settings.catalog_url)
    import_files(catalog, [small_sample_file], progress=False)
    stored = catalog.by_doc_ids([1])[0]
    with TestClient(create_app(settings), base_url=settings.base_url) as client:
        signed_in = {"Cookie": "paperwire_session=anyone"}  # never served from the page cache
        first = client.get(f"/papers/{stored.paper.id}", headers=signed_in).text
        catalog.store([dataclasses.replace(stored.paper, title="A Wholly Renamed Paper",
                                           version=(stored.paper.version or 1) + 1)])
        second = client.get(f"/papers/{stored.paper.id}", headers=signed_in).text
    assert "title = {A Wholly Renamed Paper}" not in first
    assert "title = {A Wholly Renamed Paper}" in second
    catalog.engine.dispose()
