"""The postgres search backend: searches answered inside PostgreSQL (full-text search and
pgvector HNSW), with no index on the node."""
