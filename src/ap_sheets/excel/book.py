"""The live workbook through xlwings: its known sheets read as a `RawWorkbook`, and sheets
found, emptied and written to."""
from __future__ import annotations

from collections.abc import Iterable

from ..read import RawSheet, RawWorkbook, read_meta, wanted_sheets
from ..safety import LIMITS
from ..spec import META_SHEET, fold
from .text import as_text


def read_book(book) -> RawWorkbook:
    """The sheets ap-sheets knows, from a live workbook, as `read.read_workbook` gives them
    from a file: plain grids from A1 (rows[0] is Excel row 1), and the meta sheet's pairs."""
    wanted = {fold(name) for name in wanted_sheets()}
    sheets = {s.name.strip(): RawSheet(s.name.strip(), sheet_grid(s))
              for s in book.sheets if fold(s.name.strip()) in wanted}
    return RawWorkbook(source=book.name, sheets=sheets, meta=read_meta(sheets.get(META_SHEET)))


def sheet_grid(sheet) -> list[list]:
    """Values from A1 to the end of the used range, within the area the file reader reads
    (`safety.LIMITS`: rows and columns).

    xlwings gives what `values.normalise` reads: dates as datetime (the remote engine turns
    the ISO text its clients send into datetime too), numbers as float, blanks as None.
    """
    last = sheet.used_range.last_cell
    rows, cols = min(last.row, LIMITS.rows), min(last.column, LIMITS.columns)
    return sheet.range((1, 1), (rows, cols)).options(ndim=2).value


def find_sheet(book, name: str):
    """The sheet called `name` (case and outer spaces ignored), or None."""
    return next((s for s in book.sheets if fold(s.name.strip()) == fold(name)), None)


def sheet_names(book) -> dict[str, str]:
    """Each sheet's name as findings give it (folded) -> its name in the workbook, read once
    (on the desktop every name is a call to Excel)."""
    return names_by_fold(s.name for s in book.sheets)


def names_by_fold(names: Iterable[str]) -> dict[str, str]:
    """Sheet names as findings give them (case and outer spaces ignored) -> the names as they
    are in the workbook."""
    return {fold(name.strip()): name for name in names}


def fresh_sheet(book, name: str):
    """The sheet `name`, emptied (values, formats and charts), or a new one at the end."""
    sheet = find_sheet(book, name)
    if sheet is None:
        return book.sheets.add(name=name, after=book.sheets[len(book.sheets) - 1])
    sheet.clear()
    for chart in list(sheet.charts):
        chart.delete()
    return sheet


def write_lines(sheet, lines: list[str]) -> None:
    sheet.range((1, 1)).value = [[as_text(line)] for line in lines]
    sheet.range((1, 1)).font.bold = True
