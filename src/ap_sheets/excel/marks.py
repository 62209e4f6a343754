"""Marks: the cells Validate fills (red for errors, amber for queries), the list of them kept on
the Validation sheet with each cell's fill before, and putting those fills back next time.

Which cells get which fill (`mark_fills`), the list as written (`mark_rows`) and the list read
back (`marks_in_grid`) are plain functions, shared with the feedback copies
(`ap_sheets.feedback`); the rest reads and sets fills through xlwings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..findings import FileReport
from ..spec import ERROR, fold
from .book import find_sheet, sheet_grid, sheet_names
from .failures import log_failure
from .layout import MARK_HEADERS, MARKS_COLUMN, MARKS_NOTE, TABLE_ROW
from .look import ERROR_FILL, QUERY_FILL

_A1 = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True)
class Mark:
    sheet: str  # the sheet's name in the workbook
    cell: str  # A1
    fill: str | None  # ERROR_FILL or QUERY_FILL (None for a mark read back from the list)
    before: str | None = None  # "#RRGGBB" the cell had before marking, None for no fill


def mark_fills(report: FileReport, names: Mapping[str, str]) -> dict[tuple[str, str], str]:
    """The cells to fill: (sheet's name in the workbook, A1) -> ERROR_FILL or QUERY_FILL, one
    entry per cell (an error outranks a query), in the order the findings name them.

    `names`: each sheet's name folded (`spec.fold`) -> its name in the workbook; findings on a
    sheet the workbook does not have, or with no cell, mark nothing."""
    fills: dict[tuple[str, str], str] = {}
    for f in report.issues:
        name = names.get(fold(f.sheet)) if f.sheet and f.cell else None
        if name is None:
            continue
        key = (name, f.cell)
        if f.severity == ERROR or key not in fills:
            fills[key] = ERROR_FILL if f.severity == ERROR else QUERY_FILL
    return fills


def marks_for(book, report: FileReport) -> list[Mark]:
    """The cells to fill (`mark_fills`), with each cell's fill as it is now, read before it
    is marked."""
    return [
        Mark(name, cell, fill, _fill_of(book.sheets[name].range(cell)))
        for (name, cell), fill in mark_fills(report, sheet_names(book)).items()
    ]


def mark_rows(marks: list[Mark]) -> list[list[str]]:
    """The marks list as written at (TABLE_ROW, MARKS_COLUMN): headings, then one row a mark."""
    return [list(MARK_HEADERS)] + [[m.sheet, m.cell, m.before or ""] for m in marks]


def before_fill(color: str | None) -> str | None:
    """A cell's fill as the marks list keeps it: "#RRGGBB", or None for no fill. A fill in
    one of our own mark colours is a mark whose list was lost, so it counts as no fill."""
    if not color:
        return None
    value = color.upper()
    return None if value in (ERROR_FILL, QUERY_FILL) else value


def write_marks(sheet, marks: list[Mark]) -> None:
    """The list the next check reads to put the cells back (`read_marks`)."""
    rows = mark_rows(marks)
    sheet.range((TABLE_ROW, MARKS_COLUMN), (TABLE_ROW + len(rows) - 1, MARKS_COLUMN + 2)).number_format = "@"
    sheet.range((TABLE_ROW, MARKS_COLUMN)).value = rows
    sheet.range((TABLE_ROW - 1, MARKS_COLUMN)).value = MARKS_NOTE  # looks: `look.validation_looks`


def read_marks(sheet) -> list[Mark]:
    """Marks listed on a Validation sheet by an earlier check (none if there is no list)."""
    if sheet is None:
        return []
    return marks_in_grid(sheet_grid(sheet))


def marks_in_grid(grid: list[list]) -> list[Mark]:
    """Marks listed in a Validation sheet's values (rows[0] is Excel row 1); none if there is
    no list. Only well-formed entries count: a cell reference and, for the fill, "#RRGGBB"."""
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
            problems.append(
                f"Some cells on the {name} sheet could not be {done} (is the sheet protected?). "
                "The problems are still listed below."
            )


def _fill_of(rng) -> str | None:
    """A cell's fill as "#RRGGBB", or None for none (`before_fill`). Engines that cannot read
    fills (the remote engine) give None, so the cell is later cleared to no fill."""
    try:
        color = rng.color
    except NotImplementedError:
        return None
    if color is None:
        return None
    return before_fill(color if isinstance(color, str) else "#{:02X}{:02X}{:02X}".format(*color))


def _cell(row: list, i: int):
    v = row[i] if i < len(row) else None
    return v.strip() if isinstance(v, str) else v
