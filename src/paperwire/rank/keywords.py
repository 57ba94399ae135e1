"""Keyword features: the wording of each paper's title and abstract as a sparse tf-idf row.

Authors reuse their wording (a method's name, an instrument, a data set), which sentence
embeddings blur and word features keep. Terms are words and word pairs, hashed into a fixed
number of columns (no vocabulary to store or to keep in step between index generations), so a
paper's row depends on its own text only and an index update recounts only what changed.
Weights are computed from the counts when an index generation is written: sublinear term frequency
times idf, terms in fewer than MIN_PAPERS papers or in more than MAX_SHARE of them dropped (a
term only one paper uses cannot match another; one half of them use says nothing), rows
scaled to unit length. Chosen on bench/recommend.py's author hold-out (300 authors: 20k
frequent terms as arxiv-sanity-lite keeps 0.222 recall@20, every term in two papers or more 0.262).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

COLUMNS = 2 ** 22  # hashed terms: about 1.2M distinct ones in 88k arXiv abstracts, few collisions
MIN_PAPERS = 2
MAX_SHARE = 0.5
# A rare term: in at most this share of the papers (20 of the 88k), and in MIN_PAPERS at least.
RARE_SHARE = 20 / 88_854
FILE_NAME = "keywords.npz"
# The weighted features as plain arrays beside the counts: processes map them instead of
# weighing the counts again (88k papers: 1.9 s and 166 MB each, now shared through the page cache).
FEATURES_DIR = "keyword-features"
_FEATURE_ARRAYS = ("data", "indices", "indptr", "rarity")

_VECTORIZER = HashingVectorizer(
    n_features=COLUMNS, alternate_sign=False, norm=None, dtype=np.float32, lowercase=True,
    strip_accents="unicode", stop_words="english", ngram_range=(1, 2),
    token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",  # arxiv-sanity-lite's: no bare numbers
)
_TERMS = _VECTORIZER.build_analyzer()
_HASHER = FeatureHasher(n_features=COLUMNS, input_type="string", alternate_sign=False)


def text_of(paper) -> str:
    """What a paper's keyword features are counted from: its title and abstract."""
    return f"{paper.title} {paper.abstract}"


def term_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """How often each hashed term occurs in each text (one row a text)."""
    if not texts:
        return sparse.csr_matrix((0, COLUMNS), dtype=np.uint16)
    counts = _VECTORIZER.transform(texts).astype(np.uint16).tocsr()
    counts.sort_indices()
    return counts


def terms_with_columns(text: str) -> dict[str, int]:
    """The terms of ``text`` as the features count them, each with its column."""
    terms = sorted(set(_TERMS(text)))
    if not terms:
        return {}
    columns = _HASHER.transform([[term] for term in terms]).indices
    return dict(zip(terms, columns.tolist()))


def save_counts(path: Path, counts: sparse.csr_matrix) -> None:
    sparse.save_npz(path, counts.tocsr(), compressed=True)


def load_counts(path: Path) -> sparse.csr_matrix:
    return sparse.load_npz(path).tocsr()


def save_features(directory: Path, features: "KeywordFeatures") -> None:
    """``features`` as .npy files in ``directory`` (made here), for features_in to map."""
    directory.mkdir()
    arrays = (features.rows.data, features.rows.indices, features.rows.indptr, features.rarity)
    for name, array in zip(_FEATURE_ARRAYS, arrays):
        np.save(directory / f"{name}.npy", array)


def features_in(index_dir: Path) -> "KeywordFeatures":
    """The keyword features of an index generation's directory: mapped read-only where saved
    weighted, else (a generation written before they were) weighed from its counts."""
    directory = index_dir / FEATURES_DIR
    if not directory.is_dir():
        return KeywordFeatures.of(load_counts(index_dir / FILE_NAME))
    data, indices, indptr, rarity = (np.load(directory / f"{name}.npy", mmap_mode="r") for name in _FEATURE_ARRAYS)
    rows = sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, COLUMNS), copy=False)
    rows.has_sorted_indices = True  # as saved: checking would read every page
    return KeywordFeatures(rows, rarity)


@dataclass(frozen=True)
class KeywordFeatures:
    """Unit-length tf-idf rows, one a paper, in the order of the counts they were made from."""

    rows: sparse.csr_matrix
    rarity: np.ndarray  # each column's log(papers / papers holding it) where its term is rare, else 0

    @classmethod
    def of(cls, counts: sparse.csr_matrix) -> "KeywordFeatures":
        papers = counts.shape[0]
        holding = np.bincount(counts.indices, minlength=counts.shape[1])
        idf = (np.log((1.0 + papers) / (1.0 + holding)) + 1.0).astype(np.float32)
        idf[(holding < MIN_PAPERS) | (holding > MAX_SHARE * papers)] = 0.0
        # Counts are small integers: their sublinear weights are looked up, not computed 20M times
        # (with idf in float32: 1.9 -> 0.4 s for the 88k corpus, in every process that ranks).
        tf = np.zeros(int(counts.data.max(initial=0)) + 1, dtype=np.float32)
        tf[1:] = 1.0 + np.log(np.arange(1, len(tf), dtype=np.float32))
        # Copies of the counts' index arrays: eliminate_zeros() compacts them in place, and on
        # the counts' own it corrupted them.
        weighted = sparse.csr_matrix((tf[counts.data] * idf[counts.indices], counts.indices.copy(),
                                      counts.indptr.copy()), shape=counts.shape)
        weighted.eliminate_zeros()
        rare = (holding >= MIN_PAPERS) & (holding <= max(MIN_PAPERS, RARE_SHARE * papers))
        rarity = np.zeros(counts.shape[1], dtype=np.float32)
        rarity[rare] = np.log(papers / holding[rare])
        return cls(normalize(weighted, norm="l2", copy=False) if papers else weighted, rarity)

    def __len__(self) -> int:
        return self.rows.shape[0]
