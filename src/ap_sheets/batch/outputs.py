"""Writing the outputs safely: one run at a time per output folder, working files in a
private folder, every output renamed into place only when all of them are written.

- `OutputFolder` (a context manager) locks the output folder for the run (`.ap-sheets.lock`,
  an operating-system lock on that file, released even if the run is killed; the file says
  which run holds it), removes what earlier runs that were killed left behind (their private
  folders, `.ap-sheets-tmp-*`), and makes this run's private folder (readable by its owner
  only) for every working file: XlsxWriter's temporary parts hold names and UPNs. The private
  folder is removed when the run ends, also on an error.
- `OutputFolder.stage` writes an output into the private folder; `commit` renames them all
  into place (a rename cannot run out of space), so a failed run (a full disk) leaves the
  previous report as it was and nothing half-written.
- `write_atomic` writes one file via a temporary file and renames it into place.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

LOCK_NAME = ".ap-sheets.lock"
TMP_PREFIX = ".ap-sheets-tmp-"
_LOCK_OFFSET = 1 << 20  # Windows locks a byte range: lock one far from the holder's details


class FolderLocked(Exception):
    """Another run is writing into the same output folder."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_error(exc: BaseException) -> OSError:
    """An OSError for any failure to write a file (XlsxWriter's FileCreateError is not one)."""
    if isinstance(exc, OSError):
        return exc
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, OSError):
        return cause
    return OSError(str(exc) or type(exc).__name__)


def _is_write_failure(exc: BaseException) -> bool:
    try:
        from xlsxwriter.exceptions import FileCreateError
    except ImportError:  # pragma: no cover - XlsxWriter is a dependency
        return isinstance(exc, OSError)
    return isinstance(exc, (OSError, FileCreateError))


def stage_file(folder: Path, name: str, write: Callable[[Path], None], private: bool = False) -> Path:
    """Write a file into `folder` by `write(path)`: a new file of its own (never replacing
    one), readable by its owner only when `private`, else the usual permissions (umask).
    A failure to write is an OSError and leaves no file behind."""
    stem, suffix = os.path.splitext(name)
    fd, tmp = tempfile.mkstemp(prefix=f".{stem}-", suffix=suffix + ".tmp", dir=folder)
    os.close(fd)
    path = Path(tmp)
    try:
        write(path)
        os.chmod(path, 0o600 if private else 0o666 & ~_umask())
    except BaseException as exc:
        path.unlink(missing_ok=True)
        if _is_write_failure(exc):
            raise _write_error(exc) from exc
        raise
    return path


def write_atomic(
    target: Path, write: Callable[[Path], None], private: bool = False, tmpdir: Path | None = None
) -> Path:
    """Write via a temporary file (in `tmpdir`, default the same folder), then rename it into
    place. `private`: readable by its owner only (the restricted report holds personal data);
    otherwise the usual permissions for a new file (the umask decides)."""
    target = Path(target)
    tmp = stage_file(Path(tmpdir) if tmpdir else target.parent, target.name, write, private)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


class OutputFolder:
    """The output folder, locked for this run, with a private folder for working files."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.lock_path = self.folder / LOCK_NAME
        self.tmp: Path | None = None
        self._fd: int | None = None
        self._staged: dict[str, tuple[Path, Path]] = {}
        self.created = False  # this run made the folder (so it removes it again if nothing was written)
        self.committed = False

    def __enter__(self) -> OutputFolder:
        self.created = not self.folder.exists()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            self._remove_stale()
            self.tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=self.folder))  # 0700
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.tmp is not None:
                shutil.rmtree(self.tmp, ignore_errors=True)
                self.tmp = None
        finally:
            self._unlock()
            if self.created and not self.committed:  # a run that wrote nothing leaves nothing behind
                self.lock_path.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    self.folder.rmdir()

    # -- staging and committing outputs --
    def stage(self, key: str, name: str, write: Callable[[Path], None], private: bool = False) -> None:
        """Write output `name` into the private folder; it is moved into place by `commit`."""
        assert self.tmp is not None, "use OutputFolder as a context manager"
        self._staged[key] = (stage_file(self.tmp, name, write, private), self.folder / name)

    def commit(self) -> dict[str, Path]:
        """Rename every staged output into place; their final paths by key."""
        self.committed = True
        out = {}
        for key, (tmp, target) in self._staged.items():
            os.replace(tmp, target)
            out[key] = target
        self._staged.clear()
        return out

    # -- the lock --
    def _lock(self) -> None:
        for _ in range(5):
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            if not _try_lock(fd):
                holder = _read_holder(fd)
                os.close(fd)
                raise FolderLocked(
                    f"Another ap-sheets run is writing into {self.folder} ({holder}). Wait for it to finish, or "
                    "choose another output folder."
                )
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(self.lock_path))
            except OSError:
                same = False
            if not same:  # the holder removed the lock file as we opened it: try again
                _unlock(fd)
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            details = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "started": datetime.now().replace(microsecond=0).isoformat(),
            }
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(details).encode())
            self._fd = fd
            return
        raise FolderLocked(f"Could not lock {self.folder}: another run keeps taking it.")

    def _unlock(self) -> None:
        if self._fd is None:
            return
        try:
            if os.name == "posix":  # elsewhere an open file cannot be removed; it is harmless
                self.lock_path.unlink(missing_ok=True)
        finally:
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None

    def _remove_stale(self) -> None:
        """Working files of earlier runs into this folder that were killed (we hold the lock,
        so no live run owns them)."""
        for entry in self.folder.iterdir():
            if entry.name.startswith(TMP_PREFIX) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)


def _try_lock(fd: int) -> bool:
    if os.name == "nt":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if os.name == "nt":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _read_holder(fd: int) -> str:
    """Which run holds the lock, for the message: its process, computer and start time."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        info = json.loads(os.read(fd, 4096).decode() or "{}")
        return (
            f"process {int(info['pid'])} on {str(info['host'])[:100]}, started "
            f"{str(info['started'])[:19].replace('T', ' ')}"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return "a run that has only just started"
