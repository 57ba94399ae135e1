"""`paperwire db copy` (a SQLite home's catalog into PostgreSQL) and `paperwire backup` (a SQLite
home, while it serves). The work is done below, in store.copy and store.backup."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from tqdm import tqdm

from paperwire.cli import AppContext, interrupted_status, pass_app
from paperwire.store.backup import backup_home
from paperwire.store.copy import BATCH_ROWS, CopyReport, copy_catalog
from paperwire.store.db import out_of_space, shown


def register(main: click.Group) -> None:
    main.add_command(db)
    main.add_command(backup_command)


@click.group()
def db() -> None:
    """The catalog's database: move a SQLite home to PostgreSQL.

    \b
    Example:
      paperwire --home papers db copy --to postgresql://paperwire@db.example.org/paperwire
    """


@db.command("copy")
@click.option("--to", "target_url", required=True, metavar="URL",
              help="The empty PostgreSQL database to copy into: postgresql://USER[:PASSWORD]@HOST[:PORT]/NAME.")
@click.option("--batch-rows", type=click.IntRange(100, 100_000), default=BATCH_ROWS, show_default=True,
              help="Rows written and committed at a time.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
@pass_app
def copy_command(app: AppContext, target_url: str, batch_rows: int, quiet: bool) -> None:
    """Copy this SQLite home's whole state into an empty PostgreSQL database: papers, stored
    vectors, members, sessions, tokens, votes, comments, collections, follows, saved searches,
    subscriptions, the outbox, the audit log, import runs and harvest checkpoints.

    The home may go on serving: the copy is the catalog as it was when the copy began. The
    database is given paperwire's schema first; one that holds anything else (another home's
    copy, rows, other tables) is refused. Rows go in batches, each committed, so an interrupted
    copy run again carries on without duplicating anything (and takes in what changed since).
    At the end every table's rows are counted on both sides.

    Then set `database_url` in the home's paperwire.toml (the line is printed) and restart serve
    and worker. For the final move, stop them first, copy (again), then switch: what the home
    does after the copy began is not in the copy. The search indexes stay in the home; run
    `paperwire index` on each node that serves.

    Exit status: 0 copied and every count equal, 1 refused, failed, or a count differs (named),
    130 or 143 interrupted.

    \b
    Examples:
      createdb -h db.example.org -U paperwire paperwire
      paperwire --home papers db copy --to postgresql://paperwire@db.example.org/paperwire
      PGPASSWORD=... paperwire db copy --to postgresql://paperwire@127.0.0.1:5432/paperwire --batch-rows 20000
    """
    settings = app.settings
    if settings.database_url:
        raise click.ClickException(f"this home's catalog is already the database {shown(settings.database_url)}: "
                                   f"db copy moves a SQLite home (database_url empty) into PostgreSQL")
    bars = _TableBars(disabled=quiet)
    try:
        report = copy_catalog(Path(make_url(settings.catalog_url).database), target_url, batch_rows, bars)
    except KeyboardInterrupt as exc:
        bars.close()
        click.echo("\ninterrupted: every batch committed so far is kept; run the same command again "
                   "to finish the copy", err=True)
        sys.exit(interrupted_status(exc))
    except DBAPIError as exc:
        reason = out_of_space(exc, target_url) or str(exc.orig or exc).strip().splitlines()[0]
        raise click.ClickException(f"copy into {shown(target_url)} stopped: {reason}; every batch committed "
                                   f"so far is kept: run the same command again to finish the copy") from None
    finally:
        bars.close()
    _print_counts(report)
    if report.differing:
        names = ", ".join(f"{c.table} ({c.source} here, {c.target} there)" for c in report.differing)
        raise click.ClickException(f"counts differ: {names}. Rows the home deleted after an earlier, "
                                   f"interrupted copy stay in the target: drop and recreate the database, "
                                   f"then copy again")
    password = make_url(target_url).password
    click.echo(f"\nput this line in {settings.home / 'paperwire.toml'}"
               f"{' (the password in place of ***, or in PGPASSWORD or ~/.pgpass)' if password else ''}:")
    click.echo(f'database_url = "{make_url(target_url).render_as_string(hide_password=bool(password))}"')


class _TableBars:
    """One progress bar per table (rows, rows/s), each left on the screen when its table is done."""

    def __init__(self, disabled: bool) -> None:
        self.disabled = disabled
        self.bar: tqdm | None = None

    def __call__(self, table: str, done: int, total: int) -> None:
        if done == 0:
            self.close()
            if total:  # an empty table shows in the counts at the end
                self.bar = tqdm(total=total, desc=f"{table:<22}", unit="row", unit_scale=True,
                                disable=self.disabled)
        if self.bar is not None:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _print_counts(report: CopyReport) -> None:
    click.echo(f"\n{'table':<24}{'here':>12}{'copied':>12}")
    for count in report.counts:
        click.echo(f"{count.table:<24}{count.source:>12}{count.target:>12}{'' if count.equal else '   DIFFERS'}")
    rate = report.rows / report.seconds if report.seconds else 0.0
    click.echo(f"{report.rows} rows in {report.seconds:.1f} s ({rate:,.0f} rows/s)"
               f"{', resuming an earlier copy' if report.resumed else ''}")


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace the backup DEST already holds.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_app
def backup_command(app: AppContext, dest: Path, force: bool, quiet: bool) -> None:
    """Back up a SQLite home while it serves, into the directory DEST: the catalog as it was when
    the backup began (SQLite's online backup API; writers carry on meanwhile), the settings file
    (paperwire.toml) and the site secret (secret_key), so DEST is itself a home.

    Not backed up: the search indexes and exported models, which `paperwire index` rebuilds from
    the catalog and its stored vectors (88k papers: about a minute), and settings given as
    PAPERWIRE_* variables (keep those with your service's unit).

    A DEST that holds a backup already is refused unless --force. For a PostgreSQL catalog the
    pg_dump command to run is printed instead (exit status 1).

    \b
    To restore: stop serve and worker; delete HOME/catalog.db-wal and HOME/catalog.db-shm; copy
    DEST/catalog.db, DEST/paperwire.toml and DEST/secret_key into HOME; run `paperwire index`.
    Or serve the backup where it lies: paperwire --home DEST index && paperwire --home DEST serve

    \b
    Examples:
      paperwire --home papers backup /backups/paperwire-$(date +%F)
      paperwire --home papers backup /backups/latest --force
    """
    with tqdm(unit="B", unit_scale=True, desc="backup", disable=quiet) as bar:
        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        report = backup_home(app.settings, dest, force=force, progress=advance)
    kept = "".join(f", {path.name}" for path in report.beside)
    click.echo(f"backed up {report.catalog} ({report.size / 1e6:.1f} MB) in {report.seconds:.1f} s{kept}; "
               f"the indexes are rebuilt from it with `paperwire --home {dest} index`")
