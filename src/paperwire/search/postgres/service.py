"""Search inside PostgreSQL (`search_backend = "postgres"`): no index on the node at all.

The same answers as search.service.SearchService, from the catalog database: words by
PostgreSQL full-text search over ``papers.search_text`` (GIN), meaning by pgvector's HNSW
index over ``paper_vectors``, fused as the local backend fuses (search.fuse). Filters are
conditions of the same queries, and HNSW's iterative scan keeps walking the graph until
``depth`` papers pass them (or ``MAX_SCAN_TUPLES`` were looked at), so a narrow filter still
gets its k papers. The query is embedded here, on the node, as the local backend does.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

import numpy as np
from sqlalchemy import Connection, text

from paperwire.config import Settings
from paperwire.search.embedder import Embedder
from paperwire.search.embedding_store import EmbeddingStore
from paperwire.search.postgres.field_sql import DATE_COLUMNS, FieldSql
from paperwire.search.postgres.indexes import missing_indexes
from paperwire.search.postgres.sql import DAY, Bound, query_words
from paperwire.search.query import ParsedQuery, SearchFilters
from paperwire.search.postgres.recent_papers import RecentPapers
from paperwire.search.service import IndexMissing, SearchResults, SearchService
from paperwire.search.postgres.term_statistics import TermStatistics, rare_words
from paperwire.store import Catalog

# BM25 reads each candidate's row and lexemes (about 50 µs a paper at 88k), so at most this many
# papers are ranked (and counted: an exact count of a common word's papers would read them all).
RANKED_MATCHES = 400  # SciFact train hybrid nDCG@10: 200 0.7075, 300 0.7212, 400 0.7296, 600 0.7297, 1000 0.7276
# BM25 (Lucene's defaults); title words count 1 + TITLE_WEIGHT times; a paper holding every word
# scores 1 + ALL_WORDS_BOOST times its BM25 (as the local index boosts such papers).
K1, B = 1.2, 0.75
TITLE_WEIGHT = 0.3
ALL_WORDS_BOOST = 2.0
# HNSW: candidates kept while walking the graph, and how many papers an iterative scan may visit
# before it gives up looking for papers passing the filters (a filter the planner sees is narrow
# is answered exactly instead, from the papers passing it).
EF_SEARCH = 200
MAX_SCAN_TUPLES = 40_000
# No search statement may run longer, whatever a query was built to cost: the server cancels it and
# the reader gets a 503 (try again) instead of holding a connection and a core.
STATEMENT_TIMEOUT_MS = 3000
SEQUENTIAL_SCANS_OFF = {"enable_seqscan": "off"}


@contextmanager
def bounded(catalog: Catalog, settings: dict[str, object] | None = None) -> Iterator[Connection]:
    """A transaction for one search's statements: at most STATEMENT_TIMEOUT_MS each, with these
    planner ``settings`` (e.g. {"enable_seqscan": "off"}, constants of this module) for it alone."""
    with catalog.engine.begin() as conn:
        for name, value in {"statement_timeout": STATEMENT_TIMEOUT_MS, **(settings or {})}.items():
            conn.execute(text(f"SET LOCAL {name} = {value}"))
        yield conn


class PostgresSearchService(SearchService):
    def __init__(self, settings: Settings, catalog: Catalog, embedder: Embedder | None = None):
        super().__init__(settings, catalog, embedder)
        self._ready = False
        self._ready_lock = threading.Lock()
        self._terms = TermStatistics()
        self._recent = RecentPapers(catalog)

    def _indexes(self) -> Catalog:
        if not self._ready:
            with self._ready_lock:
                missing = missing_indexes(self.catalog.engine)
                if missing:
                    raise IndexMissing(f"the database has no search index {', '.join(missing)}: "
                                       "run `paperwire index` to create it")
                self._ready = True
        return self.catalog

    def _generation(self, catalog: Catalog) -> None:
        return None  # the database's indexes change with every paper written: no ranking is remembered

    def keyword_index(self):
        raise IndexMissing('search_backend = "postgres" keeps no keyword index on the node')

    def field_page(self, tree, ids: list[str] | None, sort_by: str, ascending: bool, offset: int,
                   limit: int) -> tuple[list[int], int]:
        catalog = self._indexes()
        field = FieldSql(tree, ids)
        sql = field.sql
        key = field.relevance if sort_by == "relevance" else DATE_COLUMNS[sort_by]
        # Best (or newest) first, doc_id breaking ties; ascending is exactly that order reversed.
        tie = "ASC" if sort_by == "relevance" else "DESC"
        order = (f"{key} DESC, p.doc_id {tie}" if not ascending else
                 f"{key} ASC, p.doc_id {'DESC' if tie == 'ASC' else 'ASC'}")
        page = (f"SELECT p.doc_id FROM papers p WHERE {field.condition} ORDER BY {order} "
                f"LIMIT {sql.value(limit)} OFFSET {sql.value(offset)}")
        with bounded(catalog, SEQUENTIAL_SCANS_OFF) as conn:  # the GIN index, as for search
            doc_ids = conn.execute(text(page), sql.params).scalars().all()
            total = conn.execute(text(f"SELECT count(*) FROM papers p WHERE {field.condition}"), sql.params).scalar_one()
        return list(doc_ids), total

    def vectors_and_keywords(self):
        self._indexes()
        return self._recent.vectors_and_keywords()

    # ---- words -------------------------------------------------------------------------

    def _keyword_hits(self, catalog: Catalog, query: ParsedQuery, depth: int) -> tuple[list[tuple[int, float]], int]:
        """(doc_id, BM25) best first, and how many papers were ranked (a lower bound of how many match)."""
        sql = Bound()
        matching = sql.any_words(query)
        if matching is None:
            return [], 0
        where = sql.filters(query.filters)
        every = sql.all_words(query)
        # Row by row the wide papers rows cost more than the planner thinks: the GIN index, always.
        with bounded(catalog, SEQUENTIAL_SCANS_OFF) as conn:
            terms, total = self._terms.terms(conn, query_words(query))
            # RANKED_MATCHES candidates, best kinds first: papers holding every word; papers holding the
            # query's rarer words (those BM25 weighs: a common word alone adds little); any. Each kind
            # is read only while the ones before it leave room.
            rare = sql.any_words(query, only=rare_words(terms))
            tiers = " UNION ALL ".join(f"(SELECT p.doc_id, p.search_text FROM papers p WHERE p.search_text @@ {condition} "
                                       f"AND {where} LIMIT {RANKED_MATCHES})"
                                       for condition in dict.fromkeys(c for c in (every, rare, matching) if c))
            together = f"(1 + {ALL_WORDS_BOOST} * (c.search_text @@ {every})::int)" if every else "1"
            # BM25 of each candidate over the query's lexemes: a title position counts 1 + TITLE_WEIGHT
            # times; a paper's length is its number of distinct lexemes.
            ranked = f"""
                WITH candidates AS MATERIALIZED (
                    SELECT DISTINCT ON (doc_id) doc_id, search_text FROM ({tiers} LIMIT {RANKED_MATCHES}) AS tiers),
                lengths AS (SELECT doc_id, search_text, length(search_text) AS len,
                                   avg(length(search_text)) OVER () AS mean FROM candidates c),
                terms AS (SELECT * FROM unnest(CAST({sql.value([t.lexeme for t in terms])} AS text[]),
                                               CAST({sql.value([t.idf(total) for t in terms])} AS float8[])) AS t(lexeme, idf)),
                tf AS (SELECT c.doc_id, c.search_text, c.len, c.mean, t.idf,
                              cardinality(u.positions) + {TITLE_WEIGHT} * cardinality(array_positions(u.weights, 'A')) AS freq
                       FROM lengths c, unnest(c.search_text) AS u(lexeme, positions, weights) JOIN terms t USING (lexeme))
                SELECT c.doc_id, sum(c.idf * c.freq * {K1 + 1} / (c.freq + {K1} * (1 - {B} + {B} * c.len / c.mean)))
                                 * {together} AS score,
                       count(*) OVER () AS ranked
                FROM tf c GROUP BY c.doc_id, c.search_text ORDER BY score DESC, c.doc_id LIMIT {sql.value(depth)}"""
            rows = conn.execute(text(ranked), sql.params).all()
        return [(int(d), float(s)) for d, s, _ in rows], rows[0][2] if rows else 0

    # ---- meaning -----------------------------------------------------------------------

    def _semantic_hits(self, catalog: Catalog, query: ParsedQuery, depth: int) -> tuple[list[tuple[int, float]], int]:
        vector = self.embedder.embed_query(query.text)
        sql = Bound()
        hits = self._nearest_where(catalog, vector, depth, sql.filters(query.filters), sql)
        return hits, len(hits)

    def _nearest(self, catalog: Catalog, vector: np.ndarray, count: int) -> list[tuple[int, float]]:
        sql = Bound()
        return self._nearest_where(catalog, vector, count, sql.filters(SearchFilters()), sql)

    def _nearest_where(self, catalog: Catalog, vector: np.ndarray, count: int, where: str,
                       sql: Bound) -> list[tuple[int, float]]:
        literal = sql.value("[" + ",".join(f"{x:.6g}" for x in np.asarray(vector, dtype=np.float32)) + "]")
        # relaxed_order may return neighbours slightly out of order: they are sorted again outside.
        nearest = f"""
            WITH nearest AS MATERIALIZED (
                SELECT v.doc_id, v.vector <=> CAST({literal} AS halfvec) AS distance
                FROM paper_vectors v JOIN papers p ON p.doc_id = v.doc_id WHERE {where}
                ORDER BY distance LIMIT {sql.value(count)})
            SELECT doc_id, 1 - distance FROM nearest ORDER BY distance, doc_id"""
        with bounded(catalog, {"hnsw.iterative_scan": "relaxed_order", "hnsw.ef_search": max(EF_SEARCH, min(count, 1000)),
                               "hnsw.max_scan_tuples": MAX_SCAN_TUPLES}) as conn:
            return [(int(d), float(s)) for d, s in conn.execute(text(nearest), sql.params)]

    def _paper_vector(self, catalog: Catalog, doc_id: int) -> np.ndarray | None:
        found = EmbeddingStore(catalog.engine).get([doc_id]).get(doc_id)
        return found[1] if found else None

    # ---- listings and sorts ------------------------------------------------------------

    def _listing(self, catalog: Catalog, query: ParsedQuery, sort: str, limit: int, offset: int) -> SearchResults:
        sql = Bound()
        where = sql.filters(query.filters)
        order = ("p.upvotes DESC, " if sort == "upvotes" else "") + f"{DAY} DESC NULLS LAST, p.doc_id DESC"
        page = f"SELECT p.doc_id FROM papers p WHERE {where} ORDER BY {order} LIMIT {sql.value(limit)} OFFSET {sql.value(offset)}"
        with bounded(catalog) as conn:
            doc_ids = conn.execute(text(page), sql.params).scalars().all()
            total = conn.execute(text(f"SELECT count(*) FROM papers p WHERE {where}"), sql.params).scalar_one()
        return SearchResults(hits=self._hits([(d, 0.0) for d in doc_ids], query), total=total, query=query)

    def _sort_facts(self, catalog: Catalog, doc_ids: list[int]) -> dict[int, tuple[int, int]]:
        facts = f"SELECT doc_id, {DAY} - DATE '1970-01-01', upvotes FROM papers p WHERE doc_id = ANY(:ids)"
        with catalog.engine.connect() as conn:
            return {d: (-1 if day is None else day, up) for d, day, up in conn.execute(text(facts), {"ids": doc_ids})}
