"""A reader's model over paper embeddings: what they kept against what they did not. Pure numpy.

A reader's positives (upvoted, saved, collected papers) are told apart from their dismissals
("not interested", weighted) and from random papers of the catalog (the background, shared by
every reader, as Scholar Inbox samples negatives) by a ridge-regularised least-squares linear
model on the unit-length MiniLM vectors. Its normal equations need the background's Gram
matrix, which is computed once for all readers: training one reader then costs a 385 x 385
solve (well under a millisecond's worth of arithmetic), which is what lets a digest run rank
10,000 readers in seconds.

A candidate's score adds to the linear score how close it is to the reader's nearest
positive: readers keep several interests, and one direction in embedding space averages
them away. The constants below were chosen on bench/recommend.py's author hold-out
(recall@20 0.146 -> 0.170 over 300 authors, from NEAREST 3 / weight 1; RIDGE 0.01 gains 0.004
there but overfits a small catalog).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BACKGROUND_SIZE = 500  # random papers every reader's model is told apart from
RIDGE = 0.05  # the regulariser, against positive and background weights of 1 each in total
DISMISSED_WEIGHT = 3.0  # a "not interested" counts as much as three positives
NEAREST = 1  # the positives a candidate's closeness is averaged over (1: its nearest; 2 and 3 measured worse)
NEAREST_WEIGHT = 3.0  # closeness against the linear score


def _with_bias(vectors: np.ndarray) -> np.ndarray:
    return np.hstack([vectors.astype(np.float32, copy=False), np.ones((len(vectors), 1), dtype=np.float32)])


@dataclass(frozen=True)
class Background:
    """Random papers: the negatives every reader shares, with their Gram matrix computed once."""

    gram: np.ndarray  # mean of z z^T over the papers, z = [vector, 1]
    mean: np.ndarray  # mean of z

    @classmethod
    def of(cls, vectors: np.ndarray) -> "Background":
        z = _with_bias(vectors).astype(np.float64)
        count = max(len(z), 1)
        return cls(gram=z.T @ z / count, mean=z.sum(axis=0) / count)


@dataclass(frozen=True)
class ReaderModel:
    weights: np.ndarray  # over [vector, 1]
    positives: np.ndarray  # unit vectors of the reader's positives, for closeness and reasons

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """How much the reader should like each of ``vectors`` (higher is better)."""
        vectors = vectors.astype(np.float32, copy=False)
        scores = vectors @ self.weights[:-1] + self.weights[-1]
        if len(self.positives):
            similarity = vectors @ self.positives.T
            k = min(NEAREST, similarity.shape[1])
            closest = -np.partition(-similarity, k - 1, axis=1)[:, :k]
            scores = scores + NEAREST_WEIGHT * closest.mean(axis=1)
        return scores

    def best(self, vectors: np.ndarray, limit: int, lifts: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the ``limit`` best of ``vectors`` (their scores raised by ``lifts``), best first, and their scores."""
        scores = self.scores(vectors) + lifts
        if len(scores) > limit:
            rows = np.argpartition(-scores, limit - 1)[:limit]
        else:
            rows = np.arange(len(scores))
        rows = rows[np.argsort(-scores[rows], kind="stable")]
        return rows, scores[rows]

    def nearest_positive(self, vectors: np.ndarray) -> np.ndarray:
        """For each of ``vectors``, the index (into the positives) of the one closest to it."""
        return np.argmax(vectors.astype(np.float32, copy=False) @ self.positives.T, axis=1)


def train(positives: np.ndarray, dismissed: np.ndarray, background: Background) -> ReaderModel:
    """Weighted least squares: positives aim at +1, dismissals and the background at -1.

    Positives weigh 1 in total, the background 1 in total, each dismissal DISMISSED_WEIGHT
    times a positive (a reader with dismissals only: as much as one positive would).
    """
    positives = np.asarray(positives, dtype=np.float32).reshape(-1, background.mean.shape[0] - 1)
    dismissed = np.asarray(dismissed, dtype=np.float32).reshape(-1, background.mean.shape[0] - 1)
    each = 1.0 / max(len(positives), 1)
    lhs = background.gram.copy()
    rhs = -background.mean.copy()
    if len(positives):
        z = _with_bias(positives).astype(np.float64)
        lhs += each * (z.T @ z)
        rhs += each * z.sum(axis=0)
    if len(dismissed):
        z = _with_bias(dismissed).astype(np.float64)
        lhs += DISMISSED_WEIGHT * each * (z.T @ z)
        rhs -= DISMISSED_WEIGHT * each * z.sum(axis=0)
    lhs[np.diag_indices_from(lhs)] += RIDGE
    weights = np.linalg.solve(lhs, rhs).astype(np.float32)
    return ReaderModel(weights=weights, positives=positives)
