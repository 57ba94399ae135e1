"""The catalog's tables (SQLAlchemy Core). Portable SQL only: SQLite and PostgreSQL.

Migrations in ``migrations/versions`` create these; change both together.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

from paperwire.store.vector_column import HalfVector

metadata = MetaData()
# The width of the embedding model's vectors (all-MiniLM-L6-v2), which the stored ones have.
EMBEDDING_DIMENSIONS = 384

papers = Table(
    "papers",
    metadata,
    # doc_id: compact internal number, the label papers carry in the search indexes.
    Column("doc_id", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),  # arXiv id or title id (pw-...)
    Column("arxiv_id", String(64), unique=True),
    Column("title_key", Text, nullable=False, index=True),
    Column("version", Integer),
    Column("updated_date", Date),
    Column("published_date", Date),
    Column("listing_date", Date, index=True),
    Column("title", Text, nullable=False),
    Column("abstract", Text, nullable=False, default=""),
    Column("authors", JSON, nullable=False),
    Column("authors_parsed", JSON, nullable=False),
    Column("primary_category", String(64), index=True),
    Column("categories", JSON, nullable=False),
    Column("classes", JSON, nullable=False),
    Column("comment", Text),
    Column("journal_ref", Text),
    Column("doi", Text),
    Column("license", Text),
    Column("code_links", JSON, nullable=False),
    Column("extra", JSON, nullable=False),
    # extra's submitted_by (Paper.source_submitter) in a column of its own: ?submitter= then reads
    # that submitter's papers through an index instead of every paper's JSON.
    Column("submitted_by", Text),
    Column("source", String(64), nullable=False, index=True),
    # upvotes: the count a source carries (Hugging Face JSON); votes: this site's own.
    Column("upvotes", Integer, nullable=False, default=0, index=True),
    Column("votes", Integer, nullable=False, default=0, index=True),
    Column("num_comments", Integer, nullable=False, default=0),
    Column("trending_score", Float, nullable=False, default=0.0, index=True),
    Column("deleted", Boolean, nullable=False, default=False),
    # revision: bumped on every change, so indexes can pick up what changed since they last ran.
    Column("revision", Integer, nullable=False, index=True),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Index("ix_papers_submitted_by", "submitted_by", "listing_date"),
    # What sorting a small category's members by date reads of each (store.browse): a narrow
    # row instead of the whole paper's.
    Index("ix_papers_doc_live_date", "doc_id", "deleted", "listing_date"),
)

paper_categories = Table(
    "paper_categories",
    metadata,
    Column("doc_id", Integer, ForeignKey("papers.doc_id", ondelete="CASCADE"), primary_key=True),
    Column("category", String(64), primary_key=True),
    Column("is_primary", Boolean, nullable=False, default=False),
    Index("ix_paper_categories_category", "category"),
)

paper_authors = Table(
    "paper_authors",
    metadata,
    Column("doc_id", Integer, ForeignKey("papers.doc_id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),  # case- and accent-folded, for lookups
    Index("ix_paper_authors_name_key", "name_key"),
)

import_runs = Table(
    "import_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", Text, nullable=False),
    Column("format", String(64)),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),  # running / done / failed / interrupted
    Column("read", Integer, nullable=False, default=0),
    Column("added", Integer, nullable=False, default=0),
    Column("updated", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("deleted", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
)

import_errors = Table(
    "import_errors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("import_runs.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("location", Text, nullable=False),
    Column("reason", Text, nullable=False),
)

# Checkpoints of harvests, so an interrupted one resumes where it stopped.
harvest_state = Table(
    "harvest_state",
    metadata,
    Column("name", String(200), primary_key=True),  # e.g. "oai:cs"
    Column("resumption_token", Text),
    Column("from_date", Date),
    Column("last_datestamp", Date),
    Column("pages", Integer, nullable=False, default=0),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Each paper's embedding, kept with the catalog so that every node and worker of a deployment
# uses the one made for it (embedding is the slow step): keyed by the hash of the text embedded,
# a vector outlives the indexes built from it and is remade only when that text changes.
paper_vectors = Table(
    "paper_vectors",
    metadata,
    Column("doc_id", Integer, ForeignKey("papers.doc_id", ondelete="CASCADE"), primary_key=True),
    Column("text_hash", LargeBinary, nullable=False),
    Column("vector", HalfVector(EMBEDDING_DIMENSIONS), nullable=False),
)
