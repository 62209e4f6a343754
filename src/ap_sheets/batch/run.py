"""`consolidate`: a folder of returns -> the council's termly report, step by step.

find the files (`discovery`) -> lock the output folder (`outputs`) -> check each file on the
worker processes (`workers`, `tasks`: read -> normalise -> check, the same engine as
`ap-sheets validate`) -> choose the term, X005, X001-X004 (`assembly`) -> write every output
into the run's private folder and rename them into place together -> feedback copies of
rejected returns on the same workers (`feedback_copies`).
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from functools import partial
from pathlib import Path

from ..settings import Settings
from ..terms import Term
from .assembly import Consolidation, FileResult, assemble
from .discovery import NOTHING_TO_CHECK, NothingToCheck, find_files
from .feedback_copies import FEEDBACK_DIR, write_feedback_copies
from .outputs import OutputFolder
from .tasks import check_chunk
from .workers import WorkerPool, chunks, run_workers

REPORT_NAME = "council_report.xlsx"
SHAREABLE_NAME = "council_report_shareable.xlsx"
SUMMARY_NAME = "summary.json"
OUTPUT_NAMES = (REPORT_NAME, SHAREABLE_NAME, SUMMARY_NAME)


@dataclass
class Outcome:
    """What a run produced: the consolidation, the summary (as written) and the files.

    `outputs`: name -> file ("report", "shareable", "summary", maybe "pseudonymised"), and
    with feedback, "feedback" -> the feedback copies written (a list, sorted).
    `feedback_problems`: file (as in the report) -> why its feedback copy could not be
    written (no pupil data)."""

    consolidation: Consolidation
    summary: dict
    outputs: dict[str, Path | list[Path]]
    seconds: float
    feedback_problems: dict[str, str] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step, for the benchmark


def check_files_in_process(items: list[tuple[str, str]], on_done, settings=None) -> None:
    """The same work in this process (no crash protection): for profiling and debugging."""
    for chunk in chunks(items, 1):
        on_done(check_chunk(chunk, settings))


class NoReturnsForTerm(Exception):
    """`--term` names a term no readable return in the folder is for: nothing is written."""

    def __init__(self, term: Term, terms_held: dict[str, int]):
        self.term, self.terms_held = term, terms_held
        held = ", ".join(f"{t} ({n} file{'s' * (n != 1)})" for t, n in terms_held.items()) or "none that can be read"
        super().__init__(f"No return in the folder is for {term.label}. The returns it holds are for: {held}.")


def consolidate(
    directory,
    outdir,
    term: Term | str | None = None,
    config=None,
    jobs: int | None = None,
    progress: bool | None = None,
    in_process: bool = False,
    pseudonymise_salt: str | bytes | None = None,
    feedback: bool = False,
    register: Callable[[Consolidation], None] | None = None,
    ap_directory=None,
) -> Outcome:
    """Check every file under `directory` and write the council's report into `outdir`.

    `term`: a Term or "2024/25 Autumn"; default the most common term among the returns.
    `jobs`: worker processes (default: the number of cores). `progress`: show a progress
    bar (default: when stderr is a terminal). `in_process`: check in this process (no crash
    protection; for profiling). `pseudonymise_salt`: also write the pseudonymised register
    (CSV) for analysts, its pupil IDs keyed by this secret salt (never written anywhere).
    `feedback`: also write a feedback copy of each rejected return under `outdir/feedback/`.
    `register`: called with the batch before the reports are written (`--db` loads the term
    into the register database there and sets the batch's `year` and Trends).
    `ap_directory`: the council's AP Directory workbook: checked like any workbook and, if it
    has no errors, the term's returns are checked against it (X007-X009). Or a function of
    the term giving a `DirectoryLoad` or None (`consolidate --db`: the one held for the term).

    Raises ValueError for a bad term or an output folder that is the returns folder,
    `NothingToCheck` when the folder has no file to check (nothing is written),
    `NoReturnsForTerm` when `term` is given and no readable return is for it (nothing is
    written), `FolderLocked` when another run is writing into `outdir`, `WorkersUnavailable` when no
    worker process could start, and OSError when an output cannot be written (then no new
    output is left in `outdir`).
    """
    started = time.perf_counter()
    phases: dict[str, float] = {}
    clock = _Stopwatch(phases)
    directory, outdir = Path(directory), Path(outdir)
    if not directory.is_dir():
        raise NotADirectoryError(f"{directory} is not a folder")
    if isinstance(term, str):
        parsed = Term.parse(term)
        if parsed is None:
            raise ValueError(f"'{term}' is not a term: write it like '2024/25 Autumn'")
        term = parsed
    feedback_dir = outdir / FEEDBACK_DIR
    if outdir.resolve() == directory.resolve():
        raise ValueError(
            f"the report would be written into {outdir}, the folder of returns itself, and "
            "read back as a return next time: choose another output folder"
        )
    if feedback and feedback_dir.resolve() == directory.resolve():
        raise ValueError(
            f"the feedback copies would go to {feedback_dir}, the folder of returns itself: "
            "choose another output folder"
        )
    files = find_files(directory, exclude=[outdir, feedback_dir])
    if not files:
        raise NothingToCheck(NOTHING_TO_CHECK.format(where=directory))
    items = [(str(p), p.relative_to(directory).as_posix()) for p in files]
    clock.lap("find files")
    with OutputFolder(outdir) as out, gc_paused():
        if in_process:
            pool = None
        else:
            if feedback:  # imported here, so forked workers inherit them
                import openpyxl  # noqa: F401

                from .. import feedback as _feedback  # noqa: F401
            pool = WorkerPool(max(1, min(jobs or os.cpu_count() or 1, len(items))))
        try:
            config = config or Settings()
            results = _check(items, pool, progress, config)
            clock.lap("check files")
            from ..rules.directory_cross_rules import load_directory

            if callable(ap_directory):
                from .assembly import choose_term

                listing = ap_directory(choose_term(results, term)[0])
            else:
                listing = load_directory(ap_directory, config) if ap_directory is not None else None
            batch = assemble(results, term, config, directory=listing)
            if term is not None and not batch.chosen:
                held = Counter(r.term.label for r in results if r.readable and r.term is not None)
                raise NoReturnsForTerm(term, dict(sorted(held.items())))
            batch.root = str(directory)
            batch.produced = produced_at()
            clock.lap("reconcile")
            if register is not None:
                register(batch)
                clock.lap("load the register database")
            summary = _write_outputs(batch, out, pseudonymise_salt, clock)
            outputs: dict[str, Path | list[Path]] = dict(out.commit())
            problems: dict[str, str] = {}
            if feedback:
                outputs["feedback"], problems = write_feedback_copies(batch, directory, feedback_dir, pool, out.tmp)
                clock.lap("write feedback copies")
        finally:
            if pool is not None:
                pool.close()
    return Outcome(batch, summary, outputs, time.perf_counter() - started, problems, phases)


def _check(
    items: list[tuple[str, str]], pool: WorkerPool | None, progress: bool | None, settings: Settings
) -> list[FileResult]:
    results: list[FileResult] = []
    bar = _progress_bar(len(items), progress)

    def done(chunk: list[FileResult]) -> None:
        if not results and pool is not None:
            _load_report_writers()  # here, where this process would only wait for the workers
        results.extend(chunk)
        if bar is not None:
            bar.update(len(chunk))

    try:
        if pool is None:
            check_files_in_process(items, done, settings)
        else:
            run_workers(items, pool.jobs, done, task=partial(check_chunk, settings=settings), pool=pool)
    finally:
        if bar is not None:
            bar.close()
    return results


def _load_report_writers() -> None:
    """Import what writes the reports (XlsxWriter and the report modules, about 0.1 s) while
    the workers check the files, not after: this process has nothing else to do then."""
    from .. import report  # noqa: F401
    from ..rules import directory_cross_rules  # noqa: F401


def _write_outputs(batch: Consolidation, out: OutputFolder, salt, clock: _Stopwatch) -> dict:
    """Every output into the run's private folder (moved into place by `out.commit()`)."""
    from ..report import build_summary, write_council_report, write_shareable_report

    out.stage("report", REPORT_NAME, lambda p: write_council_report(batch, p), private=True)
    out.stage("shareable", SHAREABLE_NAME, lambda p: write_shareable_report(batch, p))
    clock.lap("write the two reports")
    if salt is not None:
        from ..report.pseudonymised import PSEUDONYMISED_NAME, write_pseudonymised_register

        out.stage(
            "pseudonymised", PSEUDONYMISED_NAME, lambda p: write_pseudonymised_register(batch, p, salt), private=True
        )
    summary = build_summary(batch)
    if batch.year is not None:
        summary["year"] = batch.year
    out.stage(
        "summary",
        SUMMARY_NAME,
        lambda p: p.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"),
    )
    clock.lap("write the other outputs")
    return summary


@contextmanager
def gc_paused():
    """Python's cyclic garbage collector paused while the batch is collected and written.

    This process then holds the whole batch (hundreds of thousands of objects) and allocates
    many more small ones (results arriving, the reports' cells), none of them in cycles worth
    finding: each full collection would walk the whole batch again, a fifth of the time it
    takes to write the restricted report. Worker processes turn it back on for themselves."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def produced_at():
    """When the report was produced: now, or SOURCE_DATE_EPOCH for reproducible output."""
    from datetime import datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).replace(tzinfo=None)
    return datetime.now().replace(microsecond=0)


class _Stopwatch:
    """Seconds spent in each step of a run, into `phases` (kept in order)."""

    def __init__(self, phases: dict[str, float]):
        self.phases = phases
        self.last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.phases[step] = now - self.last
        self.last = now


def _progress_bar(total: int, progress: bool | None):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress or total == 0:
        return None
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked
    return tqdm(total=total, unit="file", desc="Checking returns", file=sys.stderr, leave=False)
