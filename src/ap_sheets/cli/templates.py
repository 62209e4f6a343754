"""`ap-sheets template` and `ap-sheets demo`: blank standard workbooks and a realistic term to try."""
from __future__ import annotations

from pathlib import Path

import click

from ..spec import KINDS
from .main import main
from .options import load_config

TEMPLATE_NAMES = {"provider-return": "provider-return", "school-log": "school-log"}


@main.command()
@click.argument("kind", type=click.Choice(sorted(TEMPLATE_NAMES)))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the blank workbook (.xlsm).")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The council's settings file (TOML).")
def template(kind: str, output: Path, config_file: Path | None):
    """Write a blank standard workbook: provider-return or school-log."""
    from ..templates import build_workbook

    settings = load_config(config_file)
    if output.suffix.lower() != ".xlsm":
        raise click.BadParameter("the workbook is macro-enabled: give a file name ending .xlsm",
                                 param_hint="-o")
    build_workbook(kind, output, settings=settings)
    click.echo(f"Wrote a blank {KINDS[kind].title.lower()} to {output}")



@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def demo(directory: Path):
    """Write a realistic term of filled-in returns (providers and schools) to try things on."""
    from ..demo import write_demo

    written = write_demo(directory)
    click.echo(f"Wrote {len(written)} demo workbooks to {directory}")
    click.echo(f"Try: ap-sheets validate {directory}")
