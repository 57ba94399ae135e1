"""How long searches take, for /metrics: a histogram of SearchService calls by mode."""

from __future__ import annotations

import functools
import time

from prometheus_client import Histogram

SEARCH_SECONDS = Histogram(
    "paperwire_search_duration_seconds",
    "Time to answer one search (mode hybrid, keyword or semantic) or similar-papers query (mode similar)",
    ["mode"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def timed(default: str, known: tuple[str, ...] = ()):
    """Observe each answered call of the decorated method in SEARCH_SECONDS, labelled by its ``mode``
    keyword when that is one of ``known``, else ``default`` (as the service treats any other
    mode: the label comes from a closed set, so no query string can add series)."""

    def decorate(method):
        @functools.wraps(method)
        def observed(*args, **kwargs):
            mode = kwargs.get("mode")
            started = time.perf_counter()
            answer = method(*args, **kwargs)  # a search that fails (no index yet) is no timing
            SEARCH_SECONDS.labels(mode if mode in known else default).observe(time.perf_counter() - started)
            return answer

        return observed

    return decorate
