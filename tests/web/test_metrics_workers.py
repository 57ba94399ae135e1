"""`paperwire serve --workers N`: /metrics reports the node's totals, whichever worker answers
the scrape (prometheus-client's multiprocess mode, in HOME/metrics, emptied at each start).

The command itself, on 127.0.0.1 (made an allowed address), spoken to over HTTP.
"""

from __future__ import annotations


import httpx
import pytest
from live_server import start_serve
from test_metrics import requests_counted, samples

REQUESTS = 40
SCRAPES = 8


@pytest.mark.parametrize("workers", [1, 2])
def test_every_scrape_reports_the_requests_of_all_workers(web_home, tmp_path, workers):
    metrics_dir = web_home.home / "metrics"
    metrics_dir.mkdir(exist_ok=True)
    (metrics_dir / "counter_1.db").write_bytes(b"a previous run's counts, unreadable now")
    process, base_url = start_serve(web_home.home, tmp_path / "serve.log", workers,
                                    {"PAPERWIRE_METRICS_ALLOWED_ADDRESSES": "127.0.0.1"})
    try:
        assert not (metrics_dir / "counter_1.db").exists()  # emptied at start
        served_before = requests_counted(samples(httpx.get(base_url + "/metrics").text), "/categories")
        for _ in range(REQUESTS):  # a connection each, so the workers share them out
            assert httpx.get(base_url + "/categories").status_code == 200
        scrapes = [samples(httpx.get(base_url + "/metrics").text) for _ in range(SCRAPES)]
    finally:
        process.terminate()
        process.wait(timeout=30)

    assert served_before == 0
    assert [requests_counted(scrape, "/categories") for scrape in scrapes] == [REQUESTS] * SCRAPES
