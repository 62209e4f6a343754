"""The batch: a folder of returns -> the council's termly report (`consolidate`), and the
worker processes that check files so that one bad file costs only itself.

One job a module, in the order a run uses them:

- `discovery`: which files are checked (one rule for `validate FOLDER` and `consolidate`);
- `workers`: the worker pool (crash and time-limit isolation, workers that exit with their
  parent), the verdicts for a file that killed or hung its worker;
- `tasks`: what a worker runs (check a chunk of files);
- `assembly`: `FileResult`, the term, one return per provider/school (X005), X001-X004,
  `Consolidation`;
- `outputs`: the output folder's lock, the private folder for working files, atomic writes;
- `feedback_copies`: marked copies of rejected returns;
- `run`: `consolidate` itself, step by step.

Everything callers use is importable from `ap_sheets.batch`.
"""

from __future__ import annotations

from ..return_rows import NotificationRow, PlacementRow, PupilRow
from .assembly import Consolidation, FileResult, assemble, choose_term
from .discovery import IGNORED_NAMES, NothingToCheck, expand_inputs, find_files, not_regular
from .feedback_copies import FEEDBACK_DIR, FeedbackResult, feedback_chunk, write_feedback_copies
from .outputs import LOCK_NAME, TMP_PREFIX, FolderLocked, OutputFolder, write_atomic
from .run import (
    OUTPUT_NAMES,
    REPORT_NAME,
    SHAREABLE_NAME,
    SUMMARY_NAME,
    NoReturnsForTerm,
    Outcome,
    consolidate,
    produced_at,
)
from .tasks import check_chunk, report_chunk, warm_up
from .workers import (
    GRACE_SECONDS,
    MAX_CHUNK,
    WorkerPool,
    WorkersUnavailable,
    check_file_isolated,
    run_isolated,
    run_workers,
    seconds_per_file,
    timed_out,
    worker_died,
)

__all__ = [
    "FEEDBACK_DIR",
    "GRACE_SECONDS",
    "IGNORED_NAMES",
    "LOCK_NAME",
    "MAX_CHUNK",
    "OUTPUT_NAMES",
    "REPORT_NAME",
    "SHAREABLE_NAME",
    "SUMMARY_NAME",
    "TMP_PREFIX",
    "Consolidation",
    "FeedbackResult",
    "FileResult",
    "FolderLocked",
    "NoReturnsForTerm",
    "NothingToCheck",
    "NotificationRow",
    "Outcome",
    "OutputFolder",
    "PlacementRow",
    "PupilRow",
    "WorkerPool",
    "WorkersUnavailable",
    "assemble",
    "check_chunk",
    "check_file_isolated",
    "choose_term",
    "consolidate",
    "expand_inputs",
    "feedback_chunk",
    "find_files",
    "not_regular",
    "produced_at",
    "report_chunk",
    "run_isolated",
    "run_workers",
    "seconds_per_file",
    "timed_out",
    "warm_up",
    "worker_died",
    "write_atomic",
    "write_feedback_copies",
]
