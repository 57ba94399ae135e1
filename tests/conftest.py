"""Shared fixtures: a fresh paperwire home with a catalog, and small real paper sets."""

from __future__ import annotations

import gzip
from importlib.resources import files
from itertools import islice
from pathlib import Path

import pytest

from paperwire.config import Settings, load_settings
from paperwire.store import Catalog, open_catalog

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLE = files("paperwire") / "sample" / "arxiv-sample.jsonl.gz"


@pytest.fixture
def shared_path():
    """``shared_path("seeds")``: a path under ../shared, or skip where shared/ is not beside the repo."""

    def existing(*parts: str) -> Path:
        path = SHARED.joinpath(*parts)
        if not path.exists():
            pytest.skip(f"{path} not present")
        return path

    return existing


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(home=tmp_path / "home", environ={})


@pytest.fixture
def catalog(settings: Settings) -> Catalog:
    catalog = open_catalog(settings.catalog_url)
    yield catalog
    catalog.engine.dispose()


@pytest.fixture(scope="session")
def sample_lines() -> list[bytes]:
    """The first 200 papers of the bundled demo sample, as JSON lines."""
    with gzip.open(SAMPLE.open("rb")) as stream:
        return list(islice(stream, 200))


@pytest.fixture
def small_sample_file(tmp_path: Path, sample_lines: list[bytes]) -> Path:
    path = tmp_path / "small-sample.jsonl"
    path.write_bytes(b"".join(sample_lines))
    return path
