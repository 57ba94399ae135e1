"""What the shared job queue holds: jobs by name and status, and the workers heartbeating."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, text


@dataclass(frozen=True)
class QueueStatus:
    jobs: list[tuple[str, str, int]]  # (job, status, how many), succeeded runs not kept
    workers: list[tuple[int, datetime]]  # (worker id, last heartbeat)


def queue_status(engine: Engine) -> QueueStatus | None:
    """The queue's contents, or None where no worker has created the queue yet."""
    with engine.connect() as conn:
        if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            return None
        jobs = conn.execute(text(
            "SELECT task_name, status::text, count(*) FROM procrastinate_jobs"
            " GROUP BY task_name, status ORDER BY task_name, status")).all()
        workers = conn.execute(text(
            "SELECT id, last_heartbeat FROM procrastinate_workers ORDER BY id")).all()
    return QueueStatus([(name.removeprefix("paperwire."), status, count) for name, status, count in jobs],
                       [tuple(row) for row in workers])
