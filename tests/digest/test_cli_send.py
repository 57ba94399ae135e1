"""`paperwire digest send` as cron runs it: real processes, a real SMTP server, and the faults
the outbox exists for (a sender killed mid-delivery, two senders at once, a second run)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from paperwire.config import load_settings
from paperwire.paper import Paper
from paperwire.store import open_catalog
from paperwire.store.reader_schema import outbox

from .digest_support import visitor

PAPERWIRE = Path(sys.executable).parent / "paperwire"
WAIT_S = 60  # the longest any process here may take


@pytest.fixture
def home(settings):
    """A home with today's papers and confirmed visitors' subscriptions due at any hour."""
    catalog = open_catalog(settings.catalog_url)
    today = datetime.now(timezone.utc).date()
    catalog.store([Paper(id=f"2612.0000{n}", arxiv_id=f"2612.0000{n}", title=f"Today's paper {n}",
                         listing_date=today, abstract="An abstract.", authors=("Ann Lee",),
                         categories=("cs.CL",), primary_category="cs.CL") for n in (1, 2)])
    yield settings.home, catalog.engine
    catalog.engine.dispose()


def subscribe(home_and_db, *emails: str) -> None:
    home, db = home_and_db
    at_midnight = load_settings(home=home, environ={"PAPERWIRE_DIGEST_HOUR": "0"})
    for email in emails:
        visitor(db, at_midnight, email)


def environment(home: Path, port: int, **more: str) -> dict[str, str]:
    env = {**os.environ, "PAPERWIRE_HOME": str(home), "PAPERWIRE_SMTP_HOST": "127.0.0.1",
           "PAPERWIRE_SMTP_PORT": str(port)}
    env.update({f"PAPERWIRE_{name.upper()}": value for name, value in more.items()})
    return env


def send(home: Path, port: int, *args: str, **more: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PAPERWIRE), "digest", "send", "--period", "daily", *args], capture_output=True,
                          text=True, env=environment(home, port, **more), timeout=WAIT_S)


def statuses(db) -> list[str]:
    with db.connect() as conn:
        return list(conn.execute(select(outbox.c.status).order_by(outbox.c.id)).scalars())


def test_a_dry_run_shows_the_digests_then_a_run_sends_them_and_a_second_run_has_nothing(home, smtp_server):
    subscribe(home, "ann@example.org")

    dry = send(home[0], smtp_server.port, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would send" in dry.stdout and "to ann@example.org: paperwire · 2 papers for" in dry.stdout
    assert statuses(home[1]) == [] and smtp_server.messages == []

    sent = send(home[0], smtp_server.port)
    assert sent.returncode == 0, sent.stderr
    assert "sent 1, to retry 0, failed 0" in sent.stdout
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.org"]

    again = send(home[0], smtp_server.port)
    assert again.returncode == 1, again.stderr
    assert "composed 0, nothing new for 0, already composed 1" in again.stdout
    assert len(smtp_server.messages) == 1


def test_an_unknown_user_is_an_error_that_names_them(home, smtp_server):
    result = send(home[0], smtp_server.port, "--user", "nobody")
    assert result.returncode == 2
    assert "error: no account named 'nobody'" in result.stderr


def test_two_senders_started_at_once_send_each_digest_once(home, smtp_server):
    readers = [f"reader{n}@example.org" for n in range(8)]
    subscribe(home, *readers)
    command = [str(PAPERWIRE), "digest", "send", "--period", "daily"]
    env = environment(home[0], smtp_server.port)

    racing = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    outcomes = [process.communicate(timeout=WAIT_S) for process in racing]

    assert all(process.returncode in (0, 1) for process in racing), outcomes
    assert sorted(r[0] for r in smtp_server.recipients) == readers
    assert statuses(home[1]) == ["sent"] * len(readers)


class SilentServer:
    """A mail server that accepts a connection and never answers: the sender waits in it."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connected = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        connection, _ = self.socket.accept()
        self.held.append(connection)
        self.connected.set()

    def close(self):
        for connection in self.held:
            connection.close()
        self.socket.close()


def test_a_sender_killed_while_the_server_holds_it_leaves_the_digest_for_the_next_run(home, smtp_server):
    subscribe(home, "ann@example.org")
    silent = SilentServer()
    # smtp_timeout_s 1: the lease (ten timeouts) runs out 10 s after the claim.
    killed = subprocess.Popen([str(PAPERWIRE), "digest", "send", "--period", "daily"],
                              env=environment(home[0], silent.port, smtp_timeout_s="1"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert silent.connected.wait(timeout=WAIT_S), "the sender never connected"
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=WAIT_S)
    finally:
        silent.close()
    assert statuses(home[1]) == ["pending"]  # composed, claimed, not sent

    assert send(home[0], smtp_server.port, smtp_timeout_s="1").returncode == 1  # still leased: nothing due
    deadline = time.monotonic() + 30
    while statuses(home[1]) == ["pending"] and time.monotonic() < deadline:
        time.sleep(2)
        send(home[0], smtp_server.port, smtp_timeout_s="1")

    assert statuses(home[1]) == ["sent"]
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.org"]
