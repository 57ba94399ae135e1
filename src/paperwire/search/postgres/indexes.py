"""The PostgreSQL objects the `search_backend = "postgres"` search runs on, made idempotently.

- ``paperwire_english``: PostgreSQL's English configuration (stop words, Snowball stems) with
  accents folded first (unaccent), so "Schrödinger" is "schrodinger", as in the local index.
- ``papers.search_text``: title (weight A) and abstract (weight B) as a tsvector, a stored
  generated column, so the server keeps it with every insert and update. An index on the
  expression alone was tried first: ranking then recomputes to_tsvector for every matching
  row (10 s for a common word at 88k papers).
- a GIN index on it, and a pgvector HNSW index on ``paper_vectors.vector`` (cosine, halfvec).

Adding the column rewrites ``papers`` once (88k papers: ~20 s) and the HNSW build takes
minutes at 88k on 2 cores, so `paperwire index` does this, never a search.
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import Engine, text

TEXT_CONFIG = "paperwire_english"
TEXT_INDEX = "papers_search_text"
VECTOR_INDEX = "paper_vectors_hnsw"
AUTHOR_INDEX = "paper_authors_words"
# An author's name as its words between spaces, so " he " finds the word "He" in any name.
AUTHOR_WORDS = "(' ' || regexp_replace(name_key, '[^[:alnum:]]+', ' ', 'g') || ' ')"
# HNSW build parameters (pgvector's defaults); more memory keeps the graph build in memory.
HNSW_M, HNSW_EF_CONSTRUCTION = 16, 64
BUILD_MEMORY = "1GB"

_TEXT_CONFIG = f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{TEXT_CONFIG}') THEN
    CREATE TEXT SEARCH CONFIGURATION {TEXT_CONFIG} (COPY = english);
    ALTER TEXT SEARCH CONFIGURATION {TEXT_CONFIG}
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
  END IF;
END $$"""
_SEARCH_TEXT = (f"setweight(to_tsvector('{TEXT_CONFIG}', title), 'A') || "
                f"setweight(to_tsvector('{TEXT_CONFIG}', abstract), 'B')")
_PRESENT = "SELECT 1 FROM pg_indexes WHERE indexname = :name"
# (what is made, how to tell it is there, the statements that make it), in order: each needs those before.
STEPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("text search configuration", "SELECT 1 FROM pg_ts_config WHERE cfgname = :name", TEXT_CONFIG,
     ("CREATE EXTENSION IF NOT EXISTS unaccent", _TEXT_CONFIG)),
    ("papers.search_text column",
     "SELECT 1 FROM information_schema.columns WHERE table_name = 'papers' AND column_name = :name", "search_text",
     (f"ALTER TABLE papers ADD COLUMN IF NOT EXISTS search_text tsvector "
      f"GENERATED ALWAYS AS ({_SEARCH_TEXT}) STORED",)),
    ("full-text index (GIN)", _PRESENT, TEXT_INDEX,
     (f"CREATE INDEX IF NOT EXISTS {TEXT_INDEX} ON papers USING gin (search_text)",)),
    ("author name index (trigrams)", _PRESENT, AUTHOR_INDEX,
     ("CREATE EXTENSION IF NOT EXISTS pg_trgm",
      f"CREATE INDEX IF NOT EXISTS {AUTHOR_INDEX} ON paper_authors USING gin ({AUTHOR_WORDS} gin_trgm_ops)")),
    ("vector index (HNSW, minutes at 100k papers)", _PRESENT, VECTOR_INDEX,
     (f"CREATE INDEX IF NOT EXISTS {VECTOR_INDEX} ON paper_vectors USING hnsw (vector halfvec_cosine_ops) "
      f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})",)),
)


def missing_indexes(engine: Engine) -> list[str]:
    """The search indexes not yet in this database (empty when search can run)."""
    with engine.connect() as conn:
        return [name for name in (TEXT_INDEX, AUTHOR_INDEX, VECTOR_INDEX)
                if conn.execute(text(_PRESENT), {"name": name}).first() is None]


def ensure_indexes(engine: Engine, say: Callable[[str], None] = lambda _message: None, *,
                   rebuild: bool = False) -> list[str]:
    """Create whatever is missing (nothing, when all is there; every index anew if ``rebuild``);
    returns what it created."""
    if rebuild:
        with engine.begin() as conn:
            for name in (TEXT_INDEX, AUTHOR_INDEX, VECTOR_INDEX):
                conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    created = []
    for what, check, name, statements in STEPS:
        with engine.begin() as conn:
            if conn.execute(text(check), {"name": name}).first() is not None:
                continue
            say(f"creating the {what}")
            conn.execute(text(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'"))
            for statement in statements:
                conn.execute(text(statement))
            created.append(what)
    if created:  # the planner's estimates (and lexeme frequencies) for what was just made
        with engine.begin() as conn:
            conn.execute(text("ANALYZE papers, paper_categories, paper_authors, paper_vectors"))
    return created
