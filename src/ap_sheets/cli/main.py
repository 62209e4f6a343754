"""The `ap-sheets` Click group that every command module adds its commands to."""

from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="ap-sheets")
def main():
    """Collect, check and consolidate alternative provision (AP) returns."""
