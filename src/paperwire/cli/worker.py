"""`paperwire worker`: the site's day on a schedule (harvest, import, embed, index, trending, compose, deliver)."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from contextlib import contextmanager

import click

from paperwire.cli import AppContext, pass_app
from paperwire.jobs.steps import JOB_NAMES

WORKER_LOCK = -1  # the run-lock id of "a worker of this home" (import runs have positive ids)
ANOTHER_WORKER = 3  # exit status when this home already has a worker


def register(main: click.Group) -> None:
    main.add_command(worker_command)
    main.add_command(jobs_command)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every job once, then exit (for cron and tests).")
@click.option("--skip", type=click.Choice(JOB_NAMES), multiple=True,
              help="Leave a job out (repeatable), e.g. --skip harvest on a site fed by imports.")
@pass_app
def worker_command(app: AppContext, once: bool, skip: tuple[str, ...]) -> None:
    """Run the site's day: harvest new papers from arXiv (stored as an import run), embed
    them, update the search indexes, rescore trending, compose the digests that are due,
    deliver them.

    Harvest, embed, index and trending run every worker_harvest_every_hours; compose and
    deliver every worker_digest_every_minutes (each reader's digest is due at their own
    hour). Each job logs what it did and whether it changed anything. SIGTERM (or Ctrl-C)
    stops it after the job under way.

    On SQLite the jobs run here, one worker at a time per home: a second one says so and
    exits; indexing embeds the papers new to the index.

    On PostgreSQL (database_url) any number of workers, on any machines, share a job queue
    in the database: each job runs once for the whole deployment, never two runs of one job
    at a time; a worker killed mid-job has its job handed to another once it misses its
    heartbeats for worker_stalled_after_s; embedding is a job of its own. Each worker brings
    its own machine's indexes up to date before it composes (--skip index: it does not).
    Periods must divide a minute, an hour or a day; a new deployment's jobs first run at the
    next tick (e.g. 00:00, 06:00 ... for 6 hours): --once runs them all now.

    \b
    Examples:
      paperwire worker                        # under systemd or a supervisor
      paperwire worker --once                 # one pass, from cron
      paperwire worker --once --skip harvest
      paperwire worker --skip embed           # a worker on a machine without a GPU

    Exit status with --once: 0 something changed, 1 nothing changed, 2 a job failed (the
    others still ran). 3 another worker runs for this (SQLite) home. 0 when stopped by a signal.
    """
    from paperwire.config import ConfigError
    from paperwire.jobs.steps import LOCAL_JOBS, QUEUED_JOBS, Workplace
    from paperwire.store.db import is_sqlite

    place = Workplace(app.settings, app.catalog)
    if not is_sqlite(app.catalog.engine):
        from paperwire.jobs.queue import run_queue

        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
        try:
            status = run_queue(place, [job for job in QUEUED_JOBS if job.name not in skip], once=once,
                               refresh_index="index" not in skip)
        except ConfigError as exc:  # a period the queue cannot schedule
            raise click.ClickException(str(exc)) from None
        sys.exit(status)
    from paperwire.jobs.local import run_local
    from paperwire.store.run_locks import run_locks

    locks = run_locks(app.catalog.engine)
    if not locks.try_hold(WORKER_LOCK):  # one step: two workers starting at once cannot both pass
        click.echo(f"another worker is running for {app.settings.home}: only one may run at a time", err=True)
        sys.exit(ANOTHER_WORKER)
    try:
        with _stop_on_signals() as stopping:
            status = run_local(place, [job for job in LOCAL_JOBS if job.name not in skip], once, stopping)
    finally:
        locks.release(WORKER_LOCK)
    sys.exit(status)


@click.command("jobs")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_app
def jobs_command(app: AppContext, as_json: bool) -> None:
    """The PostgreSQL job queue: jobs waiting (todo), running (doing) or failed, by job, and
    the workers with their last heartbeat. Succeeded runs are not kept (each job logs them).

    \b
    Examples:
      paperwire jobs
      paperwire jobs --json | jq .jobs
    """
    import json

    from paperwire.jobs.queue_status import queue_status
    from paperwire.store.db import is_sqlite

    if is_sqlite(app.existing_catalog.engine):
        raise click.ClickException("there is no job queue on SQLite: `paperwire worker` runs the jobs in-process "
                                   "(set database_url to a PostgreSQL database to share a queue)")
    status = queue_status(app.catalog.engine)
    if status is None:
        raise click.ClickException("no job queue in this database yet: the first `paperwire worker` creates it")
    if as_json:
        click.echo(json.dumps({"jobs": [{"job": job, "status": state, "count": count}
                                        for job, state, count in status.jobs],
                               "workers": [{"id": id_, "last_heartbeat": beat.isoformat()}
                                           for id_, beat in status.workers]}, indent=2))
        return
    click.echo("jobs:" if status.jobs else "jobs: none waiting, running or failed")
    for job, state, count in status.jobs:
        click.echo(f"  {job:<16} {state:<10} {count:>6}")
    click.echo(f"workers: {len(status.workers)}")
    for id_, beat in status.workers:
        click.echo(f"  #{id_:<6} last heartbeat {beat:%Y-%m-%d %H:%M:%S %Z}")


@contextmanager
def _stop_on_signals():
    """Within: SIGTERM and SIGINT set the event (the job under way finishes) instead of raising."""
    stopping = threading.Event()
    previous = {number: signal.signal(number, lambda *_: stopping.set()) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stopping
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
