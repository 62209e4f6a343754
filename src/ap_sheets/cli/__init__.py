"""The `ap-sheets` command: a thin Click group; each command area lives in its own module
and wraps a library function (validate, consolidate, templates ...)."""
from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ap-sheets")
def main():
    """Collect, check and consolidate alternative provision (AP) returns."""


def _register_commands() -> None:
    from . import consolidate, register, rules, templates, validate  # noqa: F401 (each adds its commands)


_register_commands()
