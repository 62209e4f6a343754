"""How the declared rules run on one return.

Value rules run in one pass down each column of a sheet (a column gets at most one value
check, so a cell gets at most one finding for its value, or one for a missing value when
the column is required); the same rules are also given as a Pandera schema per sheet
(`schema_for`), which the pass is tested against. Then every check function that
applies to the return's kind and template version runs. Hits become findings with sheet,
Excel row, A1 cell and severity. Findings on a column missing from the workbook are dropped
(R004 has said it is missing), and the rest are sorted by sheet, row and column.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from ..findings import Finding
from ..normalise import NotAReturn, Return, SheetData
from ..settings import Settings
from ..spec import Column, Sheet
from ..table import Table
from .declare import DECLARED, CellCheck, Check, Hit, ValueCheck, rules_in_order

if TYPE_CHECKING:  # Pandera only for `schema_for` (the `schema` extra): checking never imports it
    import pandera.pandas as pa

# The specification's rule for a required value that is missing: the engine reports the
# not-null check of every required column under it (declared in `required_rules`).
REQUIRED = "R003"


# ---- value rules: Pandera schemas built from the declarations --------------------------
def value_check_for(column: Column) -> ValueCheck | None:
    """The value rule a column's values are held to: one declared for the column itself,
    else one declared for its value type, else none (free text)."""
    return _value_checks()[0].get(column.key) or _value_checks()[1].get(column.type)


@cache
def _value_checks():
    by_column, by_type = {}, {}
    for declared in rules_in_order():
        for vc in declared.value_checks:
            for key in vc.columns:
                by_column[key] = vc
            for vtype in vc.types:
                by_type[vtype] = vc
    return by_column, by_type


@cache
def schema_for(sheet: Sheet) -> tuple[pa.DataFrameSchema, dict[str, ValueCheck]]:
    """The sheet's value rules as a Pandera schema, and each value check by the name Pandera
    reports it under. For analysts who check frames of their own, and the reference the
    engine's own pass is tested against (`tests/test_value_pass.py`): the checks themselves
    run in `value_failures`, which gives the same failures without Pandera's start-up (~0.6 s
    of importing and first use, on every command that checks) or its cost per column.
    Needs the `schema` extra: `pip install "ap-sheets[schema]"`."""
    try:
        import pandera.pandas as pa
    except ImportError as exc:
        raise ImportError('the value rules as a Pandera schema need Pandera: pip install "ap-sheets[schema]"') from exc

    columns, named = {}, {}
    for column in sheet.data_columns:
        checks = []
        vc = value_check_for(column)
        if vc is not None:
            name = f"{vc.rule.code}:{column.key}"
            named[name] = vc
            checks.append(pa.Check(vc.predicate_for(column), element_wise=True, name=name, ignore_na=True))
        columns[column.key] = pa.Column(
            dtype=None, checks=checks, nullable=not column.required, required=True, coerce=False
        )
    return pa.DataFrameSchema(columns, name=sheet.name, strict=False), named


@cache
def _cell_checks() -> tuple[CellCheck, ...]:
    return tuple(cc for declared in rules_in_order() for cc in declared.cell_checks)


@cache
def _value_plan(sheet: Sheet) -> tuple[tuple[str, bool, ValueCheck | None, Callable[[Any], bool] | None], ...]:
    """(column key, required, value check, its predicate) for each of the sheet's columns."""
    plan = []
    for column in sheet.data_columns:
        vc = value_check_for(column)
        plan.append((column.key, column.required, vc, vc.predicate_for(column) if vc is not None else None))
    return tuple(plan)


def value_failures(sheet: Sheet, table: Table) -> list[tuple[ValueCheck | CellCheck | None, str, object]]:
    """(value or cell check, or None for a missing required value; column key; Excel row)
    of every failing cell of a sheet's table, in one pass down each column.

    A cell holding a marked value (an Excel error, an unreadable cell) gets only its cell
    check's finding; a blank cell only the missing-value finding, when its column is
    required; any other cell is held to its column's value check."""
    fails: list = []
    if table.empty:
        return fails
    cell_checks = _cell_checks()
    marked = tuple(cls for cc in cell_checks for cls in cc.classes)
    index = table.index
    present = [p for p in _value_plan(sheet) if p[0] in table]
    for (key, required, vc, predicate), values in zip(present, table.lists(p[0] for p in present)):
        if set(map(type, values)) <= _CLEAN:  # no blank, NaN or marked cell: only the value check
            if predicate is not None:
                fails += [(vc, key, index[pos]) for pos, ok in enumerate(map(predicate, values)) if not ok]
            continue
        for pos, value in enumerate(values):
            cls = value.__class__
            if value is None or (cls is float and value != value):  # blank (None, NaN)
                if required:
                    fails.append((None, key, index[pos]))
            elif cls not in _PLAIN and marked and isinstance(value, marked):
                fails.append((next(cc for cc in cell_checks if isinstance(value, cc.classes)), key, index[pos]))
            elif predicate is not None and not predicate(value):
                fails.append((vc, key, index[pos]))
    return fails


# Classes of normalised values that are never a marked cell: most cells skip the marker test.
_PLAIN = frozenset({str, int, float, bool, date, datetime})
# A column of only these has no blank (None), NaN (a float) or marked cell (a str subclass).
_CLEAN = frozenset({str, int, bool, date, datetime})


def _value_findings(data: SheetData, fails) -> list[Finding]:
    out = []
    for vc, key, index in fails:
        column = data.spec.column(key)
        if vc is None:  # a required value is missing
            required = DECLARED[REQUIRED]
            out.append(
                _finding(data, required.code, required.severity, key, index, required.say(header=column.header), None)
            )
        else:
            value = data.table.at(index, key)
            out.append(_finding(data, vc.rule.code, vc.rule.severity, key, index, vc.says(column, value), value))
    return out


# ---- the checks -------------------------------------------------------------------------
@cache
def all_checks() -> tuple[Check, ...]:
    return tuple(c for declared in rules_in_order() for c in declared.checks)


def _finding(data: SheetData | None, code, severity, key, index, message, value, sheet=None) -> Finding:
    if data is None:
        return Finding(sheet, None, None, None, code, severity, message, value)
    row, cell = data.locate(key, index)
    return Finding(data.name, row, data.header(key), cell, code, severity, message, value)


def _hit_finding(ret: Return, check: Check, hit: Hit) -> Finding:
    sheet = hit.sheet or check.sheet
    severity = hit.severity or check.rule.severity
    data = ret.sheets.get(sheet) if sheet else None
    if hit.row is not None or hit.cell is not None or data is None or hit.index is None:
        header = hit.header or (data.header(hit.column) if data is not None and hit.column else None)
        return Finding(sheet, hit.row, header, hit.cell, check.rule.code, severity, hit.message, hit.value)
    return _finding(data, check.rule.code, severity, hit.column, hit.index, hit.message, hit.value)


def not_a_return(exc: NotAReturn) -> Finding:
    """The one finding for a workbook that is not a standard return of a version we read,
    as the rule that declares it words it (R004)."""
    return next(r.unidentified for r in rules_in_order() if r.unidentified is not None)(exc)


def check_return(ret: Return, settings: Settings | None = None) -> list[Finding]:
    """All findings for one return, sorted by sheet, row and column."""
    settings = settings or Settings()
    found: list[Finding] = []
    for check in all_checks():  # structure first: what is missing decides what else is said
        if check.sheet is None and check.applies(ret.kind.kind, ret.version):
            found += [_hit_finding(ret, check, hit) for hit in check.run(ret, settings)]
    for data in ret.sheets.values():
        found += _value_findings(data, value_failures(data.spec, data.table))
    for check in all_checks():
        if check.sheet is not None and check.applies(ret.kind.kind, ret.version):
            found += [_hit_finding(ret, check, hit) for hit in check.run(ret, settings)]
    return sort_findings(ret, [f for f in found if not _on_missing_column(ret, f)])


def _on_missing_column(ret: Return, f: Finding) -> bool:
    if f.code == "R004" or f.sheet not in ret.sheets:
        return False
    data = ret.sheets[f.sheet]
    return any(data.spec.column(k).header == f.column for k in data.missing)


def sort_findings(ret: Return, findings: list[Finding]) -> list[Finding]:
    sheet_pos = {s.name: i for i, s in enumerate(ret.kind.sheets)}
    headers = {s.name: [c.header for c in s.columns] for s in ret.kind.sheets}

    def col_pos(f: Finding) -> int:
        names = headers.get(f.sheet or "")
        if names is None or f.column is None:
            return -1
        return names.index(f.column) if f.column in names else len(names)

    return sorted(findings, key=lambda f: (sheet_pos.get(f.sheet or "", -1), f.row or 0, col_pos(f), f.code))
