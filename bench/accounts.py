"""Accounts benchmark: argon2id hash time, and rate-limit hits per second on the shared table.

    python bench/accounts.py                      # SQLite in a temporary home
    python bench/accounts.py --threads 4          # hits from 4 threads, each its own Engine (as workers)
    python bench/accounts.py --url postgresql+psycopg://paperwire@localhost/bench
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time

from paperwire.accounts.passwords import HASHER
from paperwire.accounts.ratelimit import RateLimited, RateLimits
from paperwire.config import load_settings
from paperwire.store import make_engine, open_catalog


def hash_times(count: int = 20) -> tuple[float, float]:
    hashes, verifies = [], []
    for _ in range(count):
        started = time.perf_counter()
        stored = HASHER.hash("correct horse battery staple")
        hashes.append(time.perf_counter() - started)
        started = time.perf_counter()
        HASHER.verify(stored, "correct horse battery staple")
        verifies.append(time.perf_counter() - started)
    return statistics.median(hashes), statistics.median(verifies)


def hits_per_second(url: str, settings, threads: int, seconds: float, accounts: int) -> tuple[float, int]:
    engines = [make_engine(url) for _ in range(threads)]
    counts, refused, start = [0] * threads, [0] * threads, threading.Barrier(threads)

    def worker(index: int) -> None:
        limits = RateLimits(engines[index], settings)
        start.wait()
        deadline = time.perf_counter() + seconds
        n = 0
        while time.perf_counter() < deadline:
            try:
                limits.hit("vote", account=f"member{(n * threads + index) % accounts}")
            except RateLimited:
                refused[index] += 1
            n += 1
        counts[index] = n

    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    for engine in engines:
        engine.dispose()
    return sum(counts) / seconds, sum(refused)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: SQLite in a temporary home)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--accounts", type=int, default=1000, help="distinct members voting")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="paperwire-bench-")
    settings = load_settings(home=home, environ={})
    url = args.url or settings.catalog_url
    open_catalog(url).engine.dispose()  # migrated
    hashed, verified = hash_times()
    print(f"argon2id (m=19456 KiB, t=2, p=1): hash {hashed * 1e3:.1f} ms, verify {verified * 1e3:.1f} ms"
          " (median of 20)")
    rate, refused = hits_per_second(url, settings, args.threads, args.seconds, args.accounts)
    print(f"rate limits on {url.split(':')[0]}: {rate:,.0f} hits/s with {args.threads} thread(s), "
          f"{args.accounts} accounts, {refused} refused")


if __name__ == "__main__":
    main()
