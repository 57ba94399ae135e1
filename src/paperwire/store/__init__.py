"""The catalog in SQL: schema, migrations, and every query the rest of paperwire needs."""

from paperwire.store.catalog import BatchResult, Catalog, StoredPaper
from paperwire.store.db import CatalogError, make_engine, migrate


def open_catalog(url: str) -> Catalog:
    """The catalog at ``url``, migrated to the current schema."""
    engine = make_engine(url)
    migrate(engine)
    return Catalog(engine)


__all__ = ["BatchResult", "Catalog", "CatalogError", "StoredPaper", "make_engine", "migrate", "open_catalog"]
