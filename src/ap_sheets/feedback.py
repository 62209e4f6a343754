"""Feedback copies: a rejected return as the provider or school sent it, with the Validation sheet
and the marked cells the workbook's Validate button would give it, for the council to send back
(`ap-sheets consolidate --feedback`).

`write_feedback` opens the return with openpyxl (it has already been read and checked, so it
has passed the safety pre-flight; openpyxl parses XML through defusedxml), then does what
`excel.validation.validate_book` does in Excel, from the same functions of the report
(`excel.validation.header_lines` / `finding_rows`, `excel.marks.mark_fills` / `mark_rows`):

- puts back the fills listed on a Validation sheet the return already has (from a Validate
  run before it was sent), and removes that sheet;
- adds a Validation sheet right after *Start here* (first if there is none), made the active
  sheet: the verdict lines, the findings table (each cell reference a HYPERLINK to the cell),
  and the marks list with each marked cell's fill before, so that Validate in the copy can
  put the fills back as it does in the original;
- fills the cells at fault: red for errors, amber for queries, an error winning.

Only the Validation sheet and the fills of the marked cells change. Text is always written as
text (`data_type "s"`), never as a formula: the HYPERLINKs are the only formulas written, and
text that came from the return keeps the type it had in the file. The copy is written to
`target_path`, never over the return (`FeedbackError`); the batch writes it to a temporary
file and renames it into place (`consolidate.write_atomic`).

What openpyxl keeps and loses (checked on the standard workbooks, see tests/test_feedback.py):
kept are every cell value and formula (text with formatting inside it too), cell styles,
column widths, frozen panes, the data validations (dropdowns and warnings), conditional
formatting, the Excel tables (with the calculated Attendance % column), defined names and
print titles, hidden and very hidden sheets, the custom document properties (kind, template
version), the notes' text and the VBA project (byte for byte, so the macro check R060 gives
the same answer). Lost or changed: formulas' last results (Excel recalculates them when the
copy is opened; a reader that does not calculate, such as ap-sheets itself, sees them blank),
the size of the note boxes, pictures (openpyxl keeps them only with Pillow, which ap-sheets
does not install), text boxes and other drawn shapes, extensions of newer Excel versions
(e.g. to conditional formatting and data validation); charts are redrawn from what openpyxl
reads of them. Form-control buttons are not something openpyxl supports: the Validate and
Summary buttons of a workbook as the template made it (legacy VML drawings with their macro
names) are carried over unchanged, but that they still work in a copy of a workbook saved by
Excel cannot be promised. The copy is for reading: the provider should fix the return in
their own original workbook and click Validate there.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from .excel.book import names_by_fold
from .excel.layout import FINDING_HEADERS, FINDING_WIDTHS, MARKS_COLUMN, MARKS_NOTE, TABLE_ROW, VALIDATION_SHEET
from .excel.look import MARK_WIDTHS, validation_looks
from .excel.marks import Mark, before_fill, mark_fills, mark_rows, marks_in_grid
from .excel.validation import Link, finding_rows, header_lines, verdict
from .findings import FileReport
from .safety import LIMITS
from .spec import START_SHEET, fold

EXCEL_MAX_ROW, EXCEL_MAX_COLUMN = 1_048_576, 16_384


class FeedbackError(Exception):
    """A feedback copy that cannot or must not be written. The message names no pupil data."""


def write_feedback(source_path, report: FileReport, target_path, now: datetime | None = None, settings=None) -> Path:
    """Write a copy of the return at `source_path` to `target_path` with the Validation sheet
    and marks for `report` (the return's findings, from `validate.check_file`), as of `now`,
    naming the rule `settings` the check applied (the council's; default: the defaults).

    The return is only read. A `.xlsm` stays macro-enabled (its VBA project is kept);
    `target_path` should end as the return's name does (the batch's temporary name aside).
    Raises FeedbackError if `target_path` is the return itself, and openpyxl's or the file
    system's errors if the copy cannot be made.
    """
    import openpyxl

    source, target = Path(source_path), Path(target_path)
    if same_file(source, target):
        raise FeedbackError("the copy would replace the return itself")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's notes on the parts it does not keep
        with source.open("rb") as handle:  # a handle: openpyxl does not judge by the name
            book = openpyxl.load_workbook(handle, keep_vba=source.suffix.lower() == ".xlsm", rich_text=True)
        try:
            add_validation_sheet(book, report, now or datetime.now(), settings)
            book.save(target)
        finally:  # openpyxl keeps the VBA project in a zip in memory, in a cycle the collector meets late
            if getattr(book, "vba_archive", None) is not None:
                book.vba_archive.close()
    return target


def add_validation_sheet(book, report: FileReport, when: datetime, settings=None):
    """In an openpyxl workbook, do what the Validate button does (see the module doc); returns
    the new Validation sheet."""
    old = next((ws for ws in book.worksheets if fold(ws.title.strip()) == fold(VALIDATION_SHEET)), None)
    if old is not None:
        _fill_cells(book, [(m.sheet, m.cell, m.before) for m in marks_in_grid(_grid(old))])
        book.remove(old)
    names = names_by_fold(ws.title for ws in book.worksheets)
    marks = [
        Mark(name, cell, fill, _fill_of(book[name][cell])) for (name, cell), fill in mark_fills(report, names).items()
    ]
    sheet = book.create_sheet(VALIDATION_SHEET, _position(book))
    _write_findings(sheet, report, names)
    _write_marks(sheet, marks)
    _fill_cells(book, [(m.sheet, m.cell, m.fill) for m in marks])
    for r, line in enumerate(header_lines(verdict(report, when, settings, copy=True), []), start=1):
        _text(sheet.cell(r, 1), line)
    _apply_looks(sheet, validation_looks(report, len(marks)))
    _print_setup(sheet)
    _activate(book, sheet)
    return sheet


# ---- the Validation sheet ----------------------------------------------------------------------
def _write_findings(sheet, report: FileReport, names: dict[str, str]) -> None:
    from openpyxl.utils import get_column_letter

    for c, heading in enumerate(FINDING_HEADERS, start=1):
        _text(sheet.cell(TABLE_ROW, c), heading)
    for c, width in enumerate(FINDING_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    for c, width in enumerate(MARK_WIDTHS, start=MARKS_COLUMN):
        sheet.column_dimensions[get_column_letter(c)].width = width
    message = FINDING_HEADERS.index("Message")
    value_col = FINDING_HEADERS.index("Value") + 1
    for r, row in enumerate(finding_rows(report, names), start=TABLE_ROW + 1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(r, c)
            if isinstance(value, Link):
                cell.value = value.formula  # our own formula: the only one on the sheet
            else:
                _text(cell, value)
        sheet.cell(r, value_col).number_format = "@"  # "01/02/2024" stays text
        lines = _lines(str(row[message] or ""), FINDING_WIDTHS[message])
        if lines > 1:  # Excel and LibreOffice do not resize the rows of a file they open
            sheet.row_dimensions[r].height = 15 * lines


def _write_marks(sheet, marks: list[Mark]) -> None:
    for r, row in enumerate(mark_rows(marks), start=TABLE_ROW):
        for i, value in enumerate(row):
            cell = _text(sheet.cell(r, MARKS_COLUMN + i), value)
            cell.number_format = "@"
    _text(sheet.cell(TABLE_ROW - 1, MARKS_COLUMN), MARKS_NOTE)


def _apply_looks(sheet, looks) -> None:
    """Fonts, fills and wrapping (`excel.look.validation_looks`), cell by cell."""
    from openpyxl.styles import Alignment, Font, PatternFill

    for look in looks:
        for row in sheet.iter_rows(
            min_row=look.first_row, max_row=look.last_row, min_col=look.first_col, max_col=look.last_col
        ):
            for cell in row:
                old = cell.font
                cell.font = Font(
                    name=look.font,
                    bold=look.bold or old.bold,
                    italic=look.italic or old.italic,
                    size=look.size or old.size or 11,
                    color=(look.font_color or "").lstrip("#") or old.color,
                )
                if look.fill:
                    rgb = look.fill.lstrip("#")
                    cell.fill = PatternFill("solid", start_color=rgb, end_color=rgb)
                if look.wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _print_setup(sheet) -> None:
    """Landscape, the findings one page wide, their headings on every page."""
    from openpyxl.utils import get_column_letter

    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.print_area = f"A1:{get_column_letter(len(FINDING_HEADERS))}{max(sheet.max_row, TABLE_ROW)}"
    sheet.print_title_rows = f"{TABLE_ROW}:{TABLE_ROW}"


def _lines(text: str, width: int) -> int:
    from .excel.text import text_lines

    return text_lines(text, width)


def _text(cell, value):
    """Put text in a cell as text: never a formula, whatever it starts with. Characters XML
    cannot hold (control characters) become U+FFFD. Empty text leaves the cell empty."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or value == "":
        return cell
    cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))
    cell.data_type = "s"  # openpyxl takes a str starting with "=" for a formula: it is not
    return cell


def _position(book) -> int:
    """Right after Start here, or first."""
    start = next((i for i, name in enumerate(book.sheetnames) if fold(name.strip()) == fold(START_SHEET)), None)
    return 0 if start is None else start + 1


def _activate(book, sheet) -> None:
    """Make the Validation sheet the one the copy opens on, and the only one selected (two
    selected tabs would group the sheets, so that typing in one changes both)."""
    for ws in book.worksheets:
        ws.sheet_view.tabSelected = False
    sheet.sheet_view.tabSelected = True
    book.active = sheet
    index = book.sheetnames.index(sheet.title)
    for view in book.views or []:
        if view.firstSheet is not None and view.firstSheet > index:
            view.firstSheet = index


def _grid(sheet) -> list[list]:
    """An existing sheet's values (rows[0] is Excel row 1), as far as the marks list reaches;
    text with formatting inside it as plain text."""
    from openpyxl.cell.rich_text import CellRichText

    last = min(sheet.max_row, LIMITS.rows)
    return [
        [str(v) if isinstance(v, CellRichText) else v for v in row]
        for row in sheet.iter_rows(min_row=1, max_row=last, max_col=MARKS_COLUMN + 2, values_only=True)
    ]


# ---- fills -----------------------------------------------------------------------------------
def _fill_of(cell) -> str | None:
    """A cell's solid fill as "#RRGGBB" (`excel.marks.before_fill`), or None: no fill, a
    pattern, or a theme colour (which, like the remote engine's unknown fills, is later put
    back as no fill)."""
    from openpyxl.styles import PatternFill
    from openpyxl.styles.colors import COLOR_INDEX

    fill = cell.fill
    if not isinstance(fill, PatternFill) or fill.fill_type != "solid" or fill.fgColor is None:
        return None
    color = fill.fgColor
    if color.type == "rgb" and isinstance(color.rgb, str) and len(color.rgb) >= 6:
        return before_fill("#" + color.rgb[-6:])
    if color.type == "indexed" and isinstance(color.indexed, int) and 0 <= color.indexed < 64:
        return before_fill("#" + COLOR_INDEX[color.indexed][-6:])
    return None


def _fill_cells(book, fills: Iterable[tuple[str, str, str | None]]) -> None:
    """Set each (sheet, A1, "#RRGGBB" or None for no fill). Sheets found by name as Validate
    finds them (case and outer spaces ignored); a sheet that has gone, or a cell outside
    Excel's grid (a marks list edited by hand), is left alone."""
    from openpyxl.styles import PatternFill
    from openpyxl.utils.cell import coordinate_to_tuple

    sheets = {fold(ws.title.strip()): ws for ws in book.worksheets}
    for name, cell, fill in fills:
        ws = sheets.get(fold(name.strip()))
        if ws is None:
            continue
        try:
            row, col = coordinate_to_tuple(cell)
        except ValueError:
            continue
        if not (1 <= row <= EXCEL_MAX_ROW and 1 <= col <= EXCEL_MAX_COLUMN):
            continue
        rgb = "FF" + fill[1:].upper() if fill else None
        ws.cell(row, col).fill = (
            PatternFill(fill_type="solid", start_color=rgb, end_color=rgb) if rgb else PatternFill(fill_type=None)
        )


def same_file(a: Path, b: Path) -> bool:
    """Whether writing to `b` would write over `a`: the same path, or another name (a link)
    for the same file."""
    try:
        if a.resolve() == b.resolve():
            return True
        return b.exists() and os.path.samefile(a, b)
    except OSError:
        return False
