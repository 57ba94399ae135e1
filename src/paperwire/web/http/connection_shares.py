"""Keep-alive connections spread evenly over `paperwire serve`'s worker processes.

The workers share one listening socket, and the first one to wake accepts every connection
waiting. Thirty-two connections opened at once went 25 to one worker and 7 to the other, and
stayed there for as long as they were kept alive. Both workers then serve the same number of
requests a second, so each connection of the crowded one waits three times as long. The p99
of the signed-in paper page followed the split: 15/17 136 ms, 11/21 163 ms, 26/6 219 ms.

Each worker, once it is ready to serve, claims a slot of a small file that all of them map
(``HOME/metrics/ADDRESS-PORT/connections``, made afresh at each start) and writes there how many
connections it holds. A worker holding more than its share (the total over the workers serving,
plus one) answers its next request with ``Connection: close``. The client's next connection is
accepted afresh, and goes to whichever worker takes it; the crowded worker keeps closing until it
holds its share. A worker still starting has no share: closing connections for it would only send
them back to the workers already serving.
"""

from __future__ import annotations

import fcntl
import mmap
import os
from pathlib import Path

import numpy as np

from paperwire.web.http.limits import HeadLimitedHttpToolsProtocol

SHARES_ENV = "PAPERWIRE_CONNECTION_SHARES"
FILE_NAME = "connections"
SLOTS = 64  # workers at most (`paperwire serve --workers` allows 64)
SLACK = 1  # connections a worker may hold over an even share: no closing over a split of 17/15
_FIELDS = 2  # a slot: the worker's pid, the connections it holds


def prepare(directory: Path, workers: int) -> Path | None:
    """Before the workers start: an empty shares file in ``directory``, named to them through the
    environment. One worker has nothing to share (None)."""
    os.environ.pop(SHARES_ENV, None)
    if workers < 2:
        return None
    path = Path(directory) / FILE_NAME
    path.write_bytes(np.zeros((SLOTS, _FIELDS), dtype=np.int64).tobytes())
    os.environ[SHARES_ENV] = str(path)
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal sent: only whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, as another user's
    return True


class ConnectionShares:
    """One worker's view of the shares file: its own slot to write, everyone's to read."""

    def __init__(self, path: Path):
        with open(path, "r+b") as file:
            self._map = mmap.mmap(file.fileno(), SLOTS * _FIELDS * 8)
            self._slots = np.frombuffer(self._map, dtype=np.int64).reshape(SLOTS, _FIELDS)
            fcntl.flock(file, fcntl.LOCK_EX)  # two workers starting at once claim different slots
            try:
                self._slot = self._claim()
            finally:
                fcntl.flock(file, fcntl.LOCK_UN)
        self.leaving = 0  # connections told to close that have not closed yet

    def _claim(self) -> int | None:
        """A free slot (or one of a worker that is gone: uvicorn restarts a dead worker), now this process's."""
        for slot, (pid, _) in enumerate(self._slots):
            if pid == 0 or not _alive(int(pid)):
                self._slots[slot] = (os.getpid(), 0)
                return slot
        return None  # more workers than slots: this one does not take part

    def holding(self, connections: int) -> None:
        """This worker now holds ``connections`` (an aligned 8-byte write: others never read half of it)."""
        if self._slot is not None:
            self._slots[self._slot, 1] = connections

    def over_share(self, connections: int) -> bool:
        """Whether this worker, holding ``connections``, should let one more of them go.

        The total counts the connections told to close: their clients will connect again, and
        letting go of others for them would send more away than the share asks."""
        if self._slot is None:
            return False
        staying = connections - self.leaving
        serving = np.count_nonzero(self._slots[:, 0])  # workers that claimed a slot (this one among them)
        return staying > int(self._slots[:, 1].sum()) / serving + SLACK


class SharingHttpToolsProtocol(HeadLimitedHttpToolsProtocol):
    """The server's protocol (head limits included), closing connections this worker holds beyond its share."""

    _shares: ConnectionShares | None = None
    _shares_read = False

    @classmethod
    def shares(cls) -> ConnectionShares | None:
        """This worker's shares, opened once it is ready to serve (None when the server runs one worker)."""
        if not cls._shares_read:
            path = os.environ.get(SHARES_ENV)
            cls._shares, cls._shares_read = (ConnectionShares(Path(path)) if path else None), True
        return cls._shares

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._leaving = False
        if (shares := self.shares()) is not None:
            shares.holding(len(self.connections))

    def connection_lost(self, exc) -> None:
        super().connection_lost(exc)
        if (shares := self.shares()) is not None:
            if self._leaving:
                shares.leaving -= 1
            shares.holding(len(self.connections))

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        shares = self.shares()
        if shares is None or self._leaving or self.cycle is None or not self.cycle.keep_alive:
            return
        if shares.over_share(len(self.connections)):
            self.cycle.keep_alive = False  # the response says Connection: close
            self._leaving = True
            shares.leaving += 1

