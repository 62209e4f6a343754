"""`ap-sheets template` and `ap-sheets demo`: blank standard workbooks and a realistic term to try."""
from __future__ import annotations

from pathlib import Path

import click

from ..spec import KINDS
from . import main

TEMPLATE_NAMES = {"provider-return": "provider-return", "school-log": "school-log"}


@main.command()
@click.argument("kind", type=click.Choice(sorted(TEMPLATE_NAMES)))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the blank workbook (.xlsm).")
def template(kind: str, output: Path):
    """Write a blank standard workbook: provider-return or school-log."""
    from ..templates import build_workbook

    if output.suffix.lower() != ".xlsm":
        raise click.BadParameter("the workbook is macro-enabled: give a file name ending .xlsm",
                                 param_hint="-o")
    build_workbook(kind, output)
    click.echo(f"Wrote a blank {KINDS[kind].title.lower()} to {output}")



@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--terms", type=click.IntRange(1, 3), default=1,
              help="Terms to write: 3 is a whole academic year (Autumn, Spring, Summer), one folder a term, "
                   "with children carrying on, leaving and coming back.")
def demo(directory: Path, terms: int):
    """Write a realistic term of filled-in returns (providers and schools) to try things on."""
    from ..demo import write_demo, write_year

    if terms > 1:
        year = write_year(directory, terms=terms)
        click.echo(f"Wrote {sum(len(w) for w in year.values())} demo workbooks for {terms} terms to {directory}, "
                   "one folder a term.")
        first = next(iter(year))
        folder = directory / f"{first.academic_year.replace('/', '-')} {first.term}"
        click.echo(f'Try, for each term in turn: ap-sheets consolidate "{folder}" -o "reports/{folder.name}" '
                   "--db register.db")
        return
    written = write_demo(directory)
    click.echo(f"Wrote {len(written)} demo workbooks to {directory}")
    click.echo(f"Try: ap-sheets validate {directory}")
