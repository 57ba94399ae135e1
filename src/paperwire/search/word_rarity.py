"""Which words of a query are rare in the catalog, from PostgreSQL's own statistics of ``search_text``.

ANALYZE (autovacuum runs it as the catalog changes) keeps the most common lexemes of a tsvector
column and the share of rows holding each; a lexeme not among them is rarer than all of them.
Full-text search picks its candidates by the rare words, as BM25's inverse document frequency
would weigh them, so a query never reads every paper holding "model".
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import Connection, text

from paperwire.search.postgres_indexes import TEXT_CONFIG

# A word in more than this share of the papers is common; statistics are re-read this often.
COMMON_SHARE = 0.05
STATS_AGE_S = 600.0

_STATS = """SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats
            WHERE tablename = 'papers' AND attname = 'search_text'"""
_LEXEMES = f"""SELECT w, l FROM unnest(CAST(:words AS text[])) AS w,
               unnest(tsvector_to_array(to_tsvector('{TEXT_CONFIG}', w))) AS l"""


class WordRarity:
    def __init__(self) -> None:
        self._shares: dict[str, float] = {}
        self._read_at = -STATS_AGE_S
        self._lock = threading.Lock()

    def rare(self, conn: Connection, words: list[str]) -> set[str]:
        """The words under COMMON_SHARE; when there are none, the rarest word alone."""
        if not words:
            return set()
        shares = self._lexeme_shares(conn)
        share = {word: 0.0 for word in words}
        for word, lexeme in conn.execute(text(_LEXEMES), {"words": words}):
            share[word] = max(share[word], shares.get(lexeme, 0.0))
        rare = {word for word, value in share.items() if value < COMMON_SHARE}
        return rare or {min(share, key=share.get)}

    def _lexeme_shares(self, conn: Connection) -> dict[str, float]:
        with self._lock:
            if time.monotonic() - self._read_at > STATS_AGE_S:
                row = conn.execute(text(_STATS)).first()
                # The frequencies end with three summary values (min, max, null share) the lexemes lack.
                self._shares = dict(zip(row[0], row[1])) if row and row[0] else {}
                self._read_at = time.monotonic()
            return self._shares
