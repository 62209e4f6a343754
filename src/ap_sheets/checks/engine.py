"""Run every check on a `Return` and turn the results into findings.

Order of work: structural findings from normalising (R004), then each sheet's pandera
schema (value rules), then the registered rule functions. Findings on a column that is
missing from the workbook are dropped: R004 has already said the column is missing.
"""
from __future__ import annotations

import re

from ..findings import Finding, display_value
from ..normalise import Return, SheetData
from ..privacy import PERSONAL_KEYS
from ..spec import RULES, Column, ValueType
from ..values import ExcelError, UnreadableCell
from . import notification_rules, placement_rules, provider_rules, pupil_rules  # noqa: F401 (registers)
from .registry import REGISTRY, Hit
from .schema import failures

T = ValueType
_DAY_MONTH_YEAR = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$")


def value_message(code: str, column: Column, value) -> str:
    """Plain words for a value-level (schema) finding.

    A personal value (UPN, name, date of birth, postcode ... as `privacy.TREATMENTS`
    declares) is never repeated in a message, which may reach a terminal or a log: the
    finding's cell and its `value` field say which it is.
    """
    personal = column.key in PERSONAL_KEYS
    shown = f"'{display_value(value)}'"
    h = column.header
    if isinstance(value, ExcelError):
        return (f"{h} shows the Excel error {value}, not a value: the cell holds a formula or link that did "
                "not work. Type the value itself into the cell (or fix the formula), save, and send it again.")
    if isinstance(value, UnreadableCell):
        return (f"{h}: this cell could not be read (the program that saved the file wrote something that is "
                "not a value). Type the value into the cell again, save, and send it again.")
    if code == "R003":
        return f"{h} is missing. Please fill it in."
    if code == "R002":
        options = column.codes.codes
        listed = f" Choose one of: {', '.join(column.codes.dropdown())}." if len(options) <= 10 else \
            " Choose one from the dropdown list."
        return f"{'This value' if personal else shown} is not one of the codes for {h}.{listed}"
    if code == "R010":
        from ..values import upn_problem

        problem = upn_problem(value) if isinstance(value, str) else "is not a UPN"
        return f"The UPN {problem}: check it against the pupil's school record."
    if code == "R012":
        return "The postcode is not a valid UK postcode. Check it against the pupil's address (e.g. UB8 1UW)."
    if code == "R013":
        return f"{shown} is not a valid email address. Check it (e.g. name@provider.org.uk)."
    if code == "R014":
        return f"DfE URN {shown} is not 6 digits. Check it on Get Information about Schools."
    what = f"{h}" if personal else f"{shown} in {h}"
    if column.type is T.DATE and isinstance(value, str) and _DAY_MONTH_YEAR.match(value):
        return (f"{what} is not a real date: check the day and month (day first, e.g. 15/09/2024). "
                "US order (month first) is never used.")
    # R001: what the column's type wants
    wants = {
        T.DATE: "a date. Type it as a date, day first, e.g. 15/09/2024",
        T.WHOLE: "a whole number of 0 or more (0, 1, 2 ...)",
        T.NUMBER: "a number of 0 or more",
        T.PERCENT: "a percentage between 0% and 100%",
        T.YN: "Y or N",
        T.URN: "a URN: 6 digits, e.g. 102345",
        T.ACADEMIC_YEAR: "an academic year like 2024/25",
    }.get(column.type, "of the right type")
    return f"{what} is not {wants}."


def _finding(data: SheetData, code: str, key: str | None, index, message: str, value,
             severity: str | None = None) -> Finding:
    row, cell = data.locate(key, index)
    return Finding(data.name, row, data.header(key), cell, code, severity or RULES[code].severity,
                   message, value)


def _schema_findings(data: SheetData, fails) -> list[Finding]:
    frame = data.frame
    out = []
    for code, key, index in fails:
        value = None if code == "R003" else frame.at[index, key]
        out.append(_finding(data, code, key, index, value_message(code, data.spec.column(key), value), value))
    return out


def _hit_finding(data: SheetData, code: str, hit: Hit) -> Finding:
    return _finding(data, code, hit.column, hit.index, hit.message, hit.value, hit.severity)


def run_checks(ret: Return) -> list[Finding]:
    """All findings for one return, sorted by sheet, row and column."""
    return run_checks_many([ret])[0]


def run_checks_many(rets: list[Return]) -> list[list[Finding]]:
    """All findings for each of many returns. Value rules run in one pandera pass per sheet."""
    found = [list(ret.findings) for ret in rets]
    by_sheet: dict[str, list[tuple[int, SheetData]]] = {}
    for n, ret in enumerate(rets):
        for name, data in ret.sheets.items():
            by_sheet.setdefault(name, []).append((n, data))
    for items in by_sheet.values():
        fails = failures(items[0][1].spec, [data.frame for _, data in items])
        for (n, data), fail in zip(items, fails):
            found[n] += _schema_findings(data, fail)
    for n, ret in enumerate(rets):
        for rf in REGISTRY:
            if rf.kind == ret.kind.kind:
                data = ret.sheets[rf.sheet]
                found[n] += [_hit_finding(data, rf.code, hit) for hit in rf.fn(ret)]
    return [sort_findings(ret, [f for f in fs if not _on_missing_column(ret, f)])
            for ret, fs in zip(rets, found)]


def _on_missing_column(ret: Return, f: Finding) -> bool:
    if f.code == "R004" or f.sheet not in ret.sheets:
        return False
    data = ret.sheets[f.sheet]
    return any(data.spec.column(k).header == f.column for k in data.missing)


def sort_findings(ret: Return, findings: list[Finding]) -> list[Finding]:
    sheet_pos = {s.name: i for i, s in enumerate(ret.kind.sheets)}

    def col_pos(f: Finding) -> int:
        data = ret.sheets.get(f.sheet)
        if data is None or f.column is None:
            return -1
        headers = [c.header for c in data.spec.columns]
        return headers.index(f.column) if f.column in headers else len(headers)

    return sorted(findings, key=lambda f: (sheet_pos.get(f.sheet, -1), f.row or 0, col_pos(f), f.code))
