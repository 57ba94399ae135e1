"""Import benchmark: parse + store the 88k arXiv corpus into a fresh SQLite home.

    .venv/bin/python bench/import.py [CORPUS]

Prints papers/s and peak RSS, and the same figures for a baseline from the same run:
parsing alone (no storing), which bounds what the catalog costs on top.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from paperwire import sources
from paperwire.config import load_settings
from paperwire.importer import import_files, open_input
from paperwire.store import open_catalog

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared/data/arxiv-88k.jsonl.gz"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    start = time.perf_counter()
    with open_input(corpus) as stream:
        parsed = sum(1 for _ in sources.parse(stream, str(corpus)))
    parse_s = time.perf_counter() - start
    print(f"baseline  parse only : {parsed} records in {parse_s:.1f} s = {parsed / parse_s:,.0f} records/s")

    with tempfile.TemporaryDirectory() as home:
        catalog = open_catalog(load_settings(home=home, environ={}).catalog_url)
        start = time.perf_counter()
        [report] = import_files(catalog, [corpus], progress=False)
        import_s = time.perf_counter() - start
        stored = catalog.count()
        size_mb = Path(home, "catalog.db").stat().st_size / 1e6
        start = time.perf_counter()
        [again] = import_files(catalog, [corpus], progress=False)
        reimport_s = time.perf_counter() - start
    print(f"import    parse+store: {stored} papers in {import_s:.1f} s = {stored / import_s:,.0f} papers/s "
          f"(failed {len(report.errors)}; catalog {size_mb:.0f} MB)")
    print(f"re-import (no change): {again.result.unchanged} unchanged in {reimport_s:.1f} s")
    print(f"peak RSS             : {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
