"""Browsing queries: a day's papers by votes, neighbouring days, categories, authors, trending."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlalchemy import event

from paperwire.paper import DeletedRecord, Paper
from paperwire.store import browse


def paper(n: int, day: str, votes: int = 0, categories=("cs.CL",), authors=("Ann Lee",)) -> Paper:
    return Paper(id=f"2607.{n:05d}", arxiv_id=f"2607.{n:05d}", title=f"Paper {n}", listing_date=date.fromisoformat(day),
                 categories=tuple(categories), primary_category=categories[0], authors=tuple(authors), upvotes=votes)


def fill(catalog) -> None:
    catalog.store([
        paper(1, "2026-06-29", 5), paper(2, "2026-06-29", 9, ("cs.CV", "cs.CL")), paper(3, "2026-06-29", 1),
        paper(4, "2026-07-01", 0, ("cs.CV",), ("Zoë Ångström",)), paper(5, "2026-06-26", 2),
        paper(6, "2026-06-29", 99),
    ])
    catalog.store([DeletedRecord("2607.00006")])


def ids(papers) -> list[str]:
    return [p.paper.id for p in papers]


def test_a_day_most_upvoted_first_without_withdrawn_papers(catalog):
    fill(catalog)
    day = date(2026, 6, 29)
    papers, total = browse.papers_in_period(catalog, day, day)
    assert ids(papers) == ["2607.00002", "2607.00001", "2607.00003"] and total == 3
    first, _ = browse.papers_in_period(catalog, day, day, limit=2)
    second, _ = browse.papers_in_period(catalog, day, day, limit=2, offset=2)
    assert ids(first) + ids(second) == ids(papers)
    in_cv, total_cv = browse.papers_in_period(catalog, day, day, categories=["cs.CV"])
    assert ids(in_cv) == ["2607.00002"] and total_cv == 1


def test_the_whole_catalog_newest_first_walks_the_date_index_instead_of_sorting_every_paper(catalog):
    fill(catalog)
    run = []
    event.listen(catalog.engine, "before_cursor_execute", lambda *call: run.append(call[2:4]))
    papers, total = browse.papers_in_period(catalog, *browse.EVERY_DAY, sort="newest", limit=2, counted=False)
    assert ids(papers) == ["2607.00004", "2607.00003"] and total is None  # not counted: no count was asked
    if catalog.engine.dialect.name == "sqlite":  # PostgreSQL plans a table of five rows as it likes
        ids_query, parameters = run[0]
        with catalog.engine.connect() as conn:
            plan = " ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + ids_query, parameters))
        assert "ix_papers_listing_date" in plan and "TEMP B-TREE" not in plan
    assert browse.papers_in_period(catalog, *browse.EVERY_DAY, sort="newest")[1] == 5  # counted by default


def test_a_periods_papers_in_categories_whether_the_period_or_the_categories_hold_fewer(catalog):
    fill(catalog)
    day = date(2026, 6, 29)
    # cs.CL holds more papers than the day (the day's are walked), cs.CV fewer (its list is read)
    in_cl, total_cl = browse.papers_in_period(catalog, day, day, categories=["cs.CL"])
    assert ids(in_cl) == ["2607.00002", "2607.00001", "2607.00003"] and total_cl == 3
    week = browse.papers_in_period(catalog, date(2026, 6, 26), date(2026, 7, 1), categories=["cs.CV"], sort="newest")
    assert (ids(week[0]), week[1]) == (["2607.00004", "2607.00002"], 2)
    either, _ = browse.papers_in_period(catalog, day, date(2026, 7, 1), categories=["cs.CV", "cs.CL"], sort="newest")
    assert ids(either) == ["2607.00004", "2607.00003", "2607.00002", "2607.00001"]


def test_latest_and_neighbouring_days(catalog):
    assert browse.latest_listing_date(catalog) is None
    fill(catalog)
    assert browse.latest_listing_date(catalog) == date(2026, 7, 1)
    day = date(2026, 6, 29)
    assert browse.neighbouring_dates(catalog, day, day) == (date(2026, 6, 26), date(2026, 7, 1))
    day = date(2026, 6, 27)
    assert browse.neighbouring_dates(catalog, day, day) == (date(2026, 6, 26), date(2026, 6, 29))
    assert browse.neighbouring_dates(catalog, date(2026, 7, 1), date(2026, 7, 1)) == (date(2026, 6, 29), None)
    # a period: the day before its first and the day after its last
    assert browse.neighbouring_dates(catalog, date(2026, 6, 27), date(2026, 6, 30)) == (date(2026, 6, 26), date(2026, 7, 1))


def test_by_category_author_and_trending(catalog):
    fill(catalog)
    cv, total = browse.papers_by_category(catalog, "cs.CV", limit=10, offset=0)
    assert ids(cv) == ["2607.00004", "2607.00002"] and total == 2  # cross-lists count, newest first
    by_name, total = browse.papers_by_author(catalog, "zoe angstrom", limit=10, offset=0)
    assert ids(by_name) == ["2607.00004"] and total == 1
    recent, total = browse.trending(catalog, since=date(2026, 6, 29), limit=10, offset=0)
    assert ids(recent)[0] == "2607.00004" and total == 4  # no scores yet: newest first
    assert dict(browse.category_counts(catalog))["cs.CV"] == 2


def test_a_large_category_lists_the_same_papers_in_the_same_order(catalog, monkeypatch):
    fill(catalog)
    small = [ids(browse.papers_by_category(catalog, "cs.CL", limit=2, offset=start)[0]) for start in (0, 2)]
    monkeypatch.setattr(browse, "WALK_CATEGORIES_ABOVE", 0)  # read as a large category is
    large = [ids(browse.papers_by_category(catalog, "cs.CL", limit=2, offset=start)[0]) for start in (0, 2)]
    assert large == small == [["2607.00003", "2607.00002"], ["2607.00001", "2607.00005"]]


def test_a_sources_submitter_lists_their_papers_read_through_an_index_not_every_papers_json(catalog):
    by = {1: "akhaliq", 2: "akhaliq", 3: "someone", 4: ""}
    catalog.store([dataclasses.replace(paper(n, day), extra={"submitted_by": by[n]} if n in by else {})
                   for n, day in ((1, "2026-06-29"), (2, "2026-07-01"), (3, "2026-07-01"), (4, "2026-07-01"),
                                  (5, "2026-07-01"))])
    run = []
    event.listen(catalog.engine, "before_cursor_execute", lambda *call: run.append(call[2:4]))
    papers, total = browse.papers_submitted_by(catalog, "akhaliq", *browse.EVERY_DAY)
    assert ids(papers) == ["2607.00002", "2607.00001"] and total == 2
    assert ids(browse.papers_submitted_by(catalog, "akhaliq", date(2026, 7, 1), date(2026, 7, 1))[0]) == ["2607.00002"]
    assert browse.papers_submitted_by(catalog, "AKHALIQ", *browse.EVERY_DAY)[1] == 0  # names as the source wrote them
    if catalog.engine.dialect.name == "sqlite":  # PostgreSQL plans a table of five rows as it likes
        ids_query, parameters = run[0]
        with catalog.engine.connect() as conn:
            plan = " ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + ids_query, parameters))
        assert "ix_papers_submitted_by" in plan and "SCAN papers" not in plan


def test_a_small_categorys_members_are_sorted_from_a_narrow_index_not_their_whole_rows(catalog):
    fill(catalog)
    run = []
    event.listen(catalog.engine, "before_cursor_execute", lambda *call: run.append(call[2:4]))
    assert ids(browse.papers_by_category(catalog, "cs.CL", limit=2, offset=2)[0]) == ["2607.00001", "2607.00005"]
    if catalog.engine.dialect.name == "sqlite":  # PostgreSQL plans a table of six rows as it likes
        ids_query, parameters = next(call for call in run if call[0].lstrip().startswith("SELECT papers.doc_id"))
        with catalog.engine.connect() as conn:
            plan = " ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + ids_query, parameters))
        assert "COVERING INDEX ix_papers_doc_live_date" in plan and "INTEGER PRIMARY KEY" not in plan
