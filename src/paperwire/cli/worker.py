"""`paperwire worker`: the whole day on a schedule (harvest, import, index, trending, compose, deliver)."""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

import click

from paperwire.cli import AppContext, pass_app

WORKER_LOCK = -1  # the run-lock id of "a worker of this home" (import runs have positive ids)
ANOTHER_WORKER = 3  # exit status when this home already has a worker


class StepFailed(RuntimeError):
    """A step that could not do its work; the next pass tries again."""


@dataclass(frozen=True)
class Done:
    changed: bool
    summary: str


@dataclass(frozen=True)
class Step:
    name: str
    every: Callable[[object], timedelta]  # settings -> how often it runs
    run: Callable[["Worker"], Done]


class Worker:
    """What the steps share: the home's settings and catalog, one search service for the run."""

    def __init__(self, app: AppContext):
        from paperwire.search.service import SearchService

        self.settings, self.catalog = app.settings, app.catalog
        self.search = SearchService(self.settings, self.catalog)  # reloads the indexes the index step writes


def _harvest(worker: Worker) -> Done:
    """OAI-PMH, incremental from the last harvest; stored through the importer (the import step)."""
    from paperwire.harvest.http import PoliteClient
    from paperwire.harvest.oai import OaiQuery, harvest_oai

    settings = worker.settings
    if not settings.worker_oai_set:
        return Done(False, "skipped: set worker_oai_set (e.g. cs) to harvest")
    query = OaiQuery(base_url=settings.oai_base_url, set_spec=settings.worker_oai_set, from_date=None, until=None,
                     metadata_prefix="arXivRaw")
    with PoliteClient(settings.request_interval_s) as client:
        report = harvest_oai(worker.catalog, client, query)
    if report.fatal:
        raise StepFailed(report.fatal)
    return Done(report.changed, report.summary())


def _index(worker: Worker) -> Done:
    from paperwire.search import build_indexes

    report = build_indexes(worker.settings, worker.catalog, rebuild=False, progress=False)
    return Done(bool(report.changed or report.removed), report.summary())


def _trending(worker: Worker) -> Done:
    from paperwire.community import scores

    count = scores.rebuild(worker.catalog.engine, worker.settings.trending_half_life_hours)
    # Scores follow every vote as it comes; this re-derives them, and changes nothing a reader sees.
    return Done(False, f"rescored {count} papers")


def _compose(worker: Worker) -> Done:
    from paperwire.accounts.timestamps import utc_now
    from paperwire.digest.compose import compose_due

    report = compose_due(worker.catalog.engine, worker.settings, worker.search, now=utc_now(),
                         jobs=worker.settings.compose_jobs)
    summary = f"composed {len(report.composed)}, nothing new for {report.empty}, already composed {report.already}"
    if report.errors:
        raise StepFailed(f"{summary}; " + "; ".join(report.errors))
    return Done(bool(report.composed), summary)


def _deliver(worker: Worker) -> Done:
    from paperwire.digest.deliver import deliver_due
    from paperwire.mail.smtp import mail_enabled

    if not mail_enabled(worker.settings):
        return Done(False, "skipped: set smtp_host to send the digests")
    report = deliver_due(worker.catalog.engine, worker.settings)
    summary = f"sent {report.sent}, to retry {report.retrying}, failed {report.failed}, cancelled {report.cancelled}"
    return Done(report.changed, summary)


def _hours(name: str):
    return lambda settings: timedelta(hours=getattr(settings, name))


def _minutes(name: str):
    return lambda settings: timedelta(minutes=getattr(settings, name))


STEPS = (
    Step("harvest", _hours("worker_harvest_every_hours"), _harvest),
    Step("index", _hours("worker_harvest_every_hours"), _index),
    Step("trending", _hours("worker_harvest_every_hours"), _trending),
    Step("compose", _minutes("worker_digest_every_minutes"), _compose),
    Step("deliver", _minutes("worker_digest_every_minutes"), _deliver),
)


def register(main: click.Group) -> None:
    main.add_command(worker_command)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every step once, then exit (for cron and tests).")
@click.option("--skip", type=click.Choice([s.name for s in STEPS]), multiple=True,
              help="Leave a step out (repeatable), e.g. --skip harvest on a site fed by imports.")
@pass_app
def worker_command(app: AppContext, once: bool, skip: tuple[str, ...]) -> None:
    """Run the site's day: harvest new papers from arXiv (stored as an import run), update
    the search indexes, rescore trending, compose the digests that are due, deliver them.

    Harvest, index and trending run every worker_harvest_every_hours; compose and deliver
    every worker_digest_every_minutes (each reader's digest is due at their own hour).
    Each step logs what it did and whether it changed anything. One worker at a time per
    home: a second one says so and exits. SIGTERM (or Ctrl-C) stops it after the step
    under way.

    \b
    Examples:
      paperwire worker                        # under systemd or a supervisor
      paperwire worker --once                 # one pass, from cron
      paperwire worker --once --skip harvest

    Exit status with --once: 0 something changed, 1 nothing changed, 2 a step failed (the
    others still ran). 3 another worker runs for this home. 0 when stopped by a signal.
    """
    from paperwire.store.run_locks import run_locks

    locks = run_locks(app.catalog.engine)
    if not locks.try_hold(WORKER_LOCK):  # one step: two workers starting at once cannot both pass
        click.echo(f"another worker is running for {app.settings.home}: only one may run at a time", err=True)
        sys.exit(ANOTHER_WORKER)
    try:
        with _stop_on_signals() as stopping:
            status = _run(Worker(app), [s for s in STEPS if s.name not in skip], once, stopping)
    finally:
        locks.release(WORKER_LOCK)
    sys.exit(status)


def _run(worker: Worker, steps: list[Step], once: bool, stopping: threading.Event) -> int:
    from paperwire.accounts.timestamps import utc_now

    _log(f"worker started for {worker.settings.home}: " + " -> ".join(s.name for s in steps))
    next_run = {step.name: utc_now() for step in steps}
    changed = failed = False
    while not stopping.is_set():
        for step in steps:
            if stopping.is_set():
                break
            if next_run[step.name] > utc_now():
                continue
            done, error = _attempt(worker, step)
            next_run[step.name] = utc_now() + step.every(worker.settings)
            changed = changed or bool(done and done.changed)
            failed = failed or error
        if once:
            return 2 if failed else 0 if changed else 1
        wait = (min(next_run.values()) - utc_now()).total_seconds()
        if wait > 0:
            _log(f"sleeping until {min(next_run.values()):%Y-%m-%d %H:%M:%S} UTC")
            stopping.wait(wait)
    _log("stopped")
    return 0


def _attempt(worker: Worker, step: Step) -> tuple[Done | None, bool]:
    from paperwire.config import ConfigError
    from paperwire.search import IndexBusy

    try:
        done = step.run(worker)
    except (StepFailed, ConfigError, IndexBusy) as error:
        _log(f"{step.name}: failed: {error}", err=True)
        return None, True
    _log(f"{step.name}: {done.summary} ({'changed' if done.changed else 'nothing changed'})")
    return done, False


def _log(line: str, err: bool = False) -> None:
    click.echo(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S%z} {line}", err=err)


@contextmanager
def _stop_on_signals():
    """Within: SIGTERM and SIGINT set the event (the step under way finishes) instead of raising."""
    stopping = threading.Event()
    previous = {number: signal.signal(number, lambda *_: stopping.set()) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stopping
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
