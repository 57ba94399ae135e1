"""The local search backend: each node's own keyword (tantivy) and vector (faiss) indexes,
built and kept up to date from the catalog and its stored vectors."""
