"""Import runs tell a run still going from one whose process died without a word (both backends)."""

import signal
import subprocess
import sys
import time

from paperwire.store import Catalog, open_catalog

# A process that starts a run, says so, and then waits to be killed.
START_RUN_AND_WAIT = """
import sys, time
from paperwire.store import open_catalog

catalog = open_catalog(sys.argv[1])
print(catalog.start_run("harvest of a killed process", "oai-pmh"), flush=True)
time.sleep(600)
"""


def statuses(catalog: Catalog) -> dict[int, str]:
    return {run["id"]: run["status"] for run in catalog.stats()["runs"]}


def test_a_run_is_running_while_its_process_lives_and_interrupted_once_it_is_killed(catalog: Catalog):
    url = catalog.engine.url.render_as_string(hide_password=False)
    process = subprocess.Popen([sys.executable, "-c", START_RUN_AND_WAIT, url], stdout=subprocess.PIPE, text=True)
    try:
        run_id = int(process.stdout.readline())
        assert statuses(catalog)[run_id] == "running"
        assert statuses(open_catalog(url))[run_id] == "running"  # as any other reader sees it
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    # PostgreSQL ends the dead process's session (and its advisory lock) once it reads the
    # closed socket, a moment after the kill: look again for a bounded while.
    deadline = time.monotonic() + 15
    while statuses(catalog)[run_id] == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert statuses(catalog)[run_id] == "interrupted"


def test_a_run_of_this_process_stays_running_until_it_records_its_end(catalog: Catalog):
    from paperwire.store import BatchResult

    run_id = catalog.start_run("papers.jsonl", "arxiv-jsonl")
    assert statuses(catalog)[run_id] == "running"
    catalog.record_progress(run_id, BatchResult(added=3), read=3, errors=[], status="done")
    assert statuses(catalog)[run_id] == "done"
    later = catalog.start_run("more.jsonl", "arxiv-jsonl")  # settling leaves ended runs as they are
    assert statuses(catalog) == {run_id: "done", later: "running"}


def test_only_one_process_at_a_time_takes_a_lock_by_trying_and_the_next_takes_it_once_released(database_url):
    """What keeps two `paperwire worker`s off one home: trying is one step, never check-then-take."""
    from paperwire.store.run_locks import run_locks

    engine = open_catalog(database_url).engine
    first, second = run_locks(engine), run_locks(engine)  # as two processes see the catalog
    assert first.try_hold(-1)
    assert not second.try_hold(-1) and second.held(-1)
    first.release(-1)
    assert second.try_hold(-1)
    second.release(-1)
    assert not first.held(-1)
    engine.dispose()
