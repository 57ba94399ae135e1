"""Building and refreshing the search indexes from the catalog: incremental, resumable, crash-safe.

One run: read the checkpoint (catalog revision R), take every paper changed since R,
replace it in the keyword index (delete-then-add by doc_id) and in a new vector
generation (vectors reused from the embedding store unless the text changed), commit
the keyword index, write the vector generation to a fresh directory, and only then
move the checkpoint. Killed at any moment, the next run sees the old checkpoint and
replays the same changes, which lands on the same indexes.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from paperwire.config import Settings
from paperwire.rank import keywords
from paperwire.search.embedder import DIMENSIONS, Embedder, document_text, text_hash
from paperwire.search.embedding_job import embed_catalog, vectors_for
from paperwire.search.embedding_store import EmbeddingStore, adopt_legacy_file
from paperwire.search.local.facets import FacetRows
from paperwire.search.local.generations import IndexState, fsync_dir, read_state, remove_unused, write_state
from paperwire.search.local.keyword import KeywordIndex
from paperwire.search.query_encoder import ensure_export, query_model_dir
from paperwire.search.local.vectors import EXACT_LIMIT, build_ann
from paperwire.store import Catalog


@dataclass(frozen=True)
class IndexReport:
    papers: int  # papers searchable after this run
    changed: int  # papers added or replaced
    removed: int  # papers taken out (deleted in the catalog)
    embedded: int  # papers whose text had to be embedded (the rest came from the store)
    revision: int
    rebuilt: bool  # built from scratch (asked for, first run, or unusable previous state)
    seconds: float

    def summary(self) -> str:
        how = "rebuilt" if self.rebuilt else "updated"
        return (f"indexes {how}: {self.papers} papers searchable; {self.changed} added or replaced, "
                f"{self.removed} removed, {self.embedded} embedded; catalog revision {self.revision} "
                f"({self.seconds:.1f} s)")


class IndexBusy(RuntimeError):
    """Another `paperwire index` is running on these indexes."""


def build_indexes(settings: Settings, catalog: Catalog, *, rebuild: bool = False, progress: bool = True,
                  embedder: Embedder | None = None, embed: bool = True) -> IndexReport:
    """Bring the indexes up to the catalog's current revision (from scratch if ``rebuild``).

    Without ``embed`` (a node following a catalog that workers embed for), nothing is embedded:
    the indexes go up to the last revision before the first changed paper still waiting for
    its vector, and the next run goes on from there."""
    index_dir = settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with _exclusive(index_dir), EmbeddingStore(catalog.engine) as store:
        adopt_legacy_file(store, index_dir, progress=progress)
        current = read_state(index_dir)
        # Leftovers of a killed run go; whatever the checkpoint points to keeps being served.
        remove_unused(index_dir, current)
        state = None if rebuild else current
        generation = (current.generation + 1) if current else 1
        # From scratch, the keyword index is written to a new directory beside the served one.
        keyword_dir = state.keyword_dir if state else f"keyword-{generation:06d}"
        target_revision = catalog.max_revision()
        since = state.revision if state else 0
        if embed and embedder is None:  # the real model: export its query encoder now, not on a reader's first search
            ensure_export(query_model_dir(settings))
        embedder = embedder or Embedder()
        if not embed:
            target_revision = _embedded_through(catalog, store, since, target_revision, embedder.max_tokens)
            if target_revision <= since:  # nothing that can be indexed yet
                return IndexReport(papers=current.papers if current else 0, changed=0, removed=0, embedded=0,
                                   revision=since, rebuilt=False, seconds=time.monotonic() - started)
        keyword = KeywordIndex(index_dir / keyword_dir)

        changed_ids: list[int] = []
        new_ids: list[int] = []
        new_vectors: list[np.ndarray] = []
        new_facets: list[tuple] = []
        new_counts = []  # keyword features' term counts of the new rows
        # The slow part first, newest papers first and its length said up front; the pass
        # below then finds the vectors stored (it embeds only what changed meanwhile).
        embedded = embed_catalog(catalog, store, embedder, since=since, progress=progress) if embed else 0
        from tqdm import tqdm

        pending = _count_changed(catalog, since, target_revision)
        with tqdm(total=pending, unit="paper", desc="indexing", disable=not progress, smoothing=0.05) as bar:
            for batch in catalog.changed_since(since, until=target_revision):
                keyword.apply(batch)
                changed_ids += [p.doc_id for p in batch]
                live = [p for p in batch if not p.deleted]
                store.delete([p.doc_id for p in batch if p.deleted])

                def count(n: int) -> None:
                    nonlocal embedded
                    embedded += n

                vectors = vectors_for(live, store, embedder, on_embedded=count)
                facets = FacetRows.from_papers(live)
                if live:
                    new_counts.append(keywords.term_counts([keywords.text_of(p.paper) for p in live]))
                for row, stored in enumerate(live):
                    new_ids.append(stored.doc_id)
                    new_vectors.append(vectors[stored.doc_id].astype(np.float16))
                    new_facets.append(facets.values(row))
                bar.update(len(batch))
        keyword.commit()

        previous_dir = index_dir / state.vectors_dir_name if state else None
        papers = _write_generation(index_dir, generation, previous_dir, np.array(changed_ids, dtype=np.int64),
                                   np.array(new_ids, dtype=np.int64), new_vectors, new_facets, new_counts)
        new_state = IndexState(revision=max(target_revision, since), generation=generation, papers=papers,
                               keyword_dir=keyword_dir)
        write_state(index_dir, new_state)
        remove_unused(index_dir, new_state)
    return IndexReport(papers=papers, changed=len(new_ids), removed=len(set(changed_ids) - set(new_ids)),
                       embedded=embedded, revision=max(target_revision, since), rebuilt=state is None,
                       seconds=time.monotonic() - started)


def _count_changed(catalog: Catalog, since: int, until: int) -> int:
    from sqlalchemy import func, select

    from paperwire.store.schema import papers

    with catalog.engine.connect() as conn:
        return conn.execute(select(func.count()).where(papers.c.revision > since,
                                                       papers.c.revision <= until)).scalar() or 0


def _embedded_through(catalog: Catalog, store: EmbeddingStore, since: int, until: int, max_tokens: int) -> int:
    """The last revision up to ``until`` such that every paper changed in (since, it] has the
    vector of its current text stored."""
    waiting = until + 1
    for batch in catalog.changed_since(since, until=until):
        live = [p for p in batch if not p.deleted]
        stored = store.hashes([p.doc_id for p in live])
        waiting = min([waiting] + [p.revision for p in live
                                   if stored.get(p.doc_id) != text_hash(document_text(p.paper), max_tokens)])
    return waiting - 1


def _write_generation(index_dir: Path, generation: int, previous_dir: Path | None, changed_ids: np.ndarray,
                      new_ids: np.ndarray, new_vectors: list[np.ndarray], new_facets: list[tuple],
                      new_counts: list) -> int:
    """Write vectors-<generation>/: the previous rows minus changed ones, plus the new rows (their
    vectors, facets and keyword features' term counts)."""
    from scipy import sparse

    kept_ids = np.zeros(0, dtype=np.int64)
    kept_vectors = np.zeros((0, DIMENSIONS), dtype=np.float16)
    kept_facets: list[tuple] = []
    kept_counts = [keywords.term_counts([])]
    previous_ann = None
    if previous_dir is not None:
        old_ids = np.load(previous_dir / "doc_ids.npy")
        keep = ~np.isin(old_ids, changed_ids)
        kept_ids = old_ids[keep]
        kept_vectors = np.load(previous_dir / "vectors.npy", mmap_mode="r")[keep]
        kept_facets = FacetRows.load(previous_dir / "facets.npz").take(np.flatnonzero(keep))
        kept_counts = [keywords.load_counts(previous_dir / keywords.FILE_NAME)[keep]]
        if (previous_dir / "ann.faiss").exists():
            import faiss

            previous_ann = faiss.read_index(str(previous_dir / "ann.faiss"))
    added = np.stack(new_vectors) if new_vectors else np.zeros((0, DIMENSIONS), dtype=np.float16)
    doc_ids = np.concatenate([kept_ids, new_ids])
    vectors = np.concatenate([kept_vectors, added])
    facets = kept_facets + new_facets
    order = np.argsort(doc_ids, kind="stable")
    doc_ids, vectors = doc_ids[order], vectors[order]
    facets = [facets[i] for i in order]
    counts = sparse.vstack(kept_counts + new_counts, format="csr")[order]

    temporary = index_dir / f"vectors-{generation:06d}.partial"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    np.save(temporary / "doc_ids.npy", doc_ids)
    np.save(temporary / "vectors.npy", vectors)
    FacetRows.from_values(facets).save(temporary / "facets.npz")
    keywords.save_counts(temporary / keywords.FILE_NAME, counts)
    keywords.save_features(temporary / keywords.FEATURES_DIR, keywords.KeywordFeatures.of(counts))
    if len(doc_ids) > EXACT_LIMIT:
        import faiss

        if previous_ann is not None:
            ann = build_ann(added.astype(np.float32), new_ids, previous=previous_ann, removed=changed_ids)
        else:
            ann = build_ann(vectors.astype(np.float32), doc_ids)
        faiss.write_index(ann, str(temporary / "ann.faiss"))
    for path in [*temporary.iterdir(), *(temporary / keywords.FEATURES_DIR).iterdir()]:
        if path.is_file():
            with open(path, "rb") as stream:
                os.fsync(stream.fileno())
    fsync_dir(temporary / keywords.FEATURES_DIR)
    final = index_dir / f"vectors-{generation:06d}"
    shutil.rmtree(final, ignore_errors=True)
    temporary.rename(final)
    fsync_dir(index_dir)
    return len(doc_ids)


@contextmanager
def _exclusive(index_dir: Path):
    with open(index_dir / "index.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"another `paperwire index` is updating {index_dir}; wait for it to finish") from None
        yield
