"""Worker processes: files checked in chunks on a small pool of our own, so that a file that
crashes the native reader (SIGABRT, a Rust panic, out of memory) or hangs costs only itself.

- `WorkerPool` starts its workers once (one per core) and runs any number of batches of
  tasks on them (`run`): the checking, then the feedback copies. Results stream back as each
  chunk finishes.
- A worker that dies, or runs past the time limit (files in its chunk x `per_file` + `grace`),
  costs only its chunk: the worker is replaced and every file of that chunk is then run
  alone; a file that kills or hangs a worker again is reported unreadable (`worker_died`,
  `timed_out`), and the rest carries on.
- A worker exits by itself when its parent dies (kill -9 of `consolidate`): a watchdog thread
  notices the parent is gone and ends the process, so no worker is left holding pupil data.
- If workers cannot start at all (no Python to run, no processes left), `WorkersUnavailable`
  is raised: a fault of the machine, not of the files.

Start method: fork on Linux when this process has no other threads (workers inherit the
imported engine), otherwise the platform's default; `AP_SHEETS_START_METHOD` (fork, spawn or
forkserver) overrides it, e.g. to run as on Windows (spawn).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Any

from ..findings import FileReport, unreadable
from ..safety import LIMITS, REASONS
from ..validate import internal_error, validate_file

MAX_CHUNK = 40  # files per worker task at most
GRACE_SECONDS = 30.0  # on top of the per-file limit, for start-up and a busy machine
START_SECONDS = 120.0  # for a worker to start (spawn imports the engine afresh)
START_FAILURES = 3  # workers dying before they start, in a row, before giving up
WATCH_SECONDS = 0.5  # how often a worker checks that its parent is alive
QUEUED = 2  # chunks sent to a worker at a time: the next is waiting while it sends a result back
START_METHOD_VARIABLE = "AP_SHEETS_START_METHOD"


class WorkersUnavailable(RuntimeError):
    """Worker processes could not be started: nothing was checked."""


# ---- verdicts ---------------------------------------------------------------------------
def timed_out(file: str, seconds: float | None = None) -> FileReport:
    """The verdict for a file whose check ran past the time limit (worker killed)."""
    seconds = LIMITS.seconds_per_file if seconds is None else seconds
    return unreadable(file, REASONS["timeout"].format(seconds=seconds))


def worker_died(file: str, exitcode: int | None = None) -> FileReport:
    """The verdict for a file whose worker process died (crash, out of memory, killed)."""
    how = ""
    if exitcode is not None and exitcode < 0:
        how = f" (the checking process was ended by signal {-exitcode})"
    elif exitcode:
        how = f" (the checking process exited with code {exitcode})"
    return unreadable(file, REASONS["crashed"].format(how=how))


def seconds_per_file() -> float:
    """How long one file may take before its worker is stopped (safety.LIMITS)."""
    return float(LIMITS.seconds_per_file)


# ---- the worker's side ------------------------------------------------------------------
def _watch_parent(parent_pid: int | None) -> None:
    """End this process as soon as its parent is gone (a thread: works while a task runs).
    `parent_pid`: the pid the parent should have (None when a fork server started us)."""
    start_ppid = os.getppid()
    if os.name == "posix" and parent_pid is not None and start_ppid != parent_pid:
        os._exit(70)  # the parent died before we got here
    parent = mp.parent_process()

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if os.name == "posix":
                gone = os.getppid() != start_ppid
            else:
                gone = parent is not None and not parent.is_alive()
            if gone:
                os._exit(70)

    threading.Thread(target=watch, name="ap-sheets-parent-watch", daemon=True).start()


class _TaskError(Exception):
    """Stands for an exception raised by a task, by name (the original may not pickle)."""


def worker_main(conn, parent_pid: int | None) -> None:
    """A worker's life: say it is ready, then run (task, chunk) messages until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops the workers
    gc.enable()  # a forked worker inherits the parent's paused collector (`run.gc_paused`)
    _watch_parent(parent_pid)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the parent closed the pipe: nothing more to do
            break
        if message is None:
            break
        task, chunk = message
        try:
            reply: tuple = ("ok", task(chunk))
        except BaseException as exc:  # report anything back; the parent decides
            reply = ("error", type(exc).__name__)
        try:
            conn.send(reply)
        except Exception as exc:  # a result that does not pickle
            conn.send(("error", type(exc).__name__))
    conn.close()


# ---- the parent's side ------------------------------------------------------------------
def pool_context(method: str | None = None):
    """fork on Linux (workers inherit the imported engine: no start-up cost), when it is
    safe (no other threads); otherwise the platform's safe default."""
    method = method or os.environ.get(START_METHOD_VARIABLE) or None
    if method:
        return mp.get_context(method)
    if sys.platform.startswith("linux"):
        return mp.get_context("fork" if threading.active_count() == 1 else "forkserver")
    return mp.get_context("spawn")


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any
    started: float
    ready: bool = False
    chunks: deque = field(default_factory=deque)  # sent to it, in order; it is running the first
    deadline: float = 0.0  # for the first

    def begin(self, per_file: float, grace: float) -> None:
        """Start the clock of the chunk it is now running."""
        if self.chunks:
            self.deadline = time.monotonic() + len(self.chunks[0]) * per_file + grace


@dataclass
class _Batch:
    """One call of `WorkerPool.run`: its task, what to do with results and with failures."""

    task: Callable
    on_done: Callable[[list], None]
    on_fail: Callable[[list, FileReport | None, str, Any], None]
    per_file: float
    grace: float
    queue: deque = field(default_factory=deque)


def chunks(items: list, jobs: int) -> list[list]:
    """The items in chunks that get smaller towards the end (each an eighth of what is left
    per worker, at most MAX_CHUNK): large ones while there is much to do, small ones last,
    so that no worker is left alone with a large chunk while the others wait."""
    out, at = [], 0
    while at < len(items):
        size = max(1, min(MAX_CHUNK, -(-(len(items) - at) // (jobs * 4))))
        out.append(items[at : at + size])
        at += size
    return out


class WorkerPool:
    """`jobs` worker processes, started on first use and reused until `close` (a context
    manager). Not thread-safe: one `run` at a time."""

    def __init__(self, jobs: int, context=None):
        self.jobs = max(1, jobs)
        self.ctx = context or pool_context()
        self.workers: list[_Worker] = []
        self._failed_starts = 0
        self._last_failure = ""
        self._frozen = False
        self._closed = False

    # -- life cycle --
    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start_one(self) -> None:
        if self.ctx.get_start_method() == "fork" and not self._frozen:
            from .tasks import warm_up

            warm_up()
            # Forked workers inherit this process's objects; without this, their first garbage
            # collections walk (and so copy, page by page) all of them. ~15% of a 300-file run.
            gc.freeze()
            self._frozen = True
        here, there = self.ctx.Pipe(duplex=True)
        try:
            parent = None if self.ctx.get_start_method() == "forkserver" else os.getpid()
            proc = self.ctx.Process(target=worker_main, args=(there, parent), daemon=True, name="ap-sheets-worker")
            proc.start()
        except Exception as exc:  # no processes left, no executable ...
            here.close()
            self._start_failed(f"{type(exc).__name__}: {exc}")
            return
        finally:
            there.close()
        self.workers.append(_Worker(proc, here, time.monotonic()))

    def _start_failed(self, why: str) -> None:
        self._failed_starts += 1
        self._last_failure = why

    def _fill(self) -> None:
        """Start workers up to `jobs`, unless they keep failing to start; none at all is
        `WorkersUnavailable`."""
        while len(self.workers) < self.jobs and self._failed_starts < START_FAILURES:
            self._start_one()
        if not self.workers:
            raise WorkersUnavailable(
                f"the worker processes that check the files could not be started ({self._last_failure}). "
                "Nothing was checked: this is a fault of this computer's set-up, not of the files"
            )

    def _remove(self, worker: _Worker, kill: bool) -> None:
        if kill and worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        self.workers.remove(worker)

    def close(self) -> None:
        """Stop every worker: ask the idle ones to leave, kill the rest."""
        if self._closed:
            return
        self._closed = True
        for w in list(self.workers):
            try:
                if w.ready and not w.chunks:
                    w.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        for w in list(self.workers):
            w.process.join(max(0.0, deadline - time.monotonic()))
            self._remove(w, kill=True)
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    # -- running tasks --
    def run(
        self,
        items: list[tuple],
        on_done: Callable[[list], None],
        task: Callable,
        fallback: Callable[[tuple, FileReport], Any],
        per_file: float | None = None,
        grace: float = GRACE_SECONDS,
    ) -> None:
        """Run `task` over `items` (tuples whose second element is the file's shown name), in
        chunks; `on_done` gets each chunk's results as it finishes. A chunk whose worker dies,
        hangs or fails is run again one item at a time; an item that fails alone gets
        `fallback(item, unreadable verdict)` as its result."""
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        if not items:
            return
        per_file = per_file or seconds_per_file()
        suspects: list[tuple] = []

        def put_aside(chunk, report, why, detail):
            suspects.extend(chunk)

        self._drive(_Batch(task, on_done, put_aside, per_file, grace, deque(chunks(items, self.jobs))))

        def give_up(chunk, report, why, detail):
            on_done([fallback(chunk[0], report)])

        self._drive(_Batch(task, on_done, give_up, per_file, grace, deque([item] for item in suspects)))

    def _drive(self, batch: _Batch) -> None:
        queue = batch.queue
        while queue or any(w.chunks for w in self.workers):
            self._fill()
            for w in self.workers:
                while w.ready and len(w.chunks) < QUEUED and queue:
                    chunk = queue.popleft()
                    try:
                        w.conn.send((batch.task, chunk))
                    except OSError:  # it died since: the chunk waits for another worker
                        queue.appendleft(chunk)
                        break
                    w.chunks.append(chunk)
                    if len(w.chunks) == 1:
                        w.begin(batch.per_file, batch.grace)
            waiting = [w for w in self.workers if not w.ready or w.chunks]
            if not waiting:
                continue
            now = time.monotonic()
            deadlines = [w.deadline if w.ready else w.started + START_SECONDS for w in waiting]
            ready = set(
                wait_for(
                    [w.conn for w in waiting] + [w.process.sentinel for w in waiting],
                    timeout=max(0.0, min(deadlines) - now),
                )
            )
            now = time.monotonic()
            for w, deadline in zip(waiting, deadlines):
                if w.conn in ready:
                    try:
                        message = w.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message is not None:
                        self._received(w, message, batch)
                        continue
                if w.conn in ready or w.process.sentinel in ready:
                    self._died(w, batch)
                elif now >= deadline:
                    self._overran(w, batch)

    def _received(self, w: _Worker, message: tuple, batch: _Batch) -> None:
        kind, value = message
        if kind == "ready":
            w.ready = True
            self._failed_starts = 0
            return
        if not w.chunks:
            return
        chunk = w.chunks.popleft()
        w.begin(batch.per_file, batch.grace)
        if kind == "ok":
            batch.on_done(value)
        else:
            shown = chunk[0][1]
            batch.on_fail(chunk, internal_error(shown, type(value, (_TaskError,), {})()), "error", value)

    def _died(self, w: _Worker, batch: _Batch) -> None:
        w.process.join(5)
        code = w.process.exitcode
        chunk = self._take_back(w, batch)
        started = w.ready
        self._remove(w, kill=True)
        if not started:
            how = f"exit code {code}" if code is None or code >= 0 else f"ended by signal {-code}"
            self._start_failed(f"a worker process stopped as it started, {how}")
        elif chunk is not None:
            batch.on_fail(chunk, worker_died(chunk[0][1], code), "died", code)

    @staticmethod
    def _take_back(w: _Worker, batch: _Batch) -> list | None:
        """The chunk a worker that died or overran was running; the ones waiting behind it go
        back to the front of the queue (they were never started)."""
        if not w.chunks:
            return None
        running = w.chunks.popleft()
        batch.queue.extendleft(reversed(w.chunks))
        w.chunks.clear()
        return running

    def _overran(self, w: _Worker, batch: _Batch) -> None:
        chunk = self._take_back(w, batch)
        started = w.ready
        self._remove(w, kill=True)
        if not started:
            self._start_failed(f"a worker process did not start within {START_SECONDS:g} seconds")
        elif chunk is not None:
            batch.on_fail(chunk, timed_out(chunk[0][1], batch.per_file), "timeout", None)


def run_workers(
    items: list[tuple],
    jobs: int,
    on_done: Callable[[list], None],
    task: Callable | None = None,
    per_file: float | None = None,
    grace: float = GRACE_SECONDS,
    fallback: Callable[[tuple, FileReport], Any] | None = None,
    pool: WorkerPool | None = None,
) -> None:
    """Run `task` (default: check the files, `tasks.check_chunk`) over (path, shown name, ...)
    items on `jobs` workers (or on `pool`); `on_done` gets each chunk's results as it finishes.
    A file that crashes or hangs its worker again when run alone gets `fallback(item,
    verdict)` (default: a `FileResult` with that unreadable verdict)."""
    from .assembly import FileResult
    from .tasks import check_chunk

    task = task or check_chunk
    fallback = fallback or (lambda item, report: FileResult(item[1], report))
    if pool is not None:
        pool.run(items, on_done, task, fallback, per_file, grace)
        return
    with WorkerPool(jobs) as own:
        own.run(items, on_done, task, fallback, per_file, grace)


# ---- one call in a child process ------------------------------------------------------------
def _child(conn, target, args):
    try:
        conn.send(("ok", target(*args)))
    except BaseException as exc:  # report anything back; the parent decides
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_isolated(target, *args, file: str, timeout: float | None = None):
    """Run `target(*args)` in a child process; a timeout or a death becomes that file's verdict.

    For one-off use (the batch keeps its own pool). `target` and its result must pickle.
    """
    timeout = LIMITS.seconds_per_file if timeout is None else timeout
    ctx = pool_context()
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
    shown = name or Path(path).name
    return run_isolated(validate_file, str(path), shown, file=shown, timeout=timeout)
