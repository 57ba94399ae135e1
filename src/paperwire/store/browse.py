"""Read queries for browsing the catalog: by day, period, category, author, trending.

Every function takes a Catalog and returns StoredPapers plus, for lists, the total
count (for pagination). Each list costs two queries (page + count), never one per
paper. Portable SQLAlchemy Core: SQLite and PostgreSQL (one statement also written for SQLite
with the index it should use).
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Collection, Literal, get_args

from sqlalchemy import Date, Integer, Select, and_, bindparam, func, or_, select, text

from paperwire.store.catalog import Catalog, StoredPaper, name_key
from paperwire.store.db import is_sqlite
from paperwire.store.people_schema import submissions, users
from paperwire.store.schema import paper_authors, paper_categories, papers

PeriodSort = Literal["upvotes", "newest", "trending"]
PERIOD_SORTS: tuple[str, ...] = ("upvotes", "newest", "trending")
# Which papers a period holds: those listed in it, plus those members submitted to its daily
# lists (the front page's "listing" setting), or the submitted ones only ("submissions").
Featured = Literal["listed", "listing", "submissions"]
FEATURED: tuple[str, ...] = get_args(Featured)
EVERY_DAY = (date.min, date.max)  # the period of the whole catalog

_LIVE = papers.c.deleted.is_(False)
WALK_CATEGORIES_ABOVE = 2000  # papers in a category
# Ties broken by doc_id so pages never overlap or skip a paper.
_ORDERS = {
    # This site's votes first, then the count an imported source carries (Hugging Face).
    "upvotes": (papers.c.votes.desc(), papers.c.upvotes.desc(), papers.c.trending_score.desc(),
                papers.c.doc_id.desc()),
    "newest": (papers.c.listing_date.desc(), papers.c.doc_id.desc()),
    "trending": (papers.c.trending_score.desc(), papers.c.listing_date.desc(), papers.c.doc_id.desc()),
}


def _page(catalog: Catalog, where: list, order: tuple, limit: int, offset: int,
          count_query: Select | None = None, total: int | None = None) -> tuple[list[StoredPaper], int]:
    """One page of papers matching ``where`` and the count of all that match (``total``, when
    the caller knows it already).

    The sort handles doc ids only, then the page's rows are read by id: sorting thousands
    of whole rows (abstracts and all) costs twice as much.
    """
    if count_query is None:
        count_query = select(func.count()).select_from(papers).where(_LIVE, *where)
    return _read_page(catalog, _ids_query(where, order), count_query, {}, limit, offset, total)


def _ids_query(where: list, order: tuple) -> Select:
    # LIMIT/OFFSET as literals: SQLite keeps only the top rows while sorting when it knows
    # the limit (110 ms -> 15 ms over a month of the 88k corpus), not with a bound parameter.
    return (select(papers.c.doc_id).where(_LIVE, *where).order_by(*order)
            .limit(bindparam("page_limit", type_=Integer, literal_execute=True))
            .offset(bindparam("page_offset", type_=Integer, literal_execute=True)))


def _read_page(catalog: Catalog, ids_query: Select, count_query: Select | None, params: dict, limit: int,
               offset: int, total: int | None = None) -> tuple[list[StoredPaper], int | None]:
    """``count_query`` None (and no ``total``): not counted, the total None."""
    with catalog.engine.connect() as conn:
        doc_ids = conn.execute(ids_query, {**params, "page_limit": int(limit), "page_offset": int(offset)}
                               ).scalars().all()
        if total is None and count_query is not None:
            total = conn.execute(count_query, params).scalar() or 0
    return catalog.by_doc_ids(doc_ids), total


def _in_categories(categories: Collection[str]):
    return papers.c.doc_id.in_(select(paper_categories.c.doc_id).where(paper_categories.c.category.in_(categories)))


def _in_categories_walking(categories: Collection[str]):
    """The same condition, written so SQLite walks papers (by date) and keeps the members."""
    return select(paper_categories.c.doc_id).where(
        paper_categories.c.doc_id == papers.c.doc_id, paper_categories.c.category.in_(categories)).exists()


def papers_in_period(
    catalog: Catalog,
    start: date,
    end: date,
    *,
    sort: PeriodSort = "upvotes",
    categories: Collection[str] = (),
    featured: Featured = "listed",
    limit: int = 50,
    offset: int = 0,
    counted: bool = True,
) -> tuple[list[StoredPaper], int | None]:
    """Papers listed from ``start`` to ``end`` (both included; ``EVERY_DAY`` for the whole
    catalog), most upvoted first by default; only those in any of ``categories`` when given.
    And how many there are in all, unless not ``counted`` (None then: a long period's count
    reads every row in it, ~80 ms for the whole 88k catalog).

    ``featured``: "listed" those listed in the period; "listing" those and the papers members
    submitted to the period's daily lists; "submissions" the submitted ones only.
    """
    if sort not in _ORDERS:
        raise ValueError(f"sort must be one of {', '.join(PERIOD_SORTS)}, not {sort!r}")
    if featured not in FEATURED:
        raise ValueError(f"featured must be one of {', '.join(FEATURED)}, not {featured!r}")
    every_day = (start, end) == EVERY_DAY
    if not categories:  # the front page's and the daily feeds' question: its statements are built once
        ids_query, count_query = _period_queries(featured, sort, every_day)
        return _read_page(catalog, ids_query, count_query if counted else None,
                          {} if every_day else {"start": start, "end": end}, limit, offset)
    if every_day:
        start = end = None
    listed = _listed(start, end)
    where = [_featured(featured, start, end)]
    where.append(_in_categories_walking(categories) if featured == "listed" and _walk_period(catalog, listed, categories)
                 else _in_categories(categories))
    count_query = select(func.count()).select_from(papers).where(_LIVE, *where) if counted else None
    return _read_page(catalog, _ids_query(where, _ORDERS[sort]), count_query, {}, limit, offset)


def _listed(start, end):
    # Every day: no range at all, so SQLite can walk an order's index (a range from date.min to
    # date.max kept it sorting all 88k papers: 100-260 ms a page of /api/daily_papers, 0.1-0.4 ms now).
    if start is None:
        return papers.c.listing_date.is_not(None)
    return and_(papers.c.listing_date >= start, papers.c.listing_date <= end)


def _featured(featured: Featured, start, end):
    """The papers a period from ``start`` to ``end`` (days, or parameters standing for them; None
    for every day) holds."""
    if featured == "listed":
        return _listed(start, end)
    days = () if start is None else (submissions.c.day >= start, submissions.c.day <= end)
    submitted = papers.c.doc_id.in_(select(submissions.c.doc_id).where(*days, submissions.c.removed_at.is_(None)))
    return or_(_listed(start, end), submitted) if featured == "listing" else submitted


@functools.cache
def _period_queries(featured: Featured, sort: PeriodSort, every_day: bool) -> tuple[Select, Select]:
    start, end = (None, None) if every_day else (bindparam("start", type_=Date), bindparam("end", type_=Date))
    where = [_featured(featured, start, end)]
    return _ids_query(where, _ORDERS[sort]), select(func.count()).select_from(papers).where(_LIVE, *where)


def _walk_period(catalog: Catalog, listed, categories: Collection[str]) -> bool:
    """Are the period's papers fewer than the categories' (both counted on their indexes)? Then
    walking the period and keeping the members beats reading the categories' lists: cs.CV over
    one day of the 88k corpus, 96 -> 1 ms; a rare category over a year the other way round."""
    with catalog.engine.connect() as conn:
        in_period = conn.execute(select(func.count()).select_from(papers).where(listed)).scalar() or 0
        in_categories = conn.execute(select(func.count()).select_from(paper_categories).where(
            paper_categories.c.category.in_(categories))).scalar() or 0
    return in_period < in_categories


def latest_listing_date(catalog: Catalog, featured: Featured = "listed") -> date | None:
    """The most recent day that has papers (as ``featured`` counts them), or None for an empty catalog."""
    with catalog.engine.connect() as conn:
        days = conn.execute(_latest_day_query(featured)).one()
    return max((day for day in days if day is not None), default=None)


def neighbouring_dates(catalog: Catalog, start: date, end: date,
                       featured: Featured = "listed") -> tuple[date | None, date | None]:
    """The nearest day before ``start`` and the nearest after ``end`` that have papers (None where there is none)."""
    with catalog.engine.connect() as conn:
        days = conn.execute(_neighbours_query(featured), {"start": start, "end": end}).one()
    earlier, later = days[:len(days) // 2], days[len(days) // 2:]
    return (max((day for day in earlier if day is not None), default=None),
            min((day for day in later if day is not None), default=None))


def _day_columns(featured: Featured) -> list[tuple]:
    """The day columns (with their conditions) that put papers on a day's list."""
    listed = (papers.c.listing_date, (_LIVE,))
    submitted = (submissions.c.day, (submissions.c.removed_at.is_(None),))
    return {"listed": [listed], "listing": [listed, submitted], "submissions": [submitted]}[featured]


# One query each, every part an indexed lookup; built once per kind (every front page asks both).
@functools.cache
def _latest_day_query(featured: Featured) -> Select:
    return select(*[select(func.max(column)).where(*where).scalar_subquery()
                    for column, where in _day_columns(featured)])


@functools.cache
def _neighbours_query(featured: Featured) -> Select:
    columns = _day_columns(featured)
    start, end = bindparam("start", type_=Date), bindparam("end", type_=Date)
    return select(*[select(func.max(column)).where(*where, column < start).scalar_subquery() for column, where in columns],
                  *[select(func.min(column)).where(*where, column > end).scalar_subquery() for column, where in columns])


def papers_by_category(
    catalog: Catalog, category: str, *, limit: int = 50, offset: int = 0
) -> tuple[list[StoredPaper], int]:
    """Papers in ``category`` (primary or cross-listed), newest first.

    The total comes from the category index alone, which withdrawn papers leave: no need
    to read every row of a 40,000-paper category.
    """
    with catalog.engine.connect() as conn:
        size = conn.execute(_CATEGORY_SIZE, {"categories": [category]}).scalar() or 0
    # A large category's newest papers are met soonest walking the date index (cs.CV at 88k:
    # 53 ms -> 0.1 ms); a small one's are found sooner by sorting its few members.
    if size > WALK_CATEGORIES_ABOVE:
        ids_query = _CATEGORY_WALKED
    else:
        ids_query = _CATEGORY_SORTED_SQLITE if is_sqlite(catalog.engine) else _CATEGORY_SORTED
    return _read_page(catalog, ids_query, None, {"categories": [category]}, limit, offset, total=size)


def papers_by_author(
    catalog: Catalog, name: str, *, limit: int = 50, offset: int = 0
) -> tuple[list[StoredPaper], int]:
    """Papers with an author named ``name`` (ignoring case and accents), newest first."""
    return _read_page(catalog, _BY_AUTHOR, _BY_AUTHOR_COUNT, {"name_key": name_key(name)}, limit, offset)


def trending(
    catalog: Catalog, *, since: date | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[StoredPaper], int]:
    """Papers by trending score (then recency), optionally only those listed since ``since``."""
    if since is None:
        return _page(catalog, [], _ORDERS["trending"], limit, offset)
    return _read_page(catalog, _TRENDING_SINCE, _TRENDING_SINCE_COUNT, {"since": since}, limit, offset)


# The category, author and trending pages' statements, built once (a statement built afresh
# pays its construction and cache key on every page).
_CATEGORIES = bindparam("categories", expanding=True)
_CATEGORY_SIZE = select(func.count()).select_from(paper_categories).where(paper_categories.c.category.in_(_CATEGORIES))
_CATEGORY_WALKED = _ids_query([_in_categories_walking(_CATEGORIES)], _ORDERS["newest"])
_CATEGORY_SORTED = _ids_query([_in_categories(_CATEGORIES)], _ORDERS["newest"])
# The same statement told SQLite which index to use. Without statistics it looks each member up
# by rowid and reads its whole row for the date; ix_papers_doc_live_date holds what the sort
# needs (cs.RO's 1,700 papers: 5.8 -> 2.5 ms). SQLAlchemy writes no index hints for SQLite, and
# ANALYZE would replan every other statement tuned here; a test checks both give the same pages.
_CATEGORY_SORTED_SQLITE = text(
    "SELECT papers.doc_id FROM papers INDEXED BY ix_papers_doc_live_date WHERE papers.deleted IS 0"
    " AND papers.doc_id IN (SELECT paper_categories.doc_id FROM paper_categories"
    " WHERE paper_categories.category IN :categories)"
    " ORDER BY papers.listing_date DESC, papers.doc_id DESC LIMIT :page_limit OFFSET :page_offset"
).bindparams(_CATEGORIES, bindparam("page_limit", type_=Integer, literal_execute=True),
             bindparam("page_offset", type_=Integer, literal_execute=True))
_AUTHORED = papers.c.doc_id.in_(select(paper_authors.c.doc_id).where(paper_authors.c.name_key == bindparam("name_key")))
_BY_AUTHOR = _ids_query([_AUTHORED], _ORDERS["newest"])
_BY_AUTHOR_COUNT = select(func.count()).select_from(papers).where(_LIVE, _AUTHORED)
_LISTED_SINCE = papers.c.listing_date >= bindparam("since", type_=Date)
_TRENDING_SINCE = _ids_query([_LISTED_SINCE], _ORDERS["trending"])
_TRENDING_SINCE_COUNT = select(func.count()).select_from(papers).where(_LIVE, _LISTED_SINCE)


def category_counts(catalog: Catalog) -> list[tuple[str, int]]:
    """Every category with its number of papers (cross-lists included), largest first.

    Counted from the category index alone (withdrawn papers leave it): 20 ms instead of
    a 450 ms join over the 88k corpus.
    """
    count = func.count()
    query = (
        select(paper_categories.c.category, count)
        .group_by(paper_categories.c.category)
        .order_by(count.desc(), paper_categories.c.category)
    )
    with catalog.engine.connect() as conn:
        return [(category, n) for category, n in conn.execute(query)]


def papers_submitted_by(
    catalog: Catalog,
    submitter: str,
    start: date,
    end: date,
    *,
    sort: PeriodSort = "newest",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[StoredPaper], int]:
    """Papers that ``submitter`` put on a daily list from ``start`` to ``end``: here (the
    submissions table), or on the source they were imported from (extra.submitted_by)."""
    if sort not in _ORDERS:
        raise ValueError(f"sort must be one of {', '.join(PERIOD_SORTS)}, not {sort!r}")
    imported = and_(papers.c.submitted_by == submitter, papers.c.listing_date >= start, papers.c.listing_date <= end)
    here = papers.c.doc_id.in_(
        select(submissions.c.doc_id).join(users, users.c.id == submissions.c.user_id)
        .where(users.c.username_key == submitter.lower(), submissions.c.removed_at.is_(None),
               submissions.c.day >= start, submissions.c.day <= end))
    return _page(catalog, [or_(imported, here)], _ORDERS[sort], limit, offset)
