"""Validate one return: the function behind `ap-sheets validate`, the Excel Validate button
and the batch. read -> normalise -> check -> findings.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .checks.engine import run_checks
from .findings import FileReport, status_for, unreadable
from .normalise import NotAReturn, Return, to_return
from .read import RawWorkbook, UnreadableWorkbook, read_workbook


@dataclass
class Checked:
    """A checked return: the report, and the normalised data when it could be read."""

    report: FileReport
    ret: Return | None = None


def check_workbook(raw: RawWorkbook) -> Checked:
    """Check a workbook already read into grids (from a file, or from Excel via xlwings)."""
    try:
        ret = to_return(raw)
    except NotAReturn as exc:
        return Checked(FileReport(raw.source, exc.kind, "rejected", [exc.finding]))
    issues = run_checks(ret)
    return Checked(FileReport(raw.source, ret.kind.kind, status_for(issues), issues), ret)


def check_file(path: str | Path, name: str | None = None) -> Checked:
    """Read and check one file. Never raises for a bad file: it comes back 'unreadable'."""
    path = Path(path)
    shown = name or path.name
    try:
        raw = read_workbook(path)
    except UnreadableWorkbook as exc:
        return Checked(unreadable(shown, str(exc)))
    raw.source = shown
    checked = check_workbook(raw)
    return checked


def validate_file(path: str | Path, name: str | None = None) -> FileReport:
    return check_file(path, name).report
