"""How many papers hold each word of a query, for BM25's inverse document frequency in PostgreSQL.

Common lexemes come from PostgreSQL's own statistics of ``papers.search_text``: ANALYZE (which
autovacuum runs as the catalog changes) keeps the most common lexemes of a tsvector column and
the share of rows holding each. A lexeme not among them is rarer than all of them; its papers
are counted through the GIN index, up to RARE_COUNT_LIMIT (the least common listed lexeme is
held by more papers than that at 88k, so the count is exact where it matters).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from sqlalchemy import Connection, text

from paperwire.search.postgres.indexes import TEXT_CONFIG

# A word in more than this share of the papers is common (candidates are not chosen by it).
COMMON_SHARE = 0.03  # SciFact train hybrid nDCG@10: 0.01 0.7176, 0.02 0.7258, 0.03 0.7292, 0.05 0.7025
RARE_COUNT_LIMIT = 300
STATS_AGE_S = 600.0  # statistics are re-read this often

_STATS = """SELECT most_common_elems::text::text[], most_common_elem_freqs,
                   (SELECT greatest(reltuples, 1) FROM pg_class WHERE relname = 'papers')
            FROM pg_stats WHERE tablename = 'papers' AND attname = 'search_text'"""
_LEXEMES = f"""SELECT w, l FROM unnest(CAST(:words AS text[])) AS w,
               unnest(tsvector_to_array(to_tsvector('{TEXT_CONFIG}', w))) AS l"""
# The 'simple' configuration takes a lexeme as it is (no stemming again, no stop words).
_COUNTS = f"""SELECT l, (SELECT count(*) FROM (SELECT 1 FROM papers p WHERE p.search_text @@ plainto_tsquery('simple', l)
                                               LIMIT {RARE_COUNT_LIMIT}) AS held)
              FROM unnest(CAST(:lexemes AS text[])) AS l"""


@dataclass(frozen=True)
class Term:
    word: str  # as typed (folded to lower case)
    lexeme: str  # as indexed (stemmed, accents folded)
    papers: float  # how many papers hold it
    share: float  # ... of all papers

    def idf(self, total: float) -> float:
        """BM25's inverse document frequency (Lucene's, never negative)."""
        return math.log(1 + (total - self.papers + 0.5) / (self.papers + 0.5))


class TermStatistics:
    def __init__(self) -> None:
        self._shares: dict[str, float] = {}
        self._total = 1.0
        self._read_at = -STATS_AGE_S
        self._lock = threading.Lock()

    def terms(self, conn: Connection, words: list[str]) -> tuple[list[Term], float]:
        """The lexemes of ``words`` (stop words make none) with their papers, and how many papers there are."""
        shares, total = self._statistics(conn)
        pairs = conn.execute(text(_LEXEMES), {"words": words}).all() if words else []
        unlisted = sorted({lexeme for _, lexeme in pairs if lexeme not in shares})
        counted = dict(conn.execute(text(_COUNTS), {"lexemes": unlisted}).all()) if unlisted else {}
        terms = []
        for word, lexeme in pairs:
            papers = shares[lexeme] * total if lexeme in shares else float(counted.get(lexeme, 0))
            terms.append(Term(word, lexeme, papers, papers / total))
        return terms, total

    def _statistics(self, conn: Connection) -> tuple[dict[str, float], float]:
        with self._lock:
            if time.monotonic() - self._read_at > STATS_AGE_S:
                row = conn.execute(text(_STATS)).first()
                # The frequencies end with three summary values (min, max, null share) the lexemes lack.
                self._shares = dict(zip(row[0], row[1])) if row and row[0] else {}
                self._total = float(row[2]) if row else 1.0
                self._read_at = time.monotonic()
            return self._shares, self._total


def rare_words(terms: list[Term]) -> set[str]:
    """The words under COMMON_SHARE; when there are none, the rarest word alone."""
    if not terms:
        return set()
    rare = {t.word for t in terms if t.share < COMMON_SHARE}
    return rare or {min(terms, key=lambda t: t.share).word}
