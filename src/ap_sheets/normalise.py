"""From raw grids to a `Return`: typed frames indexed by Excel row, plus structural findings.

What happens here, once: the workbook's kind and template version are checked; each sheet's
header row is found and columns are matched by header (case, spacing and notes in
brackets ignored, so a moved column still reads); blank rows are dropped; every value is
normalised (`values.normalise`). A missing or renamed sheet or column is an R004 finding,
never a crash, and the checks skip what is missing rather than report every row.
"""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import values
from .findings import Finding, whole_return
from .read import RawSheet, RawWorkbook
from .safety import read_findings
from .spec import KINDS, SUPPORTED_VERSIONS, Layout, Sheet, WorkbookKind, fold
from .terms import Term, parse_academic_year

HEADER_SEARCH_ROWS = 10


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@lru_cache(maxsize=4096)
def header_key(text) -> str:
    """How headers are compared: 'Date of birth (dd/mm/yyyy) *' -> 'date of birth'."""
    cleaned = values.clean_text(text) or ""
    cleaned = re.sub(r"\(.*?\)|\*", "", cleaned)
    return fold(cleaned)


@dataclass
class SheetData:
    """One sheet's data, typed. `frame` is indexed by Excel row; its columns are column keys."""

    spec: Sheet
    frame: pd.DataFrame
    letters: dict[str, str] = field(default_factory=dict)  # table: key -> column letter
    form_rows: dict[str, int] = field(default_factory=dict)  # form: key -> Excel row
    missing: set[str] = field(default_factory=set)  # keys of columns not found (R004 given)

    @property
    def name(self) -> str:
        return self.spec.name

    def locate(self, key: str | None, index) -> tuple[int | None, str | None]:
        """(Excel row, A1 cell) of a value; index is the frame index (Excel row for tables)."""
        if self.spec.layout is Layout.FORM:
            row = self.form_rows.get(key) if key else None
            return row, (f"B{row}" if row else None)
        if index is None:
            return None, None
        letter = self.letters.get(key) if key else None
        return int(index), (f"{letter}{int(index)}" if letter else None)

    def header(self, key: str | None) -> str | None:
        return self.spec.column(key).header if key else None


@dataclass
class Return:
    """A provider's termly return or a school's placement log, read and normalised."""

    source: str
    kind: WorkbookKind
    sheets: dict[str, SheetData]
    term: Term | None
    findings: list[Finding] = field(default_factory=list)  # structural (R004) findings

    @property
    def record(self) -> dict:
        """The one-record sheet (Provider or School) as a dict of typed values."""
        data = self.sheets.get(self.kind.record_sheet)
        if data is None or data.frame.empty:
            return {}
        return data.frame.iloc[0].to_dict()

    def frame(self, sheet: str) -> pd.DataFrame:
        return self.sheets[sheet].frame


class NotAReturn(Exception):
    """The workbook is not a standard return of a version we read (R004, nothing else checked)."""

    def __init__(self, finding: Finding, kind: str | None = None):
        super().__init__(finding.message)
        self.finding = finding
        self.kind = kind


def identify(raw: RawWorkbook) -> WorkbookKind:
    kind_name = raw.meta.get("kind")
    version = raw.meta.get("template_version")
    if not kind_name:
        names = set(raw.sheets)
        guess = next((k for k in KINDS.values() if {s.name for s in k.sheets} <= names), None)
        hint = f" It looks like a {guess.title.lower()} that was copied into a new workbook." if guess else ""
        raise NotAReturn(whole_return(
            "R004",
            "This is not one of the council's standard AP workbooks, so it cannot be checked."
            f"{hint} Please copy your data into a fresh copy of the standard workbook.",
        ))
    kind = KINDS.get(kind_name)
    if kind is None:
        raise NotAReturn(whole_return(
            "R004", f"This workbook says it is a '{kind_name}', which ap-sheets does not know. "
            "Please use the council's standard workbook.", value=kind_name))
    if version not in SUPPORTED_VERSIONS:
        raise NotAReturn(whole_return(
            "R004", f"This workbook is template version {version or 'unknown'}, but this checker reads "
            f"version {', '.join(SUPPORTED_VERSIONS)}. Please copy your data into the current "
            "standard workbook from the council.", value=version), kind=kind.kind)
    return kind


def _find_sheet(raw: RawWorkbook, name: str) -> RawSheet | None:
    if name in raw.sheets:
        return raw.sheets[name]
    return next((s for n, s in raw.sheets.items() if fold(n) == fold(name)), None)


def _read_table(sheet: Sheet, grid: RawSheet, findings: list[Finding], date1904: bool = False) -> SheetData:
    wanted = {header_key(c.header): c for c in sheet.data_columns}
    best_row, best_hits = 1, -1
    for r in range(1, min(HEADER_SEARCH_ROWS, len(grid.rows)) + 1):
        hits = sum(1 for v in grid.rows[r - 1] if header_key(v) in wanted)
        if hits > best_hits:
            best_row, best_hits = r, hits
        if hits * 2 > len(wanted):
            break
    positions: dict[str, int] = {}
    header_cells = grid.rows[best_row - 1] if grid.rows else []
    for i, text in enumerate(header_cells):
        col = wanted.get(header_key(text))
        if col is not None and col.key not in positions:
            positions[col.key] = i
    missing = {c.key for c in sheet.data_columns if c.key not in positions}
    for c in sheet.data_columns:
        if c.key in missing:
            findings.append(whole_return(
                "R004", f"The column '{c.header}' is missing from the {sheet.name} sheet (it may have been "
                "renamed or deleted). Put the heading back exactly as in the standard workbook.",
                sheet=sheet.name, column=c.header))
    columns = [(values.normaliser(c, date1904), positions.get(c.key, -1)) for c in sheet.data_columns]
    present = [i for i in positions.values()]
    index, records = [], []
    for r in range(best_row + 1, len(grid.rows) + 1):
        cells = grid.rows[r - 1]
        width = len(cells)
        if all(i >= width or cells[i] in ("", None) for i in present):
            continue  # quick path for the template's empty table rows
        rec = [norm(cells[i]) if -1 < i < width and cells[i] != "" else None for norm, i in columns]
        if any(v is not None for v in rec):  # a row of only spaces is blank too
            index.append(r)
            records.append(rec)
    keys = [c.key for c in sheet.data_columns]
    cells = np.empty((len(records), len(keys)), dtype=object)  # one block: much faster than per column
    if records:
        cells[:] = records
    frame = pd.DataFrame(cells, index=pd.Index(index, dtype="int64"), columns=keys, dtype=object)
    letters = {k: column_letter(i) for k, i in positions.items()}
    return SheetData(sheet, frame, letters=letters, missing=missing)


def _read_form(sheet: Sheet, grid: RawSheet, findings: list[Finding], date1904: bool = False) -> SheetData:
    wanted = {header_key(c.header): c for c in sheet.data_columns}
    rows: dict[str, int] = {}
    for r, cells in enumerate(grid.rows, start=1):
        col = wanted.get(header_key(cells[0])) if cells else None
        if col is not None and col.key not in rows:
            rows[col.key] = r
    rec = {}
    for c in sheet.data_columns:
        r = rows.get(c.key)
        if r is None:
            findings.append(whole_return(
                "R004", f"The item '{c.header}' is missing from the {sheet.name} sheet (it may have been "
                "renamed or deleted). Put the label back in column A exactly as in the standard workbook.",
                sheet=sheet.name, column=c.header))
        rec[c.key] = values.normalise(c, grid.value(r, 1), date1904) if r else None
    missing = {c.key for c in sheet.data_columns if c.key not in rows}
    frame = pd.DataFrame([rec], columns=[c.key for c in sheet.data_columns], dtype=object)
    return SheetData(sheet, frame, form_rows=rows, missing=missing)


def _term_of(record: dict) -> Term | None:
    year, term = record.get("academic_year"), record.get("term")
    start = parse_academic_year(year) if isinstance(year, str) else None
    if start is None or term not in ("Autumn", "Spring", "Summer"):
        return None
    return Term(start, term)


def to_return(raw: RawWorkbook) -> Return:
    """Normalise a raw workbook. Raises NotAReturn if it is not a known kind and version."""
    kind = identify(raw)
    findings: list[Finding] = read_findings(raw)  # reading limits (R001/R004) and macros (R060)
    sheets: dict[str, SheetData] = {}
    for sheet in kind.sheets:
        grid = _find_sheet(raw, sheet.name)
        if grid is None:
            findings.append(whole_return(
                "R004", f"The {sheet.name} sheet is missing (it may have been renamed or deleted). "
                "Please use the council's standard workbook, which has it.", sheet=sheet.name))
            grid = RawSheet(sheet.name, [])
            data = (_read_form if sheet.layout is Layout.FORM else _read_table)(sheet, grid, [])
            data.missing = {c.key for c in sheet.data_columns}
        else:
            data = (_read_form if sheet.layout is Layout.FORM else _read_table)(sheet, grid, findings,
                                                                                getattr(raw, "date1904", False))
        sheets[sheet.name] = data
    ret = Return(raw.source, kind, sheets, term=None, findings=findings)
    ret.term = _term_of(ret.record)
    return ret
