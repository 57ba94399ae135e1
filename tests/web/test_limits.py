"""What keeps a worker's time and memory bounded: the page cache counted in bytes and emptied of
expired pages, and overload (no database connection to be had, a locked catalog) answered
503 with Retry-After instead of 500.
"""

from __future__ import annotations

import logging
import sqlite3

import pytest
from fastapi.testclient import TestClient

from paperwire.config import load_settings
from paperwire.store import db
from paperwire.web.app import create_app
from paperwire.web.http.cache import TTLCache
from paperwire.web.http.overload import BUSY_MESSAGE, RETRY_AFTER_S

# ---- the page cache ------------------------------------------------------------------------------


def test_the_page_cache_is_bounded_in_bytes():
    cache = TTLCache(max_entries=100, max_bytes=100)
    cache.put("a", "page a", nbytes=60)
    cache.put("b", "page b", nbytes=30)
    cache.put("c", "page c", nbytes=30)  # 120 bytes: the least recently used goes
    assert cache.lookup("a") is None and cache.nbytes == 60 and len(cache) == 2
    cache.put("huge", "a page bigger than the whole cache", nbytes=101)
    assert cache.lookup("huge") is None and cache.lookup("b") and cache.lookup("c")
    cache.put("b", "page b again", nbytes=10)  # replacing an entry counts only the new copy
    assert cache.nbytes == 40


def test_expired_pages_are_dropped_even_when_nobody_asks_for_them_again():
    now = [0.0]
    cache = TTLCache(max_entries=100, max_age_s=30, max_stale_s=60, max_bytes=10_000, clock=lambda: now[0])
    for i in range(50):
        cache.put(f"/search?q={i}", "page", nbytes=100)
    now[0] = 91  # past fresh and stale
    cache.put("/", "front page", nbytes=100)
    assert len(cache) == 1 and cache.nbytes == 100


def test_the_sites_page_cache_holds_pages_up_to_its_bytes(app_client, web_app):
    app_client.get("/search?q=learning+0")
    one_page, _ = web_app.state.page_cache.lookup("/search?q=learning+0")
    size = one_page.nbytes + len("/search?q=learning+0")  # the page, its gzip, its URL
    cache = TTLCache(max_entries=1000, max_age_s=30, max_stale_s=300, max_bytes=int(size * 3.5))
    site_cache, web_app.state.page_cache = web_app.state.page_cache, cache
    try:  # by hand: monkeypatch cannot restore an attribute of Starlette's State
        for i in range(10):
            assert app_client.get(f"/search?q=learning+{i}").status_code == 200
    finally:
        web_app.state.page_cache = site_cache
    assert len(cache) == 3 and cache.nbytes <= cache.max_bytes
    assert cache.lookup("/search?q=learning+9") and cache.lookup("/search?q=learning+0") is None


# ---- overload: 503 and Retry-After, never 500 -----------------------------------------------------

@pytest.fixture
def one_connection_app(web_home, monkeypatch):
    """The site with a database pool of one connection that waits 0.2 s for it."""
    monkeypatch.setattr(db, "POOL_SIZE", 1)
    monkeypatch.setattr(db, "POOL_OVERFLOW", 0)
    monkeypatch.setattr(db, "POOL_TIMEOUT_S", 0.2)
    app = create_app(web_home)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client


def _assert_busy(response, media_type: str) -> None:
    assert response.status_code == 503, response.text[:300]
    assert response.headers["retry-after"] == str(RETRY_AFTER_S)
    assert response.headers["content-type"].startswith(media_type)
    assert "Traceback" not in response.text


def test_no_connection_to_be_had_is_a_503_saying_when_to_retry(one_connection_app, caplog):
    app, client = one_connection_app
    held = app.state.catalog.engine.connect()  # every connection of the pool is in use
    try:
        with caplog.at_level(logging.ERROR):
            api, page = client.get("/api/v1/trending"), client.get("/trending")
            hf, arxiv = client.get("/api/daily_papers"), client.get("/api/query?id_list=2607.99002")
    finally:
        held.close()
    _assert_busy(api, "application/json")
    assert api.json() == {"error": BUSY_MESSAGE, "parameter": None}
    _assert_busy(hf, "application/json")
    _assert_busy(page, "text/html")
    assert "Not available right now" in page.text and BUSY_MESSAGE in page.text
    _assert_busy(arxiv, "application/atom+xml")  # arXiv clients get arXiv's error feed
    assert BUSY_MESSAGE in arxiv.text
    assert not caplog.records  # overload is not an error to investigate
    assert client.get("/api/v1/trending").status_code == 200
    assert client.get("/trending").status_code == 200


def test_a_catalog_locked_by_a_writer_is_a_503_too(web_home, tmp_path, monkeypatch):
    with sqlite3.connect(web_home.home / "catalog.db") as source, sqlite3.connect(tmp_path / "catalog.db") as copy:
        source.backup(copy)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.2)
    app = create_app(load_settings(home=tmp_path, environ={}))
    with TestClient(app, raise_server_exceptions=False) as client:
        app.state.catalog.engine.dispose()  # readers from here on meet the lock
        writer = sqlite3.connect(tmp_path / "catalog.db", isolation_level=None)
        writer.execute("PRAGMA locking_mode=EXCLUSIVE")
        writer.execute("BEGIN EXCLUSIVE")  # what a long write by another process looks like
        try:
            api, page = client.get("/api/v1/papers"), client.get("/")
        finally:
            writer.execute("COMMIT")
            writer.close()
        _assert_busy(api, "application/json")
        _assert_busy(page, "text/html")
        assert client.get("/api/v1/papers").status_code == 200


def test_a_database_failure_that_is_not_overload_stays_a_500(web_app, app_client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(web_app.state.catalog, "get", broken)
    response = app_client.get("/api/v1/papers/2607.99002")
    assert response.status_code == 500 and "retry-after" not in response.headers
    assert "disk I/O" not in response.text


def test_a_worker_gives_each_vector_search_one_blas_thread(web_home):
    """Concurrent requests are the parallelism: BLAS threads per call only spin against each other."""
    from fastapi.testclient import TestClient
    from threadpoolctl import threadpool_info

    from paperwire.web.app import create_app

    with TestClient(create_app(web_home)):
        # numpy's BLAS does the exact vector search (faiss's own, OpenMP-based, counts per thread).
        numpy_blas = [pool for pool in threadpool_info() if "numpy" in pool["filepath"]]
        assert numpy_blas and {pool["num_threads"] for pool in numpy_blas} == {1}
