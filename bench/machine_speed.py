"""How fast this machine runs right now: its cores are shared, so a figure is read beside this."""

from __future__ import annotations

import time

CPU_PROBE_LOOPS = 3_000_000


def cpu_probe_s() -> float:
    """Seconds one core takes over a fixed loop."""
    start, total = time.perf_counter(), 0
    for step in range(CPU_PROBE_LOOPS):
        total += step * step % 7
    return time.perf_counter() - start
