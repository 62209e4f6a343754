"""`ap-sheets validate`: check returns and print the findings (text for people, JSON for scripts).

Files are found as `consolidate` finds them (`batch.expand_inputs`) and checked on the
batch's worker processes, so a file that kills the native reader or hangs costs only its own
verdict, never the others'.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from ..findings import UNREADABLE, FileReport
from ..spec import KINDS, Status
from ..terminal import printable
from .main import main
from .options import load_config


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a readable list per file; json: one JSON object for scripts.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The council's settings file (TOML): registration test, full-time hours ...",
)
def validate(files: tuple[Path, ...], fmt: str, config_file: Path | None):
    """Check returns against the council's data specification.

    A folder is searched (with its subfolders) for every file, as `consolidate` does: a file
    that is not a workbook is reported unreadable. Exit status: 0 when no file has an error
    (queries are allowed), 1 when any file has an error or could not be read, or there was
    nothing to check, 2 for a usage mistake.
    """
    from ..batch import WorkersUnavailable, expand_inputs

    settings = load_config(config_file)
    paths = expand_inputs(files)
    if not paths:  # nothing checked is never "all clear"
        where = ", ".join(printable(p) for p in files)
        click.echo(f"Nothing to check: no files were found in {where}.", err=True)
        sys.exit(1)
    try:
        reports = check_isolated(paths, settings)
    except WorkersUnavailable as exc:
        click.echo(f"Could not check the returns: {printable(exc)}.", err=True)
        sys.exit(1)
    if fmt == "json":
        click.echo(json.dumps({"files": [r.to_json() for r in reports]}, indent=2, ensure_ascii=False))
    else:
        for report in reports:
            click.echo(render_text(report))
        if len(reports) > 1:
            ok = sum(r.status == Status.ACCEPTED for r in reports)
            click.echo(
                f"{len(reports)} files: {ok} accepted, "
                f"{sum(r.status == 'rejected' for r in reports)} rejected, "
                f"{sum(r.status == UNREADABLE for r in reports)} unreadable."
            )
    sys.exit(0 if all(r.status == Status.ACCEPTED for r in reports) else 1)


def check_isolated(paths: list[Path], settings=None) -> list[FileReport]:
    """Each file's report, in order, checked on worker processes (`batch.run_workers`)."""
    from functools import partial

    from ..batch import report_chunk, run_workers

    items = [(str(p), p.name, i) for i, p in enumerate(paths)]
    reports: list[FileReport | None] = [None] * len(items)

    def done(chunk: list[tuple[int, FileReport]]) -> None:
        for i, report in chunk:
            reports[i] = report

    jobs = max(1, min(os.cpu_count() or 1, len(items)))
    run_workers(
        items,
        jobs,
        done,
        task=partial(report_chunk, settings=settings),
        fallback=lambda item, report: (item[2], report),
    )
    return reports  # type: ignore[return-value]


def render_text(report: FileReport) -> str:
    """One file's findings as a readable table: grouped by sheet, errors before queries."""
    lines = []
    name = printable(report.file)
    if report.status == UNREADABLE:
        lines.append(f"{name}: UNREADABLE - {printable(report.reason)}")
        return "\n".join(lines) + "\n"
    kind = KINDS[report.kind].title if report.kind in KINDS else "unknown workbook"
    lines.append(
        f"{name} ({kind}): {report.status.upper()} - "
        f"{len(report.errors)} error{'s' * (len(report.errors) != 1)}, "
        f"{len(report.queries)} quer{'ies' if len(report.queries) != 1 else 'y'}"
    )
    sheets: dict[str, list] = {}
    for f in report.issues:
        sheets.setdefault(f.sheet or "(whole workbook)", []).append(f)
    for sheet, found in sheets.items():
        lines.append(f"  {printable(sheet)}")
        for f in sorted(found, key=lambda f: f.severity != "error"):
            where = f.cell or "-"
            lines.append(
                f"    {f.severity.upper():<6} {f.code}  {where:<7} {printable(f.column or ''):<26.26} {f.message}"
            )
    return "\n".join(lines) + "\n"
