"""What a worker process runs: a chunk of files in, one result per file out, in order.

Worker entry points are top-level functions (they are sent to workers by name, which spawn,
the start method on Windows, requires); their arguments and results must pickle.
"""

from __future__ import annotations

import os

from ..findings import FileReport, unreadable
from ..settings import Settings
from ..validate import Checked, check_files, check_workbooks, internal_error
from .assembly import FileResult, extract
from .discovery import not_regular


def checked_files(items: list[tuple], settings: Settings | None = None) -> list[Checked]:
    """`validate.check_files` over (path, shown name, ...) items, except that an entry that
    is not a regular file is never opened (a named pipe would block): it is unreadable."""
    out: list[Checked | None] = [None] * len(items)
    regular = []
    for i, item in enumerate(items):
        why = not_regular(item[0])
        if why is None:
            regular.append(i)
        else:
            out[i] = Checked(unreadable(item[1], why))
    for i, checked in zip(regular, check_files([(items[i][0], items[i][1]) for i in regular], settings)):
        out[i] = checked
    return out  # type: ignore[return-value]


def check_chunk(items: list[tuple[str, str]], settings: Settings | None = None) -> list[FileResult]:
    """The batch's task: read, normalise and check some (path, shown name) files with the
    council's settings; one `FileResult` each, in order. Sent to workers as `functools.partial(check_chunk,
    settings=...)`, which pickles under spawn too."""
    stats = [_stat(item[0]) for item in items]
    results = []
    for item, stat, checked in zip(items, stats, checked_files(items, settings)):
        shown = item[1]
        try:
            results.append(extract(shown, checked.report, checked.ret, stat))
        except Exception as exc:  # a bug must cost one file, not the batch
            results.append(extract(shown, internal_error(shown, exc), None, stat))
    return results


def report_chunk(items: list[tuple[str, str, int]], settings: Settings | None = None) -> list[tuple[int, FileReport]]:
    """`ap-sheets validate`'s task: (position, report) for each (path, shown name, position)."""
    return [(item[2], checked.report) for item, checked in zip(items, checked_files(items, settings))]


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


_warm = False


def warm_up() -> None:
    """Do, once, in this process, the lazy set-up the engine does on its first return
    (imports inside functions, the rules' plans): forked workers then inherit it instead
    of each paying for it. Uses a made-up return held in memory, never a file."""
    global _warm
    if _warm:
        return
    _warm = True
    try:
        import python_calamine  # noqa: F401 (imported inside read_workbook)

        from ..read import RawSheet, RawWorkbook
        from ..spec import KINDS, META_SHEET, TEMPLATE_VERSION, Layout

        rets = []
        for kind in KINDS.values():
            sheets = {META_SHEET: RawSheet(META_SHEET, [["kind", kind.kind], ["template_version", TEMPLATE_VERSION]])}
            for sheet in kind.sheets:
                cols = sheet.data_columns
                if sheet.layout is Layout.FORM:
                    rows = [[c.header, None] for c in cols]
                else:
                    rows = [[c.header for c in cols]]
                sheets[sheet.name] = RawSheet(sheet.name, rows)
            raw = RawWorkbook("warm-up", sheets, meta={"kind": kind.kind, "template_version": TEMPLATE_VERSION})
            rets.append(raw)
        check_workbooks(rets)
    except Exception:  # only an optimisation: the workers would do it themselves
        pass
