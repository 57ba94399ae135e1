"""The jobs a worker runs, each a function of the workplace that says what it did (no CLI here)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from paperwire.config import Settings
from paperwire.store import Catalog


class JobFailed(RuntimeError):
    """A job that could not do its work; its next run tries again."""


@dataclass(frozen=True)
class Done:
    changed: bool
    summary: str


class Workplace:
    """What the jobs of one worker process share: settings, catalog, and what is slow to open."""

    def __init__(self, settings: Settings, catalog: Catalog):
        self.settings, self.catalog = settings, catalog

    @functools.cached_property
    def search(self):
        from paperwire.search.backends import open_search

        return open_search(self.settings, self.catalog)  # local indexes: reloaded as the index job writes them

    @functools.cached_property
    def embedder(self):
        from paperwire.search.embedder import Embedder

        return Embedder()


def harvest(place: Workplace) -> Done:
    """OAI-PMH, incremental from the last harvest; stored through the importer as an import run."""
    from paperwire.harvest.http import PoliteClient
    from paperwire.harvest.oai import OaiQuery, harvest_oai

    settings = place.settings
    if not settings.worker_oai_set:
        return Done(False, "skipped: set worker_oai_set (e.g. cs) to harvest")
    query = OaiQuery(base_url=settings.oai_base_url, set_spec=settings.worker_oai_set, from_date=None, until=None,
                     metadata_prefix="arXivRaw")
    with PoliteClient(settings.request_interval_s) as client:
        report = harvest_oai(place.catalog, client, query)
    if report.fatal:
        raise JobFailed(report.fatal)
    return Done(report.changed, report.summary())


def embed(place: Workplace) -> Done:
    """Store a vector for each live paper without one, newest first, committed batch by batch:
    a run killed part way leaves what it stored, and the next run embeds only the rest."""
    from paperwire.search.embedding_job import embed_catalog
    from paperwire.search.embedding_store import EmbeddingStore

    count = embed_catalog(place.catalog, EmbeddingStore(place.catalog.engine), place.embedder, progress=False)
    return Done(bool(count), f"embedded {count} papers")


def index(place: Workplace) -> Done:
    """Bring this machine's own search indexes up to the catalog's revision."""
    from paperwire.search import build_indexes

    report = build_indexes(place.settings, place.catalog, rebuild=False, progress=False)
    return Done(bool(report.changed or report.removed), report.summary())


def follow(place: Workplace) -> Done:
    """Bring this machine's own indexes up to a shared catalog with the vectors stored there
    (never embedding: the embed job does that once for the deployment)."""
    from paperwire.search import build_indexes

    if place.settings.search_backend != "local":
        return Done(False, "skipped: search runs in PostgreSQL, no local indexes to update")
    report = build_indexes(place.settings, place.catalog, progress=False, embed=False)
    return Done(bool(report.changed or report.removed), report.summary())


def trending(place: Workplace) -> Done:
    from paperwire.community import scores

    count = scores.rebuild(place.catalog.engine, place.settings.trending_half_life_hours)
    # Scores follow every vote as it comes; this re-derives them, and changes nothing a reader sees.
    return Done(False, f"rescored {count} papers")


def compose(place: Workplace) -> Done:
    from paperwire.accounts.timestamps import utc_now
    from paperwire.digest.compose import compose_due

    report = compose_due(place.catalog.engine, place.settings, place.search, now=utc_now(),
                         jobs=place.settings.compose_jobs)
    summary = f"composed {len(report.composed)}, nothing new for {report.empty}, already composed {report.already}"
    if report.errors:
        raise JobFailed(f"{summary}; " + "; ".join(report.errors))
    return Done(bool(report.composed), summary)


def deliver(place: Workplace) -> Done:
    from paperwire.digest.deliver import deliver_due
    from paperwire.mail.smtp import mail_enabled

    if not mail_enabled(place.settings):
        return Done(False, "skipped: set smtp_host to send the digests")
    report = deliver_due(place.catalog.engine, place.settings)
    return Done(report.changed, report.summary())


@dataclass(frozen=True)
class Job:
    name: str
    every_setting: str  # the setting saying how often it runs
    run: Callable[[Workplace], Done]

    def every(self, settings: Settings) -> timedelta:
        value = getattr(settings, self.every_setting)
        return timedelta(hours=value) if self.every_setting.endswith("_hours") else timedelta(minutes=value)


HARVEST_EVERY, DIGEST_EVERY = "worker_harvest_every_hours", "worker_digest_every_minutes"
HARVEST, EMBED, INDEX, TRENDING, COMPOSE, DELIVER = (
    Job("harvest", HARVEST_EVERY, harvest), Job("embed", HARVEST_EVERY, embed), Job("index", HARVEST_EVERY, index),
    Job("trending", HARVEST_EVERY, trending), Job("compose", DIGEST_EVERY, compose),
    Job("deliver", DIGEST_EVERY, deliver))
FOLLOW = Job("index", HARVEST_EVERY, follow)  # the queue's index: each worker's own, before it composes
# In-process on SQLite, the worker keeps the home's indexes up to date (embedding what they lack).
LOCAL_JOBS = (HARVEST, INDEX, TRENDING, COMPOSE, DELIVER)
# Through the queue, embedding is a job of its own, run once for the deployment; the indexes
# are each machine's own, so each worker brings its own up to date (FOLLOW) before composing.
QUEUED_JOBS = (HARVEST, EMBED, TRENDING, COMPOSE, DELIVER)
JOB_NAMES = ("harvest", "embed", "index", "trending", "compose", "deliver")


def attempt(place: Workplace, job: Job, due: datetime | None = None) -> Done | None:
    """Run ``job``, logging what it did or why it failed; None when it failed.

    ``due``: the scheduled time this run is for, named in the log (the queue's periodic runs).
    """
    from paperwire.config import ConfigError
    from paperwire.search import IndexBusy

    name = f"{job.name} (due {due:%Y-%m-%d %H:%M:%S} UTC)" if due else job.name
    try:
        done = job.run(place)
    except (JobFailed, ConfigError, IndexBusy) as error:
        say(f"{name}: failed: {error}", err=True)
        return None
    say(f"{name}: {done.summary} ({'changed' if done.changed else 'nothing changed'})")
    return done


def say(line: str, err: bool = False) -> None:
    """One line of the worker's log, stamped with the local time."""
    import sys

    print(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S%z} {line}", file=sys.stderr if err else sys.stdout,
          flush=True)
