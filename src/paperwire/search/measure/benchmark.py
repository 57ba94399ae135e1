"""`paperwire bench search`: hybrid search latency, memory and build time, against a naive baseline.

Warm, one query at a time, query embedding included. The baseline, measured in the
same run on the same papers and vectors: exact numpy search over all float32 vectors
plus SQLite FTS5 (bm25, title weighted 2:1), fused the same way.

Corpora larger than the papers given are grown with generated variations of real
papers (their words shuffled, their dates and categories kept) whose vectors are
perturbed copies of the real paper's vector (cosine about 0.9 to it), so a million
papers need no embedding. Papers whose real vector is not stored yet get the same
treatment; the report says how many vectors are real.

Timing runs in a child process, so its memory figure is what a search worker needs.
"""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from paperwire.config import load_settings
from paperwire.search.embedder import DIMENSIONS, Embedder, document_text, text_hash
from paperwire.search.embedding_store import EmbeddingStore

REAL_VECTOR_MINIMUM = 1000
NOISE = 0.018  # per-dimension noise on unit vectors: cosine to the source about 0.9
SEED = 7


def run_benchmark(*, size: int = 0, data: Path | None = None, work_dir: Path | None = None, queries: int = 300,
                  progress: bool = True, from_home: Path | None = None) -> dict:
    from importlib.resources import files

    from paperwire.search.local.indexer import build_indexes
    from paperwire.store import open_catalog

    work_dir = Path(work_dir or f"/tmp/paperwire-bench-{size or 'sample'}")
    home = work_dir / "home"
    settings = load_settings(home=home, environ={})
    figures: dict = {"work_dir": str(work_dir)}
    if from_home and not (home / "catalog.db").exists():
        home.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(Path(from_home) / "catalog.db")
        source.execute(f"VACUUM INTO '{home / 'catalog.db'}'")
        source.close()
    catalog = open_catalog(settings.catalog_url)
    if catalog.count() == 0:
        from paperwire.importer import import_files

        path = data or Path(str(files("paperwire") / "sample" / "arxiv-sample.jsonl.gz"))
        import_files(catalog, [Path(path)], None, progress=progress)
    real_count = catalog.count()
    if size > real_count:
        _log(progress, f"generating {size - real_count} variations of real papers")
        _add_variations(catalog, size - real_count)
    figures["papers"] = catalog.count()

    with EmbeddingStore(catalog.engine) as store:  # the from-home's stored vectors came with its catalog
        # Which vectors are real is decided once, when the store is filled; later runs reuse it.
        counted = work_dir / "real-vectors.json"
        real = _fill_vectors(catalog, store, progress)
        if counted.exists() and real == figures["papers"]:
            real = json.loads(counted.read_text())["real_vectors"]
        else:
            counted.write_text(json.dumps({"real_vectors": real}))
        figures["real_vectors"] = real

    started = time.perf_counter()
    build_indexes(settings, catalog, progress=progress)
    figures["index_build_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    _build_fts(catalog, work_dir / "fts.db")
    figures["baseline_fts_build_s"] = round(time.perf_counter() - started, 1)
    catalog.engine.dispose()

    _log(progress, "timing queries in a fresh process")
    child = subprocess.run(
        [sys.executable, "-m", "paperwire.search.measure.benchmark", str(work_dir), str(queries)],
        capture_output=True, text=True, check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"benchmark worker failed:\n{child.stderr[-3000:]}")
    figures.update(json.loads(child.stdout.strip().splitlines()[-1]))
    return figures


def _log(enabled: bool, message: str) -> None:
    if enabled:
        print(message, file=sys.stderr, flush=True)


# ---- corpus growth -----------------------------------------------------------------------

def _add_variations(catalog, count: int) -> None:
    """Insert ``count`` generated papers straight into the tables (the importer is not what is timed)."""
    from sqlalchemy import insert, select

    from paperwire.store.schema import paper_authors, paper_categories, papers

    rng = random.Random(SEED)
    with catalog.engine.connect() as conn:
        sources = conn.execute(select(papers.c.title, papers.c.abstract, papers.c.authors, papers.c.categories,
                                      papers.c.primary_category, papers.c.listing_date, papers.c.code_links)
                               .where(papers.c.deleted.is_(False))).all()
        revision = (conn.execute(select(papers.c.revision).order_by(papers.c.revision.desc()).limit(1)).scalar() or 0) + 1
    now = datetime.now(timezone.utc)
    batch = 20_000
    made = 0
    while made < count:
        rows, cats, names = [], [], []
        for _ in range(min(batch, count - made)):
            made += 1
            title, abstract, authors, categories, primary, day, code = rng.choice(sources)
            title_words, abstract_words = title.split(), abstract.split()
            rng.shuffle(title_words)
            rng.shuffle(abstract_words)
            new_title = " ".join(title_words) + f" ({made})"
            paper_id = f"9{made // 100000:03d}.{made % 100000:05d}"
            rows.append(dict(id=paper_id, arxiv_id=paper_id, title_key=new_title.lower(), version=1, updated_date=day,
                             published_date=day, listing_date=day, title=new_title, abstract=" ".join(abstract_words),
                             authors=authors, authors_parsed=[], primary_category=primary, categories=categories,
                             classes=[], comment=None, journal_ref=None, doi=None, license=None, code_links=code,
                             extra={"variation_of": title[:80]}, source="bench", upvotes=rng.choice([0, 0, 0, 1, 3, 12]),
                             num_comments=0, trending_score=0.0, deleted=False, revision=revision, imported_at=now))
        with catalog.engine.begin() as conn:
            doc_ids = conn.execute(insert(papers).returning(papers.c.doc_id, sort_by_parameter_order=True),
                                   rows).scalars().all()
            for doc_id, row in zip(doc_ids, rows):
                cats += [{"doc_id": doc_id, "category": c, "is_primary": c == row["primary_category"]}
                         for c in dict.fromkeys(row["categories"])]
                names += [{"doc_id": doc_id, "position": i, "name": a, "name_key": a.lower()}
                          for i, a in enumerate(row["authors"][:20])]
            if cats:
                conn.execute(insert(paper_categories), cats)
            if names:
                conn.execute(insert(paper_authors), names)


def _fill_vectors(catalog, store: EmbeddingStore, progress: bool) -> int:
    """Give every paper a stored vector: real where known (or embeddable), else a perturbed real one."""
    rng = np.random.default_rng(SEED)
    missing = []
    real_count = 0
    for batch in catalog.changed_since(0, batch_size=20_000):
        live = [p for p in batch if not p.deleted]
        texts = {p.doc_id: document_text(p.paper) for p in live}
        digests = {d: text_hash(t) for d, t in texts.items()}
        have = store.hashes(list(digests))
        todo = [p for p in live if have.get(p.doc_id) != digests[p.doc_id]]
        known = {d for d in digests if have.get(d) == digests[d]}
        real_count += sum(1 for p in live if p.doc_id in known and p.paper.source != "bench")
        missing += todo
    if real_count < REAL_VECTOR_MINIMUM:
        embeddable = [p for p in missing if p.paper.source != "bench"][:REAL_VECTOR_MINIMUM - real_count]
        _log(progress, f"embedding {len(embeddable)} papers for real")
        vectors = Embedder().embed([document_text(p.paper) for p in embeddable])
        store.put((p.doc_id, text_hash(document_text(p.paper)), v) for p, v in zip(embeddable, vectors))
        real_count += len(embeddable)
        done = {p.doc_id for p in embeddable}
        missing = [p for p in missing if p.doc_id not in done]
    sample = []
    for batch in catalog.changed_since(0, batch_size=20_000):
        found = store.get([p.doc_id for p in batch[:200]])
        sample += [v for _, v in found.values()]
        if len(sample) > 5000:
            break
    pool = np.stack(sample) if sample else rng.standard_normal((10, DIMENSIONS)).astype(np.float32)
    _log(progress, f"{real_count} real vectors; generating {len(missing)}")
    for start in range(0, len(missing), 20_000):
        chunk = missing[start:start + 20_000]
        base = pool[rng.integers(0, len(pool), len(chunk))]
        vectors = base + rng.normal(0, NOISE, base.shape).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        store.put((p.doc_id, text_hash(document_text(p.paper)), v) for p, v in zip(chunk, vectors))
    return real_count


def _build_fts(catalog, path: Path) -> None:
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, abstract, cats)")
    for batch in catalog.changed_since(0, batch_size=20_000):
        db.executemany("INSERT INTO fts(rowid, title, abstract, cats) VALUES (?, ?, ?, ?)",
                       [(p.doc_id, p.paper.title, p.paper.abstract, " ".join(c.replace(".", "_") for c in p.paper.categories))
                        for p in batch if not p.deleted])
    db.commit()
    db.close()


# ---- the timing worker (a fresh process) ---------------------------------------------------

def _percentiles(samples: list[float]) -> dict:
    values = np.array(samples) * 1000
    return {"p50_ms": round(float(np.percentile(values, 50)), 2), "p95_ms": round(float(np.percentile(values, 95)), 2),
            "mean_ms": round(float(values.mean()), 2)}


def _rss_mb() -> tuple[float, float]:
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def query_texts(catalog, query_count: int) -> list[str]:
    """Queries as people type them: 2 to 4 consecutive words of real titles (the same every run)."""
    from sqlalchemy import select

    from paperwire.search.query import words
    from paperwire.store.schema import papers

    rng = random.Random(SEED)
    with catalog.engine.connect() as conn:
        real_ids = conn.execute(select(papers.c.doc_id).where(papers.c.source != "bench")
                                .order_by(papers.c.doc_id)).scalars().all()
    titles = [p.paper.title for p in catalog.by_doc_ids(rng.sample(real_ids, min(len(real_ids), query_count * 2)))]
    texts = []
    for title in titles:
        tokens = words(title)
        if len(tokens) >= 3:
            start = rng.randrange(0, len(tokens) - 2)
            texts.append(" ".join(tokens[start:start + rng.choice([2, 3, 4])]))
        if len(texts) >= query_count:
            break
    return texts


def one_percent_of(primary_counts: dict[str, int], papers: int) -> str:
    """The primary category closest to holding 1% of the papers: the filtered searches' filter."""
    return min(sorted(primary_counts), key=lambda name: abs(primary_counts[name] - papers / 100))


def time_searches(service, texts: list[str], filters) -> dict[str, list[float]]:
    """Seconds of each search (and of embedding each query alone), warm, one at a time."""
    for text in texts[:20]:  # warm up: model, caches, page cache
        service.search(text, limit=10)
        service.search(text, limit=10, filters=filters)
    timings: dict[str, list[float]] = {"hybrid": [], "hybrid_filtered": [], "keyword": [], "semantic": [],
                                       "query_embedding": []}
    for text in texts:
        for name, kwargs in (("hybrid", {}), ("hybrid_filtered", {"filters": filters}),
                             ("keyword", {"mode": "keyword"}), ("semantic", {"mode": "semantic"})):
            service.forget()  # every timing includes ranking afresh and embedding the query
            started = time.perf_counter()
            service.search(text, limit=10, **kwargs)
            timings[name].append(time.perf_counter() - started)
        service.embedder.forget_queries()
        started = time.perf_counter()
        service.embedder.embed_query(text)
        timings["query_embedding"].append(time.perf_counter() - started)
    return timings


def worker(work_dir: Path, query_count: int) -> dict:
    from paperwire.search.fuse import convex
    from paperwire.search.query import SearchFilters, parse_query, words
    from paperwire.search.service import SearchService
    from paperwire.store import open_catalog

    settings = load_settings(home=work_dir / "home", environ={})
    catalog = open_catalog(settings.catalog_url)
    service = SearchService(settings, catalog)
    indexes = service._indexes()
    doc_ids = indexes.vectors.doc_ids
    texts = query_texts(catalog, query_count)
    facets = indexes.facets
    counts = {name: int(np.count_nonzero(facets.primary == code)) for code, name in enumerate(facets.vocabulary)}
    one_percent = one_percent_of(counts, len(doc_ids))
    filters = SearchFilters(categories=(one_percent,), primary_only=True)
    timings = time_searches(service, texts, filters)
    rss, peak = _rss_mb()
    vector_dir = settings.index_dir / indexes.state.vectors_dir_name
    in_memory = (vector_dir / "doc_ids.npy").stat().st_size + (vector_dir / "facets.npz").stat().st_size
    ann = vector_dir / "ann.faiss"
    in_memory += ann.stat().st_size if ann.exists() else (vector_dir / "vectors.npy").stat().st_size * 2
    results = {
        "queries": len(texts),
        "filter_category": one_percent, "filter_share": round(counts[one_percent] / len(doc_ids), 4),
        "vector_index": "ivf-pq + exact rerank" if ann.exists() else "exact (float32 in memory)",
        "vector_memory_bytes_per_paper": round(in_memory / len(doc_ids), 1),
        "serving_rss_mb": round(rss, 1), "serving_peak_rss_mb": round(peak, 1),
    }
    results.update({name: _percentiles(samples) for name, samples in timings.items()})

    # Baseline: exact numpy over every float32 vector + SQLite FTS5, same fusion, same query embedding.
    matrix = np.load(vector_dir / "vectors.npy").astype(np.float32)
    fts = sqlite3.connect(work_dir / "fts.db")
    category_rows = np.flatnonzero(facets.primary == facets.vocabulary.index(one_percent))
    baseline: dict[str, list[float]] = {"hybrid": [], "hybrid_filtered": []}
    ours: dict[str, list[float]] = {"hybrid": [], "hybrid_filtered": []}
    for text in texts:
        parsed = parse_query(text)
        match = " OR ".join(f'"{w}"' for w in words(text))
        for name in ("hybrid", "hybrid_filtered"):
            service.embedder.forget_queries()
            started = time.perf_counter()
            vector = service.embedder.embed_query(text)
            if name == "hybrid":
                scores = matrix @ vector
                top = np.argpartition(-scores, 100)[:100]
                semantic = [(int(doc_ids[i]), float(scores[i])) for i in top]
                rows = fts.execute("SELECT rowid, -bm25(fts, 2.0, 1.0, 0.0) FROM fts WHERE fts MATCH ? "
                                   "ORDER BY bm25(fts, 2.0, 1.0, 0.0) LIMIT 100",
                                   (f"{{title abstract}}: ({match})",)).fetchall()
            else:
                scores = matrix[category_rows] @ vector
                top = np.argsort(-scores)[:100]
                semantic = [(int(doc_ids[category_rows[i]]), float(scores[i])) for i in top]
                rows = fts.execute("SELECT rowid, -bm25(fts, 2.0, 1.0, 0.0) FROM fts WHERE fts MATCH ? "
                                   "ORDER BY bm25(fts, 2.0, 1.0, 0.0) LIMIT 100",
                                   (f"{{title abstract}}: ({match}) AND cats: \"{one_percent.replace('.', '_')}\"",)
                                   ).fetchall()
            convex(rows, semantic)[:10]
            baseline[name].append(time.perf_counter() - started)
            service.embedder.forget_queries()
            started = time.perf_counter()
            service.rank(indexes, parsed if name == "hybrid" else parse_query(f"{text} primary:{one_percent}"),
                         100, "hybrid")
            ours[name].append(time.perf_counter() - started)
            service.embedder.forget_queries()
    results["retrieval_only"] = {"paperwire": {k: _percentiles(v) for k, v in ours.items()},
                                 "baseline_numpy_fts5": {k: _percentiles(v) for k, v in baseline.items()}}
    return results


if __name__ == "__main__":
    print(json.dumps(worker(Path(sys.argv[1]), int(sys.argv[2]))))
