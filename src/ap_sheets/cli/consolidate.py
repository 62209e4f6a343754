"""`ap-sheets consolidate` and `ap-sheets new-salt`: the council's termly report from a folder of returns."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..terminal import printable
from .main import main


@main.command(short_help="Check a folder of returns and write the council's termly report.")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    metavar="OUTDIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for council_report.xlsx, council_report_shareable.xlsx and summary.json.",
)
@click.option(
    "--term", "term", metavar='"2024/25 Autumn"', help="The term to report on. Default: the term most returns are for."
)
@click.option(
    "--config",
    "config_file",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The council's settings file (TOML or JSON): its name, registration test, full-time hours, "
    "national attendance comparator, KPI targets, suppression.",
)
@click.option(
    "--suppress-below",
    type=click.IntRange(min=1),
    default=None,
    help="In the shareable report, show counts below this as c (default 5).",
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per core).")
@click.option(
    "--pseudonymised-register",
    "pseudonymised",
    is_flag=True,
    help="Also write register_pseudonymised.csv for analysts (salted pupil IDs, birth month, "
    "postcode sector; no names). Needs the council's salt: --salt-file or AP_SHEETS_SALT.",
)
@click.option(
    "--salt-file",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="File holding the council's secret salt (make one with `ap-sheets new-salt`).",
)
@click.option(
    "--feedback",
    is_flag=True,
    help="Also write, for each rejected return, a copy with the Validation sheet and marked cells "
    "(as the Validate button gives) to OUTDIR/feedback/, under the same path as in DIRECTORY. "
    "They hold the children's data: send each only to the provider or school that sent it.",
)
@click.option(
    "--db",
    "db",
    default=None,
    help="Also load the term into the council's register database (an SQLite "
    "file, created readable by you only, or a postgresql+psycopg:// URL); the year figures and Trends "
    "then come from every term held. See `ap-sheets register --help`.",
)
@click.option(
    "--directory",
    "ap_directory",
    metavar="FILE",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The council's AP Directory workbook (`ap-sheets template ap-directory`): checked like any "
    "workbook and, if it has no errors, every return of the term is checked against it (X007-X009).",
)
def consolidate(
    directory: Path,
    outdir: Path,
    term: str | None,
    config_file: Path | None,
    suppress_below: int | None,
    jobs: int | None,
    pseudonymised: bool,
    salt_file: Path | None,
    feedback: bool,
    db: str | None,
    ap_directory: Path | None,
):
    """Check every return in DIRECTORY and write the council's termly report.

    Every file under DIRECTORY (and its subfolders) is checked as `validate` would. Accepted
    returns for the term go into the figures; rejected and unreadable files are listed in
    the report's Data quality sheet and left out. With --feedback, each rejected return also
    gets a marked copy under OUTDIR/feedback (a copy that cannot be written is named at the
    end; the run carries on).

    Exit status: 0 when the report was written, even if some files were rejected or a
    feedback copy could not be written; 1 when nothing was written (nothing to check, no
    return for the --term given, another run writing into OUTDIR, no worker process could
    start, the report could not be written: then no new output is left in OUTDIR); 2 for a
    usage mistake.
    """
    from ..batch import FEEDBACK_DIR, FolderLocked, NoReturnsForTerm, NothingToCheck, WorkersUnavailable
    from ..batch import consolidate as run
    from ..settings import SettingsError, load_settings
    from ..terms import Term

    parsed = None
    if term is not None:
        parsed = Term.parse(term)
        if parsed is None:
            raise click.BadParameter(f"'{term}' is not a term: write it like \"2024/25 Autumn\"", param_hint="--term")
    try:
        config = load_settings(config_file).with_overrides(suppress_below=suppress_below)
    except SettingsError as exc:
        raise click.BadParameter(str(exc), param_hint="--config") from None
    if outdir.exists() and not outdir.is_dir():
        raise click.BadParameter(f"{outdir} is a file, not a folder", param_hint="-o")
    if outdir.resolve() == directory.resolve():
        raise click.BadParameter(
            f"{outdir} is the folder of returns itself: the report would be read back as a "
            "return next time. Choose another output folder.",
            param_hint="-o",
        )
    if feedback and (outdir / FEEDBACK_DIR).resolve() == directory.resolve():
        raise click.BadParameter(
            f"the feedback copies would go to {outdir / FEEDBACK_DIR}, the folder of returns "
            "itself: choose another output folder",
            param_hint="-o",
        )
    salt = _salt(salt_file) if pseudonymised else None
    from .register import LoadIntoRegister, render_year

    loader = LoadIntoRegister(db) if db else None  # a database that cannot be used stops here, before checking
    if loader is not None and ap_directory is None:  # the directory held for the term, if any
        from .directory import held_directory

        engine = loader.engine
        ap_directory = lambda t: held_directory(engine, t)  # type: ignore[assignment]
    try:
        outcome = run(
            directory,
            outdir,
            term=parsed,
            config=config,
            jobs=jobs,
            pseudonymise_salt=salt,
            feedback=feedback,
            register=loader,
            ap_directory=ap_directory,
        )
    except NothingToCheck as exc:  # nothing checked is never "all clear"
        click.echo(printable(exc), err=True)
        sys.exit(1)
    except NoReturnsForTerm as exc:
        click.echo(
            f"{printable(exc)} Nothing was written. Give one of those terms with --term, or leave --term "
            "out to report on the term most returns are for.",
            err=True,
        )
        sys.exit(1)
    except FolderLocked as exc:
        click.echo(printable(exc), err=True)
        sys.exit(1)
    except WorkersUnavailable as exc:  # the computer's fault, not the files': nothing is blamed on them
        click.echo(f"Could not check the returns: {printable(exc)}.", err=True)
        sys.exit(1)
    except OSError as exc:  # the output folder cannot be written, the disk is full ...
        click.echo(f"Could not write the report: {printable(exc)}", err=True)
        sys.exit(1)
    click.echo(render_consolidation(outcome))
    listing = outcome.consolidation.directory
    if listing is not None:
        if listing.directory is None:
            click.echo(printable(listing.problem or f"The AP Directory {listing.file} was not used."), err=True)
        else:
            n = sum(f.code in ("X007", "X008", "X009") for f in outcome.consolidation.cross)
            click.echo(
                f"Checked against the AP Directory {listing.file} ({len(listing.directory.listings)} providers): "
                f"{n} finding{'s' * (n != 1)} (X007-X009), on the Reconciliation sheet."
            )
    if loader is not None:
        click.echo("\n".join(filter(None, [loader.render(), render_year(outcome.consolidation.year)])))
        if loader.problem:
            sys.exit(1)


def _salt(salt_file: Path | None) -> str:
    """The council's secret salt: from --salt-file, else the AP_SHEETS_SALT environment variable."""
    import os

    from ..privacy import MIN_SALT_BYTES

    salt = salt_file.read_text(encoding="utf-8").strip() if salt_file else os.environ.get("AP_SHEETS_SALT", "")
    if len(salt.encode()) < MIN_SALT_BYTES:
        raise click.UsageError(
            "The pseudonymised register needs the council's secret salt (at least "
            f"{MIN_SALT_BYTES} characters), from --salt-file FILE or the AP_SHEETS_SALT environment "
            "variable. Make one once with `ap-sheets new-salt -o FILE`, keep it safe, and reuse it so "
            "pupil IDs stay the same from term to term."
        )
    return salt


@main.command("new-salt")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to keep the salt (readable only by you). Never share it with the register.",
)
def new_salt(output: Path):
    """Make the council's secret salt for pseudonymised registers."""
    import os

    from ..privacy import new_salt as make

    if output.exists():
        raise click.UsageError(f"{output} exists: a salt is reused, not replaced (pupil IDs would change)")
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(make() + "\n")
    click.echo(
        f"Wrote a new salt to {output}. Keep it secret and keep it: the same salt gives the same pupil IDs every term."
    )


def render_consolidation(outcome) -> str:
    """The end-of-run summary: what went in, what was left out, where the report is."""
    s = outcome.summary
    files = s["files"]
    total = s["files_detail"]["total"]
    lines = []
    if s["term"] is None:
        lines.append(f"No return could be read for a term: {total} file{'s' * (total != 1)} checked.")
    else:
        how = "as asked" if s["term_chosen"] == "given" else "the term most returns are for"
        lines.append(
            f"Term {s['term']} ({how}): {total} file{'s' * (total != 1)} - {files['accepted']} accepted, "
            f"{files['rejected']} rejected, {files['unreadable']} unreadable."
        )
        lines.append(
            f"Children on the register: {s['children_on_register']:,}. In the figures: {s['children']:,} "
            f"on accepted provider returns ({s['with_ehcp']:,} with an EHC plan, {s['looked_after']:,} "
            "looked after)."
            + (
                f" Not in the figures: {s['children_on_register'] - s['children']:,} only on "
                "rejected returns or school logs."
                if s["children_on_register"] != s["children"]
                else ""
            )
        )
        lines.append(
            f"Returns in the figures: {s['providers']} provider return{'s' * (s['providers'] != 1)}, "
            f"{s['schools']} school log{'s' * (s['schools'] != 1)}."
        )
        recon = ", ".join(f"{code} {n}" for code, n in s["reconciliation"].items())
        lines.append(f"Reconciliation: {recon}.")
    detail = s["files_detail"]
    left_out = [f"{len(detail['rejected'])} rejected", f"{len(detail['unreadable'])} unreadable"]
    if detail["other_terms"]:
        left_out.append(f"{sum(detail['other_terms'].values())} for other terms (Trends only)")
    if detail["superseded"]:
        left_out.append(f"{len(detail['superseded'])} duplicate{'s' * (len(detail['superseded']) != 1)} (X005)")
    lines.append("Left out of the figures: " + ", ".join(left_out) + ".")
    for label, names in (("Rejected", detail["rejected"]), ("Unreadable", detail["unreadable"])):
        if names:
            shown = ", ".join(printable(n) for n in names[:8])
            shown += f" and {len(names) - 8} more" if len(names) > 8 else ""
            lines.append(f"  {label}: {shown}")
    for name in detail.get("directories", []):
        lines.append(
            f"Not a return: {printable(name)} is an AP Directory; give it with --directory to check the "
            "returns against it."
        )
    out = outcome.outputs
    lines.append(
        f"Wrote {out['report'].name} (restricted: holds the register), {out['shareable'].name} and "
        f"{out['summary'].name} to {printable(out['report'].parent)} in {outcome.seconds:.1f} s."
    )
    if "pseudonymised" in out:
        lines.append(f"Wrote {out['pseudonymised'].name} (pseudonymised: no names, salted pupil IDs).")
    if "feedback" in out:
        from ..batch import FEEDBACK_DIR

        n = len(out["feedback"])
        lines.append(
            f"Wrote {n} feedback cop{'y' if n == 1 else 'ies'} to "
            f"{printable(out['report'].parent / FEEDBACK_DIR)}"
            + (" (restricted: each holds its return's children's data)." if n else ".")
        )
    problems = getattr(outcome, "feedback_problems", {})
    if problems:
        shown = "; ".join(f"{printable(name)} ({printable(why)})" for name, why in problems.items())
        lines.append(f"Could not write {len(problems)} feedback cop{'y' if len(problems) == 1 else 'ies'}: {shown}.")
    return "\n".join(lines)
