"""`paperwire eval beir`: nDCG@10 and recall@100 of each retrieval mode on a BEIR dataset.

The corpus goes into a temporary catalog with its own indexes (the user's are never
touched), or into a work directory kept between runs: there the corpus is imported and
embedded once, and the indexes are rebuilt each run from the stored vectors, so they
always follow the current code (a rerun takes seconds, not minutes). nDCG@10 uses linear
gain over the qrels, as trec_eval's ndcg_cut does (what BEIR and MTEB report). Tune only on
a train split.

With a PostgreSQL server's URL, the corpus (embedded once in the work directory, as above) is
copied into a database of its own on that server and searched there as search_backend =
"postgres" searches; the database is dropped when the run ends.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import tempfile
import time
from pathlib import Path
from typing import Callable

from paperwire.config import Settings, load_settings

MODES = ("keyword", "semantic", "hybrid")
DEPTH = 100
CORPUS_MARKER = "beir-corpus.txt"  # in a work directory: the corpus it was made from


class BeirError(ValueError):
    """The directory is not a usable BEIR dataset."""


def load_queries(directory: Path) -> dict[str, str]:
    path = directory / "queries.jsonl"
    if not path.is_file():
        raise BeirError(f"{path} not found: a BEIR dataset has corpus.jsonl, queries.jsonl and qrels/<split>.tsv")
    queries = {}
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            if line.strip():
                record = json.loads(line)
                queries[str(record["_id"])] = record.get("text") or ""
    return queries


def load_qrels(directory: Path, split: str) -> dict[str, dict[str, int]]:
    path = directory / "qrels" / f"{split}.tsv"
    if not path.is_file():
        available = ", ".join(sorted(p.stem for p in (directory / "qrels").glob("*.tsv"))) or "none"
        raise BeirError(f"{path} not found; splits available: {available}")
    qrels: dict[str, dict[str, int]] = {}
    with open(path, encoding="utf-8", newline="") as stream:
        rows = csv.reader(stream, delimiter="\t")
        next(rows, None)  # header: query-id corpus-id score
        for row in rows:
            if len(row) >= 3 and row[0].strip():
                qrels.setdefault(row[0].strip(), {})[row[1].strip()] = int(row[2])
    return qrels


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    """nDCG@k with linear gain (trec_eval ndcg_cut)."""
    dcg = sum(relevant.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    idcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = 100) -> float:
    wanted = {doc for doc, gain in relevant.items() if gain > 0}
    return len(wanted & set(ranked[:k])) / len(wanted) if wanted else 0.0


def evaluate(directory: Path, split: str, *, progress: bool = True, work_dir: Path | None = None,
             database_url: str | None = None) -> dict:
    """Scores of every mode; builds a temporary catalog and indexes (or uses ``work_dir``). With
    ``database_url`` (a PostgreSQL server), searches run inside it, as search_backend = "postgres"
    runs them, in a database of their own, dropped afterwards."""
    directory = Path(directory)
    queries = load_queries(directory)
    qrels = load_qrels(directory, split)
    if not (directory / "corpus.jsonl").is_file():
        raise BeirError(f"{directory / 'corpus.jsonl'} not found")
    with tempfile.TemporaryDirectory(prefix="paperwire-beir-") as temporary:
        home = Path(work_dir or temporary)
        rankings, seconds, documents, embedded = _rank_all(directory, home, queries, qrels, progress, database_url)
    figures: dict = {"dataset": directory.name, "split": split, "backend": "postgres" if database_url else "local",
                     "queries": len(rankings["hybrid"]),
                     "documents": documents, "embedded": embedded, "seconds_per_query": seconds}
    for mode in MODES:
        ranked = rankings[mode]
        figures[mode] = {
            "ndcg@10": round(sum(ndcg_at(ranked[q], qrels[q]) for q in ranked) / max(len(ranked), 1), 4),
            "recall@100": round(sum(recall_at(ranked[q], qrels[q]) for q in ranked) / max(len(ranked), 1), 4),
        }
    return figures


def _rank_all(directory: Path, home: Path, queries: dict[str, str], qrels: dict, progress: bool,
              database_url: str | None) -> tuple[dict[str, dict[str, list[str]]], int, int, dict]:
    from paperwire.importer import import_files
    from paperwire.search.embedder import Embedder
    from paperwire.search.embedding_job import embed_catalog
    from paperwire.search.embedding_store import EmbeddingStore
    from paperwire.search.local.indexer import build_indexes
    from paperwire.store import open_catalog

    _claim_work_dir(home, directory)
    settings = load_settings(home=home, environ={})
    catalog = open_catalog(settings.catalog_url)
    try:
        if catalog.count() == 0:
            import_files(catalog, [directory / "corpus.jsonl"], "beir", progress=progress)
        beir_ids = _beir_ids(catalog)
        documents = catalog.count()
        if database_url is None:
            embedded = build_indexes(settings, catalog, rebuild=True, progress=progress).embedded
            return _rank_with(settings, catalog, queries, qrels, beir_ids, progress) + (documents, embedded)
        # The corpus is embedded once in the work directory's SQLite catalog, then copied (vectors too).
        embedded = embed_catalog(catalog, EmbeddingStore(catalog.engine), Embedder(), progress=progress)
    finally:
        catalog.engine.dispose()
    return _rank_in_postgres(settings, queries, qrels, beir_ids, progress, database_url) + (documents, embedded)


def _rank_in_postgres(local: Settings, queries: dict[str, str], qrels: dict, beir_ids: dict[int, str],
                      progress: bool, database_url: str) -> tuple[dict, dict]:
    """Rankings from search inside PostgreSQL, in a database of its own on that server, dropped after."""
    from paperwire.search.backends import index_search
    from paperwire.search.measure.scratch_database import scratch_database
    from paperwire.store import open_catalog
    from paperwire.store.copy import copy_catalog

    with scratch_database(database_url, "paperwire_beir") as url:
        copy_catalog(local.home / "catalog.db", url)
        settings = dataclasses.replace(local, database_url=url, search_backend="postgres")
        catalog = open_catalog(url)
        try:
            index_search(settings, catalog, progress=progress)
            return _rank_with(settings, catalog, queries, qrels, beir_ids, progress)
        finally:
            catalog.engine.dispose()


def _rank_with(settings: Settings, catalog, queries: dict[str, str], qrels: dict, beir_ids: dict[int, str],
               progress: bool) -> tuple[dict, dict]:
    """Each mode's ranking of every judged query, and its mean seconds per query."""
    from paperwire.search.backends import open_search
    from paperwire.search.query import parse_query

    service = open_search(settings, catalog)
    indexes = service._indexes()
    rankings: dict[str, dict[str, list[str]]] = {mode: {} for mode in MODES}
    timings = {mode: 0.0 for mode in MODES}
    judged = [q for q in queries if q in qrels]
    for query_id in _progress(judged, progress, "queries"):
        parsed = parse_query(queries[query_id])
        for mode in MODES:
            started = time.perf_counter()
            ranked, _ = service.rank(indexes, parsed, DEPTH, mode)
            timings[mode] += time.perf_counter() - started
            rankings[mode][query_id] = [beir_ids[d] for d, _ in ranked if d in beir_ids]
    return rankings, {mode: round(t / max(len(judged), 1), 4) for mode, t in timings.items()}


def _claim_work_dir(home: Path, directory: Path) -> None:
    """A work directory holds one corpus: scoring another's queries against it would mean nothing."""
    marker = home / CORPUS_MARKER
    corpus = str((directory / "corpus.jsonl").resolve())
    if marker.is_file() and marker.read_text("utf-8").strip() != corpus:
        raise BeirError(f"{home} holds the corpus {marker.read_text('utf-8').strip()}, not {corpus}: "
                        "give each dataset its own --work-dir")
    home.mkdir(parents=True, exist_ok=True)
    marker.write_text(corpus + "\n", "utf-8")


def _beir_ids(catalog) -> dict[int, str]:
    ids: dict[int, str] = {}
    for batch in catalog.changed_since(0):
        for stored in batch:
            beir_id = stored.paper.extra.get("beir_id")
            if beir_id is not None and not stored.deleted:
                ids[stored.doc_id] = str(beir_id)
    return ids


def _progress(items: list, enabled: bool, label: str) -> Callable:
    from tqdm import tqdm

    return tqdm(items, desc=label, disable=not enabled)
