"""The live workbook through xlwings: its known sheets read as a `RawWorkbook`, and sheets
found, emptied and written to."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..cells import column_letters
from ..privacy import safe_text
from ..read import (
    CutText,
    OutsideData,
    RawSheet,
    RawWorkbook,
    capped_rows,
    digest_of,
    outside_data,
    read_meta,
    wanted_sheets,
)
from ..safety import LIMITS, Refused, SheetExtent, inspect
from ..spec import META_SHEET, fold


def read_book(book) -> RawWorkbook:
    """The sheets ap-sheets knows, from a live workbook, as `read.read_workbook` gives them
    from a file: plain grids from A1 (rows[0] is Excel row 1), the meta sheet's pairs, and
    the same facts for text too long or data outside the area read."""
    wanted = {fold(name) for name in wanted_sheets()}
    cut: list[CutText] = []
    outside: list[OutsideData] = []
    sheets = {
        s.name.strip(): RawSheet(s.name.strip(), sheet_grid(s, cut, outside))
        for s in book.sheets
        if fold(s.name.strip()) in wanted
    }
    return RawWorkbook(
        source=book.name,
        sheets=sheets,
        meta=read_meta(sheets.get(META_SHEET)),
        cut=cut,
        outside=outside,
        vba_digest=saved_macro_digest(book),
    )


def saved_macro_digest(book) -> str | None:
    """The macro digest (for R060) of the workbook as last saved, when it is a file on this
    computer; None otherwise (a new unsaved book, a workbook open from SharePoint/OneDrive
    by web address), and then the macro check is left to the council's batch.

    Excel shows its own VBA to other programs only with "Trust access to the VBA project
    object model" switched on, which ap-sheets never asks for. The saved file holds the same
    project, and it is the saved file that is sent to the council. It is read, never
    written, through the same safety pre-flight as any return.
    """
    try:
        path = Path(str(book.fullname))
        if not path.is_absolute() or not path.is_file():
            return None
        return digest_of(inspect(path))
    except (Refused, OSError, ValueError):
        return None


def sheet_grid(sheet, cut: list[CutText] | None = None, outside: list[OutsideData] | None = None) -> list[list]:
    """Values from A1 to the end of the used range, within the area the file reader reads
    (`safety.LIMITS`: rows and columns); values beyond it are noted as the file reader notes
    them (then reported as R004), so nothing is silently left unchecked.

    xlwings gives what `values.normalise` reads: dates as datetime (the remote engine turns
    the ISO text its clients send into datetime too), numbers as float, blanks as None.
    """
    cut = [] if cut is None else cut
    outside = [] if outside is None else outside
    name = sheet.name.strip()
    last = sheet.used_range.last_cell
    rows, cols = min(last.row, LIMITS.rows), min(last.column, LIMITS.columns)
    grid = sheet.range((1, 1), (rows, cols)).options(ndim=2).value
    grid = capped_rows([list(r) for r in grid], name, LIMITS, cut)
    if last.row > LIMITS.rows or last.column > LIMITS.columns:
        extent = _outside(sheet, name, last.row, last.column)
        if extent.outside_count:
            outside.append(outside_data(name, extent))
    return grid


# At most this many cells beyond the read area are looked at (a used range can reach
# XFD1048576 through formatting alone); values further out are not named.
OUTSIDE_CELLS_LOOKED_AT = 200_000


def _outside(sheet, name: str, last_row: int, last_col: int) -> SheetExtent:
    """The values beyond the area read: below it, then to its right."""
    extent = SheetExtent(name, part="")
    blocks = []
    if last_row > LIMITS.rows:  # below: rows past the limit, in the columns read
        width = min(last_col, LIMITS.columns)
        blocks.append((LIMITS.rows + 1, 1, min(last_row, LIMITS.rows + OUTSIDE_CELLS_LOOKED_AT // width), width))
    if last_col > LIMITS.columns:  # right: the rows read, columns past the limit
        height = min(last_row, LIMITS.rows)
        blocks.append(
            (1, LIMITS.columns + 1, height, min(last_col, LIMITS.columns + max(1, OUTSIDE_CELLS_LOOKED_AT // height)))
        )
    for top, left, bottom, right in blocks:
        values = sheet.range((top, left), (bottom, right)).options(ndim=2).value
        for r, row in enumerate(values, top):
            for c, v in enumerate(row, left):
                if v is None or v == "":
                    continue
                extent.outside_count += 1
                if len(extent.outside) < LIMITS.cells_named:
                    extent.outside.append(f"{column_letters(c)}{r}")
                if extent.first_outside is None:
                    extent.first_outside = (r, c)
    return extent


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
    sheet.range((1, 1)).value = [[safe_text(line)] for line in lines]
    sheet.range((1, 1)).font.bold = True
