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
@click.option("--config", "config", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The council's settings: with service_url, the buttons call the checking service.")
@click.option("--for", "organisation", default=None, metavar="ORG",
              help="Make the workbook for this organisation (as named in the service's keys file): its "
                   "name, ID and a new key filled in. Needs service_url and service_keys_file.")
def template(kind: str, output: Path, config: Path | None, organisation: str | None):
    """Write a blank standard workbook: provider-return or school-log."""
    from ..templates import build_workbook

    if output.suffix.lower() != ".xlsm":
        raise click.BadParameter("the workbook is macro-enabled: give a file name ending .xlsm",
                                 param_hint="-o")
    service, records, note = _service_link(kind, config, organisation)
    build_workbook(kind, output, records, service=service)
    click.echo(f"Wrote a blank {KINDS[kind].title.lower()} to {output}{note}")


# The form cells `--for ORG` fills in: (name, ID) of the organisation, per kind of workbook.
ORGANISATION_CELLS = {"provider-return": ("Provider", "provider_name", "provider_id"),
                      "school-log": ("School", "school_name", "school_urn")}


def _service_link(kind: str, config: Path | None, organisation: str | None):
    """(ServiceLink or None, records, note for the user) from the settings and --for."""
    from ..excel_config import ServiceLink
    from ..settings import SettingsError, load_settings

    try:
        settings = load_settings(config)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    if not settings.service_url:
        if organisation:
            raise click.UsageError("--for needs service_url in the settings (--config)")
        return None, None, ""
    if not organisation:
        return ServiceLink(settings.service_url), None, f"; its buttons call {settings.service_url}"
    from ..service.keys import KeysError, add_key, read_keys
    from .serve import keys_file_of

    keys_file = keys_file_of(config)
    if keys_file is None:
        raise click.UsageError("--for needs service_keys_file in the settings (--config)")
    try:
        org_id = read_keys(keys_file).get(organisation, {}).get("id")
        key = add_key(keys_file, organisation, org_id)
    except KeysError as exc:
        raise click.UsageError(str(exc)) from None
    sheet, name_key, id_key = ORGANISATION_CELLS[kind]
    records = {sheet: {name_key: organisation, **({id_key: org_id} if org_id else {})}}
    return (ServiceLink(settings.service_url, key), records,
            f" for {organisation}; its buttons call {settings.service_url} with a new key for "
            f"{organisation} (any earlier key of theirs no longer works)")



@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def demo(directory: Path):
    """Write a realistic term of filled-in returns (providers and schools) to try things on."""
    from ..demo import write_demo

    written = write_demo(directory)
    click.echo(f"Wrote {len(written)} demo workbooks to {directory}")
    click.echo(f"Try: ap-sheets validate {directory}")
