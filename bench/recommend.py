"""Recommender benchmark: an author hold-out on the arxiv-88k corpus, paperwire's model beside
three baselines, and the time to train and rank for 10,000 readers.

For every author with at least 5 papers listed before a cut-off date, those papers are the
library; every paper listed in the 4 weeks after the cut-off is a candidate; the author's own
later papers among them are the relevant ones (authors with none are skipped). Author names
are never a feature: every method sees titles, abstracts, vectors, dates and categories only.

    python bench/recommend.py --data ../shared/data/arxiv-88k.jsonl.gz --json
    python bench/recommend.py --data ../shared/data/arxiv-88k.jsonl.gz --authors 300   # quicker

Derived data (parsed records, aligned vectors, the baseline's tf-idf features) is cached under --cache-dir.
Figures go to docs/benchmarks.md ("## Recommendations").
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from paperwire.rank import keywords
from paperwire.rank.model import BACKGROUND_SIZE, Background, Candidates, train
from paperwire.search.embedder import DOCUMENT_MAX_TOKENS, document_text, text_hash
from paperwire.sources.arxiv_jsonl import paper_from_record
from paperwire.store.catalog import name_key

K = 20
WEEKS = 4
MIN_LIBRARY = 5
SANITY_NEGATIVES = 10_000  # pre-cut-off papers beside library and candidates in the SVM's fitted set
SYNTHETIC_READERS = 10_000
WINDOW_DAYS = 7  # the For-you window the synthetic readers are ranked over


@dataclass
class Corpus:
    ids: list[str]
    texts: list[str]  # title and abstract, for tf-idf
    days: np.ndarray  # listing day as days since 1970
    authors: list[list[str]]  # name keys: who wrote it, for the hold-out only
    categories: list[list[str]]
    vectors: np.ndarray  # unit float32, one row a paper


def load_corpus(data: Path, cache: Path) -> Corpus:
    """The papers that have a stored vector, in file order, parsed once and then read from the cache."""
    stat = data.stat()
    key = hashlib.sha1(f"{data.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    meta_path, vectors_path = cache / f"corpus-{key}.json.gz", cache / f"corpus-{key}.vectors.npy"
    if meta_path.exists() and vectors_path.exists():
        meta = json.loads(gzip.decompress(meta_path.read_bytes()))
        return Corpus(meta["ids"], meta["texts"], np.array(meta["days"]), meta["authors"], meta["categories"],
                      np.load(vectors_path))
    bundle = np.load(data.with_name(data.name.replace(".jsonl.gz", ".vectors.npz")))
    by_hash = {h.tobytes(): i for i, h in enumerate(bundle["hashes"])}
    stored = bundle["vectors"]
    meta = {"ids": [], "texts": [], "days": [], "authors": [], "categories": []}
    rows = []
    with gzip.open(data, "rt", encoding="utf-8") as lines:
        for line in lines:
            paper = paper_from_record(json.loads(line))
            row = by_hash.get(text_hash(document_text(paper), DOCUMENT_MAX_TOKENS))
            if row is None or paper.listing_date is None:
                continue
            rows.append(row)
            meta["ids"].append(paper.id)
            meta["texts"].append(keywords.text_of(paper))
            meta["days"].append(paper.listing_date.toordinal())
            meta["authors"].append(sorted({name_key(a) for a in paper.authors}))
            meta["categories"].append(list(paper.categories))
    vectors = stored[np.array(rows)].astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    cache.mkdir(parents=True, exist_ok=True)
    meta_path.write_bytes(gzip.compress(json.dumps(meta).encode()))
    np.save(vectors_path, vectors)
    return load_corpus(data, cache)


def tfidf_features(corpus: Corpus, cache: Path, key: str):
    """arxiv-sanity-lite's features (compute.py), on title and abstract only (no author names)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    path = cache / f"tfidf-{key}.npz"
    if path.exists():
        return sparse.load_npz(path)
    vectorizer = TfidfVectorizer(input="content", encoding="utf-8", decode_error="replace", strip_accents="unicode",
                                 lowercase=True, analyzer="word", stop_words="english",
                                 token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b", ngram_range=(1, 2),
                                 max_features=20_000, norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True,
                                 max_df=0.5, min_df=5)
    features = vectorizer.fit_transform(corpus.texts).astype(np.float32).tocsr()
    sparse.save_npz(path, features)
    return features


@dataclass
class Holdout:
    cutoff: date
    candidates: np.ndarray  # corpus rows listed in the 4 weeks from the cut-off
    tests: list[tuple[np.ndarray, set[int]]]  # (library rows, oldest first; relevant candidate positions)
    eligible: int  # authors meeting the rule, before sampling


def author_holdout(corpus: Corpus, cutoff: date, max_authors: int, seed: int) -> Holdout:
    start, end = cutoff.toordinal(), (cutoff + timedelta(weeks=WEEKS)).toordinal()
    candidates = np.flatnonzero((corpus.days >= start) & (corpus.days < end))
    position = {int(row): i for i, row in enumerate(candidates)}
    before: dict[str, list[int]] = {}
    after: dict[str, set[int]] = {}
    for row, names in enumerate(corpus.authors):
        day = corpus.days[row]
        for name in names:
            if day < start:
                before.setdefault(name, []).append(row)
            elif day < end:
                after.setdefault(name, set()).add(position[row])
    eligible = sorted(name for name, rows in before.items() if len(rows) >= MIN_LIBRARY and name in after)
    chosen = np.random.default_rng(seed).permutation(len(eligible))[:max_authors]
    tests = []
    for i in sorted(chosen):
        rows = np.array(before[eligible[i]])
        tests.append((rows[np.argsort(corpus.days[rows], kind="stable")], after[eligible[i]]))
    return Holdout(cutoff, candidates, tests, len(eligible))


def default_cutoff(corpus: Corpus) -> date:
    """The latest cut-off whose 4 following weeks the corpus holds."""
    return date.fromordinal(int(corpus.days.max()) + 1) - timedelta(weeks=WEEKS)


# ---- the methods: each maps (library rows, oldest first) to scores of the candidates -------

@dataclass
class KeywordBuild:
    """The product's keyword features of the whole corpus, as `paperwire index` builds them, and their cost."""

    features: keywords.KeywordFeatures
    count_seconds: float  # counting terms (the index run does this for changed papers only)
    weigh_seconds: float  # tf-idf from the counts (on loading an index generation)
    stored_bytes: int  # the counts as the index stores them

    @classmethod
    def of(cls, corpus: Corpus, cache: Path) -> "KeywordBuild":
        started = time.perf_counter()
        counts = keywords.term_counts(corpus.texts)
        counted = time.perf_counter()
        features = keywords.KeywordFeatures.of(counts)
        weighed = time.perf_counter()
        cache.mkdir(parents=True, exist_ok=True)
        keywords.save_counts(cache / keywords.FILE_NAME, counts)
        return cls(features, counted - started, weighed - counted, (cache / keywords.FILE_NAME).stat().st_size)


def empty_rows(rows: int, columns: int):
    from scipy import sparse

    return sparse.csr_matrix((rows, columns), dtype=np.float32)


class Paperwire:
    """The product's model (paperwire.rank.model), negatives sampled from before the cut-off."""

    def __init__(self, corpus: Corpus, features: keywords.KeywordFeatures, holdout: Holdout, seed: int):
        earlier = np.flatnonzero(corpus.days < holdout.cutoff.toordinal())
        sample = np.random.default_rng(seed).choice(earlier, size=BACKGROUND_SIZE, replace=False)
        self.background = Background.of(corpus.vectors[sample], features.rows[sample])
        self.vectors, self.keywords = corpus.vectors, features.rows
        self.candidates = Candidates.of(corpus.vectors[holdout.candidates], features.rows[holdout.candidates],
                                        self.background, features.rarity)
        self.train_seconds: list[float] = []

    def __call__(self, library: np.ndarray) -> np.ndarray:
        started = time.perf_counter()
        model = train(self.vectors[library], np.empty((0, self.vectors.shape[1])), self.background,
                      self.keywords[library], empty_rows(0, self.keywords.shape[1]))
        self.train_seconds.append(time.perf_counter() - started)
        return model.scores(self.candidates)


class ArxivSanityLite:
    """serve.py's svm_rank: LinearSVC on tf-idf, the library positive, the rest of the fitted set negative."""

    def __init__(self, features, corpus: Corpus, holdout: Holdout, seed: int):
        earlier = np.flatnonzero(corpus.days < holdout.cutoff.toordinal())
        self.others = np.random.default_rng(seed).choice(earlier, size=min(SANITY_NEGATIVES, len(earlier)),
                                                         replace=False)
        self.features, self.candidates = features, holdout.candidates

    def __call__(self, library: np.ndarray) -> np.ndarray:
        from sklearn.svm import LinearSVC

        fitted = np.unique(np.concatenate([library, self.candidates, self.others]))
        y = np.isin(fitted, library).astype(np.float32)
        classifier = LinearSVC(class_weight="balanced", max_iter=10000, tol=1e-6, C=0.01)
        classifier.fit(self.features[fitted], y)
        return classifier.decision_function(self.features[self.candidates])


class ZoteroArxivDaily:
    """Mean similarity to the library, weighted by recency rank (newest first): w_i = 1/(1+log10(i+1))."""

    def __init__(self, corpus: Corpus, holdout: Holdout):
        self.vectors, self.candidates = corpus.vectors, corpus.vectors[holdout.candidates]

    def __call__(self, library: np.ndarray) -> np.ndarray:
        newest_first = library[::-1]
        weights = 1.0 / (1.0 + np.log10(np.arange(len(newest_first)) + 1.0))
        return (self.candidates @ self.vectors[newest_first].T) @ (weights / weights.sum())


class RecentInCategories:
    """The newest candidates in any of the library's categories first (arXiv ids break ties)."""

    def __init__(self, corpus: Corpus, holdout: Holdout):
        self.corpus, self.candidates = corpus, holdout.candidates
        order = sorted(range(len(holdout.candidates)),
                       key=lambda i: (corpus.days[holdout.candidates[i]], corpus.ids[holdout.candidates[i]]))
        self.recency = np.empty(len(order))
        self.recency[order] = np.arange(len(order)) / len(order)

    def __call__(self, library: np.ndarray) -> np.ndarray:
        wanted = {c for row in library for c in self.corpus.categories[row]}
        inside = np.array([bool(wanted.intersection(self.corpus.categories[row])) for row in self.candidates])
        return self.recency + inside


# ---- metrics ----------------------------------------------------------------------------

def metrics(scores: np.ndarray, relevant: set[int]) -> tuple[float, float, float]:
    """recall@K, nDCG@K (binary gain) and the reciprocal rank of the first relevant candidate."""
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(1, len(order) + 1)
    found = sorted(int(ranks[i]) for i in relevant)
    hits = [r for r in found if r <= K]
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), K)))
    return len(hits) / len(relevant), sum(1.0 / math.log2(r + 1) for r in hits) / ideal, 1.0 / found[0]


def evaluate(methods: dict, holdout: Holdout) -> dict:
    results = {}
    for name, method in methods.items():
        started = time.perf_counter()
        figures = np.array([metrics(method(library), relevant) for library, relevant in holdout.tests])
        recall, ndcg, mrr = figures.mean(axis=0)
        results[name] = {"recall@20": round(float(recall), 4), "ndcg@20": round(float(ndcg), 4),
                         "mrr": round(float(mrr), 4), "seconds": round(time.perf_counter() - started, 1)}
        print(f"{name}: {results[name]}", file=sys.stderr)
    return results


def batch_ranking(corpus: Corpus, features: keywords.KeywordFeatures, readers: int, seed: int) -> dict:
    """Train and rank For-you lists for ``readers`` synthetic readers (random libraries of 5-50
    papers) over the corpus's last WINDOW_DAYS days, as digest composing does."""
    rng = np.random.default_rng(seed)
    sample = rng.choice(len(corpus.vectors), BACKGROUND_SIZE, replace=False)
    background = Background.of(corpus.vectors[sample], features.rows[sample])
    recent = np.flatnonzero(corpus.days > corpus.days.max() - WINDOW_DAYS)
    window = Candidates.of(corpus.vectors[recent], features.rows[recent], background, features.rarity)
    no_dismissals = np.empty((0, corpus.vectors.shape[1]), dtype=np.float32)
    no_dismissed_keywords = empty_rows(0, features.rows.shape[1])
    libraries = [rng.choice(len(corpus.vectors), size=rng.integers(5, 51), replace=False) for _ in range(readers)]
    started = time.perf_counter()
    for library in libraries:
        train(corpus.vectors[library], no_dismissals, background, features.rows[library],
              no_dismissed_keywords).best(window, K)
    return {"readers": readers, "candidates": len(window), "seconds": round(time.perf_counter() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="arxiv-88k.jsonl.gz (its .vectors.npz beside it)")
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "paperwire-bench")
    parser.add_argument("--cutoff", type=date.fromisoformat, help="default: 4 weeks before the corpus ends")
    parser.add_argument("--authors", type=int, default=1000, help="test authors sampled at most")
    parser.add_argument("--readers", type=int, default=SYNTHETIC_READERS, help="synthetic readers for the timing")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    load_before = os.getloadavg()
    corpus = load_corpus(args.data, args.cache_dir)
    features = tfidf_features(corpus, args.cache_dir, hashlib.sha1("".join(corpus.ids).encode()).hexdigest()[:12])
    built = KeywordBuild.of(corpus, args.cache_dir)
    holdout = author_holdout(corpus, args.cutoff or default_cutoff(corpus), args.authors, args.seed)
    ours = Paperwire(corpus, built.features, holdout, args.seed)
    methods = {"paperwire": ours, "arxiv-sanity-lite": ArxivSanityLite(features, corpus, holdout, args.seed),
               "zotero-arxiv-daily": ZoteroArxivDaily(corpus, holdout),
               "recent-in-categories": RecentInCategories(corpus, holdout)}
    results = evaluate(methods, holdout)
    training = np.array(ours.train_seconds) * 1000
    report = {
        "methods": results,
        "cutoff": holdout.cutoff.isoformat(), "papers": len(corpus.ids), "candidates": len(holdout.candidates),
        "eligible_authors": holdout.eligible, "test_authors": len(holdout.tests),
        "mean_library": round(float(np.mean([len(lib) for lib, _ in holdout.tests])), 1),
        "mean_relevant": round(float(np.mean([len(rel) for _, rel in holdout.tests])), 2),
        "train_ms": {"p50": round(float(np.percentile(training, 50)), 2),
                     "p95": round(float(np.percentile(training, 95)), 2)},
        "batch": batch_ranking(corpus, built.features, args.readers, args.seed),
        "keyword_features": {"count_seconds": round(built.count_seconds, 1),
                             "weigh_seconds": round(built.weigh_seconds, 1),
                             "stored_mb": round(built.stored_bytes / 2**20, 1)},
        "seconds": round(time.perf_counter() - started, 1),
        "load_average": {"before": [round(x, 2) for x in load_before],
                         "after": [round(x, 2) for x in os.getloadavg()]},
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
