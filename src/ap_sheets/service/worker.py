"""The checks themselves, each in a child process with a time limit, so that a file that hangs
or crashes the reader costs one answer, never the service.

Children are forked from a forkserver that has ap-sheets already imported (fast to start,
and safe in a threaded server, unlike a plain fork). An upload is written to a private
temporary directory (mode 0700, the file 0600), checked there, and the directory removed as
soon as the child ends, whether it finished, failed or was killed: nothing stays on disk.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..batch.workers import timed_out, worker_died

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# What the forkserver imports before forking any check (`warm` runs a check, see its doc).
PRELOAD = ["ap_sheets.service.worker", "ap_sheets.excel", "ap_sheets.service.warm"]
_CONTEXT = None


def context():
    """The forkserver context (spawn where there is no forkserver), made once."""
    global _CONTEXT
    if _CONTEXT is None:
        methods = mp.get_all_start_methods()
        _CONTEXT = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            _CONTEXT.set_forkserver_preload(PRELOAD)
    return _CONTEXT


@dataclass
class Upload:
    """What the service answers for one uploaded file."""

    report: dict  # FileReport.to_json(): exactly what `ap-sheets validate --format json` gives
    marked: bytes | None = None  # the feedback copy, when the return could be read and has findings


# Memory a check's child may take beyond what it starts with (it is forked with ap-sheets
# loaded); past this it fails with MemoryError and the file gets the "stopped" verdict.
CHILD_MEMORY_BYTES = 1_500_000_000


def _run(target, args: tuple, timeout: float):
    """Run target(*args) in a child; ('ok', value), ('timeout', None), ('error', text) or ('died', exitcode)."""
    ctx = context()
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, target, args, CHILD_MEMORY_BYTES), daemon=True)
    proc.start()
    child.close()
    status, value = "died", None
    try:
        if parent.poll(timeout):
            try:
                status, value = parent.recv()
            except (EOFError, OSError):
                status, value = "died", None
        else:
            status = "timeout"
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    if status == "died":
        value = proc.exitcode
    return status, value


def _limit_memory(extra: int) -> None:
    """Cap this process's address space at its present size plus `extra` bytes (Linux)."""
    try:
        import resource

        with open("/proc/self/status") as status:
            size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        cap = size + extra if hard == resource.RLIM_INFINITY else min(size + extra, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, OSError, StopIteration, ValueError):
        pass  # not Linux: the time limit still holds


def _child(conn, target, args, memory: int | None = None):
    try:
        if memory:
            _limit_memory(memory)
        conn.send(("ok", target(*args)))
    except BaseException as exc:
        conn.send(("error", type(exc).__name__))
    finally:
        conn.close()


def safe_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if suffix in WORKBOOK_SUFFIXES else ".xlsx"


def check_upload(data: bytes, name: str, timeout: float, marked: bool = True, now: datetime | None = None) -> Upload:
    """Check one uploaded workbook (its bytes, and the name it was sent with) in a child
    process; with `marked`, make the marked copy too (for a readable return with findings)."""
    folder = tempfile.mkdtemp(prefix="ap-sheets-check-")  # mode 0700
    try:
        path = Path(folder) / ("upload" + safe_suffix(name))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        status, value = _run(_check_in_child, (str(path), name, marked, now), timeout)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if status == "ok":
        return value
    if status == "timeout":
        return Upload(timed_out(name, timeout).to_json())
    return Upload(worker_died(name, value if status == "died" else None).to_json())


def _check_in_child(path: str, name: str, want_marked: bool, now: datetime | None) -> Upload:
    from ..feedback import write_feedback
    from ..findings import UNREADABLE
    from ..validate import check_file

    report = check_file(path, name).report
    marked = None
    if want_marked and report.status != UNREADABLE and report.issues:
        target = Path(path).with_name("marked" + Path(path).suffix)
        try:
            write_feedback(path, report, target, now=now)
            marked = target.read_bytes()
        except Exception:
            marked = None
    return Upload(report.to_json(), marked)


# ---------------------------------------------------------------- xlwings' remote engine

HANDLERS = ("validate", "summary")


class NotAWorkbook(ValueError):
    """The request is not what xlwings' client sends."""


def run_xlwings(handler: str, body: bytes, timeout: float) -> tuple[str, dict | None]:
    """Run the Validate or Summary handler on the workbook xlwings' client sent (the request
    body, JSON), on xlwings' remote engine, in a child process (the JSON is parsed there too,
    so a large request costs the child's memory, not the server's). Returns ("ok", xlwings'
    answer {"actions": [...]}), ("bad", None) for a body that is not xlwings' request, or
    ("failed", None) when the handler ran past the time limit or the child died."""
    if handler not in HANDLERS:
        raise ValueError(handler)
    status, value = _run(_xlwings_in_child, (handler, body), timeout)
    if status == "ok":
        return value
    return "failed", None


def remote_engine():
    """xlwings with its remote engine available (xlwings PRO, under the key in
    XLWINGS_LICENSE_KEY: `ap-sheets serve` sets the non-commercial key when none is set)."""
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    if "remote" not in [e.name for e in xw.engines]:  # xlwings imported before the key was set
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
    return xw


def _xlwings_in_child(handler: str, body: bytes) -> tuple[str, dict | None]:
    import json

    from .. import excel

    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return "bad", None
    if not (
        isinstance(payload, dict) and isinstance(payload.get("sheets"), list) and isinstance(payload.get("book"), dict)
    ):
        return "bad", None
    xw = remote_engine()
    book = xw.Book(json=payload)
    try:
        (excel.validate_book if handler == "validate" else excel.summary_book)(book)
        return "ok", book.json()
    finally:
        book.close()


def _nothing() -> None:
    return None


def warm() -> None:
    """Start the forkserver (it imports ap-sheets once), so the first check is quick."""
    _run(_nothing, (), 120)
