"""Read a workbook into plain grids of cell values, with Excel's own row and column positions.

This module knows how to get values out of a file (python-calamine, a fast Rust reader);
the xlwings handlers build the same `RawWorkbook` from a live Excel book. Nothing here
interprets the values: that is `normalise`'s job.

Before calamine sees a file, `safety.inspect` has read it once (read-only, bounded) and
checked it: calamine then reads that in-memory copy, never the path. What is read is
bounded too: rows 1..LIMITS.rows and columns up to LIMITS.columns of each sheet, and at
most LIMITS.cell_text characters per cell. Whatever lies beyond is recorded as a fact
(`RawWorkbook.cut`, `RawWorkbook.outside`, `RawWorkbook.twins`), which the rules report
(R001, R004): never silently dropped. This layer states facts; it makes no findings.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path

from .safety import LIMITS, REASONS, Inspection, Refused, SheetExtent, inspect, vba_digest
from .spec import KINDS, META_SHEET
from .values import CellProblem, ExcelError, UnreadableCell


class UnreadableWorkbook(Exception):
    """The file cannot be read as a workbook; the message says why, for a clerk.

    `code` names the reason for scripts and tests ("encrypted", "xls", "damaged", ...).
    """

    def __init__(self, reason: str, code: str = "unreadable"):
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass
class RawSheet:
    name: str
    rows: list[list]  # rows[0] is Excel row 1; rows[r][0] is column A

    def value(self, row: int, col: int):
        """Value at 1-based Excel row and 0-based column index, or None."""
        if 1 <= row <= len(self.rows) and col < len(self.rows[row - 1]):
            v = self.rows[row - 1][col]
            return None if v == "" else v
        return None


@dataclass(frozen=True)
class CutText:
    """A cell whose text was longer than an Excel cell can hold: only the start was read."""

    sheet: str
    row: int  # Excel row
    column: int  # 1 is A
    length: int  # characters it held
    sample: str  # the start of it (for the finding's value, never a message)


@dataclass(frozen=True)
class TwinTabs:
    """Tabs whose names differ only in spaces or capital letters ("Pupils" and "Pupils ")."""

    sheet: str  # the sheet's name in the specification
    names: tuple[str, ...]  # the tabs, as named in the workbook
    chosen: str  # the one read


@dataclass(frozen=True)
class OutsideData:
    """Typed values outside the area read (rows 1..LIMITS.rows, columns 1..LIMITS.columns)."""

    sheet: str
    cells: tuple[str, ...]  # the first few, A1
    count: int
    first: tuple[int, int] | None  # (row, column) of the first


@dataclass
class RawWorkbook:
    source: str  # the file name shown in messages
    sheets: dict[str, RawSheet]
    meta: dict[str, str] = field(default_factory=dict)  # from the hidden meta sheet
    vba_digest: str | None = None  # digest of the workbook's macros (safety.vba_digest), if any
    cut: list[CutText] = field(default_factory=list)  # cells whose text was cut to the limit
    outside: list[OutsideData] = field(default_factory=list)  # data outside the area read
    twins: list[TwinTabs] = field(default_factory=list)  # tabs whose names differ only in spaces or case
    date1904: bool = False  # dates count from 1904: bare date serials are read with that system


def wanted_sheets() -> set[str]:
    names = {META_SHEET}
    for kind in KINDS.values():
        names.update(s.name for s in kind.sheets)
    return names


def read_meta(sheet: RawSheet | None) -> dict[str, str]:
    """Key/value pairs from column A/B of the hidden meta sheet."""
    meta: dict[str, str] = {}
    if sheet is None:
        return meta
    for row in sheet.rows:
        if len(row) >= 2 and row[0] not in (None, ""):
            meta[str(row[0]).strip()] = "" if row[1] is None else str(row[1]).strip()
    return meta


def _is_wanted(name: str, wanted: set[str]) -> bool:
    return name.strip() in wanted or name.strip().casefold() in {w.casefold() for w in wanted}


def read_workbook(path: str | Path, max_rows: int = LIMITS.rows, max_cols: int = LIMITS.columns) -> RawWorkbook:
    """Read the sheets ap-sheets knows from an .xlsx/.xlsm file. Never writes to the file.

    Raises `UnreadableWorkbook` (with a reason for a clerk) for anything that is not a
    workbook ap-sheets can read safely; see `safety` for what is checked first.
    """
    import python_calamine as calamine

    path = Path(path)
    limits = replace(LIMITS, rows=max_rows, columns=max_cols)
    try:
        checked = inspect(path, limits)
    except Refused as exc:
        raise UnreadableWorkbook(exc.reason, exc.code) from exc
    wanted = wanted_sheets()
    cut: list[CutText] = []
    outside: list[OutsideData] = []
    twins: list[TwinTabs] = []
    sheets: dict[str, RawSheet] = {}
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(checked.data))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's own errors, and a Rust panic (a BaseException)
        raise UnreadableWorkbook(REASONS["damaged"].format(detail="it cannot be opened"), "damaged") from exc
    try:
        for name in _sheets_to_read(book.sheet_names, wanted, twins):
            extent = checked.sheets.get(name)
            if extent is None:  # a sheet the pre-flight could not place: never parse it blind
                raise UnreadableWorkbook(
                    REASONS["damaged"].format(detail=f"the sheet '{name.strip()}' cannot be found inside it"), "damaged"
                )
            _check_extent(extent, limits)
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=max_rows)
            grid = mark_cells(grid, extent, max_rows, max_cols)
            rows = capped_rows([r[:max_cols] for r in grid], name.strip(), limits, cut)
            sheets[name.strip()] = RawSheet(name.strip(), rows)
            if extent.outside_count:
                outside.append(outside_data(name.strip(), extent))
    except UnreadableWorkbook:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # fixed words: the reader's own message may quote a cell
        raise UnreadableWorkbook(REASONS["damaged"].format(detail="a sheet cannot be read"), "damaged") from exc
    finally:
        book.close()
    return RawWorkbook(
        source=path.name,
        sheets=sheets,
        meta=read_meta(sheets.get(META_SHEET)),
        vba_digest=digest_of(checked),
        cut=cut,
        outside=outside,
        twins=twins,
        date1904=checked.date1904,
    )


def _sheets_to_read(names: list[str], wanted: set[str], twins: list[TwinTabs]) -> list[str]:
    """The workbook's sheets that ap-sheets reads. Two tabs whose names differ only in spaces
    or case ("Pupils" and "Pupils ") are noted (rule R004 reports them): the one named exactly
    is read (else the first)."""
    by_name: dict[str, list[str]] = {}
    for name in names:
        if _is_wanted(name, wanted):
            by_name.setdefault(name.strip().casefold(), []).append(name)
    out = []
    for same in by_name.values():
        canonical = next((w for w in wanted if w.casefold() == same[0].strip().casefold()), same[0].strip())
        chosen = next((n for n in same if n == canonical), same[0])
        out.append(chosen)
        if len(same) > 1:
            twins.append(TwinTabs(canonical, tuple(same), chosen))
    return out


def mark_cells(grid: list[list], extent: SheetExtent, max_rows: int, max_cols: int) -> list[list]:
    """Put what the reader could not show in its place: error values (#N/A, #SPILL! ...) and
    cells it could not read become markers, reported where a column is read; a table's Total
    Row is blanked (sums and labels, not a record)."""
    marks: list[tuple[tuple[int, int], CellProblem]] = [(rc, ExcelError(text)) for rc, text in extent.errors.items()]
    marks += [(rc, UnreadableCell()) for rc in extent.unreadable]
    for (row, col), mark in marks:
        if row > max_rows or col > max_cols:
            continue
        while len(grid) < row:
            grid.append([])
        cells = grid[row - 1]
        if len(cells) < col:
            cells.extend([""] * (col - len(cells)))
        cells[col - 1] = mark
    for row, first, last in extent.totals:
        if row <= len(grid):
            cells = grid[row - 1]
            for c in range(first - 1, min(last, len(cells))):
                cells[c] = ""
    return grid


def digest_of(checked: Inspection) -> str | None:
    return vba_digest(checked.vba, checked.macro_sheets, checked.vba_oversized)


def _check_extent(extent: SheetExtent, limits) -> None:
    """Refuse a sheet whose last value is so far out that reading it would need a huge grid."""
    if extent.area > limits.cells:
        raise UnreadableWorkbook(REASONS["far-data"].format(sheet=extent.name.strip(), cell=extent.far), "far-data")


def capped_rows(rows: list[list], sheet: str, limits, cut: list[CutText]) -> list[list]:
    """`capped_row` of each row; at once when all the sheet's text together is within the
    limit (nearly always), since then no one cell's can be over it. (Counted at C speed.)"""
    if sum(map(len, filter(str.__instancecheck__, chain.from_iterable(rows)))) <= limits.cell_text:
        return rows
    return [capped_row(r, sheet, i, limits, cut) for i, r in enumerate(rows, 1)]


def capped_row(row: list, sheet: str, excel_row: int, limits, cut: list[CutText]) -> list:
    """The row with any text longer than an Excel cell can hold cut to the limit (noted in `cut`)."""
    for i, v in enumerate(row):
        if isinstance(v, str) and len(v) > limits.cell_text:
            row[i] = v[: limits.cell_text]
            cut.append(CutText(sheet, excel_row, i + 1, len(v), v[:50] + "..."))
    return row


def outside_data(sheet: str, extent: SheetExtent) -> OutsideData:
    """The fact that typed values lie outside the area read (the pre-flight found them)."""
    return OutsideData(sheet, tuple(extent.outside), extent.outside_count, extent.first_outside)
