"""procrastinate's tables, created in the catalog's PostgreSQL database by the first worker."""

from __future__ import annotations

from procrastinate.schema import SchemaManager
from sqlalchemy import Engine, text

from paperwire.store.run_locks import AdvisoryRunLocks

SCHEMA_LOCK = -2  # the run-lock id of "creating the queue's tables" (import runs have positive ids)


def ensure_queue_schema(engine: Engine) -> bool:
    """Create procrastinate's schema unless it is there; whether it was created.

    Under an advisory lock, so that two workers starting at once neither both create it
    nor see it half made. (procrastinate's own migrations are for a later upgrade of it.)
    """
    locks = AdvisoryRunLocks(engine)
    locks.hold(SCHEMA_LOCK)
    try:
        with engine.begin() as conn:
            if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None:
                return False
            # Doubled as procrastinate's own apply_schema does: the driver reads "%" as a placeholder.
            conn.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))
        return True
    finally:
        locks.release(SCHEMA_LOCK)
