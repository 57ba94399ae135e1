"""Web fixtures: a home with ~60 sample papers plus hostile ones, indexed, and a live server.

Session-scoped, so the catalog is imported and indexed once per test process.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from live_server import serving
from sqlalchemy import update

from paperwire.config import Settings, load_settings
from paperwire.importer import import_files
from paperwire.search import build_indexes
from paperwire.store import open_catalog
from paperwire.store.schema import papers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "web"
HOSTILE = FIXTURES / "hostile.jsonl"
SAMPLE_DAYS = ("2026-06-26", "2026-06-29", "2026-06-30", "2026-07-01")  # the sample's last days
PAPERS_PER_DAY = 14
# Upvotes set by hand (the sample has none) so "most upvoted first" is visible.
UPVOTED = {"2607.99002": 40}


def _sample_subset(sample_path) -> list[str]:
    """~60 sample lines: the first papers of each of the sample's last days, math titles included."""
    chosen: list[str] = []
    per_day = {day: 0 for day in SAMPLE_DAYS}
    with gzip.open(sample_path.open("rb"), "rt", encoding="utf-8") as stream:
        for line in stream:
            day = json.loads(line)["first_listing_date"]
            if day in per_day and per_day[day] < PAPERS_PER_DAY:
                per_day[day] += 1
                chosen.append(line)
    return chosen


@pytest.fixture(scope="session")
def web_home(tmp_path_factory) -> Settings:
    """Settings of a home holding ~60 sample papers and the hostile fixture papers, indexed."""
    from importlib.resources import files

    home = tmp_path_factory.mktemp("web") / "home"
    settings = load_settings(home=home, environ={})
    subset = home.parent / "sample-subset.jsonl"
    subset.write_text("".join(_sample_subset(files("paperwire") / "sample" / "arxiv-sample.jsonl.gz")), "utf-8")

    catalog = open_catalog(settings.catalog_url)
    reports = import_files(catalog, [subset, HOSTILE], progress=False)
    assert not any(r.errors for r in reports), [r.errors for r in reports]
    with catalog.engine.begin() as conn:
        for paper_id, votes in UPVOTED.items():
            conn.execute(update(papers).where(papers.c.id == paper_id).values(upvotes=votes))
    build_indexes(settings, catalog, rebuild=True, progress=False)
    catalog.engine.dispose()
    return settings


@pytest.fixture(scope="session")
def web_app(web_home: Settings):
    from paperwire.web.app import create_app

    return create_app(web_home)


@pytest.fixture(scope="session")
def app_client(web_app):
    """An in-process client (no network) for non-browser tests."""
    from fastapi.testclient import TestClient

    with TestClient(web_app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture(scope="session")
def live_server(web_home: Settings):
    """Base URL of a real uvicorn server on 127.0.0.1 running create_app(web_home)."""
    from paperwire.web.app import create_app

    with serving(create_app(web_home)) as base_url:
        yield base_url
