"""Request and search metrics summed over a node's worker processes.

`paperwire serve --workers N` runs N processes, and a scrape reaches one of them. With
prometheus-client's multiprocess mode each process writes its counts to memory-mapped files
in ``HOME/metrics/ADDRESS-PORT``, and whichever process answers the scrape reads them all,
so a node reports its totals; another server on the same home (another port) keeps its own.
The mode is chosen when prometheus_client is first imported, from
PROMETHEUS_MULTIPROC_DIR: :func:`share_between_workers` sets it first, and so this module
imports prometheus_client only inside :func:`process_metrics`.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
METRICS_DIR = "metrics"


def share_between_workers(home: Path, host: str, port: int) -> Path:
    """Before the server on ``host``:``port`` starts: an empty ``home/metrics/HOST-PORT`` that its
    worker processes will share (the counts of its previous run are gone, as they would be from
    a restarted process; other servers' are left alone)."""
    directory = Path(home) / METRICS_DIR / f"{re.sub(r'[^A-Za-z0-9.]', '_', host)}-{port}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ[MULTIPROCESS_ENV] = str(directory)
    return directory


def process_metrics():
    """What to read the request and search metrics from: every worker's files in multiprocess
    mode, else this process's registry (the app run in-process, as the tests do)."""
    from prometheus_client import REGISTRY
    from prometheus_client.multiprocess import MultiProcessCollector

    return MultiProcessCollector(None) if os.environ.get(MULTIPROCESS_ENV) else REGISTRY
