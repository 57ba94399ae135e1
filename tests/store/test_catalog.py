"""The catalog: versions, identities, deletions and failures as a user of `paperwire import` sees them."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from paperwire.paper import DeletedRecord, make_paper
from paperwire.store import Catalog


def paper(version=None, **fields):
    fields.setdefault("title", "Attention Is All You Need")
    arxiv_id = fields.pop("arxiv_id", "1706.03762") + (f"v{version}" if version else "")
    return make_paper(arxiv_id=arxiv_id, source="test", **fields)


def test_storing_the_same_papers_twice_changes_nothing(catalog: Catalog):
    batch = [paper(1), paper(arxiv_id="2601.00001", title="Another")]
    assert catalog.store(batch).added == 2
    again = catalog.store(batch)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert catalog.max_revision() == 1  # nothing was rewritten


def test_a_newer_version_replaces_the_stored_one(catalog: Catalog):
    catalog.store([paper(1, abstract="first draft", listing_date=date(2026, 1, 5))])
    result = catalog.store([paper(2, abstract="camera ready")])
    assert result.updated == 1
    stored = catalog.get("1706.03762")
    assert (stored.paper.version, stored.paper.abstract) == (2, "camera ready")
    assert stored.paper.listing_date == date(2026, 1, 5)  # kept from v1: v2 did not say


def test_an_older_version_arriving_later_is_ignored(catalog: Catalog):
    catalog.store([paper(3, abstract="v3")])
    result = catalog.store([paper(1, abstract="v1")])
    assert result.unchanged == 1
    assert catalog.get("1706.03762v1").paper.abstract == "v3"


def test_versions_of_one_paper_within_a_batch_end_as_the_newest(catalog: Catalog):
    catalog.store([paper(2, abstract="v2"), paper(1, abstract="v1"), paper(3, abstract="v3")])
    assert catalog.count() == 1
    assert catalog.get("1706.03762").paper.version == 3


def test_a_page_capture_merges_into_the_arxiv_record_that_arrives_later(catalog: Catalog):
    capture = make_paper(title="Attention is all you need!", abstract="seen on a page", source="capture")
    catalog.store([capture])
    catalog.store([paper(1, abstract="The dominant sequence transduction models...")])
    assert catalog.count() == 1
    stored = catalog.get("1706.03762")
    assert stored.paper.arxiv_id == "1706.03762"
    assert catalog.get(capture.id) is None


def test_a_capture_arriving_after_the_arxiv_record_adds_no_second_paper(catalog: Catalog):
    catalog.store([paper(1)])
    catalog.store([make_paper(title="Attention Is All You Need", source="capture")])
    assert catalog.count() == 1


def test_deleted_records_hide_the_paper_and_count_as_deleted(catalog: Catalog):
    from paperwire.store import browse

    catalog.store([paper(1, categories=["cs.CL"])])
    result = catalog.store([DeletedRecord(arxiv_id="1706.03762")])
    assert result.deleted == 1
    assert catalog.count() == 0
    assert catalog.get("1706.03762").deleted
    assert browse.category_counts(catalog) == []
    assert catalog.store([DeletedRecord(arxiv_id="1706.03762")]).unchanged == 1


def test_a_new_version_brings_a_withdrawn_paper_back(catalog: Catalog):
    from paperwire.store import browse

    catalog.store([paper(1, categories=["cs.CL"])])
    catalog.store([DeletedRecord(arxiv_id="1706.03762")])
    catalog.store([paper(2, categories=["cs.CL"])])
    assert catalog.count() == 1
    assert browse.category_counts(catalog) == [("cs.CL", 1)]


def test_a_record_the_database_refuses_fails_alone(catalog: Catalog, monkeypatch):
    real_store = Catalog._store

    def refuse_poisoned(self, conn, items):
        if any(getattr(i, "title", "") == "poison" for i in items):
            raise IntegrityError("INSERT", {}, Exception("constraint failed"))
        return real_store(self, conn, items)

    monkeypatch.setattr(Catalog, "_store", refuse_poisoned)
    result = catalog.store([paper(arxiv_id="2601.00001", title="good one"),
                            paper(arxiv_id="2601.00002", title="poison"),
                            paper(arxiv_id="2601.00003", title="good two")])
    assert result.added == 2
    assert [ident for ident, _ in result.failed] == ["2601.00002"]
    assert "database refused it" in result.failed[0][1]
    assert catalog.get("2601.00002") is None


def test_authors_and_categories_are_queryable_rows(catalog: Catalog):
    catalog.store([paper(1, authors=["Ashish Vaswani", "Noam Shazeer"], categories=["cs.CL", "cs.LG"])])
    from sqlalchemy import select
    from paperwire.store.schema import paper_authors, paper_categories

    with catalog.engine.connect() as conn:
        names = conn.execute(select(paper_authors.c.name_key).order_by(paper_authors.c.position)).scalars().all()
        cats = conn.execute(select(paper_categories.c.category, paper_categories.c.is_primary)).all()
    assert names == ["ashish vaswani", "noam shazeer"]
    assert sorted(cats) == [("cs.CL", True), ("cs.LG", False)]


@pytest.mark.parametrize("query", ["1706.03762", "1706.03762v1", "arXiv:1706.03762", "https://arxiv.org/abs/1706.03762v1"])
def test_a_paper_is_found_by_any_spelling_of_its_id(catalog: Catalog, query):
    catalog.store([paper(1)])
    assert catalog.get(query).paper.id == "1706.03762"
