"""Feedback copies of rejected returns, written on the run's worker processes: a copy that
crashes or hangs a worker costs only itself, and is named with why it was not written."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import NamedTuple

from ..findings import REJECTED, FileReport
from ..settings import Settings
from .assembly import Consolidation
from .outputs import write_atomic
from .workers import WorkerPool

FEEDBACK_DIR = "feedback"  # under the output folder: copies of rejected returns, marked


class FeedbackResult(NamedTuple):
    """One rejected return's feedback copy: where it was written, or why it was not."""

    file: str  # as FileResult.file
    path: Path | None
    problem: str | None = None  # no pupil data: safe for the terminal


def write_feedback_copies(
    batch: Consolidation, directory: Path, folder: Path, pool: WorkerPool | None = None, tmpdir: Path | None = None
) -> tuple[list[Path], dict[str, str]]:
    """A feedback copy of each rejected return in the batch, at `folder/<its path under
    directory>`, as of the report's time; on `pool`'s workers, or in this process without
    one. Working files go in `tmpdir` (default: beside each copy). Returns the copies
    written (sorted) and, per file whose copy could not be written, why."""
    when = batch.produced
    tmp = str(tmpdir) if tmpdir else None
    items = [
        (str(directory / r.file), r.file, str(folder / r.file), r.report, when, tmp)
        for r in batch.results
        if r.status == REJECTED
    ]
    results: list[FeedbackResult] = []
    if pool is None:
        results = feedback_chunk(items, batch.config)
    elif items:
        pool.run(items, results.extend, partial(feedback_chunk, settings=batch.config), _feedback_stopped)
    results.sort(key=lambda r: r.file)
    return (
        [r.path for r in results if r.path is not None],
        {r.file: r.problem or "not written" for r in results if r.path is None},
    )


def feedback_chunk(items: list[tuple], settings: Settings | None = None) -> list[FeedbackResult]:
    """Worker task: the feedback copy of each (path, shown name, target, report, time, tmpdir),
    naming the council's rule `settings` on its Validation sheet."""
    from ..feedback import FeedbackError, same_file, write_feedback

    out = []
    for path, shown, target, report, when, tmpdir in items:
        try:
            target = Path(target)
            if same_file(Path(path), target):
                raise FeedbackError("the copy would replace the return itself")
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(
                target,
                lambda p: write_feedback(path, report, p, now=when, settings=settings),  # noqa: B023 (called at once)
                private=True,
                tmpdir=Path(tmpdir) if tmpdir else None,
            )
            out.append(FeedbackResult(shown, target))
        except Exception as exc:  # one copy, not the run
            out.append(FeedbackResult(shown, None, feedback_problem(exc)))
    return out


def feedback_problem(exc: BaseException) -> str:
    """Why a copy could not be written, for the terminal: never the exception's own words
    from openpyxl (they can quote a cell's value), only its type; the file system's reason."""
    from ..feedback import FeedbackError

    if isinstance(exc, FeedbackError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"the workbook could not be copied ({type(exc).__name__})"


def _feedback_stopped(item: tuple, report: FileReport) -> FeedbackResult:
    return FeedbackResult(item[1], None, "writing it crashed or took too long")
