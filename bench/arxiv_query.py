"""arXiv query API benchmark: in-process time of /api/query requests on a home with built indexes.

    python bench/arxiv_query.py --home /tmp/home88k                  # 200 random two-word queries
    python bench/arxiv_query.py --home /tmp/home88k --queries 20 --wide-repeats 1

Two kinds of request, each a whole request through the app (parsing, matching, paging, the Atom
feed of 10 entries): ``all:w1 AND all:w2`` with the two words taken from the title of a random
paper (so every query has a match), and one ``search_query`` of 64 ``all:`` terms joined by OR
(the longest the parser allows in terms), sorted by relevance and by submittedDate.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from paperwire.config import load_settings
from paperwire.store.schema import papers
from paperwire.web.app import create_app

_WORD = re.compile(r"[a-z]{4,}")


def title_words(catalog, rng: random.Random, count: int) -> list[list[str]]:
    """The words of ``count`` random titles (only titles with at least two words)."""
    with catalog.engine.connect() as conn:
        highest = conn.execute(select(func.max(papers.c.doc_id))).scalar() or 0
        chosen = []
        while len(chosen) < count:
            doc_ids = [rng.randint(1, highest) for _ in range(count * 2)]
            for (title,) in conn.execute(select(papers.c.title).where(papers.c.doc_id.in_(doc_ids))):
                found = list(dict.fromkeys(_WORD.findall(title.lower())))
                if len(found) >= 2:
                    chosen.append(found)
        return chosen[:count]


def timed(client: TestClient, params: dict) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get("/api/query", params=params)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{params}: HTTP {response.status_code}: {response.text[:300]}")
    total = int(re.search(rb"<opensearch:totalResults>(\d+)<", response.content).group(1))
    return elapsed, total


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--queries", type=int, default=200, help="random two-word queries to time")
    parser.add_argument("--wide-repeats", type=int, default=5, help="runs of the 64-term OR query per sort")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    settings = load_settings(home=args.home)
    app = create_app(settings)
    rng = random.Random(args.seed)
    with TestClient(app) as client:
        catalog = app.state.catalog
        pairs = [rng.sample(found, 2) for found in title_words(catalog, rng, args.queries)]
        vocabulary = list(dict.fromkeys(w for found in title_words(catalog, rng, 200) for w in found))
        wide = " OR ".join(f"all:{word}" for word in rng.sample(vocabulary, 64))
        timed(client, {"search_query": f"all:{pairs[0][0]}"})  # warm: index open, connections

        seconds = [timed(client, {"search_query": f"all:{a} AND all:{b}"})[0] for a, b in pairs]
        print(f"papers: {catalog.count()}")
        print(f"all:w1 AND all:w2 ({len(pairs)} queries): p50 {1000 * statistics.median(seconds):.1f} ms, "
              f"p95 {1000 * percentile(seconds, 0.95):.1f} ms")
        for sort_by in ("relevance", "submittedDate"):
            runs = [timed(client, {"search_query": wide, "sortBy": sort_by}) for _ in range(args.wide_repeats)]
            print(f"64-term OR ({len(wide)} chars), sortBy={sort_by}: "
                  f"median {1000 * statistics.median(s for s, _ in runs):.1f} ms over {len(runs)} runs, "
                  f"{runs[0][1]} matches")


if __name__ == "__main__":
    main()
