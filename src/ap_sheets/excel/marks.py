"""Marks: the cells Validate fills (red for errors, amber for queries), the list of them kept on
the Validation sheet with each cell's fill before, and putting those fills back next time."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..findings import FileReport
from ..spec import ERROR, fold
from .book import find_sheet, sheet_grid, sheet_names
from .failures import log_failure
from .layout import MARK_HEADERS, MARKS_COLUMN, TABLE_ROW

ERROR_FILL = "#FFC7CE"  # Excel's own "Bad" red
QUERY_FILL = "#FFEB9C"  # Excel's own "Neutral" amber
_A1 = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Mark:
    sheet: str  # the sheet's name in the workbook
    cell: str  # A1
    fill: str | None  # ERROR_FILL or QUERY_FILL (None for a mark read back from the list)
    before: str | None = None  # "#RRGGBB" the cell had before marking, None for no fill


def marks_for(book, report: FileReport) -> list[Mark]:
    """The cells to fill, one mark per cell (an error outranks a query), with each cell's
    fill as it is now, read before it is marked."""
    names = sheet_names(book)
    fills: dict[tuple[str, str], str] = {}
    for f in report.issues:
        name = names.get(fold(f.sheet)) if f.sheet and f.cell else None
        if name is None:
            continue
        key = (name, f.cell)
        if f.severity == ERROR or key not in fills:
            fills[key] = ERROR_FILL if f.severity == ERROR else QUERY_FILL
    return [Mark(name, cell, fill, _fill_of(book.sheets[name].range(cell)))
            for (name, cell), fill in fills.items()]


def write_marks(sheet, marks: list[Mark]) -> None:
    """The list the next check reads to put the cells back (`read_marks`)."""
    rows = [list(MARK_HEADERS)] + [[m.sheet, m.cell, m.before or ""] for m in marks]
    sheet.range((TABLE_ROW, MARKS_COLUMN), (TABLE_ROW + len(rows) - 1, MARKS_COLUMN + 2)).number_format = "@"
    sheet.range((TABLE_ROW, MARKS_COLUMN)).value = rows
    sheet.range((TABLE_ROW, MARKS_COLUMN), (TABLE_ROW, MARKS_COLUMN + 2)).font.bold = True
    sheet.range((TABLE_ROW - 1, MARKS_COLUMN)).value = (
        "Cells coloured by Validate. It uses this list to remove the colours next time: please leave it.")


def read_marks(sheet) -> list[Mark]:
    """Marks listed on a Validation sheet by an earlier check (none if there is no list)."""
    if sheet is None:
        return []
    grid = sheet_grid(sheet)
    c = MARKS_COLUMN - 1
    heads = [tuple(_cell(row, c + i) for i in range(3)) for row in grid]
    try:
        start = heads.index(MARK_HEADERS) + 1
    except ValueError:
        return []
    marks = []
    for name, cell, before in heads[start:]:
        if not name:
            break
        cell = str(cell or "").upper()
        if _A1.match(cell):
            marks.append(Mark(str(name), cell, None, before if before and _HEX.match(str(before)) else None))
    return marks


def restore(book, marks: list[Mark], problems: list[str]) -> None:
    """Put back the fill each marked cell had before it was marked."""
    _fill_cells(book, [(m.sheet, m.cell, m.before) for m in marks], problems, "cleared")


def apply(book, marks: list[Mark], problems: list[str]) -> None:
    _fill_cells(book, [(m.sheet, m.cell, m.fill) for m in marks], problems, "coloured")


def _fill_cells(book, fills: list[tuple[str, str, str | None]], problems: list[str], done: str) -> None:
    """Fill cells sheet by sheet; a sheet that refuses (protected, renamed) is named in
    `problems` and the rest go on."""
    by_sheet: dict[str, list[tuple[str, str | None]]] = {}
    for name, cell, fill in fills:
        by_sheet.setdefault(name, []).append((cell, fill))
    for name, cells in by_sheet.items():
        target = find_sheet(book, name)
        if target is None:
            continue  # the sheet has gone: nothing to put back
        try:
            for cell, fill in cells:
                target.range(cell).color = fill
        except Exception as exc:
            log_failure(f"Validate: fill cells on a sheet ({done})", exc)
            problems.append(f"Some cells on the {name} sheet could not be {done} (is the sheet protected?). "
                            "The problems are still listed below.")


def _fill_of(rng) -> str | None:
    """A cell's fill as "#RRGGBB", or None for none. Engines that cannot read fills (the
    remote engine) give None, so the cell is later cleared to no fill. A fill in one of our
    own mark colours is a mark whose list was lost, so it counts as no fill too."""
    try:
        color = rng.color
    except NotImplementedError:
        return None
    if color is None:
        return None
    value = color if isinstance(color, str) else "#{:02X}{:02X}{:02X}".format(*color)
    return None if value.upper() in (ERROR_FILL, QUERY_FILL) else value.upper()


def _cell(row: list, i: int):
    v = row[i] if i < len(row) else None
    return v.strip() if isinstance(v, str) else v
