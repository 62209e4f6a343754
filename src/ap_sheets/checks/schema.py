"""Pandera schemas built from the spec: one per sheet, for the value-level rules.

Each data column gets at most one value check (so a cell gets at most one finding for its
value) plus not-null when the column is required:
R001 type (date, whole number, number, Y/N, URN, academic year, percentage), R002 code
list, R010 UPN, R012 postcode, R013 email, R014 DfE URN format, R003 missing.
Values arrive normalised (`values.normalise`): a value that could not be read is still the
user's text, so a failed check shows exactly what was typed.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .. import values
from ..spec import Column, Sheet, ValueType

T = ValueType
# Sessions may be negative here: R023 reports a negative session count in its own words.
SIGNED_WHOLE = {"sessions_possible", "sessions_attended", "sessions_authorised"}


def _is_whole(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def value_check(column: Column) -> tuple[str, callable] | None:
    """(rule code, element-wise predicate) for a column's values, or None for free text."""
    t = column.type
    if t is T.DATE:
        return "R001", lambda v: isinstance(v, date)
    if t is T.WHOLE:
        if column.key in SIGNED_WHOLE:
            return "R001", _is_whole
        return "R001", lambda v: _is_whole(v) and v >= 0
    if t is T.NUMBER:
        return "R001", lambda v: _is_number(v) and v >= 0
    if t is T.PERCENT:
        return "R001", lambda v: _is_number(v) and 0 <= v <= 100
    if t is T.YN:
        return "R001", lambda v: v in ("Y", "N")
    if t is T.CODE:
        allowed = set(column.codes.lookup().values())
        return "R002", lambda v: v in allowed
    if t is T.UPN:
        return "R010", lambda v: isinstance(v, str) and values.upn_problem(v) is None
    if t is T.POSTCODE:
        return "R012", lambda v: isinstance(v, str) and values.is_postcode(v)
    if t is T.EMAIL:
        return "R013", lambda v: isinstance(v, str) and values.is_email(v)
    if t is T.URN:
        code = "R014" if column.key == "dfe_urn" else "R001"
        return code, lambda v: isinstance(v, str) and values.is_urn(v)
    if t is T.ACADEMIC_YEAR:
        return "R001", lambda v: isinstance(v, str) and values.is_academic_year(v)
    return None


@lru_cache(maxsize=None)
def schema_for(sheet: Sheet) -> pa.DataFrameSchema:
    columns = {}
    for column in sheet.data_columns:
        checks = []
        found = value_check(column)
        if found:
            code, predicate = found
            checks.append(pa.Check(predicate, element_wise=True, name=code, ignore_na=True))
        columns[column.key] = pa.Column(
            dtype=None, checks=checks, nullable=not column.required, required=True, coerce=False,
        )
    return pa.DataFrameSchema(columns, name=sheet.name, strict=False)


def failures(sheet: Sheet, frames: list) -> list[list[tuple[str, str, object]]]:
    """Run a sheet's schema once over many returns' frames of that sheet.

    Returns, for each frame, [(rule code, column key, frame index)] for every failing cell.
    One pandera pass over the frames stacked together costs about what one small frame
    does, so a batch of 300 returns is checked in one go rather than 300 times.
    """
    out: list[list] = [[] for _ in frames]
    if not frames:
        return out
    stacked = frames[0].reset_index(drop=True) if len(frames) == 1 else \
        pd.concat(frames, ignore_index=True)
    ends = np.cumsum([len(f) for f in frames])
    problems = cell_problems(stacked)

    def add(code: str, key: str, pos: int) -> None:
        n = int(np.searchsorted(ends, pos, side="right"))
        start = ends[n - 1] if n else 0
        out[n].append((code, key, frames[n].index[pos - start]))

    try:
        schema_for(sheet).validate(stacked, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        for check, key, pos in zip(cases["check"], cases["column"], cases["index"]):
            if pos is None or (isinstance(pos, float) and np.isnan(pos)):
                continue  # a whole-column failure; columns are always present, so not expected
            if (key, int(pos)) not in problems:
                add("R003" if check == "not_nullable" else str(check), key, int(pos))
    for key, pos in sorted(problems):
        add("R001", key, pos)
    return out


def cell_problems(stacked: pd.DataFrame) -> set[tuple[str, int]]:
    """(column key, position) of every Excel error value or unreadable cell (values.CellProblem):
    R001 in any column, in place of whatever the column's own check says. Checked at C speed
    first (the types present), since almost no return has one."""
    cells = stacked.to_numpy(dtype=object)
    if not any(issubclass(t, values.CellProblem) for t in set(map(type, cells.ravel()))):
        return set()
    rows, cols = np.nonzero(np.vectorize(lambda v: isinstance(v, values.CellProblem), otypes=[bool])(cells))
    return {(stacked.columns[c], int(r)) for r, c in zip(rows, cols)}
