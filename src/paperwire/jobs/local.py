"""Running the jobs in-process on a timer: one worker per home, for a SQLite catalog."""

from __future__ import annotations

import threading

from paperwire.jobs.steps import Job, Workplace, attempt, say


def run_local(place: Workplace, jobs: list[Job], once: bool, stopping: threading.Event) -> int:
    """Run each job when due until ``stopping`` is set (after one pass with ``once``).

    Returns the exit status: with ``once`` 0 something changed, 1 nothing did, 2 a job failed;
    0 when stopped.
    """
    from paperwire.accounts.timestamps import utc_now

    say(f"worker started for {place.settings.home}: " + " -> ".join(job.name for job in jobs))
    next_run = {job.name: utc_now() for job in jobs}
    changed = failed = False
    while not stopping.is_set():
        for job in jobs:
            if stopping.is_set():
                break
            if next_run[job.name] > utc_now():
                continue
            done = attempt(place, job)
            next_run[job.name] = utc_now() + job.every(place.settings)
            changed = changed or bool(done and done.changed)
            failed = failed or done is None
        if once:
            return 2 if failed else 0 if changed else 1
        wait = (min(next_run.values()) - utc_now()).total_seconds()
        if wait > 0:
            say(f"sleeping until {min(next_run.values()):%Y-%m-%d %H:%M:%S} UTC")
            stopping.wait(wait)
    say("stopped")
    return 0
