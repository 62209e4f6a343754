"""Findings: the one report value that feeds the terminal, JSON, the Excel sheet and the council report.

Every finding names the sheet, the Excel row as the user sees it, the column header, the
A1 cell, the rule code, its severity, a plain-English message and the value found. A
finding of a cross rule (X codes, over the returns of a term) also names its file and the
other place it was compared with (`other`); its value is the UPN it is about.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from .spec.enums import ERROR, QUERY, Severity, Status

ACCEPTED, REJECTED, UNREADABLE = Status.ACCEPTED, Status.REJECTED, Status.UNREADABLE


def json_value(value):
    """A cell value as JSON: dates in ISO form, numbers as numbers, the rest as text."""
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def display_value(value) -> str:
    """A cell value as a clerk would recognise it: dates as 15/09/2024."""
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Place:
    """Another place a cross finding was compared with: a file, and where in it."""

    file: str | None
    sheet: str | None = None
    row: int | None = None


@dataclass(frozen=True)
class Finding:
    sheet: str | None
    row: int | None
    column: str | None
    cell: str | None
    code: str
    severity: Severity
    message: str
    value: object = None
    file: str | None = None  # cross findings: the file it is in (per-file findings: the FileReport's)
    other: Place | None = None  # cross findings: the file and row it was compared with

    def to_json(self) -> dict:
        d = {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "value": json_value(self.value),
        }
        if self.file is not None:
            d["file"] = self.file
        if self.other is not None:
            d["other"] = asdict(self.other)
        return d

    # Cross findings, read by the report's sheets.
    @property
    def upn(self) -> str | None:
        return self.value if self.column == "UPN" and isinstance(self.value, str) else None

    @property
    def other_file(self) -> str | None:
        return self.other.file if self.other else None

    @property
    def other_sheet(self) -> str | None:
        return self.other.sheet if self.other else None

    @property
    def other_row(self) -> int | None:
        return self.other.row if self.other else None


@dataclass
class FileReport:
    file: str
    kind: str | None
    status: Status
    issues: list[Finding] = field(default_factory=list)
    reason: str | None = None  # why an unreadable file could not be read

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.issues if f.severity == ERROR]

    @property
    def queries(self) -> list[Finding]:
        return [f for f in self.issues if f.severity == QUERY]

    def to_json(self) -> dict:
        d = {
            "file": self.file,
            "kind": None if self.kind is None else str(self.kind),
            "status": str(self.status),
            "issues": [f.to_json() for f in self.issues],
        }
        if self.reason:
            d["reason"] = self.reason
        return d

    def counts_by_code(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.issues:
            counts[f.code] = counts.get(f.code, 0) + 1
        return dict(sorted(counts.items()))


def status_for(issues: list[Finding]) -> Status:
    return REJECTED if any(f.severity == ERROR for f in issues) else ACCEPTED


def unreadable(file: str, reason: str) -> FileReport:
    return FileReport(file=file, kind=None, status=UNREADABLE, issues=[], reason=reason)
