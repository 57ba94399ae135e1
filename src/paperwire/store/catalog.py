"""The paper catalog: storing Papers (merging versions and identities) and reading them back."""

from __future__ import annotations

import dataclasses
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Iterator, Sequence

from sqlalchemy import Engine, Row, String, Table, bindparam, cast, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from paperwire.community.trending import listing_score
from paperwire.paper import DeletedRecord, InvalidPaper, Paper, merge, parse_arxiv_id
from paperwire.store.db import FREE_SPACE, CatalogFull, out_of_space
from paperwire.store.paper_memo import paper_memo
from paperwire.store.run_locks import run_locks
from paperwire.store.schema import import_errors, import_runs, paper_authors, paper_categories, paper_vectors, papers

_PAPER_FIELDS = [f.name for f in dataclasses.fields(Paper)]
_TUPLE_FIELDS = {"authors", "categories", "classes", "code_links"}


@dataclass(frozen=True)
class StoredPaper:
    """A Paper as the catalog holds it, with the community's numbers beside it."""

    paper: Paper
    doc_id: int
    votes: int = 0  # this site's upvotes (paper.upvotes: the count its source carries)
    num_comments: int = 0
    trending_score: float = 0.0
    deleted: bool = False
    revision: int = 0


@dataclass
class BatchResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (paper id, reason)

    def add(self, other: "BatchResult") -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.deleted += other.deleted
        self.failed += other.failed


def name_key(name: str) -> str:
    """Author names compare without case or accents: "Kaiming He" == "kaiming he"."""
    if name.isascii():  # the common case, without a per-character pass
        return " ".join(name.casefold().split())
    decomposed = unicodedata.normalize("NFKD", name).casefold()
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def paper_to_row(paper: Paper) -> dict:
    row = {name: getattr(paper, name) for name in _PAPER_FIELDS}
    for name in _TUPLE_FIELDS:
        row[name] = list(row[name])
    row["authors_parsed"] = [list(parts) for parts in paper.authors_parsed]
    row["title_key"] = paper.title_key
    row["submitted_by"] = paper.source_submitter
    return row


def row_to_paper(row: Row) -> Paper:
    mapping = row._mapping
    values = {name: mapping[name] for name in _PAPER_FIELDS}
    for name in _TUPLE_FIELDS:
        values[name] = tuple(values[name] or ())
    values["authors_parsed"] = tuple(tuple(parts) for parts in values["authors_parsed"] or ())
    values["extra"] = values["extra"] or {}
    return Paper(**values)


def row_to_stored(row: Row) -> StoredPaper:
    return _with_numbers(row_to_paper(row), row)


# What a paper's row holds beside the paper: the numbers that change without a new revision.
_COMMUNITY_COLUMNS = (papers.c.doc_id, papers.c.votes, papers.c.num_comments, papers.c.trending_score,
                      papers.c.deleted, papers.c.revision)
# Built once: a statement made afresh costs its construction and its cache key again (~90 us of
# a 160 us read of twenty papers); a prebuilt one is compiled and keyed once.
_NUMBERS_OF = select(*_COMMUNITY_COLUMNS).where(papers.c.doc_id.in_(bindparam("doc_ids", expanding=True)))
_ROWS_OF = select(papers).where(papers.c.doc_id.in_(bindparam("doc_ids", expanding=True)))
_BY_ID = select(papers).where(papers.c.id == bindparam("id"))


def _with_numbers(paper: Paper, row: Row) -> StoredPaper:
    mapping = row._mapping
    return StoredPaper(
        paper=paper,
        doc_id=mapping["doc_id"],
        votes=mapping["votes"],
        num_comments=mapping["num_comments"],
        trending_score=mapping["trending_score"],
        deleted=mapping["deleted"],
        revision=mapping["revision"],
    )


class Catalog:
    """All reads and writes of papers go through here."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._run_locks = run_locks(engine)

    # ---- writing -------------------------------------------------------------------------

    def store(self, items: Sequence[Paper | DeletedRecord]) -> BatchResult:
        """Store one batch in one transaction; if the database refuses it, record by record.

        Either way each record is all-or-nothing: a failing one leaves no trace and is
        reported in ``failed``; the others are stored. Out of disk space, nothing more can
        be: :class:`CatalogFull` is raised, carrying the counts of what was committed.
        """
        try:
            with self._transaction() as conn:
                return self._store(conn, items)
        except CatalogFull:
            raise
        except SQLAlchemyError:
            pass
        result = BatchResult()
        for item in items:
            try:
                with self._transaction() as conn:
                    stored = self._store(conn, [item])
            except CatalogFull as exc:
                exc.stored = result
                raise
            except SQLAlchemyError as exc:
                ident = item.id if isinstance(item, Paper) else item.arxiv_id
                result.failed.append((ident, f"database refused it: {exc.orig or exc}"[:500]))
            else:
                result.add(stored)  # counted once committed, never before
        return result

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """``engine.begin()``, with the disk filling up raised as :class:`CatalogFull`."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            full = out_of_space(exc, self.engine.url)
            if full:
                raise CatalogFull(f"{full}: {FREE_SPACE} "
                                  f"(what was stored so far is kept)", stored=BatchResult()) from None
            raise

    def _store(self, conn: Connection, items: Sequence[Paper | DeletedRecord]) -> BatchResult:
        result = BatchResult()
        incoming = _merge_within_batch(p for p in items if isinstance(p, Paper))
        deletions = [d for d in items if isinstance(d, DeletedRecord)]
        revision = (conn.execute(select(func.max(papers.c.revision))).scalar() or 0) + 1
        now = datetime.now(timezone.utc)
        existing = self._existing_for(conn, incoming)

        inserts: list[Paper] = []
        rewritten: list[tuple[int, Paper]] = []
        reworded: list[int] = []
        for paper in incoming:
            found = existing.get(paper.id) or existing.get(("title", paper.title_key, paper.arxiv_id is None))
            if found is None:
                inserts.append(paper)
                continue
            doc_id, current = found
            merged = merge(current, paper)
            if merged is current:
                result.unchanged += 1
                continue
            conn.execute(update(papers).where(papers.c.doc_id == doc_id)
                         .values(**paper_to_row(merged), revision=revision, deleted=False))
            rewritten.append((doc_id, merged))
            if (merged.title, merged.abstract) != (current.title, current.abstract):
                reworded.append(doc_id)
        result.updated += len(rewritten)
        # A stored vector is of its paper's current title and abstract, or there is none: the
        # workers' embed job then remakes it, and nodes following the catalog wait for it.
        for chunk in _chunks(reworded, 500):
            conn.execute(delete(paper_vectors).where(paper_vectors.c.doc_id.in_(chunk)))

        if inserts:
            # A new paper's trending score starts from its listing day (community/trending.py).
            rows = [dict(paper_to_row(p), revision=revision, imported_at=now, deleted=False,
                         trending_score=listing_score(p.listing_date)) for p in inserts]
            # A plain executemany, then one look-up: SQLite cannot batch INSERT ... RETURNING.
            conn.execute(insert(papers), rows)
            doc_ids = {}
            for chunk in _chunks([p.id for p in inserts], 500):
                doc_ids.update(conn.execute(select(papers.c.id, papers.c.doc_id).where(papers.c.id.in_(chunk))).all())
            result.added += len(inserts)
            rewritten += [(doc_ids[p.id], p) for p in inserts]
        self._write_children(conn, rewritten)

        for deletion in deletions:
            doc_id = conn.execute(select(papers.c.doc_id).where(
                papers.c.arxiv_id == deletion.arxiv_id, papers.c.deleted.is_(False))).scalar()
            if doc_id is None:
                result.unchanged += 1
                continue
            conn.execute(update(papers).where(papers.c.doc_id == doc_id).values(deleted=True, revision=revision))
            # Withdrawn papers leave the category and author lists (a later version restores them).
            conn.execute(delete(paper_categories).where(paper_categories.c.doc_id == doc_id))
            conn.execute(delete(paper_authors).where(paper_authors.c.doc_id == doc_id))
            result.deleted += 1
        return result

    def _existing_for(self, conn: Connection, incoming: list[Paper]) -> dict:
        """Stored papers the batch may merge into: by id, else by title across identities."""
        found: dict = {}
        for chunk in _chunks([p.id for p in incoming], 500):
            for row in conn.execute(select(papers).where(papers.c.id.in_(chunk))):
                found[row.id] = (row.doc_id, row_to_paper(row))
        unmatched_keys = list({p.title_key for p in incoming if p.id not in found})
        for chunk in _chunks(unmatched_keys, 500):
            for row in conn.execute(select(papers).where(papers.c.title_key.in_(chunk))):
                # A title-only paper looks for an arXiv one of that title, and the reverse.
                lookup = ("title", row.title_key, row.arxiv_id is not None)
                found.setdefault(lookup, (row.doc_id, row_to_paper(row)))
        return found

    def _write_children(self, conn: Connection, stored: list[tuple[int, Paper]]) -> None:
        """(Re)write the category and author rows of freshly stored papers, in bulk."""
        if not stored:
            return
        doc_ids = [doc_id for doc_id, _ in stored]
        for chunk in _chunks(doc_ids, 500):
            conn.execute(delete(paper_categories).where(paper_categories.c.doc_id.in_(chunk)))
            conn.execute(delete(paper_authors).where(paper_authors.c.doc_id.in_(chunk)))
        categories = [(doc_id, c, c == paper.primary_category) for doc_id, paper in stored for c in paper.categories]
        authors = [(doc_id, i, a, name_key(a)) for doc_id, paper in stored for i, a in enumerate(paper.authors)]
        _insert_plain_rows(conn, paper_categories, ("doc_id", "category", "is_primary"), categories)
        _insert_plain_rows(conn, paper_authors, ("doc_id", "position", "name", "name_key"), authors)

    # ---- reading -------------------------------------------------------------------------

    def get(self, paper_id: str) -> StoredPaper | None:
        """A paper by its id, an arXiv id with or without version, or an arXiv URL."""
        try:
            key, _version = parse_arxiv_id(paper_id)
        except InvalidPaper:
            key = paper_id.strip()
        with self.engine.connect() as conn:
            row = conn.execute(_BY_ID, {"id": key}).first()
        return row_to_stored(row) if row else None

    def by_doc_ids(self, doc_ids: Sequence[int]) -> list[StoredPaper]:
        """Papers in the order of ``doc_ids`` (missing ones left out)."""
        memo = paper_memo(self.engine)
        found: dict[int, StoredPaper] = {}
        with self.engine.connect() as conn:
            unread = []
            for chunk in _chunks(list(dict.fromkeys(doc_ids)), 500):
                for row in conn.execute(_NUMBERS_OF, {"doc_ids": chunk}):
                    paper = memo.get((row.doc_id, row.revision))
                    if paper is None:
                        unread.append(row.doc_id)
                    else:
                        found[row.doc_id] = _with_numbers(paper, row)
            fetched = [row for chunk in _chunks(unread, 500)
                       for row in conn.execute(_ROWS_OF, {"doc_ids": chunk}).all()]
        # Converted after the connection is back in the pool: other requests may use it meanwhile.
        for row in fetched:
            stored = found[row.doc_id] = row_to_stored(row)
            memo.put((stored.doc_id, stored.revision), stored.paper)
        return [found[d] for d in doc_ids if d in found]

    def changed_since(self, revision: int, batch_size: int = 2000,
                      until: int | None = None) -> Iterator[list[StoredPaper]]:
        """Batches of papers whose revision is above ``revision`` (and at most ``until``), deleted ones included."""
        last_doc = 0
        upto = [] if until is None else [papers.c.revision <= until]
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(papers)
                    .where(papers.c.revision > revision, papers.c.doc_id > last_doc, *upto)
                    .order_by(papers.c.doc_id)
                    .limit(batch_size)
                ).all()
            if not rows:
                return
            last_doc = rows[-1].doc_id
            yield [row_to_stored(r) for r in rows]

    def live_newest_first(self, since_revision: int = 0) -> list[int]:
        """doc_ids of the live papers changed since ``since_revision``, the latest listed first."""
        day = func.coalesce(papers.c.listing_date, papers.c.published_date)
        with self.engine.connect() as conn:
            return list(conn.execute(
                select(papers.c.doc_id)
                .where(papers.c.revision > since_revision, papers.c.deleted.is_(False))
                .order_by(day.desc().nulls_last(), papers.c.doc_id.desc())
            ).scalars())

    def max_revision(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.max(papers.c.revision))).scalar() or 0

    def count(self, include_deleted: bool = False) -> int:
        query = select(func.count()).select_from(papers)
        if not include_deleted:
            query = query.where(papers.c.deleted.is_(False))
        with self.engine.connect() as conn:
            return conn.execute(query).scalar() or 0

    # ---- import bookkeeping -----------------------------------------------------------

    def start_run(self, origin: str, format_name: str | None) -> int:
        """Record a new import run as running, for as long as this process holds its lock."""
        self.settle_abandoned_runs()
        with self._transaction() as conn:
            run_id = conn.execute(
                insert(import_runs)
                .values(origin=origin, format=format_name, started_at=datetime.now(timezone.utc), status="running")
                .returning(import_runs.c.id)
            ).scalar_one()
            # Taken before the row is committed: no one can see the run without its lock held.
            self._run_locks.hold(run_id)
        return run_id

    def record_progress(self, run_id: int, result: BatchResult, read: int,
                        errors: Iterable[tuple[str, str]], status: str | None = None,
                        format_name: str | None = None) -> None:
        """Save a run's counts and new errors; ``status`` set means the run has ended."""
        values = dict(read=read, added=result.added, updated=result.updated,
                      unchanged=result.unchanged, deleted=result.deleted)
        if format_name:
            values["format"] = format_name
        if status:
            values.update(status=status, finished_at=datetime.now(timezone.utc))
        try:
            with self._transaction() as conn:
                rows = [{"run_id": run_id, "location": where[:1000], "reason": reason[:2000]}
                        for where, reason in errors]
                if rows:
                    conn.execute(insert(import_errors), rows)
                failed = conn.execute(
                    select(func.count()).select_from(import_errors).where(import_errors.c.run_id == run_id)
                ).scalar()
                conn.execute(update(import_runs).where(import_runs.c.id == run_id).values(**values, failed=failed))
        finally:
            if status:  # ended, whether or not that could be written: then it shows as interrupted
                self._run_locks.release(run_id)

    def settle_abandoned_runs(self) -> None:
        """Record as interrupted the runs still "running" whose process is gone (killed outright)."""
        with self.engine.connect() as conn:
            running = conn.execute(select(import_runs.c.id).where(import_runs.c.status == "running")).scalars().all()
        abandoned = [run_id for run_id in running if not self._run_locks.held(run_id)]
        if abandoned:
            with self._transaction() as conn:
                # Only if still running: a run that ended meanwhile keeps what it recorded.
                conn.execute(update(import_runs)
                             .where(import_runs.c.id.in_(abandoned), import_runs.c.status == "running")
                             .values(status="interrupted"))

    def stats(self, error_limit: int = 20) -> dict:
        """Counts by source, primary category and listing month; recent import runs and errors."""
        self.settle_abandoned_runs()
        live = papers.c.deleted.is_(False)
        month = func.substr(cast(papers.c.listing_date, String), 1, 7)
        with self.engine.connect() as conn:
            def grouped(column, limit=None):
                query = (select(column, func.count()).where(live).group_by(column)
                         .order_by(func.count().desc(), column))
                return [(k, n) for k, n in conn.execute(query.limit(limit) if limit else query)]

            runs = conn.execute(select(import_runs).order_by(import_runs.c.id.desc()).limit(10)).all()
            errors = conn.execute(
                select(import_errors.c.location, import_errors.c.reason, import_runs.c.origin)
                .join(import_runs, import_runs.c.id == import_errors.c.run_id)
                .order_by(import_errors.c.id.desc()).limit(error_limit)
            ).all()
            return {
                "papers": conn.execute(select(func.count()).where(live)).scalar(),
                "deleted": conn.execute(select(func.count()).where(papers.c.deleted.is_(True))).scalar(),
                "by_source": grouped(papers.c.source),
                "by_primary_category": grouped(papers.c.primary_category, 30),
                "by_listing_month": sorted(grouped(month), key=lambda kv: kv[0] or ""),
                "latest_listing_date": conn.execute(select(func.max(papers.c.listing_date))).scalar(),
                "runs": [dict(r._mapping) for r in runs],
                "errors": [dict(r._mapping) for r in errors],
            }


def _merge_within_batch(items: Iterable[Paper]) -> list[Paper]:
    """One Paper per id (and per title across identities), merged in arrival order."""
    by_id: dict[str, Paper] = {}
    arxiv_by_title: dict[str, str] = {}
    title_only_by_title: dict[str, str] = {}
    for paper in items:
        key = paper.title_key
        target = paper.id if paper.id in by_id else None
        if target is None and paper.arxiv_id is None:
            target = arxiv_by_title.get(key)
        if target is None:
            by_id[paper.id] = paper
        else:
            by_id[target] = merge(by_id[target], paper)
        if paper.arxiv_id is None:
            title_only_by_title.setdefault(key, paper.id)
            continue
        arxiv_by_title.setdefault(key, paper.id)
        # An arXiv record arriving after a title-only twin in the same batch absorbs it.
        twin = title_only_by_title.pop(key, None)
        if twin is not None and twin in by_id:
            by_id[paper.id] = merge(by_id.pop(twin), by_id[paper.id])
    return list(by_id.values())


def _insert_plain_rows(conn: Connection, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """A bulk INSERT of plain values (numbers, text, booleans) straight through the driver.

    An import writes ~7 author and category rows per paper; SQLAlchemy's per-row parameter
    processing would cost more than the database does.
    """
    if not rows:
        return
    # Both SQLite's "?" and psycopg's "%s" placeholders take positional rows.
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    conn.exec_driver_sql(sql, rows)


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]
