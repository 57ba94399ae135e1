"""Digest benchmark: composing the daily digests of many readers into the outbox, end to end.

On a copy of a home (its catalog copied, its indexes shared read-only), N synthetic members
each get a library of 5-50 saved papers from the months before the digest's window, one to
three followed categories, a followed author for half of them and a saved search for a third,
and a daily digest with every section (trending, for you, followed authors, saved searches,
replies). Then `compose_due` runs once for them all, as `paperwire digest send` does: the
figure is its wall time. The baseline, from the same run and the same code, is as many
visitors' trending-only digests (no model, no search). The digest day is the one after the
home's newest listing, so the window holds that last week of papers.

    python bench/digest.py --home /work/cache/home88k-v2 --readers 10000 [--write-docs]

Nothing is written into --home.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks_doc import replace_section
from machine_speed import CPU_PROBE_LOOPS, cpu_probe_s
from web_home import copy_home

from paperwire.accounts.timestamps import utc_now
from paperwire.config import load_settings
from paperwire.digest.compose import compose_due
from paperwire.digest.subscriptions import SECTIONS
from paperwire.search.service import SearchService
from paperwire.store import open_catalog
from paperwire.store.people_schema import library_items, users
from paperwire.store.reader_schema import digest_subscriptions, follows, saved_searches
from paperwire.store.schema import paper_authors, paper_categories, papers
from sqlalchemy import func, insert, select

SEARCH_WORDS = ("sparse autoencoder", "diffusion", "reinforcement learning", "graph neural", "quantum",
                "language model", "contrastive", "federated", "transformer", "robot")


def add_readers(engine, count: int, first_id: int, rng: random.Random, members: bool) -> None:
    """``count`` confirmed daily subscriptions: members with signals, or visitors (trending only)."""
    now = utc_now()
    with engine.connect() as conn:
        latest = conn.execute(select(func.max(papers.c.listing_date))).scalar()
        library_pool = [row[0] for row in conn.execute(select(papers.c.doc_id).where(
            papers.c.listing_date < latest - timedelta(days=7), papers.c.listing_date >= latest - timedelta(days=120)))]
        categories = [row[0] for row in conn.execute(
            select(paper_categories.c.category).group_by(paper_categories.c.category)
            .order_by(func.count().desc()).limit(40))]
        recent_authors = [tuple(row) for row in conn.execute(
            select(paper_authors.c.name_key, paper_authors.c.name).join(papers, papers.c.doc_id == paper_authors.c.doc_id)
            .where(papers.c.listing_date > latest - timedelta(days=7)).limit(5000))]
    rows = {name: [] for name in ("users", "library", "follows", "searches", "subscriptions")}
    for n in range(first_id, first_id + count):
        email = f"reader{n}@example.org"
        user_id = n if members else None
        if members:
            rows["users"].append({"id": n, "username": f"reader{n}", "username_key": f"reader{n}", "email": email,
                                  "email_key": email, "email_verified_at": now, "password_hash": "!unusable",
                                  "role": "member", "created_at": now, "password_changed_at": now})
            for doc_id in rng.sample(library_pool, rng.randint(5, 50)):
                rows["library"].append({"user_id": n, "doc_id": doc_id, "saved_at": now, "updated_at": now})
            for category in rng.sample(categories, rng.randint(1, 3)):
                rows["follows"].append({"user_id": n, "kind": "category", "key": category, "label": category,
                                        "created_at": now})
            if n % 2 == 0:
                key, name = rng.choice(recent_authors)
                rows["follows"].append({"user_id": n, "kind": "author", "key": key, "label": name, "created_at": now})
            if n % 3 == 0:
                rows["searches"].append({"user_id": n, "query": rng.choice(SEARCH_WORDS), "created_at": now})
        rows["subscriptions"].append({
            "user_id": user_id, "email": email, "email_key": email, "period": "daily", "hour": 0, "weekday": 0,
            "timezone": "UTC", "sections": list(SECTIONS) if members else ["trending"], "created_at": now,
            "confirmed_at": now})
    with engine.begin() as conn:
        for table, name in ((users, "users"), (library_items, "library"), (follows, "follows"),
                            (saved_searches, "searches"), (digest_subscriptions, "subscriptions")):
            if rows[name]:
                conn.execute(insert(table), rows[name])


def compose(engine, settings, search, now: datetime, jobs: int) -> tuple[float, object]:
    started = time.perf_counter()
    report = compose_due(engine, settings, search, now=now, period="daily", jobs=jobs)
    return time.perf_counter() - started, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="a home with a catalog and built indexes")
    parser.add_argument("--readers", type=int, default=10_000, help="members composed for (and as many visitors)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="composing processes (default: the cores)")
    parser.add_argument("--write-docs", action="store_true", help="replace the '## Digests' section of docs/benchmarks.md")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="paperwire-digest-bench-") as directory:
        home = Path(directory)
        copy_home(args.home, home)
        settings = load_settings(home=home, environ={"PAPERWIRE_BASE_URL": "https://papers.example.org"})
        catalog = open_catalog(settings.catalog_url)
        search = SearchService(settings, catalog)
        search.prepare()
        with catalog.engine.connect() as conn:
            latest = conn.execute(select(func.max(papers.c.listing_date))).scalar()
            paper_count = conn.execute(select(func.count()).select_from(papers)).scalar()
        now = datetime.combine(latest + timedelta(days=1), datetime.min.time(), timezone.utc) + timedelta(hours=12)
        load_before, probe_before = os.getloadavg(), cpu_probe_s()
        add_readers(catalog.engine, args.readers, 1, rng, members=False)
        visitors_s, visitors = compose(catalog.engine, settings, search, now, args.jobs)
        add_readers(catalog.engine, args.readers, args.readers + 1, rng, members=True)
        members_s, members = compose(catalog.engine, settings, search, now, args.jobs)
        load_after, probe_after = os.getloadavg(), cpu_probe_s()
        catalog.engine.dispose()
    rows = [("visitors: trending only (baseline)", visitors_s, visitors), ("members: all five sections", members_s, members)]
    context = (f"{paper_count:,} papers, digest day {now.date()}, {args.readers:,} readers of each kind, {args.jobs} composing "
               f"process(es), "
               f"{os.cpu_count()} cores, Python {platform.python_version()}, load {load_before[0]:.1f} -> {load_after[0]:.1f}, "
               f"a one-core probe (a fixed Python loop, {CPU_PROBE_LOOPS:,} steps) {probe_before:.3f} s before and "
               f"{probe_after:.3f} s after")
    lines = ["| readers | composed | nothing new | wall s | ms per reader | target |", "|---|---|---|---|---|---|"]
    for label, seconds, report in rows:
        composed = len(report.composed) + report.empty
        target = "< 60 s for 10,000" if label.startswith("members") else "baseline"
        lines.append(f"| {label} | {len(report.composed):,} | {report.empty:,} | {seconds:.1f} | "
                     f"{1000 * seconds / max(composed, 1):.2f} | {target} |")
        if report.errors:
            lines.append(f"| errors | {len(report.errors)}: {report.errors[0]} | | | | |")
    table = "\n".join(lines)
    print(context)
    print(table)
    if args.write_docs:
        replace_section("Digests", f"## Digests\n`python bench/digest.py --home HOME --readers {args.readers}`: composing every "
                   f"due daily digest into the outbox with `compose_due`, as `paperwire digest send` does.\n"
                   f"{context}.\n\n{table}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
