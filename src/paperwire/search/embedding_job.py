"""Making sure every live paper has a stored embedding of its current text (resumable)."""

from __future__ import annotations

import os
import sys
from typing import Callable, Sequence

import numpy as np

from paperwire.search.embedder import Embedder, document_text, text_hash
from paperwire.search.embedding_store import EmbeddingStore
from paperwire.store import Catalog, StoredPaper

# Papers embedded (and committed to the store) together: what a kill can lose at most.
CHUNK = 256
# all-MiniLM-L6-v2 on titles and abstracts through PyTorch: ~18 papers/s on 2 cores.
CPU_PAPERS_PER_CORE_S = 9.0


def vectors_for(papers: Sequence[StoredPaper], store: EmbeddingStore, embedder: Embedder,
                on_embedded: Callable[[int], None] | None = None) -> dict[int, np.ndarray]:
    """Vectors of ``papers`` by doc_id: stored ones reused, the rest embedded and stored."""
    live = [p for p in papers if not p.deleted]
    texts = {p.doc_id: document_text(p.paper) for p in live}
    digests = {doc_id: text_hash(text, embedder.max_tokens) for doc_id, text in texts.items()}
    stored = store.get(list(digests))
    result = {d: vec for d, (h, vec) in stored.items() if digests.get(d) == h}
    missing = [d for d in digests if d not in result]
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start:start + CHUNK]
        vectors = embedder.embed([texts[d] for d in chunk])
        store.put((d, digests[d], v) for d, v in zip(chunk, vectors))
        result.update(zip(chunk, vectors))
        if on_embedded:
            on_embedded(len(chunk))
    return result


def embed_catalog(catalog: Catalog, store: EmbeddingStore, embedder: Embedder, since: int = 0,
                  progress: bool = True) -> int:
    """Embed each live paper changed since revision ``since`` that has no stored vector yet.

    Newest papers first, so that a long backfill, stopped and resumed at will, has the
    recent papers' vectors soonest; with ``progress``, how long it will take is said up
    front. (A paper whose text changed since its vector was made is embedded again where
    it is indexed, by :func:`vectors_for`.) Returns how many were embedded.
    """
    from tqdm import tqdm

    missing = _without_vectors(store, catalog.live_newest_first(since))
    if not missing:
        return 0
    if progress:
        tqdm.write(embedding_plan(len(missing), getattr(embedder, "device", "cpu")), file=sys.stderr)
    embedded = 0
    with tqdm(total=len(missing), unit="paper", desc="embedding", disable=not progress, smoothing=0.05) as bar:
        def count(n: int) -> None:
            nonlocal embedded
            embedded += n
            bar.update(n)

        for start in range(0, len(missing), CHUNK * 8):
            vectors_for(catalog.by_doc_ids(missing[start:start + CHUNK * 8]), store, embedder, on_embedded=count)
    return embedded


def embedding_plan(papers: int, device: str, cores: int | None = None) -> str:
    """What embedding ``papers`` papers will take, in a line for the user."""
    order = f"embedding {papers:,} papers, newest first"
    if device != "cpu":
        return f"{order}, on {device}"
    cores = cores or len(os.sched_getaffinity(0))
    rate = CPU_PAPERS_PER_CORE_S * cores
    return (f"{order}: about {_duration(papers / rate)} at ~{rate:.0f} papers/s on {cores} CPU core(s); "
            f"stop any time, a rerun goes on from there")


def _without_vectors(store: EmbeddingStore, doc_ids: list[int]) -> list[int]:
    """Those of ``doc_ids`` with no stored vector, in their order."""
    stored: set[int] = set()
    for start in range(0, len(doc_ids), 10_000):
        stored.update(store.hashes(doc_ids[start:start + 10_000]))
    return [doc_id for doc_id in doc_ids if doc_id not in stored]


def _duration(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return f"{max(1, round(seconds))} s"
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min" if minutes % 60 else f"{minutes // 60} h"


def export_vectors(catalog: Catalog, store: EmbeddingStore, path, max_tokens: int) -> int:
    """Write the stored vectors of the catalog's live papers to ``path`` (.npz), keyed by text hash."""
    hashes: list[bytes] = []
    vectors: list[np.ndarray] = []
    for batch in catalog.changed_since(0):
        digests = _current_hashes(batch, max_tokens)
        for doc_id, (digest, vector) in store.get(list(digests)).items():
            if digests[doc_id] == digest:
                hashes.append(digest)
                vectors.append(vector)
    # Hashes as raw bytes (uint8 rows): numpy's "S" strings would drop trailing zero bytes.
    np.savez_compressed(path, hashes=np.frombuffer(b"".join(hashes), dtype=np.uint8).reshape(len(hashes), -1),
                        vectors=np.array(vectors, dtype=np.float16).reshape(len(vectors), -1))
    return len(hashes)


def seed_vectors(catalog: Catalog, store: EmbeddingStore, path, max_tokens: int) -> int:
    """Store vectors from an :func:`export_vectors` file for papers whose text they were made from.

    Keyed by the hash of model, cut-off and exact text, so a vector never lands on a paper
    whose text (or embedding recipe) has changed since. Returns how many were stored.
    """
    with np.load(path) as bundle:
        by_hash = {h.tobytes(): v for h, v in zip(bundle["hashes"], bundle["vectors"])}
    seeded = 0
    for batch in catalog.changed_since(0):
        digests = _current_hashes(batch, max_tokens)
        rows = [(doc_id, digest, by_hash[digest]) for doc_id, digest in digests.items() if digest in by_hash]
        store.put(rows)
        seeded += len(rows)
    return seeded


def _current_hashes(papers: Sequence[StoredPaper], max_tokens: int) -> dict[int, bytes]:
    """doc_id -> hash of the text each live paper's vector must be made from."""
    return {p.doc_id: text_hash(document_text(p.paper), max_tokens) for p in papers if not p.deleted}
