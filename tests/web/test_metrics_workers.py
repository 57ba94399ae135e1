"""`paperwire serve --workers N`: /metrics reports the node's totals, whichever worker answers
the scrape (prometheus-client's multiprocess mode, in HOME/metrics, emptied at each start).

The command itself, on 127.0.0.1 (an allowed address by default), spoken to over HTTP.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from live_server import free_port
from test_metrics import requests_counted, samples

START_TIMEOUT_S = 180
REQUESTS = 40
SCRAPES = 8


def start_serve(home: Path, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [str(Path(sys.executable).parent / "paperwire"), "--home", str(home), "serve",
               "--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            httpx.get(base_url + "/healthz", timeout=1.0)
            return process, base_url
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"paperwire serve did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)


@pytest.mark.parametrize("workers", [1, 2])
def test_every_scrape_reports_the_requests_of_all_workers(web_home, tmp_path, workers):
    metrics_dir = web_home.home / "metrics"
    metrics_dir.mkdir(exist_ok=True)
    (metrics_dir / "counter_1.db").write_bytes(b"a previous run's counts, unreadable now")
    process, base_url = start_serve(web_home.home, workers, tmp_path / "serve.log")
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
