"""`ap-sheets directory load FILE --db DB`: the council's AP Directory checked (D001-D004,
R001-R004, R012-R014) and stored in the register database with its date."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .main import main
from .register import DB_HELP, open_db


@main.group(short_help="The council's AP Directory: load it into the register database.")
def directory():
    """The council's AP Directory (`ap-sheets template ap-directory`)."""


@directory.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db", required=True, help=DB_HELP)
@click.option(
    "--config",
    "config_file",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The council's settings file.",
)
def load(file: Path, db: str, config_file: Path | None):
    """Check the AP Directory FILE and store it with its Directory date.

    A directory with errors is not stored (exit 1): fix them (`ap-sheets validate FILE`) and
    load it again. Loading the same file twice changes nothing. Every directory loaded is
    kept: `consolidate --db` uses the latest dated on or before the term's end.
    """
    from ..db.directory import store_directory
    from ..findings import FileReport
    from ..rules.directory_cross_rules import load_directory
    from .options import load_config
    from .validate import render_text

    settings = load_config(config_file)
    listing = load_directory(file, settings)
    if listing.issues:
        click.echo(render_text(FileReport(listing.file, "ap-directory", listing.status, listing.issues)))
    if listing.directory is None:
        click.echo(listing.problem or f"{file.name} cannot be used.", err=True)
        sys.exit(1)
    if listing.directory.day is None:
        click.echo(f"{file.name} gives no Directory date: it cannot be stored.", err=True)
        sys.exit(1)
    stored = store_directory(open_db(db), file, listing)
    day = f"{stored.directory_date:%d/%m/%Y}"
    if stored.new:
        click.echo(f"Stored the AP Directory {file.name} dated {day}: {stored.providers} providers.")
    else:
        click.echo(f"The AP Directory {file.name} dated {day} is already held: nothing changed.")


def held_directory(engine, term):
    """`consolidate --db`: the directory held for `term` (the latest on or before its end)."""
    from ..db.directory import directory_at
    from ..rules.directory_cross_rules import DirectoryLoad

    if term is None:
        return None
    found = directory_at(engine, term.end)
    return DirectoryLoad(found.file, "accepted", directory=found) if found is not None else None
