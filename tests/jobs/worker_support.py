"""Running `paperwire worker` as a real process and reading its log as it comes."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

PAPERWIRE = Path(sys.executable).parent / "paperwire"
WAIT_S = 60


class Output:
    """A process's output lines, read by a thread as they come: waiting on the pipe with
    select() would miss lines that an earlier readline() had already taken into its buffer."""

    def __init__(self, process: subprocess.Popen):
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen = ""
        threading.Thread(target=lambda: [self.lines.put(line) for line in process.stdout], daemon=True).start()

    def until(self, text: str, wait_s: float = WAIT_S) -> str:
        """What the process printed so far, once a line holds ``text`` (waiting at most ``wait_s``)."""
        deadline = time.monotonic() + wait_s
        while text not in self.seen and time.monotonic() < deadline:
            self.read(1)
        assert text in self.seen, self.seen
        return self.seen

    def read(self, wait_s: float) -> str:
        """What the process printed so far, after taking in what comes within ``wait_s``."""
        try:
            self.seen += self.lines.get(timeout=wait_s)
            while True:
                self.seen += self.lines.get_nowait()
        except queue.Empty:
            return self.seen
