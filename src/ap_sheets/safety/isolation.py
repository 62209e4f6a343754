"""Process isolation: a file checked in a child process with the per-file time limit, and the
verdict for a file whose check timed out or whose worker died."""
from __future__ import annotations

from pathlib import Path

from .limits import LIMITS
from .refusals import REASONS


def timed_out(file: str, seconds: float | None = None):
    """The verdict for a file whose check ran past the time limit (worker killed)."""
    from ..findings import unreadable

    seconds = LIMITS.seconds_per_file if seconds is None else seconds
    return unreadable(file, REASONS["timeout"].format(seconds=seconds))


def worker_died(file: str, exitcode: int | None = None):
    """The verdict for a file whose worker process died (crash, out of memory, killed)."""
    from ..findings import unreadable

    how = ""
    if exitcode is not None and exitcode < 0:
        how = f" (the checking process was ended by signal {-exitcode})"
    elif exitcode:
        how = f" (the checking process exited with code {exitcode})"
    return unreadable(file, REASONS["crashed"].format(how=how))


def _child(conn, target, args):
    try:
        conn.send(("ok", target(*args)))
    except BaseException as exc:  # report anything back; the parent decides
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_isolated(target, *args, file: str, timeout: float | None = None):
    """Run `target(*args)` in a child process; a timeout or a death becomes that file's verdict.

    For one-off use (the batch keeps its own pool and calls `timed_out`/`worker_died`).
    `target` and its result must be picklable.
    """
    import multiprocessing as mp

    timeout = LIMITS.seconds_per_file if timeout is None else timeout
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    parent, child = ctx.Pipe(duplex=False)
    status, value = "died", None
    proc = ctx.Process(target=_child, args=(child, target, args), daemon=True)
    proc.start()
    child.close()
    try:
        if parent.poll(timeout):
            try:
                status, value = parent.recv()
            except EOFError:
                status, value = "died", None
        else:
            status, value = "timeout", None
    finally:
        if proc.is_alive() and status == "timeout":
            proc.kill()
        proc.join(5)
        parent.close()
    if status == "ok":
        return value
    if status == "timeout":
        return timed_out(file, timeout)
    if status == "error":
        return worker_died(file)
    return worker_died(file, proc.exitcode)


def check_file_isolated(path: str | Path, name: str | None = None, timeout: float | None = None):
    """`validate_file` in a child process with the per-file time limit: always a FileReport."""
    from ..validate import validate_file

    shown = name or Path(path).name
    return run_isolated(validate_file, str(path), shown, file=shown, timeout=timeout)
