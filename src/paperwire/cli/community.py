"""`paperwire trending`: what is trending now, and recomputing every score from its events."""

from __future__ import annotations

import json
import time

import click


def register(main: click.Group) -> None:
    from paperwire.cli import AppContext, pass_app

    @main.command("trending")
    @click.option("--rebuild", is_flag=True,
                  help="Recompute every paper's score from its events first (after changing trending_half_life_hours).")
    @click.option("-k", "--limit", default=10, show_default=True, type=click.IntRange(0, 1000),
                  help="How many papers to list.")
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    @pass_app
    def trending_command(app: AppContext, rebuild: bool, limit: int, as_json: bool) -> None:
        """List the papers trending now; with --rebuild, recompute every trending score first.

        Scores are kept up to date as votes and comments arrive; a rebuild is needed only
        after changing trending_half_life_hours (or to check the stored scores). "heat" is
        the number of fresh votes a paper's activity is worth now.

        \b
        Examples:
          paperwire trending -k 20
          paperwire trending --rebuild
        """
        from paperwire.accounts.timestamps import utc_now
        from paperwire.community import scores, trending
        from paperwire.store import browse

        catalog = app.existing_catalog
        half_life = app.settings.trending_half_life_hours
        if rebuild:
            started = time.perf_counter()
            count = scores.rebuild(catalog.engine, half_life)
            click.echo(f"rescored {count} papers in {time.perf_counter() - started:.1f} s "
                       f"(half-life {half_life:g} hours)", err=as_json)
        if not limit:
            return
        papers, _total = browse.trending(catalog, limit=limit)
        now = trending.hours(utc_now())
        rows = [{"id": p.paper.id, "title": p.paper.display_title, "votes": p.votes, "comments": p.num_comments,
                 "heat": round(trending.heat(p.trending_score, now, half_life), 3)} for p in papers]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            click.echo(f"{row['heat']:9.3f}  {row['id']:<18} {row['votes']:>5} votes {row['comments']:>4} comments  "
                       f"{row['title'][:70]}")
