"""From raw grids to a `Return`: typed tables indexed by Excel row, plus the facts of its structure.

What happens here, once: the workbook's kind and template version are checked; each sheet's
header row is found and columns are matched by header (case, spacing and notes in
brackets ignored, so a moved column still reads); blank rows are dropped; every value is
normalised (`values.normalise`). A missing or renamed sheet or column is recorded (the
rules report it as R004), never a crash, and the checks skip what is missing rather than
report every row. This layer states facts; the rules (`ap_sheets.rules`) make findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import zip_longest
from typing import TYPE_CHECKING

from . import values
from .cells import column_letters
from .read import CutText, OutsideData, RawSheet, RawWorkbook, TwinTabs
from .spec import KINDS, Layout, Sheet, WorkbookKind, fold
from .table import Table
from .terms import Term, parse_academic_year

if TYPE_CHECKING:  # pandas only for `SheetData.frame`: checking never imports it
    import pandas as pd

HEADER_SEARCH_ROWS = 10


@lru_cache(maxsize=4096)
def header_key(text) -> str:
    """How headers are compared: 'Date of birth (dd/mm/yyyy) *' -> 'date of birth'."""
    cleaned = values.clean_text(text) or ""
    cleaned = re.sub(r"\(.*?\)|\*", "", cleaned)
    return fold(cleaned)


@dataclass
class SheetData:
    """One sheet's data, typed. `table` is indexed by Excel row; its columns are column keys."""

    spec: Sheet
    table: Table
    letters: dict[str, str] = field(default_factory=dict)  # table: key -> column letter
    form_rows: dict[str, int] = field(default_factory=dict)  # form: key -> Excel row
    missing: set[str] = field(default_factory=set)  # keys of columns not found (reported as R004)

    @property
    def name(self) -> str:
        return self.spec.name

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The table as a pandas DataFrame (made when first asked: for analysts and Pandera)."""
        return self.table.to_frame()

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
    version: str | None = None  # the template version the workbook says it is
    missing_sheets: list[str] = field(default_factory=list)  # sheets of the kind not found
    cut: list[CutText] = field(default_factory=list)  # facts from reading (see `read`)
    outside: list[OutsideData] = field(default_factory=list)
    twins: list[TwinTabs] = field(default_factory=list)
    vba_digest: str | None = None

    @property
    def record(self) -> dict:
        """The one-record sheet (Provider or School) as a dict of typed values (a copy)."""
        data = self.sheets.get(self.kind.record_sheet)
        if data is None or data.table.empty:
            return {}
        return data.table.record(0)

    def table(self, sheet: str) -> Table:
        return self.sheets[sheet].table

    def frame(self, sheet: str) -> pd.DataFrame:
        """A sheet as a pandas DataFrame (for analysts; the checks use `table`)."""
        return self.sheets[sheet].frame


class NotAReturn(Exception):
    """The workbook is not a standard return of a version we read: nothing else is checked.

    `problem`: "not-standard" (no kind recorded; `guess` names the kind its sheets look
    like, if any), "unknown-kind" (`kind_name`), or "version" (`kind_name`, `version`).
    The rules word it (R004)."""

    def __init__(
        self, problem: str, kind_name: str | None = None, version: str | None = None, guess: WorkbookKind | None = None
    ):
        super().__init__(problem)
        self.problem = problem
        self.kind_name = kind_name
        self.version = version
        self.guess = guess

    @property
    def kind(self) -> str | None:
        """The kind, when it is one ap-sheets knows (the version is what is wrong)."""
        return self.kind_name if self.kind_name in KINDS else None


def identify(raw: RawWorkbook) -> WorkbookKind:
    kind_name = raw.meta.get("kind")
    version = raw.meta.get("template_version")
    if not kind_name:
        names = set(raw.sheets)
        guess = next((k for k in KINDS.values() if {s.name for s in k.sheets} <= names), None)
        raise NotAReturn("not-standard", guess=guess)
    kind = KINDS.get(kind_name)
    if kind is None:
        raise NotAReturn("unknown-kind", kind_name=kind_name)
    if version not in kind.reads:
        raise NotAReturn("version", kind_name=kind.kind, version=version)
    return kind


def _find_sheet(raw: RawWorkbook, name: str) -> RawSheet | None:
    if name in raw.sheets:
        return raw.sheets[name]
    return next((s for n, s in raw.sheets.items() if fold(n) == fold(name)), None)


def _read_table(sheet: Sheet, grid: RawSheet, version: str | None = None, date1904: bool = False) -> SheetData:
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
    # A column newer than the workbook's template version is not missing: it counts as blank.
    missing = {c.key for c in sheet.data_columns if c.key not in positions and c.in_version(version)}
    present = list(positions.values())
    index, rows = [], []
    for r in range(best_row + 1, len(grid.rows) + 1):
        cells = grid.rows[r - 1]
        width = len(cells)
        if all(i >= width or cells[i] in ("", None) for i in present):
            continue  # quick path for the template's empty table rows
        index.append(r)
        rows.append(cells)
    # Column by column: each column's normaliser over its cells at C speed (`map`); an empty
    # string, like a blank, normalises to None (ragged rows are padded with blanks).
    raw = list(zip_longest(*rows)) if rows else []
    blank = [None] * len(rows)
    keys = [c.key for c in sheet.data_columns]
    columns = [
        list(map(values.normaliser(c, date1904), raw[positions[c.key]]))
        if c.key in positions and positions[c.key] < len(raw)
        else list(blank)
        for c in sheet.data_columns
    ]
    if columns and rows:
        empty = len(columns)  # a row whose values all normalised to None (only spaces) is blank too
        keep = [t.count(None) != empty for t in zip(*columns)]
        if not all(keep):
            index = [r for r, k in zip(index, keep) if k]
            columns = [[v for v, k in zip(col, keep) if k] for col in columns]
    table = Table(keys, index, columns)
    letters = {k: column_letters(i + 1) for k, i in positions.items()}
    return SheetData(sheet, table, letters=letters, missing=missing)


def _read_form(sheet: Sheet, grid: RawSheet, version: str | None = None, date1904: bool = False) -> SheetData:
    wanted = {header_key(c.header): c for c in sheet.data_columns}
    rows: dict[str, int] = {}
    for r, cells in enumerate(grid.rows, start=1):
        col = wanted.get(header_key(cells[0])) if cells else None
        if col is not None and col.key not in rows:
            rows[col.key] = r
    rec = {}
    for c in sheet.data_columns:
        at = rows.get(c.key)
        rec[c.key] = values.normalise(c, grid.value(at, 1), date1904) if at else None
    missing = {c.key for c in sheet.data_columns if c.key not in rows and c.in_version(version)}
    keys = [c.key for c in sheet.data_columns]
    table = Table.from_rows(keys, [0], [[rec[k] for k in keys]])
    return SheetData(sheet, table, form_rows=rows, missing=missing)


def _term_of(record: dict) -> Term | None:
    year, term = record.get("academic_year"), record.get("term")
    start = parse_academic_year(year) if isinstance(year, str) else None
    if start is None or term not in ("Autumn", "Spring", "Summer"):
        return None
    return Term(start, term)


def to_return(raw: RawWorkbook) -> Return:
    """Normalise a raw workbook. Raises NotAReturn if it is not a known kind and version."""
    kind = identify(raw)
    version = raw.meta.get("template_version")  # one of kind.reads: earlier ones lack later columns
    sheets: dict[str, SheetData] = {}
    missing_sheets: list[str] = []
    for sheet in kind.sheets:
        read = _read_form if sheet.layout is Layout.FORM else _read_table
        grid = _find_sheet(raw, sheet.name)
        if grid is None:
            missing_sheets.append(sheet.name)
            data = read(sheet, RawSheet(sheet.name, []), version)
            data.missing = {c.key for c in sheet.data_columns}
        else:
            data = read(sheet, grid, version, raw.date1904)
        sheets[sheet.name] = data
    ret = Return(
        raw.source,
        kind,
        sheets,
        term=None,
        version=version,
        missing_sheets=missing_sheets,
        cut=list(raw.cut),
        outside=list(raw.outside),
        twins=list(raw.twins),
        vba_digest=raw.vba_digest,
    )
    ret.term = _term_of(ret.record)
    return ret
