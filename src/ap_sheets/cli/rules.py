"""`ap-sheets rules`: every rule code of the data specification."""
from __future__ import annotations

import click

from ..rules import RULES
from . import main


@main.command()
def rules():
    """List every rule code with its severity."""
    for rule in RULES.values():
        click.echo(f"{rule.code}  {rule.severity:<5}  {rule.title}")
