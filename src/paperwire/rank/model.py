"""A reader's model over paper embeddings and keyword features: what they kept against what
they did not. Pure numpy and scipy.

A reader's positives (upvoted, saved, collected papers) are told apart from their dismissals
("not interested", weighted) and from random papers of the catalog (the background, shared by
every reader, as Scholar Inbox samples negatives) twice over:

- by a ridge-regularised least-squares linear model on the unit-length MiniLM vectors. Its
  normal equations need the background's Gram matrix, computed once for all readers:
  training one reader costs a 385 x 385 solve;
- by the same least squares on the papers' tf-idf rows (rank/keywords.py), solved in its dual
  (millions of hashed terms, some hundreds of papers): a (papers + background)-sized solve over
  their cosines, the background's among themselves computed once.

A candidate's score fuses, as z-scores over the candidates ranked, the embedding model's score
(its linear score plus how close the candidate is to the reader's nearest positive: readers
keep several interests, and one direction averages them away), the keyword model's score and
the candidate's tf-idf cosine to the nearest positive, and the rare terms it shares with the
positives (in at most 20 of 88k papers: a method's or a data set's name), their rarity summed;
closeness to the nearest dismissal, and rare terms shared with dismissals, count against. The
constants below were chosen on
bench/recommend.py's author hold-out (300 authors, recall@20: embeddings alone 0.170, keywords
alone 0.259, fused 0.279; RIDGE 0.01 gains 0.004 there but overfits a small catalog).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

BACKGROUND_SIZE = 500  # random papers every reader's model is told apart from
RIDGE = 0.05  # the regulariser, against positive and background weights of 1 each in total
KEYWORD_RIDGE = 0.003  # the keyword model's (0.001 and 0.01 measured worse fused)
DISMISSED_WEIGHT = 3.0  # a "not interested" counts as much as three positives
NEAREST = 1  # the positives a candidate's closeness is averaged over (1: its nearest; 2 and 3 measured worse)
NEAREST_WEIGHT = 3.0  # closeness against the linear score
KEYWORD_WEIGHT = 2.0  # the keyword model's z-score against the embedding model's
KEYWORD_NEAREST_WEIGHT = 1.0  # the tf-idf cosine to the nearest positive's z-score
# The rare terms a candidate shares with the positives: their summed rarity's z-score. Every weight
# 0.1-0.3, rare meaning 15-25 of 88k papers, gained recall@20 on each of three author samples
# (0.001-0.012 on the benchmark's 1,000 and on two others of 600); 0.5 lost.
RARE_WEIGHT = 0.2
_MAYBE_RARE_SLOTS = 2 ** 20  # a table this size stays in a core's cache; 4M hashed columns fold onto it
DENSE_ROWS = 64  # tf-idf rows made dense at once: a reader's 500 papers over their ~30k terms would be 60 MB


def _with_bias(vectors: np.ndarray) -> np.ndarray:
    return np.hstack([vectors.astype(np.float32, copy=False), np.ones((len(vectors), 1), dtype=np.float32)])


def _compact(rows: sparse.csr_matrix) -> tuple[np.ndarray, sparse.csr_matrix]:
    """The terms (columns) any of ``rows`` holds, and the rows over those columns only: products
    with them then never walk the millions of hashed columns."""
    columns, inverse = np.unique(rows.indices, return_inverse=True)
    return columns, sparse.csr_matrix((rows.data, inverse.astype(np.int32), rows.indptr),
                                      shape=(rows.shape[0], len(columns)))


def _columns_held(compact: sparse.csr_matrix, terms: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The columns (of ``terms``) that rows ``start`` to ``stop`` of ``compact`` hold, in order
    (counted: np.unique took ~1 ms a call)."""
    used = compact.indices[compact.indptr[start]:compact.indptr[stop]]
    return terms[np.bincount(used, minlength=len(terms)) > 0]


def _cosines(by_term: sparse.csr_matrix, columns: np.ndarray, compact: sparse.csr_matrix) -> np.ndarray:
    """Dense (papers of ``by_term``) x (rows of ``compact``) tf-idf cosines.

    ``compact``'s rows are made dense (DENSE_ROWS at a time) and multiplied by the sparse papers: a
    sparse x sparse product spent most of its time building a sparse result that is dense anyway
    (1,747 candidates x 44 papers: 2.3 -> 0.9 ms)."""
    if compact.shape[0] <= DENSE_ROWS:
        return by_term[columns].T @ compact.toarray().T
    cosines = np.empty((by_term.shape[1], compact.shape[0]), dtype=np.result_type(by_term.dtype, compact.dtype))
    for start in range(0, compact.shape[0], DENSE_ROWS):
        used, block = _compact(compact[start:start + DENSE_ROWS])
        cosines[:, start:start + block.shape[0]] = by_term[columns[used]].T @ block.toarray().T
    return cosines


def _z(scores: np.ndarray) -> np.ndarray:
    spread = scores.std()
    return (scores - scores.mean()) / spread if spread > 0 else np.zeros_like(scores)


@dataclass(frozen=True)
class Background:
    """Random papers: the negatives every reader shares, with what training needs of them computed once."""

    inverse: np.ndarray  # of (mean of z z^T over the papers + RIDGE), z = [vector, 1]: a reader's own rows update it
    mean: np.ndarray  # mean of z
    by_term: sparse.csr_matrix  # their tf-idf rows, transposed (a row a term): products with it are cheap
    keyword_inverse: np.ndarray  # inverse of the background's block of the keyword model's dual system

    @classmethod
    def of(cls, vectors: np.ndarray, keywords: sparse.csr_matrix) -> "Background":
        z = _with_bias(vectors).astype(np.float64)
        count = max(len(z), 1)
        block = (keywords @ keywords.T).toarray() + 1.0
        block[np.diag_indices_from(block)] += KEYWORD_RIDGE * count
        gram = z.T @ z / count
        gram[np.diag_indices_from(gram)] += RIDGE
        return cls(inverse=np.linalg.inv(gram), mean=z.sum(axis=0) / count, by_term=keywords.T.tocsr(),
                   keyword_inverse=np.linalg.inv(block))

    @property
    def size(self) -> int:
        return self.keyword_inverse.shape[0]


@dataclass(frozen=True)
class Candidates:
    """Papers to rank, as both models read them; the same ones serve every reader."""

    vectors: np.ndarray  # unit float32
    by_term: sparse.csr_matrix  # tf-idf rows, transposed
    to_background: np.ndarray  # tf-idf cosines to the background's papers
    rare_terms: np.ndarray  # the rare terms (columns) any candidate holds, sorted
    rare_holders: sparse.csr_matrix  # a row each of them: the candidates holding it, valued its rarity
    maybe_rare: np.ndarray  # bool by column modulo its size: False where no rare term falls (1 MB, cached)

    @classmethod
    def of(cls, vectors: np.ndarray, keywords: sparse.csr_matrix, background: Background,
           rarity: np.ndarray) -> "Candidates":
        """``rarity``: KeywordFeatures.rarity, a weight for each of the columns of ``keywords``."""
        by_term = keywords.T.tocsr()
        rare_terms = np.flatnonzero((np.diff(by_term.indptr) > 0) & (rarity > 0))
        holders = by_term[rare_terms]
        holders.data = np.repeat(rarity[rare_terms], np.diff(holders.indptr)).astype(np.float32)
        maybe_rare = np.zeros(_MAYBE_RARE_SLOTS, dtype=bool)
        maybe_rare[rare_terms % _MAYBE_RARE_SLOTS] = True
        return cls(vectors.astype(np.float32, copy=False), by_term,
                   (keywords @ background.by_term).toarray().astype(np.float32), rare_terms, holders, maybe_rare)

    def __len__(self) -> int:
        return len(self.vectors)

    def rare_overlap(self, terms: np.ndarray) -> np.ndarray:
        """For each candidate, the rarity of those of ``terms`` (sorted columns) it holds, summed.

        A reader holds ~4,500 terms: the small table drops most of those no candidate holds as a
        rare term before the search among the ~130k that some do (~0.2 -> ~0.1 ms a reader)."""
        terms = terms[self.maybe_rare[terms % _MAYBE_RARE_SLOTS]]
        at = np.searchsorted(self.rare_terms, terms)
        rows = at[self.rare_terms[np.minimum(at, len(self.rare_terms) - 1)] == terms] if len(self.rare_terms) else at[:0]
        starts, stops = self.rare_holders.indptr[rows], self.rare_holders.indptr[rows + 1]
        lengths = stops - starts
        entries = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        return np.bincount(self.rare_holders.indices[entries], weights=self.rare_holders.data[entries],
                           minlength=len(self))


@dataclass(frozen=True)
class ReaderModel:
    weights: np.ndarray  # over [vector, 1]
    positives: np.ndarray  # unit vectors of the reader's positives, for closeness and reasons
    dismissed: np.ndarray  # and of their dismissals: closeness to one counts against
    kept_terms: np.ndarray  # the tf-idf columns the positives and dismissals hold
    positive_terms: np.ndarray  # of them, those the positives hold
    dismissed_terms: np.ndarray  # and those the dismissals hold
    kept_keywords: sparse.csr_matrix  # their tf-idf rows (positives, then dismissals) over kept_terms
    kept_weights: np.ndarray  # the keyword model's dual weights of those rows
    kept_term_weights: np.ndarray  # and what they give each of kept_terms (kept_keywords^T kept_weights)
    background_weights: np.ndarray  # and of the background's
    keyword_bias: float
    background: Background

    def embedding_scores(self, vectors: np.ndarray) -> np.ndarray:
        vectors = vectors.astype(np.float32, copy=False)
        scores = vectors @ self.weights[:-1] + self.weights[-1]
        if len(self.positives):
            similarity = vectors @ self.positives.T
            k = min(NEAREST, similarity.shape[1])
            closest = -np.partition(-similarity, k - 1, axis=1)[:, :k]
            scores = scores + NEAREST_WEIGHT * closest.mean(axis=1)
        if len(self.dismissed):
            scores = scores - NEAREST_WEIGHT * (vectors @ self.dismissed.T).max(axis=1)
        return scores

    def scores(self, candidates: Candidates) -> np.ndarray:
        """How much the reader should like each candidate, in standard deviations over them (higher is better)."""
        to_kept = _cosines(candidates.by_term, self.kept_terms, self.kept_keywords)
        keyword = to_kept @ self.kept_weights + candidates.to_background @ self.background_weights + self.keyword_bias
        fused = _z(self.embedding_scores(candidates.vectors)) + KEYWORD_WEIGHT * _z(keyword)
        positives = len(self.positives)
        dismissals = positives < to_kept.shape[1]  # the kept rows after the positives' are dismissals'
        if positives:
            fused += KEYWORD_NEAREST_WEIGHT * _z(to_kept[:, :positives].max(axis=1))
        if dismissals:
            fused -= KEYWORD_NEAREST_WEIGHT * _z(to_kept[:, positives:].max(axis=1))
        # Shared rare terms weigh against the rest as a whole: RARE_WEIGHT is on that z-score's scale.
        fused = _z(fused)
        if positives:
            fused += RARE_WEIGHT * _z(candidates.rare_overlap(self.positive_terms))
        if dismissals:
            fused -= RARE_WEIGHT * _z(candidates.rare_overlap(self.dismissed_terms))
        return _z(fused)

    def best(self, candidates: Candidates, limit: int, lifts: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the ``limit`` best candidates (their scores raised by ``lifts``; a lift of -inf rules one
        out), best first, and their scores."""
        scores = self.scores(candidates) + lifts
        if len(scores) > limit:
            rows = np.argpartition(-scores, limit - 1)[:limit]
        else:
            rows = np.arange(len(scores))
        rows = rows[np.argsort(-scores[rows], kind="stable")]
        rows = rows[np.isfinite(scores[rows])]
        return rows, scores[rows]

    def nearest_positive(self, vectors: np.ndarray) -> np.ndarray:
        """For each of ``vectors``, the index (into the positives) of the one closest to it."""
        return np.argmax(vectors.astype(np.float32, copy=False) @ self.positives.T, axis=1)

    def term_weights(self, columns: np.ndarray) -> np.ndarray:
        """The keyword model's weight of each of these tf-idf columns (positive: the reader's kind of term)."""
        at = np.clip(np.searchsorted(self.kept_terms, columns), 0, max(len(self.kept_terms) - 1, 0))
        held = (self.kept_terms[at] == columns) if len(self.kept_terms) else np.zeros(len(columns), dtype=bool)
        own = np.zeros(len(columns))
        own[held] = self.kept_term_weights[at[held]]
        return own + self.background.by_term[columns] @ self.background_weights


def _embedding_weights(background: Background, rows: np.ndarray, weight: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The embedding model's weights w: (B + R^T C R) w = R^T C y - mean, with B the background's
    second moment plus the ridge, R the reader's rows, C their weights and y their targets.

    Solved through B's inverse (Woodbury): a reader's rows (some dozens) change it by a low-rank
    term, so a reader costs a (rows x rows) solve instead of a (385 x 385) one.
    """
    rhs = rows.T @ (weight * target) - background.mean
    start = background.inverse @ rhs
    if not len(rows):
        return start
    through = rows @ background.inverse
    return start - through.T @ np.linalg.solve(np.diag(1.0 / weight) + through @ rows.T, through @ rhs)


def train(positives: np.ndarray, dismissed: np.ndarray, background: Background,
          positive_keywords: sparse.csr_matrix, dismissed_keywords: sparse.csr_matrix) -> ReaderModel:
    """Weighted least squares: positives aim at +1, dismissals and the background at -1.

    Positives weigh 1 in total, the background 1 in total, each dismissal DISMISSED_WEIGHT
    times a positive (a reader with dismissals only: as much as one positive would).
    """
    positives = np.asarray(positives, dtype=np.float32).reshape(-1, background.mean.shape[0] - 1)
    dismissed = np.asarray(dismissed, dtype=np.float32).reshape(-1, background.mean.shape[0] - 1)
    each = 1.0 / max(len(positives), 1)
    weight = np.concatenate([np.full(len(positives), each), np.full(len(dismissed), DISMISSED_WEIGHT * each)])
    target = np.concatenate([np.ones(len(positives)), -np.ones(len(dismissed))])
    weights = _embedding_weights(background, _with_bias(np.vstack([positives, dismissed])).astype(np.float64),
                                 weight, target).astype(np.float32)

    # The same weighted least squares in the dual, over tf-idf rows: the terms' weights are X^T a
    # for a = (K + ridge / c) \\ y, K the rows' cosines plus 1 (the bias), c their weights. The
    # background's block is inverted once (Background.of); a reader solves only for their own rows.
    terms, kept = _compact(sparse.vstack([positive_keywords, dismissed_keywords]).tocsr())
    to_background = _cosines(background.by_term, terms, kept).T + 1.0
    own = (kept @ kept.T).toarray() + 1.0
    own[np.diag_indices_from(own)] += KEYWORD_RIDGE / weight
    through_background = to_background @ background.keyword_inverse
    background_target = -np.ones(background.size)
    dual = np.linalg.solve(own - through_background @ to_background.T, target - through_background @ background_target)
    background_dual = background.keyword_inverse @ (background_target - to_background.T @ dual)
    return ReaderModel(weights=weights, positives=positives, dismissed=dismissed, kept_terms=terms,
                       positive_terms=_columns_held(kept, terms, 0, len(positives)),
                       dismissed_terms=_columns_held(kept, terms, len(positives), kept.shape[0]), kept_keywords=kept,
                       kept_weights=dual.astype(np.float32), kept_term_weights=kept.T @ dual,
                       background_weights=background_dual.astype(np.float32),
                       keyword_bias=float(dual.sum() + background_dual.sum()), background=background)
