"""Embed the bundled demo sample and ship its vectors, so `make demo` starts without embedding.

    python scripts/make_sample_vectors.py

Rerun after changing the sample or the embedding recipe (model, cut-off, document text):
vectors are keyed by a hash of all three, so stale ones are simply not used.
"""

import tempfile
from importlib.resources import as_file, files
from pathlib import Path

from paperwire.config import load_settings
from paperwire.importer import import_files
from paperwire.search.embedder import Embedder
from paperwire.search.embedding_job import embed_catalog, export_vectors
from paperwire.search.embedding_store import EmbeddingStore
from paperwire.store import open_catalog

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "src/paperwire/sample"


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        settings = load_settings(home=home, environ={})
        catalog = open_catalog(settings.catalog_url)
        with as_file(files("paperwire") / "sample" / "arxiv-sample.jsonl.gz") as sample:
            import_files(catalog, [sample])
        embedder = Embedder()
        out = SAMPLE_DIR / "arxiv-sample.vectors.npz"
        with EmbeddingStore(catalog.engine) as store:
            embed_catalog(catalog, store, embedder)
            count = export_vectors(catalog, store, out, embedder.max_tokens)
    print(f"{count} vectors -> {out} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
