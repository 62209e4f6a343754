"""`ap-sheets rules`: every rule, from the declarations (`ap_sheets.rules`)."""

from __future__ import annotations

import json

import click

from .main import main


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per rule; json: a list for scripts.",
)
def rules(fmt: str):
    """List every rule: code, severity, title, what it applies to, and the module that declares it."""
    from ..rules import RULES

    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "severity": str(r.severity),
                        "title": r.title,
                        "applies_to": r.applies_to,
                        "module": r.module,
                        "settings": list(r.settings),
                    }
                    for r in RULES.values()
                ],
                indent=2,
            )
        )
        return
    for r in RULES.values():
        click.echo(f"{r.code}  {r.severity:<5}  {r.applies_to:<14.14}  {r.title}  [{r.module}]")
