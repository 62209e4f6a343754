"""`ap-sheets serve` (the council's checking service) and `ap-sheets service-key add|revoke`
(the organisations' keys for the workbook buttons that call it)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .main import main


def keys_file_of(config: Path | None) -> Path | None:
    """The keys file the settings name (relative to the settings file's folder), or None."""
    from ..settings import SettingsError, load_settings

    try:
        settings = load_settings(config)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    if not settings.service_keys_file:
        return None
    path = Path(settings.service_keys_file).expanduser()
    return path if path.is_absolute() or config is None else config.parent / path


@main.command()
@click.option(
    "--config",
    "config",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The council's settings file (service_keys_file names the organisations' keys).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (keep 127.0.0.1 behind a reverse proxy on the same machine).",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(config: Path, host: str, port: int):
    """Run the checking service: an upload page, and the workbook buttons' calls (see the README)."""
    try:
        from ..service import create_app, run
    except ImportError:
        raise click.UsageError('the checking service needs its extra: pip install "ap-sheets[service]"') from None
    import logging

    keys = keys_file_of(config)
    if keys is None:
        click.echo(
            "No service_keys_file in the settings: the workbook buttons' calls will be refused "
            "(the upload page works).",
            err=True,
        )
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # the remote engine; see the README
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(keys_file=keys)
    run(app, host, port)


@main.group("service-key")
def service_key():
    """Keys for organisations' workbooks to call the checking service."""


@service_key.command("add")
@click.argument("name")
@click.option("--keys-file", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "org_id", default=None, help="The organisation's ID (e.g. AP-0001, or a school's URN).")
def add(name: str, keys_file: Path, org_id: str | None):
    """Make a new key for organisation NAME (replacing its old one) and print it once."""
    from ..service.keys import KeysError, add_key

    try:
        key = add_key(keys_file, name, org_id)
    except KeysError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"New key for {name} (stored hashed in {keys_file}; it cannot be shown again):")
    click.echo(key)


@service_key.command("revoke")
@click.argument("name")
@click.option("--keys-file", required=True, type=click.Path(dir_okay=False, path_type=Path))
def revoke(name: str, keys_file: Path):
    """End organisation NAME's key: its workbooks' calls are refused from now on."""
    from ..service.keys import KeysError, revoke_key

    try:
        revoke_key(keys_file, name)
    except KeysError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Revoked the key for {name}.")
