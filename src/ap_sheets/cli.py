"""The `ap-sheets` command: thin Click wrappers over the library functions."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .findings import UNREADABLE, FileReport, display_value
from .spec import KINDS, RULES

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
TEMPLATE_NAMES = {"provider-return": "provider-return", "school-log": "school-log"}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ap-sheets")
def main():
    """Collect, check and consolidate alternative provision (AP) returns."""


@main.command()
@click.argument("kind", type=click.Choice(sorted(TEMPLATE_NAMES)))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the blank workbook (.xlsm).")
def template(kind: str, output: Path):
    """Write a blank standard workbook: provider-return or school-log."""
    from .templates import build_workbook

    if output.suffix.lower() != ".xlsm":
        raise click.BadParameter("the workbook is macro-enabled: give a file name ending .xlsm",
                                 param_hint="-o")
    build_workbook(kind, output)
    click.echo(f"Wrote a blank {KINDS[kind].title.lower()} to {output}")


def expand_inputs(paths: tuple[Path, ...]) -> list[Path]:
    """Files as given; folders searched (recursively) for workbooks, Excel lock files skipped."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in WORKBOOK_SUFFIXES
                          and not f.name.startswith("~$"))
        else:
            out.append(p)
    return out


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a readable list per file; json: one JSON object for scripts.")
def validate(files: tuple[Path, ...], fmt: str):
    """Check returns against the council's data specification.

    Exit status: 0 when no file has an error (queries are allowed), 1 when any file has an
    error or could not be read, 2 for a usage mistake.
    """
    from .validate import validate_file

    reports = [validate_file(path) for path in expand_inputs(files)]
    if fmt == "json":
        click.echo(json.dumps({"files": [r.to_json() for r in reports]}, indent=2, ensure_ascii=False))
    else:
        for report in reports:
            click.echo(render_text(report))
        if len(reports) > 1:
            ok = sum(r.status == "accepted" for r in reports)
            click.echo(f"{len(reports)} files: {ok} accepted, "
                       f"{sum(r.status == 'rejected' for r in reports)} rejected, "
                       f"{sum(r.status == UNREADABLE for r in reports)} unreadable.")
    sys.exit(0 if all(r.status == "accepted" for r in reports) else 1)


def render_text(report: FileReport) -> str:
    """One file's findings as a readable table: grouped by sheet, errors before queries."""
    lines = []
    if report.status == UNREADABLE:
        lines.append(f"{report.file}: UNREADABLE - {report.reason}")
        return "\n".join(lines) + "\n"
    kind = KINDS[report.kind].title if report.kind in KINDS else "unknown workbook"
    lines.append(f"{report.file} ({kind}): {report.status.upper()} - "
                 f"{len(report.errors)} error{'s' * (len(report.errors) != 1)}, "
                 f"{len(report.queries)} quer{'ies' if len(report.queries) != 1 else 'y'}")
    sheets: dict[str, list] = {}
    for f in report.issues:
        sheets.setdefault(f.sheet or "(whole workbook)", []).append(f)
    for sheet, found in sheets.items():
        lines.append(f"  {sheet}")
        for f in sorted(found, key=lambda f: f.severity != "error"):
            where = f.cell or "-"
            lines.append(f"    {f.severity.upper():<6} {f.code}  {where:<7} {(f.column or ''):<26.26} {f.message}")
    return "\n".join(lines) + "\n"


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def demo(directory: Path):
    """Write a realistic term of filled-in returns (providers and schools) to try things on."""
    from .demo import write_demo

    written = write_demo(directory)
    click.echo(f"Wrote {len(written)} demo workbooks to {directory}")
    click.echo(f"Try: ap-sheets validate {directory}")


@main.command()
def rules():
    """List every rule code with its severity."""
    for rule in RULES.values():
        click.echo(f"{rule.code}  {rule.severity:<5}  {rule.title}")


if __name__ == "__main__":  # pragma: no cover
    main()
