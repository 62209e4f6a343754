"""What several commands share: the council's settings file (`--config`)."""

from __future__ import annotations

from pathlib import Path

import click


def load_config(config_file: Path | None):
    """The council's settings, or a usage error (exit 2) saying why the file is refused."""
    from ..settings import SettingsError, load_settings

    try:
        return load_settings(config_file)
    except SettingsError as exc:
        raise click.BadParameter(str(exc), param_hint="--config") from None
