"""A job's period as the cron expression procrastinate schedules periodic jobs by."""

from __future__ import annotations

from datetime import timedelta

from paperwire.config import ConfigError

_EXAMPLES = "e.g. 30 seconds; 1, 5, 10, 15, 30 minutes; 1, 2, 3, 4, 6, 8, 12, 24 hours"


def cron_every(period: timedelta, setting: str) -> str:
    """The cron expression of ``period`` (from ``setting``, named in the error if it cannot be one).

    Cron ticks on the clock, so every worker of a deployment agrees on the ticks; a period
    must therefore divide a minute, an hour or a day evenly.
    """
    seconds = period.total_seconds()
    whole = round(seconds)
    if seconds <= 0 or abs(seconds - whole) > 1e-6:
        raise ConfigError(f"{setting}: {_shown(period)} is not a whole number of seconds ({_EXAMPLES})")
    if whole < 60 and 60 % whole == 0:
        return f"* * * * * */{whole}"  # croniter's sixth field: seconds
    if whole % 60 == 0 and whole < 3600 and 60 % (whole // 60) == 0:
        return f"*/{whole // 60} * * * *"
    if whole % 3600 == 0 and whole <= 86400 and 24 % (whole // 3600) == 0:
        return f"0 */{whole // 3600} * * *"
    raise ConfigError(f"{setting}: a period of {_shown(period)} does not divide a minute, an hour or a day "
                      f"evenly, which scheduling on PostgreSQL needs ({_EXAMPLES})")


def _shown(period: timedelta) -> str:
    seconds = period.total_seconds()
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"
