"""Harvest test fixtures: a local fixture server, a fake clock, a polite client bound to both."""

from __future__ import annotations

import pytest

from paperwire.harvest.http import PoliteClient, RetryPolicy
from .harvest_support import ClockedTransport, FakeClock, FixtureServer


@pytest.fixture
def server():
    server = FixtureServer().start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def transport(clock: FakeClock) -> ClockedTransport:
    return ClockedTransport(clock)


@pytest.fixture
def client(clock: FakeClock, transport: ClockedTransport):
    # arXiv's real 3 s interval: the fake clock makes it free and measurable.
    with PoliteClient(3.0, retry=RetryPolicy(max_retries=3, backoff_base_s=2.0, backoff_cap_s=10.0),
                      timeout_s=10.0, clock=clock, transport=transport) as client:
        yield client
