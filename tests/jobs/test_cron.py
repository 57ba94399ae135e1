"""A job's period as the clock ticks every worker of a deployment agrees on."""

from datetime import timedelta

import pytest

from paperwire.config import ConfigError
from paperwire.jobs.cron import cron_every


@pytest.mark.parametrize(("period", "cron"), [
    (timedelta(seconds=3), "* * * * * */3"),
    (timedelta(minutes=15), "*/15 * * * *"),
    (timedelta(hours=6), "0 */6 * * *"),
    (timedelta(hours=24), "0 */24 * * *"),
])
def test_periods_that_divide_a_minute_an_hour_or_a_day_tick_on_the_clock(period, cron):
    assert cron_every(period, "worker_digest_every_minutes") == cron


@pytest.mark.parametrize("period", [timedelta(minutes=7), timedelta(hours=5), timedelta(hours=48),
                                    timedelta(seconds=1.5), timedelta(0)])
def test_other_periods_are_refused_naming_the_setting(period):
    with pytest.raises(ConfigError, match=r"^worker_harvest_every_hours: .* \(e\.g\. 30 seconds; 1, 5"):
        cron_every(period, "worker_harvest_every_hours")
