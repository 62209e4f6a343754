"""Batch consolidation: a folder of returns -> the council's termly report.

Data flow (one way): find files -> check each in a worker process (read -> normalise ->
check, the same engine as `ap-sheets validate`) -> small picklable `FileResult`s back to
the main process -> choose the term -> X005 picks one return per provider/school ->
X001-X004 reconcile provider returns with school logs -> measures -> writers
(`report.restricted`, `report.shareable`, `summary.json`).

Workers. Files are checked in chunks (one pandera pass per sheet per chunk is far cheaper
than one per file, see `checks.engine.run_checks_many`) on a process pool spread over
the cores. A worker sends back, per file, its `FileReport` and only the columns the
report needs as compact tuples (`PupilRow`, `PlacementRow`, `NotificationRow`), never
frames or workbooks. If a worker dies (a native crash in the reader), the chunks it may
have been running are checked again one file at a time, each in a fresh single-worker
pool; a file that kills its worker again is reported `unreadable`. One bad file never
stops the run.

Inputs are only read. Outputs are written to a temporary file in the output folder and
renamed into place, so a half-written report never replaces a good one.

Feedback copies (`feedback=True`): after the report, each rejected return is copied to
`outdir/feedback/<its path under the folder>` with the Validation sheet and marked cells the
Validate button would give it (`feedback.write_feedback`), on the same worker pool; a copy
that cannot be written is named in `Outcome.feedback_problems` and the rest carry on.
"""
from __future__ import annotations

import gc
import json
import multiprocessing as mp
import os
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from . import cross_rules
from .findings import ACCEPTED, REJECTED, UNREADABLE, FileReport, unreadable
from .normalise import Return
from .return_rows import (ROW_TYPES, NotificationRow, PlacementRow, PupilRow,  # noqa: F401 (re-exported)
                          complaint_counts, notification_rows, table_rows)
from .terms import Term
from .validate import check_files, check_workbooks, internal_error

REPORT_NAME = "council_report.xlsx"
SHAREABLE_NAME = "council_report_shareable.xlsx"
SUMMARY_NAME = "summary.json"
OUTPUT_NAMES = (REPORT_NAME, SHAREABLE_NAME, SUMMARY_NAME)
FEEDBACK_DIR = "feedback"  # under the output folder: copies of rejected returns, marked
# Files never treated as returns: Excel's lock files and operating-system clutter.
IGNORED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
MAX_CHUNK = 40  # files per worker task at most (aiming at 4 tasks a worker: fewer, larger Pandera passes)


# ---- what a worker sends back ---------------------------------------------------------
@dataclass
class FileResult:
    """Everything the main process keeps about one file."""

    file: str  # path relative to the folder, with forward slashes
    report: FileReport
    kind: str | None = None
    term: Term | None = None
    record: dict = field(default_factory=dict)  # Provider / School record, typed values
    record_rows: dict = field(default_factory=dict)  # record key -> Excel row on its sheet
    mtime: float = 0.0
    size: int = 0
    rows: list = field(default_factory=list)  # PupilRow or PlacementRow
    notifications: list = field(default_factory=list)  # NotificationRow (provider returns)
    complaints: tuple = (0, 0, 0)  # complaints, compliments, complaints still open
    has_data: bool = False  # read as a standard return (not refused as unreadable or R004)

    @property
    def status(self) -> str:
        return self.report.status

    @property
    def readable(self) -> bool:
        """A standard return whose data could be read (accepted, or rejected for its values)."""
        return self.has_data and self.kind in ROW_TYPES and self.status in (ACCEPTED, REJECTED)


def _extract(file: str, report: FileReport, ret: Return | None, stat: os.stat_result | None) -> FileResult:
    result = FileResult(file, report, kind=report.kind,
                        mtime=stat.st_mtime if stat else 0.0, size=stat.st_size if stat else 0)
    if ret is None:
        return result
    result.has_data = True
    result.term = ret.term
    result.record = dict(ret.record)
    record_sheet = ret.sheets.get(ret.kind.record_sheet)
    if record_sheet is not None:
        result.record_rows = dict(record_sheet.form_rows)
    result.rows = table_rows(ret)
    if ret.kind.kind == "provider-return":
        result.notifications = notification_rows(ret)
        result.complaints = complaint_counts(ret)
    return result


def check_chunk(items: list[tuple[str, str]]) -> list[FileResult]:
    """Worker task: read, normalise and check some files (`validate.check_files`, whose value
    checks of the chunk's returns run together); one `FileResult` each, in order."""
    stats = [_stat(path) for path, _ in items]
    results = []
    for (_, shown), stat, checked in zip(items, stats, check_files(items)):
        try:
            results.append(_extract(shown, checked.report, checked.ret, stat))
        except Exception as exc:  # a bug must cost one file, not the batch
            results.append(_extract(shown, internal_error(shown, exc), None, stat))
    return results


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


# ---- finding the files ------------------------------------------------------------------
def find_files(directory: Path, exclude: Path | Iterable[Path] | None = None) -> list[Path]:
    """Every file under `directory` (recursively), sorted, except Excel lock files (~$...),
    hidden files and folders (.name), operating-system clutter, and the folders in `exclude`
    (the output folder and its feedback folder, when inside the input folder). Not filtered
    by extension: a CSV or PDF sent by mistake is reported as unreadable rather than silently
    missed."""
    out = []
    if isinstance(exclude, (str, os.PathLike)):
        exclude = [exclude]
    skip = {Path(p).resolve() for p in exclude or ()}
    for dirpath, dirnames, filenames in os.walk(directory):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and (not skip or (here / d).resolve() not in skip))
        for name in filenames:
            if name.startswith(("~$", ".")) or name.casefold() in IGNORED_NAMES:
                continue
            path = here / name
            if path.is_file():
                out.append(path)
    return sorted(out, key=lambda p: p.relative_to(directory).as_posix())


# ---- running the workers ----------------------------------------------------------------
def _pool_context():
    """fork on Linux (workers inherit the imported engine: no start-up cost), when it is
    safe (no other threads); otherwise the platform's safe default."""
    if sys.platform.startswith("linux"):
        if threading.active_count() == 1:
            return mp.get_context("fork")
        return mp.get_context("forkserver")
    return mp.get_context("spawn")


_warm = False


def warm_up() -> None:
    """Do, once, in this process, the lazy set-up the engine does on its first return
    (imports inside functions, pandera's backends and the sheet schemas): forked workers
    then inherit it instead of each paying ~0.3 s for it on every pool. Uses a made-up
    return held in memory, never a file."""
    global _warm
    if _warm:
        return
    _warm = True
    try:
        import python_calamine  # noqa: F401 (imported inside read_workbook)

        from .read import RawSheet, RawWorkbook
        from .spec import KINDS, META_SHEET, TEMPLATE_VERSION, Layout

        rets = []
        for kind in KINDS.values():
            sheets = {META_SHEET: RawSheet(META_SHEET, [["kind", kind.kind], ["template_version", TEMPLATE_VERSION]])}
            for sheet in kind.sheets:
                cols = sheet.data_columns
                if sheet.layout is Layout.FORM:
                    rows = [[c.header, None] for c in cols]
                else:
                    rows = [[c.header for c in cols], ["x"] * len(cols)]
                sheets[sheet.name] = RawSheet(sheet.name, rows)
            raw = RawWorkbook("warm-up", sheets, meta={"kind": kind.kind, "template_version": TEMPLATE_VERSION})
            rets.append(raw)
        check_workbooks(rets)
    except Exception:  # only an optimisation: the workers would do it themselves
        pass


def _chunks(items: list, jobs: int) -> list[list]:
    size = max(1, min(MAX_CHUNK, -(-len(items) // (jobs * 4))))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _crashed(shown: str, exitcode: int | None = None) -> FileReport:
    """The verdict for a file whose worker died: the safety package's wording when present."""
    try:
        from .safety.isolation import worker_died

        return worker_died(shown, exitcode)
    except (ImportError, AttributeError, KeyError):
        return unreadable(shown, "ap-sheets stopped unexpectedly while reading this file, so it could not be "
                                 "checked. It may be damaged: ask the sender to save it again from Excel as "
                                 ".xlsm and resend it.")


def _too_slow(shown: str, seconds: float) -> FileReport:
    """The verdict for a file whose check ran past the per-file time limit."""
    try:
        from .safety.isolation import timed_out

        return timed_out(shown, seconds)
    except (ImportError, AttributeError, KeyError):
        return unreadable(shown, f"Checking this file took longer than {seconds:g} seconds, so it was stopped. "
                                 "It may be damaged or unusually large: ask the sender to save it again.")


GRACE_SECONDS = 30.0  # on top of the per-file limit, for start-up and a busy machine


def seconds_per_file() -> float:
    """How long one file may take before its worker is stopped (safety.LIMITS)."""
    try:
        from .safety import LIMITS

        return float(LIMITS.seconds_per_file)
    except (ImportError, AttributeError):  # the limits moved: keep the documented default
        return 60.0


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool whose worker is stuck: terminate its processes, drop queued work."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.terminate()
        except Exception:  # already gone
            pass
    pool.shutdown(wait=False, cancel_futures=True)


def run_workers(items: list[tuple], jobs: int, on_done: Callable[[list], None],
                task: Callable | None = None, per_file: float | None = None,
                grace: float = GRACE_SECONDS, fallback: Callable[[str, FileReport], object] | None = None) -> None:
    """Check (path, shown name, ...) items on `jobs` worker processes; `on_done` gets each
    chunk's results as it finishes.

    A worker that dies (BrokenProcessPool) or is stuck (nothing finishes for `per_file`
    seconds per file of the largest chunk in flight) never stops the run: the chunks in
    flight are put aside, the rest carries on in a fresh pool, and each file put aside
    is then checked alone in a fresh one-worker pool. A file that crashes its worker
    again, or takes longer than `per_file` seconds alone, is reported unreadable.

    `task` (default `check_chunk`) turns a chunk of items into one result each;
    `fallback(shown, report)` makes the result for a file whose task failed alone, from the
    unreadable verdict saying why (default: a `FileResult` with that verdict).
    """
    task = task or check_chunk
    fallback = fallback or FileResult
    per_file = per_file or seconds_per_file()
    ctx = _pool_context()
    forked = ctx.get_start_method() == "fork"
    if forked:
        warm_up()
        # Forked workers inherit this process's objects; without this, their first garbage
        # collections walk (and so copy, page by page) all of them. ~15% of a 300-file run.
        gc.freeze()
    try:
        _run_pools(items, jobs, on_done, task, per_file, grace, ctx, fallback)
    finally:
        if forked:
            gc.unfreeze()


def _run_pools(items, jobs, on_done, task, per_file: float, grace: float, ctx, fallback=FileResult) -> None:
    queue = deque(_chunks(items, jobs))
    suspects: list[tuple[str, str]] = []
    while queue:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)
        inflight: dict = {}
        trouble = False
        try:
            while (queue or inflight) and not trouble:
                while queue and len(inflight) < 2 * jobs:
                    chunk = queue.popleft()
                    inflight[pool.submit(task, chunk)] = chunk
                limit = max(len(c) for c in inflight.values()) * per_file + grace
                done, _ = wait(inflight, timeout=limit, return_when=FIRST_COMPLETED)
                if not done:
                    trouble = True  # stuck: the chunks in flight are suspects (below)
                for fut in done:
                    chunk = inflight.pop(fut)
                    try:
                        results = fut.result()
                    except BrokenProcessPool:
                        trouble = True
                        suspects += chunk
                        continue
                    except Exception:  # e.g. a result that could not be sent back
                        suspects += chunk
                        continue
                    on_done(results)
        finally:
            if trouble:
                for chunk in inflight.values():
                    suspects += chunk
                _stop(pool)
            else:
                pool.shutdown(wait=True)
    for item in suspects:
        _run_alone(item, task, per_file, grace, ctx, on_done, fallback)


def _run_alone(item: tuple, task, per_file: float, grace: float, ctx, on_done, fallback=FileResult) -> None:
    """One file in a fresh one-worker pool: its verdict, or unreadable if it kills or hangs it."""
    shown = item[1]
    pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx)
    stuck = False
    try:
        results = pool.submit(task, [item]).result(timeout=per_file + grace)
    except BrokenProcessPool:
        results = [fallback(shown, _crashed(shown))]
    except FuturesTimeout:
        stuck = True
        results = [fallback(shown, _too_slow(shown, per_file))]
    except Exception as exc:
        results = [fallback(shown, internal_error(shown, exc))]
    finally:
        if stuck:
            _stop(pool)
        else:
            pool.shutdown(wait=True)
    on_done(results)


def check_files_in_process(items: list[tuple[str, str]], on_done) -> None:
    """The same work in this process (no crash protection): for profiling and debugging."""
    for chunk in _chunks(items, 1):
        on_done(check_chunk(chunk))


# ---- the consolidation ------------------------------------------------------------------
@dataclass
class Consolidation:
    """The batch after checking and reconciling: what the writers and summary use."""

    root: str
    term: Term | None
    term_source: str  # "given", "most common" or "none"
    results: list[FileResult]  # every file, sorted by name
    decisions: dict[str, str]  # file -> "Yes" or why it is not in the figures
    chosen: list[FileResult]  # readable returns for the term, one per provider/school
    superseded: dict[str, str]  # file left out (X005) -> file used
    cross: list  # CrossFinding
    trend_terms: dict  # Term -> accepted returns for that term (one per provider/school)
    config: object = None
    produced: object = None  # datetime the report was produced
    year: dict | None = None  # the register database's `year` figures (with --db), for summary.json

    @property
    def accepted(self) -> list[FileResult]:
        """The returns in the figures: the term's chosen returns that were accepted."""
        return [r for r in self.chosen if r.status == ACCEPTED]

    @property
    def providers(self) -> list[FileResult]:
        return [r for r in self.accepted if r.kind == "provider-return"]

    @property
    def schools(self) -> list[FileResult]:
        return [r for r in self.accepted if r.kind == "school-log"]

    @property
    def other_term_files(self) -> list[FileResult]:
        return [r for r in self.results if r.readable and r.term is not None and r.term != self.term]


def choose_term(results: Iterable[FileResult], given: Term | None) -> tuple[Term | None, str]:
    """The report's term: the one asked for, else the most common among readable returns
    (the latest on a tie)."""
    if given is not None:
        return given, "given"
    counts = Counter(r.term for r in results if r.readable and r.term is not None)
    if not counts:
        return None, "none"
    best = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return best, "most common"


def assemble(results: list[FileResult], term: Term | None = None, config=None) -> Consolidation:
    """Choose the term, pick one return per provider/school, reconcile, decide what counts."""
    from .settings import Settings

    config = config or Settings()
    results = sorted(results, key=lambda r: r.file)
    term, source = choose_term(results, term)
    of_term = [r for r in results if r.readable and r.term == term and term is not None]
    cross, chosen, superseded = cross_rules.reconcile(of_term, term, gap=config.attendance_gap_points)
    decisions: dict[str, str] = {}
    chosen_files = {r.file for r in chosen}
    for r in results:
        if r.status == UNREADABLE:
            decisions[r.file] = "No: could not be read"
        elif not r.readable:
            decisions[r.file] = "No: not a standard return ap-sheets can read (R004)"
        elif r.term is None:
            decisions[r.file] = "No: rejected (term not given)"
        elif r.term != term:
            used = " (used in Trends)" if r.status == ACCEPTED else ""
            decisions[r.file] = f"No: return for {r.term.label}{used}"
        elif r.file in superseded:
            decisions[r.file] = f"No: another return for the same {_who(r)} is used ({superseded[r.file]}), X005"
        elif r.status == REJECTED:
            decisions[r.file] = "No: rejected (errors to fix)"
        elif r.file in chosen_files:
            decisions[r.file] = "Yes"
    trend_terms: dict[Term, list[FileResult]] = {}
    for t in sorted({r.term for r in results if r.readable and r.term is not None}):
        if t == term:
            trend_terms[t] = [r for r in chosen if r.status == ACCEPTED]
        else:
            accepted = [r for r in results if r.term == t and r.readable and r.status == ACCEPTED]
            trend_terms[t] = cross_rules.choose_returns(accepted)[0]
    return Consolidation("", term, source, results, decisions, chosen,
                         superseded, cross, trend_terms, config)


def _who(r: FileResult) -> str:
    return "provider" if r.kind == "provider-return" else "school"


# ---- writing outputs safely ---------------------------------------------------------------
def write_atomic(target: Path, write: Callable[[Path], None], private: bool = False) -> Path:
    """Write via a temporary file in the same folder, then rename it into place.

    `private`: readable by its owner only (the restricted report holds personal data);
    otherwise the usual permissions for a new file (the umask decides).
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix + ".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_path, 0o666 & ~umask)
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
    return target


def _produced_at():
    """When the report was produced: now, or SOURCE_DATE_EPOCH for reproducible output."""
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).replace(tzinfo=None)
    return datetime.now().replace(microsecond=0)


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


def consolidate(directory, outdir, term: Term | str | None = None, config=None, jobs: int | None = None,
                progress: bool | None = None, in_process: bool = False,
                pseudonymise_salt: str | bytes | None = None, feedback: bool = False,
                register: Callable[[Consolidation], None] | None = None) -> Outcome:
    """Check every file under `directory` and write the council's report into `outdir`.

    `term`: a Term or "2024/25 Autumn"; default the most common term among the returns.
    `jobs`: worker processes (default: the number of cores). `progress`: show a progress
    bar (default: when stderr is a terminal). `in_process`: check in this process (no crash
    protection; for profiling). `pseudonymise_salt`: also write the pseudonymised register
    (CSV) for analysts, its pupil IDs keyed by this secret salt (never written anywhere).
    `feedback`: also write a feedback copy of each rejected return under
    `outdir/feedback/` (see the module doc); ValueError if that folder is `directory` itself.
    `register`: called with the batch before the reports are written (`--db` loads the term
    into the register database there and sets the batch's `year` and Trends).
    """
    from .report import build_summary, write_council_report, write_shareable_report
    from .settings import Settings

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
    config = config or Settings()
    feedback_dir = outdir / FEEDBACK_DIR
    if outdir.resolve() == directory.resolve():
        raise ValueError(f"the report would be written into {outdir}, the folder of returns itself, and "
                         "read back as a return next time: choose another output folder")
    if feedback and feedback_dir.resolve() == directory.resolve():
        raise ValueError(f"the feedback copies would go to {feedback_dir}, the folder of returns itself: "
                         "choose another output folder")
    outdir.mkdir(parents=True, exist_ok=True)
    files = find_files(directory, exclude=[outdir, feedback_dir])
    items = [(str(p), p.relative_to(directory).as_posix()) for p in files]
    results: list[FileResult] = []
    bar = _progress_bar(len(items), progress)

    def done(chunk: list[FileResult]) -> None:
        results.extend(chunk)
        if bar is not None:
            bar.update(len(chunk))

    clock.lap("find files")
    try:
        if in_process:
            check_files_in_process(items, done)
        elif items:
            jobs = max(1, min(jobs or os.cpu_count() or 1, len(items)))
            run_workers(items, jobs, done)
    finally:
        if bar is not None:
            bar.close()
    clock.lap("check files")
    batch = assemble(results, term, config)
    batch.root = str(directory)
    batch.produced = _produced_at()
    clock.lap("reconcile")
    if register is not None:
        register(batch)
        clock.lap("load the register database")
    outputs = {"report": write_atomic(outdir / REPORT_NAME, lambda p: write_council_report(batch, p), private=True)}
    clock.lap("write council_report.xlsx")
    outputs["shareable"] = write_atomic(outdir / SHAREABLE_NAME, lambda p: write_shareable_report(batch, p))
    if pseudonymise_salt is not None:
        from .report.pseudonymised import PSEUDONYMISED_NAME, write_pseudonymised_register

        outputs["pseudonymised"] = write_atomic(
            outdir / PSEUDONYMISED_NAME, lambda p: write_pseudonymised_register(batch, p, pseudonymise_salt),
            private=True)
    summary = build_summary(batch)
    if batch.year is not None:
        summary["year"] = batch.year
    outputs["summary"] = write_atomic(
        outdir / SUMMARY_NAME,
        lambda p: p.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"))
    clock.lap("write the other outputs")
    problems: dict[str, str] = {}
    if feedback:
        outputs["feedback"], problems = write_feedback_copies(batch, directory, feedback_dir, jobs, in_process)
        clock.lap("write feedback copies")
    return Outcome(batch, summary, outputs, time.perf_counter() - started, problems, phases)


class _Stopwatch:
    """Seconds spent in each step of a run, into `phases` (kept in order)."""

    def __init__(self, phases: dict[str, float]):
        self.phases = phases
        self.last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.phases[step] = now - self.last
        self.last = now


# ---- feedback copies of rejected returns -----------------------------------------------------
class FeedbackResult(NamedTuple):
    """One rejected return's feedback copy: where it was written, or why it was not."""

    file: str  # as FileResult.file
    path: Path | None
    problem: str | None = None  # no pupil data: safe for the terminal


def write_feedback_copies(batch: Consolidation, directory: Path, folder: Path, jobs: int | None = None,
                          in_process: bool = False) -> tuple[list[Path], dict[str, str]]:
    """A feedback copy of each rejected return in the batch, at `folder/<its path under
    directory>`, as of the report's time. Written on worker processes (a file that crashes or
    hangs a worker costs only its own copy). Returns the copies written (sorted) and, per file
    whose copy could not be written, why."""
    import openpyxl  # noqa: F401 (here, so forked workers inherit it)

    from . import feedback  # noqa: F401

    when = batch.produced
    items = [(str(directory / r.file), r.file, str(folder / r.file), r.report, when)
             for r in batch.results if r.status == REJECTED]
    results: list[FeedbackResult] = []
    if in_process:
        results = feedback_chunk(items)
    elif items:
        jobs = max(1, min(jobs or os.cpu_count() or 1, len(items)))
        run_workers(items, jobs, results.extend, task=feedback_chunk, fallback=_feedback_stopped)
    results.sort(key=lambda r: r.file)
    return ([r.path for r in results if r.path is not None],
            {r.file: r.problem or "not written" for r in results if r.path is None})


def feedback_chunk(items: list[tuple]) -> list[FeedbackResult]:
    """Worker task: write the feedback copy of each (path, shown name, target, report, time)."""
    from .feedback import FeedbackError, same_file, write_feedback

    out = []
    for path, shown, target, report, when in items:
        try:
            target = Path(target)
            if same_file(Path(path), target):
                raise FeedbackError("the copy would replace the return itself")
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, lambda p: write_feedback(path, report, p, now=when), private=True)
            out.append(FeedbackResult(shown, target))
        except Exception as exc:  # one copy, not the run
            out.append(FeedbackResult(shown, None, feedback_problem(exc)))
    return out


def feedback_problem(exc: BaseException) -> str:
    """Why a copy could not be written, for the terminal: never the exception's own words
    from openpyxl (they can quote a cell's value), only its type; the file system's reason."""
    from .feedback import FeedbackError

    if isinstance(exc, FeedbackError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"the workbook could not be copied ({type(exc).__name__})"


def _feedback_stopped(shown: str, report: FileReport) -> FeedbackResult:
    return FeedbackResult(shown, None, "writing it crashed or took too long")


def _progress_bar(total: int, progress: bool | None):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress or total == 0:
        return None
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked
    return tqdm(total=total, unit="file", desc="Checking returns", file=sys.stderr, leave=False)
