"""`paperwire worker`: one pass over the day's steps (harvesting from a local OAI-PMH server),
what a second pass finds to do, one worker per home, and SIGTERM stopping it cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from harvest.harvest_support import FixtureServer, Reply, fixture

from paperwire.cli import main
from paperwire.config import load_settings
from paperwire.paper import Paper
from paperwire.store import open_catalog

from digest.digest_support import visitor
from jobs.worker_support import PAPERWIRE, WAIT_S, Output


@pytest.fixture
def oai():
    """A local OAI-PMH endpoint that answers every ListRecords with the same three cs records."""
    server = FixtureServer(lambda seen: Reply(200, fixture("oai_cs_page3.xml"))).start()
    yield server
    server.stop()


@pytest.fixture
def home(settings, smtp_server, oai):
    """A home with a paper listed today, a visitor subscribed at any hour, mail and harvest set up."""
    catalog = open_catalog(settings.catalog_url)
    today = datetime.now(timezone.utc).date()
    catalog.store([Paper(id="2612.00001", arxiv_id="2612.00001", title="Listed today", listing_date=today,
                         abstract="An abstract.", authors=("Ann Lee",), categories=("cs.CL",),
                         primary_category="cs.CL")])
    visitor(catalog.engine, load_settings(home=settings.home, environ={"PAPERWIRE_DIGEST_HOUR": "0"}))
    catalog.engine.dispose()
    return {"PAPERWIRE_HOME": str(settings.home), "PAPERWIRE_SMTP_HOST": smtp_server.host,
            "PAPERWIRE_SMTP_PORT": str(smtp_server.port), "PAPERWIRE_OAI_BASE_URL": oai.url + "/oai",
            "PAPERWIRE_WORKER_OAI_SET": "cs", "PAPERWIRE_REQUEST_INTERVAL_S": "0"}


def worker(env, *args):
    # --skip index: embedding new papers needs the MiniLM model (tests/search covers indexing).
    return CliRunner().invoke(main, ["worker", "--skip", "index", *args], env=env, catch_exceptions=False)


def test_one_pass_harvests_composes_and_delivers_then_a_second_finds_nothing_to_do(home, smtp_server, oai):
    first = worker(home, "--once")

    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert "worker started for" in lines[0] and "harvest -> trending -> compose -> deliver" in lines[0]
    assert any(" harvest: " in line and "added 2" in line and "(changed)" in line for line in lines)
    assert any(" trending: rescored " in line for line in lines)
    assert any(" compose: composed 1," in line and "(changed)" in line for line in lines)
    assert any(" deliver: sent 1," in line for line in lines)
    assert [m["To"] for m in smtp_server.messages] == ["reader@example.org"]
    assert oai.requests and oai.requests[0].params["set"] == "cs"

    second = worker(home, "--once")

    assert second.exit_code == 1, second.output
    assert "compose: composed 0, nothing new for 0, already composed 1 (nothing changed)" in second.stdout
    assert len(smtp_server.messages) == 1


def test_without_a_set_to_harvest_the_harvest_step_says_so(home):
    del home["PAPERWIRE_WORKER_OAI_SET"]
    result = worker(home, "--once")
    assert "harvest: skipped: set worker_oai_set (e.g. cs) to harvest (nothing changed)" in result.stdout


def test_a_second_worker_for_the_same_home_says_so_and_sigterm_stops_the_first(home):
    env = {**os.environ, **home, "PYTHONUNBUFFERED": "1"}
    command = [str(PAPERWIRE), "worker", "--skip", "harvest", "--skip", "index"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        output = Output(first)
        output.until("sleeping until")

        second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=WAIT_S)
        assert second.returncode == 3
        assert "another worker is running for" in second.stderr and "only one may run at a time" in second.stderr

        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=WAIT_S) == 0
        assert "stopped" in output.until("stopped")
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=WAIT_S)


def test_on_sqlite_there_is_no_job_queue_to_list(home):
    result = CliRunner().invoke(main, ["jobs"], env=home)
    assert result.exit_code == 1
    assert "there is no job queue on SQLite: `paperwire worker` runs the jobs in-process" in result.output
