"""Combining the keyword and the semantic ranking into one list.

Both lists are scaled to [0, 1] by their own best and worst score in the list, then
mixed: ``weight * semantic + (1 - weight) * keyword``; a paper missing from one list
gets 0 from it. On SciFact train this beat reciprocal rank fusion (docs/benchmarks.md),
because it keeps how far apart the scores are, which ranks alone throw away.
"""

from __future__ import annotations

from typing import Sequence

Ranking = Sequence[tuple[int, float]]  # (doc_id, score), best first

SEMANTIC_WEIGHT = 0.4  # SciFact train: 0.3 0.7274, 0.4 0.7304, 0.5 0.7231, 0.6 0.7029
RRF_K = 60


def normalised(ranking: Ranking) -> dict[int, float]:
    if not ranking:
        return {}
    scores = [score for _, score in ranking]
    best, worst = max(scores), min(scores)
    spread = best - worst
    return {doc_id: (score - worst) / spread if spread > 0 else 1.0 for doc_id, score in ranking}


def convex(keyword: Ranking, semantic: Ranking, weight: float = SEMANTIC_WEIGHT) -> list[tuple[int, float]]:
    """Mix of normalised scores, best first (ties broken by doc_id for a stable order)."""
    kw, sem = normalised(keyword), normalised(semantic)
    mixed = {d: (1 - weight) * kw.get(d, 0.0) + weight * sem.get(d, 0.0) for d in kw.keys() | sem.keys()}
    return sorted(mixed.items(), key=lambda item: (-item[1], item[0]))


def reciprocal_rank(rankings: Sequence[Ranking], k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: sum of 1 / (k + rank) over the lists a paper appears in."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (doc_id, _) in enumerate(ranking, start=1):
            fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
