"""Running the jobs through procrastinate's queue in the catalog's PostgreSQL database.

Any number of workers share the queue. Each job has a lock and a queueing lock named after it:
two runs of one job never overlap, and at most one waits. Periodic jobs are deferred once per
clock tick for the whole deployment (procrastinate records each tick it deferred). A worker
killed mid-job stops heartbeating; ``retry_stalled``, itself periodic, hands its job back to
the queue for another worker, and the jobs are written to resume (see steps.py).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import procrastinate
from procrastinate import exceptions
from procrastinate.jobs import Status
from sqlalchemy import Engine

from paperwire.jobs.cron import cron_every
from paperwire.jobs.queue_schema import ensure_queue_schema
from paperwire.jobs.steps import COMPOSE, DELIVER, FOLLOW, Done, Job, JobFailed, Workplace, attempt, say
from paperwire.store.db import shown

RETRY_STALLED = "retry_stalled"
HEARTBEATS_PER_STALL = 4  # heartbeats a worker may miss before it counts as gone


class QueueRun:
    """One worker process's procrastinate app: its jobs' tasks, and what the jobs it ran did."""

    def __init__(self, place: Workplace, jobs: list[Job], *, refresh_index: bool):
        self.place = place
        self.stalled_after = place.settings.worker_stalled_after_s
        self.outcomes: list[Done | None] = []  # None: a job that failed
        self.app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=libpq_url(place.catalog.engine)))
        self.tasks = {job.name: self._task(job, refresh_index and job is COMPOSE) for job in jobs}
        self.tasks[RETRY_STALLED] = self.app.task(name=f"paperwire.{RETRY_STALLED}", queue=RETRY_STALLED,
                                                  lock=RETRY_STALLED, queueing_lock=RETRY_STALLED)(self._retry_stalled)
        self.jobs = jobs

    def _task(self, job: Job, refresh_index: bool):
        async def run(timestamp: int | None = None) -> None:
            if refresh_index:  # this machine's own indexes: never a job of the shared queue
                await asyncio.to_thread(attempt, self.place, FOLLOW)
            due = datetime.fromtimestamp(timestamp, timezone.utc) if timestamp else None
            done = await asyncio.to_thread(attempt, self.place, job, due)
            self.outcomes.append(done)
            if done is None:
                raise JobFailed(f"{job.name} failed (see the line above); its next run tries again")
            if job is COMPOSE and done.changed and DELIVER.name in self.tasks:
                await defer(self.tasks[DELIVER.name])  # what was just composed goes out now

        return self.app.task(name=f"paperwire.{job.name}", queue=job.name, lock=job.name,
                             queueing_lock=job.name)(run)

    async def _retry_stalled(self, timestamp: int | None = None) -> None:
        manager = self.app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=self.stalled_after):
            gone = f"{job.task_name} (job {job.id}): its worker stopped heartbeating"
            try:
                try:
                    await manager.retry_job(job)
                    say(f"{gone}; queued again")
                except exceptions.UniqueViolation:  # its next run is queued already: that one does the work
                    await manager.finish_job(job, Status.FAILED, delete_job=False)
                    say(f"{gone}; its next run, already queued, takes over")
            except exceptions.ConnectorException:  # it ended meanwhile: its worker was only slow
                continue

    def schedule(self) -> None:
        """Make each job periodic, at the period its setting says, and the stalled-job check too."""
        settings = self.place.settings
        for job in self.jobs:
            self.app.periodic(cron=cron_every(job.every(settings), job.every_setting),
                              periodic_id=job.name)(self.tasks[job.name])
        self.app.periodic(cron=cron_every(timedelta(seconds=self.stalled_after), "worker_stalled_after_s"),
                          periodic_id=RETRY_STALLED)(self.tasks[RETRY_STALLED])

    async def work(self, *, once: bool, concurrency: int) -> None:
        async with self.app.open_async():
            if once:  # what is due is everything: queued in the usual order, done one at a time
                for name in (RETRY_STALLED, *(job.name for job in self.jobs)):
                    await defer(self.tasks[name])
            await self.app.run_worker_async(
                queues=list(self.tasks), wait=not once, concurrency=1 if once else concurrency,
                update_heartbeat_interval=self.stalled_after / HEARTBEATS_PER_STALL,
                stalled_worker_timeout=self.stalled_after, delete_jobs="successful")


def run_queue(place: Workplace, jobs: list[Job], *, once: bool, refresh_index: bool) -> int:
    """Work the shared queue until stopped by a signal (with ``once``: until nothing is left to do).

    Returns the exit status: with ``once`` 0 a job changed something, 1 nothing did, 2 a job
    failed; 0 when stopped.
    """
    settings = place.settings
    run = QueueRun(place, jobs, refresh_index=refresh_index)
    if not once:
        run.schedule()  # first: a period cron cannot keep is refused before anything is touched
    if ensure_queue_schema(place.catalog.engine):
        say("created the job queue's tables")
    say(f"worker started on the queue of {shown(place.catalog.engine.url)}: " + ", ".join(job.name for job in jobs))
    asyncio.run(run.work(once=once, concurrency=settings.worker_concurrency))
    say("stopped")
    if not once:
        return 0
    return 2 if None in run.outcomes else 0 if any(done.changed for done in run.outcomes) else 1


async def defer(task) -> None:
    """Queue a run of ``task`` unless one is queued already (its queueing lock)."""
    try:
        await task.defer_async()
    except exceptions.AlreadyEnqueued:
        pass


def libpq_url(engine: Engine) -> str:
    """The engine's database as the plain postgresql:// URL psycopg's pool takes."""
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
