"""Read a workbook into plain grids of cell values, with Excel's own row and column positions.

This module knows how to get values out of a file (python-calamine, a fast Rust reader);
the xlwings handlers build the same `RawWorkbook` from a live Excel book. Nothing here
interprets the values: that is `normalise`'s job.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .spec import KINDS, META_SHEET


class UnreadableWorkbook(Exception):
    """The file cannot be read as a workbook; the message says why, for a clerk."""


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
    vba_digest: str | None = None  # hash of the workbook's macros, if any


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


def read_workbook(path: str | Path, max_rows: int = 5000, max_cols: int = 80) -> RawWorkbook:
    """Read the sheets ap-sheets knows from an .xlsx/.xlsm file. Never writes to the file."""
    import python_calamine as calamine

    path = Path(path)
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for each format fault
        raise UnreadableWorkbook(f"could not be opened as an Excel workbook ({exc})") from exc
    wanted = wanted_sheets()
    sheets: dict[str, RawSheet] = {}
    try:
        for name in book.sheet_names:
            if name.strip() not in wanted and name.strip().casefold() not in {w.casefold() for w in wanted}:
                continue
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=max_rows + 1)
            sheets[name.strip()] = RawSheet(name.strip(), [r[:max_cols] for r in grid])
    except Exception as exc:
        raise UnreadableWorkbook(f"a sheet could not be read ({exc})") from exc
    finally:
        book.close()
    return RawWorkbook(source=path.name, sheets=sheets, meta=read_meta(sheets.get(META_SHEET)))
