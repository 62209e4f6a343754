"""Writing one output in a forked child process, beside the main process's own writing.

After checking, a run writes its reports one after the other on one core while the other
core waits: the restricted report alone is most of that time. The shareable report (and
nothing else here) is written in a child process forked for it, which shares the batch with
the main process without copying or pickling it, while the main process writes the
restricted report. Only where forking is safe and cheap: on Linux, in a process with no
other thread (a fork copies only the thread that calls it). Elsewhere, and if the fork
fails, the output is written at once in this process, exactly as before.

The child writes into the run's private folder, tells the parent the file's path or what
went wrong through a pipe, and leaves with `os._exit`: nothing of the parent's (its exit
handlers, buffered output, database connections, worker pipes) is run or flushed twice.
"""

from __future__ import annotations

import errno
import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path


def can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def start(write: Callable[[], Path]) -> Callable[[], Path]:
    """Run `write` (which returns the path it wrote) in a forked child; returns `finish`,
    which waits for the child and returns that path, or raises what it raised: an OSError
    for a failure to write (its errno kept), else a RuntimeError with its message."""
    if not can_fork():
        path = write()
        return lambda: path
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to spare: write it here
        os.close(read_end)
        os.close(write_end)
        path = write()
        return lambda: path
    if pid == 0:  # the child
        os.close(read_end)
        status = 1
        try:
            message = {"path": str(write())}
            status = 0
        except BaseException as exc:  # everything goes back to the parent, which decides
            message = {
                "error": str(exc) or type(exc).__name__,
                "oserror": isinstance(exc, OSError),
                "errno": getattr(exc, "errno", None),
            }
        try:
            os.write(write_end, json.dumps(message).encode())
        finally:
            os._exit(status)
    os.close(write_end)

    def finish() -> Path:
        chunks = []
        with os.fdopen(read_end, "rb") as pipe:
            while chunk := pipe.read(65536):
                chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        try:
            message = json.loads(b"".join(chunks) or b"{}")
        except ValueError:
            message = {}
        if "path" in message and os.waitstatus_to_exitcode(status) == 0:
            return Path(message["path"])
        if message.get("oserror"):
            raise OSError(message.get("errno") or errno.EIO, message["error"])
        if "error" in message:
            raise RuntimeError(message["error"])
        raise OSError(errno.EIO, f"the process writing it stopped unexpectedly ({_how(status)})")

    return finish


def _how(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    return f"killed by signal {-code}" if code < 0 else f"exit status {code}"
