"""Which files are checked: one rule for `ap-sheets validate FOLDER` and `consolidate`.

Every entry under the folder (recursively) is a file to check, whatever its extension: a
CSV or PDF sent by mistake is reported unreadable rather than silently missed. Skipped:
Excel's lock files (`~$...`), hidden files and folders (`.name`), operating-system clutter,
and the folders in `exclude` (the output folder, when inside the returns folder). An entry
that is not a regular file (a named pipe, a device, a link to nothing) is listed too, and
gets an unreadable verdict without being opened (`not_regular`): opening a pipe would block.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

# Files never treated as returns: operating-system clutter.
IGNORED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}
NOTHING_TO_CHECK = "Nothing to check: no files were found in {where}."


def _ignored(name: str) -> bool:
    return name.startswith(("~$", ".")) or name.casefold() in IGNORED_NAMES


def find_files(directory: Path, exclude: Path | Iterable[Path] | None = None) -> list[Path]:
    """Every file under `directory` to check, sorted by its path under `directory` (see the
    module doc). Entries that are not regular files are included: see `not_regular`."""
    directory = Path(directory)
    out = []
    if isinstance(exclude, (str, os.PathLike)):
        exclude = [exclude]
    skip = {Path(p).resolve() for p in exclude or ()}
    for dirpath, dirnames, filenames in os.walk(directory):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and (not skip or (here / d).resolve() not in skip)
        )
        out += [here / name for name in filenames if not _ignored(name)]
    return sorted(out, key=lambda p: p.relative_to(directory).as_posix())


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """`validate`'s arguments: files as given, folders searched by `find_files`."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        out += find_files(p) if p.is_dir() else [p]
    return out


def not_regular(path: str | Path) -> str | None:
    """Why `path` cannot be read as a file (a plain-English reason), or None for a regular
    file (or a link to one). Never opens it."""
    try:
        st = os.stat(path)  # follows links: a link to a workbook is fine
    except FileNotFoundError:
        what = "a link to a file that does not exist" if os.path.islink(path) else "it is no longer there"
    except OSError as exc:
        what = f"it cannot be looked at: {exc.strerror or type(exc).__name__}"
    else:
        mode = st.st_mode
        if stat.S_ISREG(mode):
            return None
        if stat.S_ISFIFO(mode):
            what = "a named pipe"
        elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            what = "a device" + (" (through a link)" if os.path.islink(path) else "")
        elif stat.S_ISSOCK(mode):
            what = "a socket"
        elif stat.S_ISDIR(mode):
            what = "a folder"
        else:
            what = "not a file"
    return (
        f"This is not a regular file ({what}), so it was not read. Put the workbook itself in the folder and run again."
    )


class NothingToCheck(Exception):
    """No file to check was found: never to be read as "all clear"."""
