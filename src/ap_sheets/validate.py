"""Check returns: the functions behind `ap-sheets validate`, the Excel Validate button and the
batch. read -> normalise -> check -> findings. A bad file never raises: it comes back
'unreadable' (or 'rejected') with a reason, and a bug in ap-sheets costs one file, not a run.

`settings` are the council's (`ap_sheets.settings`); the rules read what they declare.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .findings import REJECTED, FileReport, status_for, unreadable
from .normalise import NotAReturn, Return, to_return
from .read import RawWorkbook, UnreadableWorkbook, read_workbook
from .rules import check_return, not_a_return
from .settings import Settings


@dataclass
class Checked:
    """A checked return: the report, and the normalised data when it could be read."""

    report: FileReport
    ret: Return | None = None


def internal_error(file: str, exc: BaseException) -> FileReport:
    return unreadable(
        file,
        f"ap-sheets could not check this file ({type(exc).__name__}). Please report "
        "this to the ap-sheets maintainers with a copy of the file.",
    )


def check_workbooks(raws: list[RawWorkbook], settings: Settings | None = None) -> list[Checked]:
    """Check workbooks already read into grids; a bug met on one costs only that one."""
    settings = settings or Settings()
    return [_check_one(raw, settings) for raw in raws]


def _check_one(raw: RawWorkbook, settings: Settings) -> Checked:
    try:
        ret = to_return(raw)
    except NotAReturn as exc:
        return Checked(FileReport(raw.source, exc.kind, REJECTED, [not_a_return(exc)]))
    except Exception as exc:  # a bug must cost one file
        return Checked(internal_error(raw.source, exc))
    try:
        issues = check_return(ret, settings)
    except Exception as exc:
        return Checked(internal_error(ret.source, exc))
    return Checked(FileReport(ret.source, ret.kind.kind, status_for(issues), issues), ret)


def check_workbook(raw: RawWorkbook, settings: Settings | None = None) -> Checked:
    """Check one workbook already read into grids (from a file, or from Excel via xlwings)."""
    return check_workbooks([raw], settings)[0]


def check_files(items: list[tuple[str | Path, str]], settings: Settings | None = None) -> list[Checked]:
    """Read and check files, given as (path, name shown in messages)."""
    out: list[Checked | None] = [None] * len(items)
    readable: list[tuple[int, RawWorkbook]] = []
    for i, (path, shown) in enumerate(items):
        try:
            raw = read_workbook(path)
        except UnreadableWorkbook as exc:
            out[i] = Checked(unreadable(shown, str(exc)))
            continue
        except Exception as exc:
            out[i] = Checked(internal_error(shown, exc))
            continue
        raw.source = shown
        readable.append((i, raw))
    for (i, _), checked in zip(readable, check_workbooks([raw for _, raw in readable], settings)):
        out[i] = checked
    return out  # type: ignore[return-value]


def check_file(path: str | Path, name: str | None = None, settings: Settings | None = None) -> Checked:
    """Read and check one file."""
    return check_files([(path, name or Path(path).name)], settings)[0]


def validate_file(path: str | Path, name: str | None = None, settings: Settings | None = None) -> FileReport:
    return check_file(path, name, settings).report
