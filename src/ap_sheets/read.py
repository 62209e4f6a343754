"""Read a workbook into plain grids of cell values, with Excel's own row and column positions.

This module knows how to get values out of a file (python-calamine, a fast Rust reader);
the xlwings handlers build the same `RawWorkbook` from a live Excel book. Nothing here
interprets the values: that is `normalise`'s job.

Before calamine sees a file, `safety.inspect` has read it once (read-only, bounded) and
checked it: calamine then reads that in-memory copy, never the path. What is read is
bounded too: rows 1..LIMITS.rows and columns up to LIMITS.columns of each sheet, and at
most LIMITS.cell_text characters per cell. Whatever lies beyond is reported as a finding
(`RawWorkbook.findings`), never silently dropped.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from .findings import Finding
from .safety import LIMITS, REASONS, Inspection, Refused, SheetExtent, column_letters, inspect, vba_digest
from .spec import KINDS, META_SHEET, RULES
from .values import ExcelError, UnreadableCell


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


@dataclass
class RawWorkbook:
    source: str  # the file name shown in messages
    sheets: dict[str, RawSheet]
    meta: dict[str, str] = field(default_factory=dict)  # from the hidden meta sheet
    vba_digest: str | None = None  # digest of the workbook's macros (safety.vba_digest), if any
    findings: list[Finding] = field(default_factory=list)  # found while reading: data out of range, long text
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
    findings: list[Finding] = []
    sheets: dict[str, RawSheet] = {}
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(checked.data))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine's own errors, and a Rust panic (a BaseException)
        raise UnreadableWorkbook(REASONS["damaged"].format(detail="it cannot be opened"), "damaged") from exc
    try:
        for name in _sheets_to_read(book.sheet_names, wanted, findings):
            extent = checked.sheets.get(name)
            if extent is None:  # a sheet the pre-flight could not place: never parse it blind
                raise UnreadableWorkbook(REASONS["damaged"].format(
                    detail=f"the sheet '{name.strip()}' cannot be found inside it"), "damaged")
            _check_extent(extent, limits)
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=max_rows)
            grid = mark_cells(grid, extent, max_rows, max_cols)
            rows = [capped_row(r[:max_cols], name.strip(), i, limits, findings) for i, r in enumerate(grid, 1)]
            sheets[name.strip()] = RawSheet(name.strip(), rows)
            if extent.outside_count:
                findings.append(outside_finding(name.strip(), extent, limits))
    except UnreadableWorkbook:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # fixed words: the reader's own message may quote a cell
        raise UnreadableWorkbook(REASONS["damaged"].format(detail="a sheet cannot be read"),
                                 "damaged") from exc
    finally:
        book.close()
    return RawWorkbook(source=path.name, sheets=sheets, meta=read_meta(sheets.get(META_SHEET)),
                       vba_digest=digest_of(checked), findings=findings, date1904=checked.date1904)


def _sheets_to_read(names: list[str], wanted: set[str], findings: list[Finding]) -> list[str]:
    """The workbook's sheets that ap-sheets reads. Two tabs whose names differ only in spaces
    or case ("Pupils" and "Pupils ") are one R004: the one named exactly is read (else the first)."""
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
            listed = " and ".join(f"'{n}'" for n in same)
            findings.append(Finding(
                canonical, None, None, None, "R004", RULES["R004"].severity,
                f"The workbook has {len(same)} tabs called {canonical} ({listed}: the names differ only in "
                f"spaces or capital letters), so ap-sheets cannot tell which holds the return. It read "
                f"'{chosen}'. Copy anything you need into that tab, delete the other, and send the workbook again."))
    return out


def mark_cells(grid: list[list], extent: SheetExtent, max_rows: int, max_cols: int) -> list[list]:
    """Put what the reader could not show in its place: error values (#N/A, #SPILL! ...) and
    cells it could not read become markers, reported where a column is read; a table's Total
    Row is blanked (sums and labels, not a record)."""
    marks = [(rc, ExcelError(text)) for rc, text in extent.errors.items()]
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
        raise UnreadableWorkbook(REASONS["far-data"].format(sheet=extent.name.strip(), cell=extent.far),
                                 "far-data")


def capped_row(row: list, sheet: str, excel_row: int, limits, findings: list[Finding]) -> list:
    for i, v in enumerate(row):
        if isinstance(v, str) and len(v) > limits.cell_text:
            row[i] = v[: limits.cell_text]
            cell = f"{column_letters(i + 1)}{excel_row}"
            findings.append(Finding(
                sheet, excel_row, None, cell, "R001", RULES["R001"].severity,
                f"Cell {cell} holds {len(v):,} characters, more than an Excel cell can hold "
                f"({limits.cell_text:,}); only the first {limits.cell_text:,} were read. Shorten it.",
                v[:50] + "..."))
    return row


def outside_finding(sheet: str, extent: SheetExtent, limits) -> Finding:
    """R004 for typed values outside the area read: named, so nothing is silently dropped."""
    row, col = extent.first_outside or (None, None)
    cells = ", ".join(extent.outside)
    more = extent.outside_count - len(extent.outside)
    listed = f"{cells} and {more:,} more cell{'s' * (more != 1)}" if more > 0 else cells
    last = f"{column_letters(limits.columns)}"
    return Finding(
        sheet, row, None, f"{column_letters(col)}{row}" if row else None, "R004", RULES["R004"].severity,
        f"The {sheet} sheet has data outside the area ap-sheets reads (rows 1 to {limits.rows:,}, columns A "
        f"to {last}): {listed}. It was not checked. If it was typed by mistake, delete it; if your return "
        f"really needs more rows or columns, contact the council's AP team.")
