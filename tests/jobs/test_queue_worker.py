"""`paperwire worker` on PostgreSQL: real worker processes sharing the job queue. Each tick of
a periodic job runs once for the deployment; a worker killed with kill -9 in the middle of
embedding or of delivering leaves its job to another, which finishes it without redoing what
was done: every paper gets one vector, every digest arrives once."""

from __future__ import annotations

import asyncio
import gzip
import os
import re
import signal
import socket
import subprocess
import threading
import time
from datetime import datetime, timezone
from email import message_from_bytes, policy
from importlib.resources import files
from itertools import islice

import pytest
from click.testing import CliRunner

from paperwire.cli import main
from paperwire.config import load_settings
from paperwire.importer import import_files
from paperwire.paper import Paper
from paperwire.search.embedding_store import EmbeddingStore

from digest.digest_support import visitor
from jobs.worker_support import PAPERWIRE, WAIT_S, Output

SAMPLE = files("paperwire") / "sample" / "arxiv-sample.jsonl.gz"
JOBS = ("harvest", "embed", "index", "trending", "compose", "deliver")
STALLED_AFTER_S = 10  # a killed worker's job is queued again 10-20 s after its last heartbeat


def only(*names: str) -> list[str]:
    """The worker's options that leave out every job but ``names``."""
    return [option for name in JOBS if name not in names for option in ("--skip", name)]


@pytest.fixture
def catalog(postgres_catalog):
    return postgres_catalog


@pytest.fixture
def env(tmp_path, postgres_url) -> dict[str, str]:
    """A worker's environment: a home of its own, the shared database, stalls noticed quickly."""
    return {**os.environ, "PAPERWIRE_HOME": str(tmp_path / "home"), "PAPERWIRE_DATABASE_URL": postgres_url,
            "PAPERWIRE_WORKER_STALLED_AFTER_S": str(STALLED_AFTER_S), "PYTHONUNBUFFERED": "1"}


class Workers:
    """Worker processes, each with its output read as it comes; any left running are killed."""

    def __init__(self):
        self.processes: list[subprocess.Popen] = []

    def start(self, env: dict[str, str], *args: str) -> tuple[subprocess.Popen, Output]:
        process = subprocess.Popen([str(PAPERWIRE), "worker", *args], env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process, Output(process)

    def stop(self, process: subprocess.Popen) -> int:
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=WAIT_S)

    def kill(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=WAIT_S)


@pytest.fixture
def workers():
    started = Workers()
    yield started
    started.kill()


def test_two_workers_run_each_tick_of_a_periodic_job_once(env, catalog, workers):
    env["PAPERWIRE_WORKER_DIGEST_EVERY_MINUTES"] = "0.05"  # compose every 3 s, on the clock's ticks
    (first, first_log), (second, second_log) = (workers.start(env, *only("compose")) for _ in range(2))

    def runs() -> list[str]:
        return re.findall(r"compose \(due ([^)]+)\): ", first_log.read(0.5) + second_log.read(0.5))

    deadline = time.monotonic() + 2 * WAIT_S
    while len(runs()) < 6 and time.monotonic() < deadline:
        pass
    assert workers.stop(first) == 0, first_log.read(1)
    assert workers.stop(second) == 0, second_log.read(1)

    ticks = runs()
    assert len(ticks) >= 6, first_log.seen + second_log.seen
    assert len(set(ticks)) == len(ticks), ticks  # no tick composed by both workers
    assert "stopped" in first_log.read(1) and "stopped" in second_log.read(1)
    # Both started at once on a database without the queue's tables: one of them made them.
    assert (first_log.seen + second_log.seen).count("created the job queue's tables") == 1


@pytest.fixture
def papers_to_embed(tmp_path, catalog) -> int:
    """400 papers without vectors: two and a half of the embedder's committed batches."""
    path = tmp_path / "papers.jsonl"
    with gzip.open(SAMPLE.open("rb")) as stream:
        path.write_bytes(b"".join(islice(stream, 400)))
    import_files(catalog, [path], None, progress=False)
    return catalog.stats()["papers"]


def test_a_worker_killed_while_embedding_leaves_the_rest_to_another_and_nothing_is_embedded_twice(
        env, catalog, papers_to_embed, workers):
    store = EmbeddingStore(catalog.engine)
    doomed, _ = workers.start(env, "--once", *only("embed"))
    deadline = time.monotonic() + 4 * WAIT_S  # the model loads, then ~18 papers/s on 2 free cores
    while not 0 < store.count() < papers_to_embed and time.monotonic() < deadline:
        time.sleep(0.2)
    assert 0 < store.count() < papers_to_embed, "the first batch was never stored"
    doomed.kill()
    doomed.wait(timeout=WAIT_S)
    stored_by_the_killed_one = store.count()

    survivor, log = workers.start(env, *only("embed"))
    log.until("embedded ", wait_s=4 * WAIT_S)

    assert "its worker stopped heartbeating" in log.seen
    embedded_again = sum(int(n) for n in re.findall(r"embed: embedded (\d+) papers", log.seen))
    assert embedded_again == papers_to_embed - stored_by_the_killed_one
    assert store.count() == papers_to_embed  # one vector each: the store keys them by paper
    assert workers.stop(survivor) == 0


class HoldsTheFirstMessage:
    """An SMTP server's handler that holds the first message it is sent, unanswered, until the
    test lets go (at most HOLD_S). A client that goes away meanwhile loses its message (aiosmtpd
    cancels the handler when the connection drops): never accepted, as by a server that has
    not said 250 yet. Later messages are accepted at once."""

    HOLD_S = 3.0  # within the client's patience (smtp_timeout_s below)

    def __init__(self):
        self.received = []
        self.holding = threading.Event()
        self.let_go = threading.Event()

    async def handle_DATA(self, _server, _session, envelope):
        if not self.holding.is_set():
            self.holding.set()
            await asyncio.to_thread(self.let_go.wait, self.HOLD_S)
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@pytest.fixture
def holding_smtp():
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port (aiosmtpd's Controller cannot take port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = HoldsTheFirstMessage()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def digest_due(env, catalog) -> None:
    """A paper listed today and a visitor's daily digest, due at any hour."""
    today = datetime.now(timezone.utc).date()
    catalog.store([Paper(id="2612.00001", arxiv_id="2612.00001", title="Listed today", listing_date=today,
                         abstract="An abstract.", authors=("Ann Lee",), categories=("cs.CL",),
                         primary_category="cs.CL")])
    visitor(catalog.engine, load_settings(home=env["PAPERWIRE_HOME"], environ={"PAPERWIRE_DIGEST_HOUR": "0"}))


def test_a_worker_killed_while_sending_a_digest_leaves_it_to_another_which_sends_it_once(
        env, digest_due, holding_smtp, workers):
    handler, port = holding_smtp
    # The mail server may take 4 s to answer; a digest's lease (ten of those) then ends 40 s on.
    env.update(PAPERWIRE_SMTP_HOST="127.0.0.1", PAPERWIRE_SMTP_PORT=str(port), PAPERWIRE_SMTP_TIMEOUT_S="4",
               PAPERWIRE_WORKER_DIGEST_EVERY_MINUTES="0.05")
    doomed, doomed_log = workers.start(env, "--once", *only("compose", "deliver"))
    assert handler.holding.wait(timeout=2 * WAIT_S), doomed_log.read(0)
    doomed.kill()  # while the server holds its message, unanswered
    doomed.wait(timeout=WAIT_S)
    handler.let_go.set()
    assert "composed 1" in doomed_log.read(0)
    queue = CliRunner().invoke(main, ["jobs"], env=env)
    assert re.search(r"deliver +doing +1", queue.stdout) and "workers: 1" in queue.stdout, queue.output

    survivor, log = workers.start(env, *only("compose", "deliver"))
    log.until("deliver (due", wait_s=WAIT_S)
    log.until("sent 1,", wait_s=2 * WAIT_S)  # once the killed worker's lease on the digest has ended
    log.read(5)  # a later run, were it to send again

    assert "its worker stopped heartbeating" in log.seen, log.seen
    assert [m["To"] for m in handler.received] == ["reader@example.org"]
    assert len({m["Message-ID"] for m in handler.received}) == 1
    assert workers.stop(survivor) == 0
