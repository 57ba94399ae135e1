"""A harvest recorded as an import run, so `paperwire stats` lists it with its errors.

Storing goes through :func:`paperwire.importer.store_items`, the same path file imports take.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from paperwire.harvest.errors import HarvestError
from paperwire.importer import ImportReport, store_items
from paperwire.sources import Item
from paperwire.store import Catalog


@dataclass
class HarvestReport(ImportReport):
    pages: int = 0
    fatal: str | None = None  # why the harvest stopped early, if it did
    notes: list[str] = field(default_factory=list)  # not errors: resumed, restarted, nothing new

    @property
    def exit_code(self) -> int:
        """0 everything stored, 1 some records failed, 2 the harvest could not finish."""
        return 2 if self.fatal else 1 if self.errors else 0

    def summary(self) -> str:
        return super().summary() + f", pages {self.pages}"


class HarvestRun:
    """``with HarvestRun(...) as run:`` opens the import run; leaving it sets the run's status."""

    def __init__(self, catalog: Catalog, origin: str, format_name: str):
        self.catalog = catalog
        self.report = HarvestReport(origin=origin, format=format_name)
        self.run_id: int | None = None

    def __enter__(self) -> "HarvestRun":
        self.run_id = self.catalog.start_run(self.report.origin, self.report.format)
        return self

    def store(self, items: Iterable[Item]) -> None:
        store_items(self.catalog, self.run_id, self.report, items)
        self.report.pages += 1

    def fail(self, error: HarvestError) -> None:
        """Record why the harvest stopped; what was stored before stays."""
        self.report.fatal = str(error)
        entry = (self.report.origin, str(error))
        self.report.errors.append(entry)
        self.catalog.record_progress(self.run_id, self.report.result, self.report.read, [entry])

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            status = "failed" if self.report.errors else "done"
        else:
            status = "interrupted" if issubclass(exc_type, KeyboardInterrupt) else "failed"
        self.catalog.record_progress(self.run_id, self.report.result, self.report.read, [], status=status)
