"""Findings: the one report value that feeds the terminal, JSON, the Excel sheet and the council report.

Every finding names the sheet, the Excel row as the user sees it, the column header, the
A1 cell, the rule code, its severity, a plain-English message and the value found.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from .spec.rules import ERROR, QUERY, RULES

ACCEPTED, REJECTED, UNREADABLE = "accepted", "rejected", "unreadable"


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
class Finding:
    sheet: str | None
    row: int | None
    column: str | None
    cell: str | None
    code: str
    severity: str
    message: str
    value: object = None

    def to_json(self) -> dict:
        d = asdict(self)
        d["value"] = json_value(self.value)
        return d


@dataclass
class FileReport:
    file: str
    kind: str | None
    status: str
    issues: list[Finding] = field(default_factory=list)
    reason: str | None = None  # why an unreadable file could not be read

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.issues if f.severity == ERROR]

    @property
    def queries(self) -> list[Finding]:
        return [f for f in self.issues if f.severity == QUERY]

    def to_json(self) -> dict:
        d = {"file": self.file, "kind": self.kind, "status": self.status,
             "issues": [f.to_json() for f in self.issues]}
        if self.reason:
            d["reason"] = self.reason
        return d

    def counts_by_code(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.issues:
            counts[f.code] = counts.get(f.code, 0) + 1
        return dict(sorted(counts.items()))


def status_for(issues: list[Finding]) -> str:
    return REJECTED if any(f.severity == ERROR for f in issues) else ACCEPTED


def unreadable(file: str, reason: str) -> FileReport:
    return FileReport(file=file, kind=None, status=UNREADABLE, issues=[], reason=reason)


def whole_return(code: str, message: str, sheet: str | None = None, column: str | None = None,
                 value=None) -> Finding:
    """A finding about a whole sheet or return (no row, no cell)."""
    return Finding(sheet, None, column, None, code, RULES[code].severity, message, value)
