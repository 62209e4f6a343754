"""`ap-sheets validate`: check returns and print the findings (text for people, JSON for scripts)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..findings import UNREADABLE, FileReport
from ..spec import KINDS
from .main import main
from .options import load_config

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}


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
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The council's settings file (TOML): registration test, full-time hours ...")
def validate(files: tuple[Path, ...], fmt: str, config_file: Path | None):
    """Check returns against the council's data specification.

    Exit status: 0 when no file has an error (queries are allowed), 1 when any file has an
    error or could not be read, 2 for a usage mistake.
    """
    from ..validate import validate_file

    settings = load_config(config_file)
    reports = [validate_file(path, settings=settings) for path in expand_inputs(files)]
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
