"""The reader model's arithmetic: its fast solves give what the plain equations give."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from paperwire.rank.model import DISMISSED_WEIGHT, RIDGE, Background, train


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_a_readers_embedding_weights_solve_the_ridge_least_squares_of_their_papers_against_the_background():
    rng = np.random.default_rng(7)
    background_vectors, positives, dismissed = (_unit(rng.normal(size=(n, 384))) for n in (200, 12, 3))
    no_terms = sparse.csr_matrix((200, 16))
    model = train(positives, dismissed, Background.of(background_vectors, no_terms),
                  sparse.csr_matrix((12, 16)), sparse.csr_matrix((3, 16)))

    def with_bias(vectors):
        return np.hstack([vectors, np.ones((len(vectors), 1))]).astype(np.float64)

    # Written out: each positive weighs 1/12, each dismissal DISMISSED_WEIGHT/12, the background 1 in all.
    z, p, d = with_bias(background_vectors), with_bias(positives), with_bias(dismissed)
    each = 1 / len(positives)
    lhs = z.T @ z / len(z) + each * p.T @ p + DISMISSED_WEIGHT * each * d.T @ d + RIDGE * np.eye(385)
    rhs = -z.mean(axis=0) + each * p.sum(axis=0) - DISMISSED_WEIGHT * each * d.sum(axis=0)
    assert np.allclose(model.weights, np.linalg.solve(lhs, rhs), atol=1e-5)
