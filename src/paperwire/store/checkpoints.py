"""Harvest checkpoints (table ``harvest_state``): where an interrupted harvest resumes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import Engine, insert, select, update

from paperwire.store.schema import harvest_state


@dataclass(frozen=True)
class HarvestCheckpoint:
    """How far one named harvest (e.g. ``oai:cs``) got."""

    name: str
    resumption_token: str | None = None  # None: the last list was finished
    from_date: date | None = None  # the ``from`` of the list the token belongs to
    last_datestamp: date | None = None  # newest record datestamp ever stored
    pages: int = 0  # pages stored of the current list


class Checkpoints:
    """Reads and writes harvest checkpoints; each save is its own transaction."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def load(self, name: str) -> HarvestCheckpoint | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(harvest_state).where(harvest_state.c.name == name)).first()
        if row is None:
            return None
        return HarvestCheckpoint(name=row.name, resumption_token=row.resumption_token, from_date=row.from_date,
                                 last_datestamp=row.last_datestamp, pages=row.pages)

    def save(self, checkpoint: HarvestCheckpoint) -> None:
        values = dict(resumption_token=checkpoint.resumption_token, from_date=checkpoint.from_date,
                      last_datestamp=checkpoint.last_datestamp, pages=checkpoint.pages,
                      updated_at=datetime.now(timezone.utc))
        # Update-then-insert: portable across SQLite and PostgreSQL without dialect upserts.
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(harvest_state).where(harvest_state.c.name == checkpoint.name).values(**values)
            ).rowcount
            if not changed:
                conn.execute(insert(harvest_state).values(name=checkpoint.name, **values))
