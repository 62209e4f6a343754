"""`ap-sheets register ...` and `consolidate --db`: the council's register database (§11.5).

`consolidate DIR -o OUT --db DB` checks the folder as before, then (before the reports are
written) loads the term into the database in one transaction; the report's Trends and the
`year` figures (summary.json and the Year sheet) then come from everything held.
`register report` writes the same reports from the database alone; `register purge`
applies the council's retention schedule.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from .main import main

DB_HELP = (
    "The register database: an SQLite file (created readable by you only) or a database URL such as "
    "postgresql+psycopg://user@host/dbname."
)


def open_db(db: str):
    """The register, or a clear message and exit status 1."""
    from ..db import RegisterError, open_register

    try:
        return open_register(db)
    except RegisterError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


class LoadIntoRegister:
    """`consolidate --db`: called with the batch before the reports are written."""

    def __init__(self, db: str):
        from ..db.store import shown

        self.name = shown(db)
        self.engine = open_db(db)
        self.result = None
        self.problem: str | None = None

    def __call__(self, batch) -> None:
        from ..db import load_term, year_figures, year_register
        from ..db.provider_year import provider_year
        from ..db.rebuild import _full_time_hours, held_trend_terms

        try:
            self.result = load_term(self.engine, batch)
            if batch.term is not None:
                batch.year = year_figures(self.engine, batch.term)
                batch.year_register = year_register(self.engine, batch.term)
                batch.year_providers = provider_year(self.engine, batch.term, _full_time_hours(batch))
                held = held_trend_terms(self.engine)
                held[batch.term] = batch.trend_terms.get(batch.term, [])
                batch.trend_terms = dict(sorted(held.items()))
        except Exception as exc:  # the report is still written; the run says what went wrong
            self.problem = _reason(exc)
        finally:
            self.engine.dispose()

    def render(self) -> str:
        if self.problem:
            return (
                f"Could not load the term into the register database {self.name}: {self.problem}. "
                "Nothing was changed in it; the report above does not include the year figures. "
                "Run the same command again."
            )
        r = self.result
        if r is None:
            return ""
        lines = [
            f"Register database {self.name}: {len(r.loaded)} file{'s' * (len(r.loaded) != 1)} loaded "
            f"({r.placements} placement rows), {len(r.already_held)} already held."
        ]
        if r.superseded:
            lines.append(f"  Replaced by a corrected return: {', '.join(r.superseded)}")
        if r.not_loaded:
            lines.append("  Not loaded: " + "; ".join(f"{f} ({why})" for f, why in r.not_loaded.items()))
        return "\n".join(lines)


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    if "database is locked" in text:
        from ..db.store import busy_seconds

        return f"another run has been using it for more than {busy_seconds():g} seconds"
    return text.splitlines()[0] if text else type(exc).__name__


def render_year(year: dict | None) -> str:
    if not year:
        return ""
    weeks = year["median_placement_weeks"]
    return (
        f"Year {year['academic_year']} ({', '.join(t.split()[-1] for t in year['terms']) or 'no terms'} held): "
        f"{year['children']:,} children, {year['placements']:,} placements, "
        f"{year['children_placed_more_than_once']:,} placed more than once, "
        f"{year['returned_to_mainstream']:,} returned to mainstream ({year['back_in_ap']:,} back in AP since), "
        f"median placement {'-' if weeks is None else f'{weeks:g}'} weeks."
    )


@main.group()
def register():
    """The council's register database: every term's returns kept together (§11.5)."""


@register.command("report")
@click.option("--db", "db", required=True, help=DB_HELP)
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for council_report.xlsx, council_report_shareable.xlsx and summary.json.",
)
@click.option("--term", "term", metavar='"2024/25 Autumn"', help="The term to report on. Default: the latest held.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TOML or JSON settings, as for consolidate.",
)
def report(db: str, outdir: Path, term: str | None, config_file: Path | None):
    """Write the council's report for a term from the register database alone."""
    import json
    import time

    from ..batch import REPORT_NAME, SHAREABLE_NAME, SUMMARY_NAME, FolderLocked, OutputFolder, produced_at
    from ..db.rebuild import register_batch
    from ..db.store import shown
    from ..report import build_summary, write_council_report, write_shareable_report
    from ..settings import SettingsError, load_settings
    from ..terms import Term

    started = time.perf_counter()
    parsed = None
    if term is not None:
        parsed = Term.parse(term)
        if parsed is None:
            raise click.BadParameter(f"'{term}' is not a term: write it like \"2024/25 Autumn\"", param_hint="--term")
    try:
        config = load_settings(config_file)
    except SettingsError as exc:
        raise click.BadParameter(str(exc), param_hint="--config") from None
    if outdir.exists() and not outdir.is_dir():
        raise click.BadParameter(f"{outdir} is a file, not a folder", param_hint="-o")
    engine = open_db(db)
    try:
        batch = register_batch(engine, parsed, config, name=shown(db))
    finally:
        engine.dispose()
    if batch is None:
        click.echo(
            f"The register database {shown(db)} holds no accepted return yet: load a term with "
            "`ap-sheets consolidate DIR -o OUT --db DB` first.",
            err=True,
        )
        sys.exit(1)
    batch.produced = produced_at()
    try:
        with OutputFolder(outdir) as out:  # locked for the run; outputs renamed into place together
            out.stage("report", REPORT_NAME, lambda p: write_council_report(batch, p), private=True)
            out.stage("shareable", SHAREABLE_NAME, lambda p: write_shareable_report(batch, p))
            summary = build_summary(batch)
            summary["year"] = batch.year
            out.stage(
                "summary",
                SUMMARY_NAME,
                lambda p: p.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"),
            )
            out.commit()
    except FolderLocked as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"Could not write the report: {exc}", err=True)
        sys.exit(1)
    files = summary["files"]
    click.echo(
        f"Term {summary['term']} from the register database {shown(db)}: {sum(files.values())} returns held "
        f"for it - {files['accepted']} accepted, {files['rejected']} rejected, {files['unreadable']} unreadable; "
        f"{summary['children']:,} children."
    )
    click.echo(render_year(batch.year))
    click.echo(
        f"Wrote {REPORT_NAME} (restricted: holds the register), {SHAREABLE_NAME} and {SUMMARY_NAME} to "
        f"{outdir} in {time.perf_counter() - started:.1f} s."
    )


@register.command("purge")
@click.option("--db", "db", required=True, help=DB_HELP)
@click.option(
    "--ended-before",
    "ended_before",
    required=True,
    metavar="YYYY-MM-DD",
    type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]),
    help="Delete children whose last placement ended before this date (e.g. 2019-09-01).",
)
@click.option("--yes", is_flag=True, help="Delete them. Without it, only say what would be deleted.")
def purge_cmd(db: str, ended_before, yes: bool):
    """Delete the personal data of children whose last placement ended before a date.

    For the council's retention schedule. Each such child's UPN, names, dates of birth, sex
    and ethnicity are deleted, and their placements keep only what the figures count
    (provider, school, dates, destination): past years' figures still add up. Children with
    a placement still open, or without an end date, are kept.
    """
    from ..db import plan_purge, purge
    from ..db.store import shown

    when: date = ended_before.date()
    engine = open_db(db)
    try:
        plan = plan_purge(engine, when)
        what = (
            f"{plan.children:,} child{'ren' * (plan.children != 1)} whose last placement ended before "
            f"{when:%d/%m/%Y} ({plan.placements:,} placement rows, {plan.identities:,} names and dates of birth)"
        )
        if plan.children == 0:
            click.echo(
                f"No child in {shown(db)} has a last placement that ended before {when:%d/%m/%Y}: nothing to delete."
            )
            return
        if not yes:
            click.echo(
                f"This would delete the personal data of {what} from {shown(db)}, keeping anonymous counts. "
                "Run again with --yes to delete it."
            )
            sys.exit(1)
        done = purge(engine, when)
    finally:
        engine.dispose()
    click.echo(
        f"Deleted the personal data of {done.children:,} child{'ren' * (done.children != 1)} whose last "
        f"placement ended before {when:%d/%m/%Y}; their placements are kept, anonymous, in the figures."
    )
