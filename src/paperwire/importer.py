"""Reading files of papers into the catalog: format detection, batching, progress, errors.

The arrow from sources to catalog: parsers stay pure, the catalog knows no formats.
Each batch is one transaction, so an interrupted import keeps every batch it
committed, and (imports being idempotent) a rerun completes it.
"""

from __future__ import annotations

import gzip
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from tqdm import tqdm

from paperwire import sources
from paperwire.paper import BadRecord, DeletedRecord, Paper
from paperwire.store import BatchResult, Catalog
from paperwire.store.db import CatalogFull

BATCH_SIZE = 10_000  # papers per transaction: larger batches rewrite shared index pages less often
GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class ImportReport:
    origin: str
    format: str | None = None
    read: int = 0
    result: BatchResult = field(default_factory=BatchResult)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    fatal: str | None = None  # why it stopped before the end of its input (e.g. no space left)

    @property
    def changed(self) -> bool:
        return bool(self.result.added or self.result.updated or self.result.deleted)

    def summary(self) -> str:
        r = self.result
        return (f"{self.origin} [{self.format or '?'}]: read {self.read}, added {r.added}, updated {r.updated}, "
                f"unchanged {r.unchanged}, deleted {r.deleted}, failed {len(self.errors)}")


def open_input(path: Path) -> BinaryIO:
    """A buffered binary stream of ``path`` (a file or a pipe), gunzipped if it is gzip (by content, not name)."""
    stream = io.BufferedReader(open(path, "rb", buffering=0), buffer_size=sources.SNIFF_BYTES)
    if stream.peek(len(GZIP_MAGIC))[:len(GZIP_MAGIC)] == GZIP_MAGIC:
        return io.BufferedReader(gzip.GzipFile(fileobj=stream, mode="rb"), buffer_size=sources.SNIFF_BYTES)
    return stream


def import_stream(catalog: Catalog, stream: BinaryIO, origin: str, format_name: str | None = None,
                  on_progress: Callable[[], None] | None = None) -> ImportReport:
    """Parse ``stream`` and store every good record; bad ones are reported, never stored."""
    report = ImportReport(origin=origin, format=format_name)
    run_id = catalog.start_run(origin, format_name)
    status = "failed"
    try:
        module, stream = sources.resolve(stream, origin, format_name)
        report.format = module.FORMAT
        store_items(catalog, run_id, report, module.parse(stream, origin), on_progress)
        status = "failed" if report.errors else "done"
    except (sources.FormatError, OSError, EOFError) as exc:
        # The input as a whole is unreadable (wrong format, damaged gzip, cut-off file):
        # batches before the damage are kept.
        error = (origin, exc.reason(origin) if isinstance(exc, sources.FormatError)
                 else f"cannot read past record {report.read}: {exc}")
        report.errors.append(error)
        catalog.record_progress(run_id, report.result, report.read, [error])
    except CatalogFull as exc:
        # Nothing more fits: stop, keeping (and counting) what was committed.
        report.result.add(exc.stored)
        report.fatal = str(exc)
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        try:
            catalog.record_progress(run_id, report.result, report.read, [], status=status,
                                    format_name=report.format)
        except CatalogFull as exc:
            # The run keeps the counts of its last recorded batch, which are true.
            report.fatal = report.fatal or str(exc)
    return report


def store_items(catalog: Catalog, run_id: int, report: ImportReport, items: Iterable[sources.Item],
                on_progress: Callable[[], None] | None = None) -> None:
    """Store parsed items in batches under import run ``run_id``, counting into ``report``.

    Good records go to the catalog; BadRecords and records the database refused become
    the run's errors. Shared by file imports and harvests (one page at a time).
    """
    for batch, bad in _batches(items, report):
        result = catalog.store(batch)
        new_errors = [(f"{report.origin}: paper {ident}", reason) for ident, reason in result.failed] + bad
        report.result.add(result)
        report.errors += new_errors
        catalog.record_progress(run_id, report.result, report.read, new_errors)
        if on_progress:
            on_progress()


def _batches(items: Iterable, report: ImportReport) -> Iterator[tuple[list, list[tuple[str, str]]]]:
    batch: list[Paper | DeletedRecord] = []
    bad: list[tuple[str, str]] = []
    for item in items:
        report.read += 1
        if isinstance(item, BadRecord):
            bad.append((item.where, item.reason))
        else:
            batch.append(item)
        if len(batch) >= BATCH_SIZE or len(bad) >= BATCH_SIZE:
            yield batch, bad
            batch, bad = [], []
    if batch or bad:
        yield batch, bad


def import_files(catalog: Catalog, paths: Iterable[Path], format_name: str | None = None,
                 progress: bool = True) -> list[ImportReport]:
    """Import each file in turn, with a progress bar over the bytes read; stop at one that could not finish."""
    paths = list(paths)
    total = sum(os.path.getsize(p) for p in paths)
    reports = []
    with tqdm(total=total, unit="B", unit_scale=True, desc="import", disable=not progress) as bar:
        for path in paths:
            with open_input(path) as stream:
                raw = _raw_file(stream)
                start = raw.tell() if raw.seekable() else 0

                def advance(raw=raw) -> None:
                    nonlocal start
                    if raw.seekable():  # a pipe has no position to show
                        position = raw.tell()
                        bar.update(position - start)
                        start = position

                reports.append(import_stream(catalog, stream, str(path), format_name, on_progress=advance))
                advance()
            if reports[-1].fatal:  # the next files would stop the same way
                break
    return reports


def _raw_file(stream: BinaryIO):
    # The file under the buffer (and under gzip): its position measures progress in bytes.
    inner = stream.raw
    return getattr(inner, "fileobj", None) or inner
