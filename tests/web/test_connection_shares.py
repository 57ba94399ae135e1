"""`paperwire serve --workers N` spreads keep-alive connections evenly over its workers: a worker
holding more than its share answers with `Connection: close`, and the client's next connection
is accepted afresh. Without it, connections opened at once stay with whichever worker woke first
(25 against 7 of 32 measured), and its clients wait three times as long."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psutil
import pytest
from live_server import free_port, start_serve

from paperwire.web.http import connection_shares
from paperwire.web.http.connection_shares import ConnectionShares
from paperwire.web.metrics_processes import METRICS_DIR

CLIENTS = 16
ROUNDS = 12
SETTLING_ROUNDS = 10  # on a loaded machine the last closes can come late
WORKERS_START_S = 60


@pytest.fixture(autouse=True)
def shares_named_only_within_each_test(monkeypatch):
    # prepare() names the file in os.environ, as `paperwire serve` does for its workers: set
    # through monkeypatch first, it is taken out again after the test.
    monkeypatch.setenv(connection_shares.SHARES_ENV, "")


def _two_workers(tmp_path) -> tuple[ConnectionShares, ConnectionShares]:
    path = connection_shares.prepare(tmp_path, workers=2)
    return ConnectionShares(path), ConnectionShares(path)


def test_a_worker_over_its_share_lets_connections_go_until_it_holds_its_share(tmp_path):
    crowded, quiet = _two_workers(tmp_path)
    crowded.holding(25)
    quiet.holding(7)

    assert crowded.over_share(25) and not quiet.over_share(7)

    crowded.holding(17)  # 8 closed and reconnected to the other worker
    quiet.holding(15)
    assert not crowded.over_share(17) and not quiet.over_share(15)  # 17 against 15: within the slack


def test_a_worker_serving_alone_lets_no_connection_go_while_the_others_start(tmp_path):
    path = connection_shares.prepare(tmp_path, workers=2)
    serving = ConnectionShares(path)  # the other worker is still starting: it has no slot yet
    serving.holding(16)

    assert not serving.over_share(16)  # a client let go now would only connect to this worker again


def test_connections_already_told_to_close_are_not_let_go_twice(tmp_path):
    crowded, quiet = _two_workers(tmp_path)
    quiet.holding(7)
    crowded.leaving = 8  # told to close, not closed yet
    crowded.holding(25)

    assert not crowded.over_share(25)


def test_a_dead_workers_connections_stop_counting_once_a_worker_starts_in_its_place(tmp_path):
    path = connection_shares.prepare(tmp_path, workers=2)
    subprocess.run([sys.executable, "-c", "from paperwire.web.http.connection_shares import ConnectionShares as C; "
                    f"C({str(path)!r}).holding(30)"], check=True)  # a worker that held 30, then died
    restarted = ConnectionShares(path)  # uvicorn's replacement: the dead worker's slot, its 30 gone
    other = ConnectionShares(path)
    restarted.holding(10)
    other.holding(0)

    assert restarted.over_share(10)  # 10 of 10, over an even 5 (+1): not 10 of 40


def test_one_worker_shares_nothing(tmp_path):
    os.environ[connection_shares.SHARES_ENV] = "left from an earlier start"

    assert connection_shares.prepare(tmp_path, workers=1) is None
    assert connection_shares.SHARES_ENV not in os.environ


def _connections_of_each_worker(server: subprocess.Popen, port: int) -> list[int]:
    workers = [p for p in psutil.Process(server.pid).children(recursive=True)
               if any(c.status == psutil.CONN_LISTEN for c in p.net_connections(kind="tcp"))]
    return sorted(sum(1 for c in w.net_connections(kind="tcp")
                      if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port) for w in workers)


def _wait_until_workers_serve(shares_file: Path, workers: int) -> None:
    """Until ``workers`` have claimed a slot of the shares file (each slot: pid, connections held)."""
    deadline = time.monotonic() + WORKERS_START_S
    while np.count_nonzero(np.fromfile(shares_file, dtype=np.int64).reshape(-1, 2)[:, 0]) < workers:
        assert time.monotonic() < deadline, f"{workers} workers did not start serving"
        time.sleep(0.1)


def test_connections_opened_at_once_end_up_shared_evenly_by_two_workers(web_home, tmp_path):
    port = free_port()
    server, _ = start_serve(web_home.home, tmp_path / "serve.log", workers=2, port=port)
    # /healthz answers once one worker serves; the other may still be loading its indexes.
    _wait_until_workers_serve(web_home.home / METRICS_DIR / f"127.0.0.1-{port}" / connection_shares.FILE_NAME, 2)
    clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(CLIENTS)]
    try:
        for client in clients:
            client.connect()  # all at once, before any request: the first worker to wake takes them
        statuses = []
        for _ in range(ROUNDS):
            for client in clients:  # a client told to close connects again on its next request
                client.request("GET", "/healthz")
                response = client.getresponse()
                response.read()
                statuses.append(response.status)
        for _ in range(SETTLING_ROUNDS):  # until no client is told to close: every one connected again
            told_to_close = 0
            for client in clients:
                client.request("GET", "/healthz")
                response = client.getresponse()
                response.read()
                told_to_close += response.will_close
            if not told_to_close:
                break
        held = _connections_of_each_worker(server, port)
    finally:
        for client in clients:
            client.close()
        server.terminate()
        server.wait(timeout=30)

    assert set(statuses) == {200}
    assert not told_to_close
    assert sum(held) == CLIENTS and len(held) == 2
    assert held[1] - held[0] <= 2, held  # 8/8 or 9/7, never all with one worker
