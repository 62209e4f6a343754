"""Imported once by the forkserver the checks are forked from (see `worker.context`): it
checks a demo provider return and school log, and makes their marked copies, so that what
the checks load and build on first use (lazy imports, schemas, caches) is already there in
every child. Without this each check would pay that first-use cost again (~0.6 s)."""

from __future__ import annotations

import contextlib
import gc
import tempfile
from pathlib import Path

from ..spec import Kind


def warm_up() -> None:
    from ..demo import plan_demo
    from ..feedback import write_feedback
    from ..templates import build_workbook
    from ..validate import check_file

    with tempfile.TemporaryDirectory(prefix="ap-sheets-warm-") as folder:
        plans = plan_demo().workbooks
        for kind in (Kind.PROVIDER_RETURN, Kind.SCHOOL_LOG):
            plan = next(p for p in plans if p.kind == kind)
            path = build_workbook(kind, Path(folder) / f"warm-{kind}.xlsm", plan.records)
            report = check_file(path).report
            write_feedback(path, report, Path(folder) / f"marked-{kind}.xlsm")


with contextlib.suppress(Exception):
    warm_up()
gc.collect()
gc.freeze()  # the children's garbage collector then leaves these objects (and their pages) alone
