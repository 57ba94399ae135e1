"""Where the indexes live and which generation of vectors is current.

``index_dir/state.json`` is the checkpoint: the catalog revision both indexes have
reached and the vector generation directory that matches it. It is replaced
atomically, and only after the keyword index has committed and the new vector
directory is complete, so a crash at any point leaves the previous checkpoint, and the
next run replays the changes since it (replaying is harmless: adds are delete-then-add).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from paperwire.rank.keywords import FILE_NAME as KEYWORDS_FILE

STATE_FILE = "state.json"
# Raised whenever the keyword index's schema or analyzers change: an index of another format is
# never read (read_state says there is none), and the next `paperwire index` rebuilds it.
FORMAT = 3  # 2: arXiv query fields and dates; text folded to ASCII, emoji kept; 3: keyword features


@dataclass(frozen=True)
class IndexState:
    revision: int  # catalog revision both indexes reflect
    generation: int  # vectors-<generation>/ holds the matching vectors
    papers: int
    keyword_dir: str = "keyword-000001"  # a rebuild writes a fresh one beside the one being served
    format: int = FORMAT

    @property
    def vectors_dir_name(self) -> str:
        return f"vectors-{self.generation:06d}"


def state_path(index_dir: Path) -> Path:
    return index_dir / STATE_FILE


def read_state(index_dir: Path) -> IndexState | None:
    """The last completed indexing run, or None if there is none usable."""
    try:
        data = json.loads(state_path(index_dir).read_text(encoding="utf-8"))
        state = IndexState(**data)
    except (OSError, ValueError, TypeError):
        return None
    vectors_dir = index_dir / state.vectors_dir_name
    if state.format != FORMAT or not all((vectors_dir / name).exists() for name in ("doc_ids.npy", KEYWORDS_FILE)):
        return None
    if not (index_dir / state.keyword_dir / "meta.json").exists():
        return None
    return state


def write_state(index_dir: Path, state: IndexState) -> None:
    write_atomically(state_path(index_dir), json.dumps(asdict(state)).encode("utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_unused(index_dir: Path, state: IndexState | None) -> None:
    """Drop index directories the checkpoint does not point to (old ones, and leftovers of a crash)."""
    keep = {state.vectors_dir_name, state.keyword_dir} if state else set()
    for path in [*index_dir.glob("vectors-*"), *index_dir.glob("keyword-*")]:
        if path.name not in keep and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
