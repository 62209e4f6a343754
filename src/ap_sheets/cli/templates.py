"""`ap-sheets template` and `ap-sheets demo`: blank standard workbooks and a realistic term to try."""

from __future__ import annotations

from pathlib import Path

import click

from ..spec import KINDS, Kind
from .main import main
from .options import load_config

TEMPLATE_NAMES = tuple(str(kind) for kind in Kind)  # plain words for Click's choices


@main.command(short_help="Write a blank provider-return, school-log or ap-directory workbook.")
@click.argument("kind", type=click.Choice(sorted(TEMPLATE_NAMES)))
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the blank workbook (.xlsm).",
)
@click.option(
    "--config",
    "config_file",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The council's settings: its name, the return deadline and how to send the return, shown on "
    "Start here; with service_url, the buttons call the council's checking service.",
)
@click.option(
    "--for",
    "organisation",
    default=None,
    metavar="ORG",
    help="Make the workbook for this organisation (as named in the service's keys file): its "
    "name, ID and a new key filled in. Needs service_url and service_keys_file.",
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def template(kind: str, output: Path, config_file: Path | None, organisation: str | None, force: bool):
    """Write a blank standard workbook: provider-return, school-log or ap-directory (the council's AP Directory)."""
    from ..templates import build_workbook

    settings = load_config(config_file)
    if output.suffix.lower() != ".xlsm":
        raise click.BadParameter("the workbook is macro-enabled: give a file name ending .xlsm", param_hint="-o")
    if output.exists() and not force:
        raise click.UsageError(f"{output} exists: give another file name, or add --force to replace it")
    service, records, note = _service_link(kind, settings, config_file, organisation)
    build_workbook(kind, output, records, settings=settings, service=service)
    click.echo(f"Wrote a blank workbook, the {KINDS[kind].title}, to {output}{note}")


# The form cells `--for ORG` fills in: (name, ID) of the organisation, per kind of workbook.
ORGANISATION_CELLS = {
    Kind.PROVIDER_RETURN: ("Provider", "provider_name", "provider_id"),
    Kind.SCHOOL_LOG: ("School", "school_name", "school_urn"),
    Kind.AP_DIRECTORY: ("About", "council_name", None),
}


def _service_link(kind: str, settings, config: Path | None, organisation: str | None):
    """(ServiceLink or None, records, note for the user) from the settings and --for."""
    from ..excel_config import ServiceLink

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
    records = {sheet: {name_key: organisation, **({id_key: org_id} if org_id and id_key else {})}}
    return (
        ServiceLink(settings.service_url, key),
        records,
        f" for {organisation}; its buttons call {settings.service_url} with a new key for "
        f"{organisation} (any earlier key of theirs no longer works)",
    )


@main.command(short_help="Write a realistic term of filled-in returns to try things on.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--terms",
    type=click.IntRange(1, 3),
    default=1,
    help="Terms to write: 3 is a whole academic year (Autumn, Spring, Summer), one folder a term, "
    "with children carrying on, leaving and coming back.",
)
@click.option("--force", is_flag=True, help="Replace demo workbooks already in DIRECTORY.")
def demo(directory: Path, terms: int, force: bool):
    """Write a realistic term of filled-in returns (providers and schools) to DIRECTORY."""
    from ..demo import demo_paths, write_demo, write_year, year_paths

    if directory.exists() and not directory.is_dir():
        raise click.UsageError(f"{directory} is a file, not a folder")
    existing = [p for p in (demo_paths(directory) if terms == 1 else year_paths(directory, terms=terms)) if p.exists()]
    if existing and not force:
        raise click.UsageError(
            f"{directory} already holds {len(existing)} of the demo's workbooks "
            f"(e.g. {existing[0].relative_to(directory)}): choose another folder, "
            "or add --force to replace them"
        )
    if terms > 1:
        year = write_year(directory, terms=terms)
        click.echo(
            f"Wrote {sum(len(w) - 1 for w in year.values())} demo returns for {terms} terms to {directory}, "
            "one folder a term, each with the council's AP Directory (ap_directory.xlsm) as it stood that term."
        )
        first = next(iter(year))
        folder = directory / f"{first.academic_year.replace('/', '-')} {first.term}"
        click.echo(
            f'Try, for each term in turn: ap-sheets directory load "{folder / "ap_directory.xlsm"}" --db register.db, '
            f'then ap-sheets consolidate "{folder}" -o "reports/{folder.name}" --db register.db'
        )
        return
    *returns, ap_directory = write_demo(directory)
    click.echo(f"Wrote {len(returns)} demo returns and the council's AP Directory ({ap_directory.name}) to {directory}")
    click.echo(f"Try: ap-sheets validate {directory}")
    click.echo(f'Then: ap-sheets consolidate {directory} --directory "{ap_directory}" -o reports')
