"""`paperwire serve --workers N`: /metrics reports the node's totals, whichever worker answers
the scrape (prometheus-client's multiprocess mode, in HOME/metrics/ADDRESS-PORT, emptied at each
start), and a second server on the same home keeps its own.

The command itself, on 127.0.0.1 (made an allowed address), spoken to over HTTP.
"""

from __future__ import annotations


import httpx
import pytest
from live_server import free_port, start_serve
from test_metrics import requests_counted, samples

REQUESTS = 40
SCRAPES = 8
MONITORED = {"PAPERWIRE_METRICS_ALLOWED_ADDRESSES": "127.0.0.1"}


@pytest.mark.parametrize("workers", [1, 2])
def test_every_scrape_reports_the_requests_of_all_workers(web_home, tmp_path, workers):
    port = free_port()
    metrics_dir = web_home.home / "metrics" / f"127.0.0.1-{port}"
    metrics_dir.mkdir(parents=True)
    (metrics_dir / "counter_1.db").write_bytes(b"a previous run's counts, unreadable now")
    process, base_url = start_serve(web_home.home, tmp_path / "serve.log", workers, MONITORED, port)
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


def test_a_second_server_on_the_same_home_leaves_the_first_ones_counts_alone(web_home, tmp_path):
    first, first_url = start_serve(web_home.home, tmp_path / "first.log", 2, MONITORED)
    try:
        for _ in range(REQUESTS):
            assert httpx.get(first_url + "/categories").status_code == 200
        second, second_url = start_serve(web_home.home, tmp_path / "second.log", 1, MONITORED)
        try:
            first_scrape = samples(httpx.get(first_url + "/metrics").text)
            second_scrape = samples(httpx.get(second_url + "/metrics").text)
        finally:
            second.terminate()
            second.wait(timeout=30)
    finally:
        first.terminate()
        first.wait(timeout=30)

    assert requests_counted(first_scrape, "/categories") == REQUESTS
    assert requests_counted(second_scrape, "/categories") == 0
