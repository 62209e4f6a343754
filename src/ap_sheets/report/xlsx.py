"""XlsxWriter plumbing shared by the two report workbooks: safe cells, formats, tables.

Safety: text that came from a return (names, messages, file names) is written with
`write_string` only, never `write()`, and the workbook is opened with XlsxWriter's
string conversions off, so "=HYPERLINK(...)", "+44..." or "@SUM" stays text and never
becomes a live formula, link or number.

Why no `constant_memory`: XlsxWriter cannot add Excel tables (`add_table`) in that mode,
and every sheet here is a real table with filters. Rows are written straight from the
measures (no DataFrame round-trip), so memory is XlsxWriter's own cell store.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ..excel.text import text_lines
from .suppression import Suppressed

TABLE_STYLE = "Table Style Medium 2"
# Every cell is top-aligned unless its format says otherwise: rows that wrap are tall, and a
# row reads across only when each cell starts at the top. Set on the workbook's default
# format, so plain text needs no format of its own (a per-cell format costs a style
# attribute on each of the Register's 100,000+ cells).
DEFAULT_FORMAT = {"font_name": "Calibri", "font_size": 11, "valign": "top"}
WORKBOOK_OPTIONS = {
    "default_format_properties": DEFAULT_FORMAT,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
}


def new_workbook(path) -> xlsxwriter.Workbook:
    """A workbook whose working files go in the output folder, not the system temp folder:
    they hold the same personal data as the report, so they stay where the report goes
    (and are deleted when it is written). Cheaper in memory than XlsxWriter's in_memory."""
    from pathlib import Path

    return xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "tmpdir": str(Path(path).parent)})


class Styles:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.header = wb.add_format(
            {
                "bold": True,
                "text_wrap": True,
                "valign": "bottom",
                "font_color": "#FFFFFF",
                "bg_color": "#1F4E78",
                "border": 1,
                "border_color": "#BFBFBF",
            }
        )
        self.bold = wb.add_format({"bold": True, "valign": "top"})
        self.bold_int = wb.add_format({"bold": True, "num_format": "#,##0", "valign": "top"})
        self.council = wb.add_format({"bold": True, "font_size": 12, "font_color": "#404040", "valign": "bottom"})
        self.note_text = wb.add_format({"valign": "top", "font_color": "#595959"})
        self.wrap_text_note = wb.add_format({"valign": "top", "font_color": "#595959", "text_wrap": True})
        self.pct_left = wb.add_format({"num_format": "0.0%", "valign": "top", "align": "left", "indent": 1})
        self.int_left = wb.add_format({"num_format": "#,##0", "valign": "top", "align": "left", "indent": 1})
        self.title = wb.add_format({"bold": True, "font_size": 16, "font_color": "#1F4E78", "valign": "bottom"})
        self.heading = wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78", "valign": "bottom"})
        self.marking = wb.add_format({"bold": True, "font_color": "#C00000", "valign": "bottom"})
        self.note = wb.add_format({"italic": True, "font_color": "#595959", "valign": "bottom"})
        self.wrap_note = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.text = wb.add_format({"valign": "top"})
        self.indent = wb.add_format({"valign": "top", "indent": 1, "font_color": "#595959"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.int = wb.add_format({"num_format": "#,##0", "valign": "top"})
        self.num = wb.add_format({"num_format": "#,##0.0", "valign": "top"})
        self.pct = wb.add_format({"num_format": "0.0%", "valign": "top"})
        self.points = wb.add_format({"num_format": "+0.0;-0.0;0.0", "valign": "top"})
        self.date = wb.add_format({"num_format": "dd/mm/yyyy", "valign": "top", "align": "left"})
        self.datetime = wb.add_format({"num_format": "dd/mm/yyyy hh:mm", "align": "left"})
        self.suppressed = wb.add_format({"align": "right", "valign": "top", "font_color": "#595959"})
        self.good = wb.add_format({"font_color": "#006100", "bg_color": "#C6EFCE", "valign": "top"})
        self.bad = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE", "valign": "top"})

    def of(self, kind: str):
        return {
            "text": self.text,
            "indent": self.indent,
            "wrap": self.wrap,
            "int": self.int,
            "num": self.num,
            "pct": self.pct,
            "points": self.points,
            "date": self.date,
            "note": self.wrap_text_note,
            "pct_left": self.pct_left,
            "int_left": self.int_left,
        }.get(kind, self.text)


def put(ws: Worksheet, row: int, col: int, value, fmt=None, styles: Styles | None = None) -> None:
    """Write one value with its real type. Text always as a string, never a formula."""
    if value is None:
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, bool):
        ws.write_string(row, col, "Y" if value else "N", fmt)
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            ws.write_string(row, col, str(value), fmt)
        else:
            ws.write_number(row, col, value, fmt)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, fmt if fmt is not None else (styles.datetime if styles else None))
    elif isinstance(value, date):
        ws.write_datetime(
            row,
            col,
            datetime(value.year, value.month, value.day),
            fmt if fmt is not None else (styles.date if styles else None),
        )
    else:
        if isinstance(value, Suppressed) and styles is not None:  # keep `c` right-aligned
            fmt = styles.suppressed
        ws.write_string(row, col, str(value), fmt)


@dataclass(frozen=True)
class Col:
    header: str
    kind: str = "text"  # text, wrap, int, num, pct, points, date, note, pct_left
    width: float = 14  # the most a text column grows to; longer text wraps


TEXT_KINDS = ("text", "wrap", "indent", "note")  # int_left: a number beside text (a row number)
MIN_WIDTH = 6


def fitted_width(col: Col, longest: int) -> float:
    """A column's width from its content: wide enough for the header's longest word (headers
    wrap) and, for text, the longest value up to `col.width`; numbers and dates get room
    for their formatted value."""
    header = max((len(w) for w in col.header.split()), default=0) + 2
    if col.kind in TEXT_KINDS:
        return max(MIN_WIDTH, header, min(col.width, longest + 2))
    return max(
        MIN_WIDTH,
        header,
        {"date": 11, "pct": 8, "pct_left": 8, "points": 8, "int_left": 6}.get(col.kind, 8),
        min(longest + 3, 14),
    )


LINE_HEIGHT = 15.0  # points per line of 11-point text
# A date as Excel's serial number (1900 system) from 1 March 1900, where Excel's count and
# the calendar agree: the Register's dates, without a datetime made for each.
_EXCEL_EPOCH = date(1899, 12, 30)
_FIRST_SERIAL_DATE = date(1900, 3, 1)


def write_table(
    ws: Worksheet, styles: Styles, top: int, left: int, name: str, cols: list[Col], rows, set_widths: bool = True
) -> int:
    """An Excel table (filters, banded rows) with its header at `top`; returns the last row.

    With `set_widths`, each column is as wide as its content (`fitted_width`), text longer
    than that wraps, and a row that wraps is made tall enough to show it (Excel and
    LibreOffice do not resize rows of a written file). An empty table gets one blank row:
    Excel tables need at least one data row. Blank values are left out (the table's style
    covers them). The loop dispatches on the value's exact class, since the Register alone
    is 100,000+ cells.
    """
    # Plain text takes the workbook's default format (top-aligned): no per-cell format.
    fmts = [None if c.kind == "text" else styles.of(c.kind) for c in cols]
    rows = rows if isinstance(rows, list) else list(rows)
    widths = None
    wrapping: list[int] = []  # the text columns whose longer values wrap
    if set_widths:  # text longer than its column wraps
        longest = [0] * len(cols)
        for values in rows:
            for j, value in enumerate(values):
                if value is not None:
                    n = len(value) if value.__class__ is str else len(str(value))
                    if n > longest[j]:
                        longest[j] = n
        widths = [fitted_width(c, longest[j]) for j, c in enumerate(cols)]
        for j, c in enumerate(cols):
            if c.kind in TEXT_KINDS and longest[j] + 2 > widths[j]:
                wrapping.append(j)
                fmts[j] = styles.wrap_text_note if c.kind == "note" else styles.wrap
    write_string, write_number = ws.write_string, ws.write_number
    r = top
    for r_off, values in enumerate(rows, start=1):
        r = top + r_off
        for j, value in enumerate(values):
            if value is None:
                continue
            cls = value.__class__
            if cls is str:
                write_string(r, left + j, value, fmts[j])
            elif cls is int or (cls is float and math.isfinite(value)):
                write_number(r, left + j, value, fmts[j])
            elif cls is date and fmts[j] is styles.date and value >= _FIRST_SERIAL_DATE:
                write_number(r, left + j, (value - _EXCEL_EPOCH).days, fmts[j])  # as write_datetime would
            else:
                put(ws, r, left + j, value, fmts[j], styles)
        if wrapping:
            lines = 1
            for j in wrapping:
                value = values[j]
                if value.__class__ is str and len(value) + 2 > widths[j]:  # type: ignore[index]
                    lines = max(lines, text_lines(value, widths[j]))  # type: ignore[index]
            if lines > 1:
                ws.set_row(r, LINE_HEIGHT * min(lines, 15))
    last = max(r, top + 1)
    ws.add_table(
        top,
        left,
        last,
        left + len(cols) - 1,
        {
            "name": name,
            "style": TABLE_STYLE,
            "autofilter": True,
            "columns": [{"header": c.header, "header_format": styles.header} for c in cols],
        },
    )
    if widths is not None:
        for j, width in enumerate(widths):
            ws.set_column(left + j, left + j, width)
        # Headers wrap to their column's width: the header row as tall as the longest needs
        # (neither Excel nor LibreOffice resizes a row of a written file when printing).
        head_lines = max((text_lines(c.header, widths[j]) for j, c in enumerate(cols)), default=1)
        if head_lines > 1:
            ws.set_row(top, LINE_HEIGHT * min(head_lines, 5))
    return last


def _header_text(text: str) -> str:
    return text.replace("&", "&&")


def sheet_setup(ws: Worksheet, marking: str, landscape: bool = True, wide: bool = False, council: str = "") -> None:
    """Protective marking (and the council's name) in the header and footer, and print
    settings: narrow sheets print one page wide; wide tables print across pages (callers
    repeat the header row and the first column)."""
    left = f"&L{_header_text(council)}" if council else ""
    ws.set_header(f'{left}&C&"Calibri,Bold"&12{marking}')
    ws.set_footer(f"&L{marking}&C&A&RPage &P of &N")
    if landscape:
        ws.set_landscape()
    ws.set_paper(9)  # A4
    if not wide:
        ws.fit_to_pages(1, 0)
    ws.hide_gridlines(2)


def title_block(ws: Worksheet, styles: Styles, council: str, title: str, marking_line: str, notes: list[str]) -> int:
    """Title (after the council's name, when set), marking and notes at the top of a sheet;
    returns the first free row. The council's name is also in the printed header."""
    import textwrap

    ws.write_string(0, 0, f"{council}: {title}" if council else title, styles.title)
    # The marking and notes in lines short enough to print on the first page (wide sheets
    # print across pages at full size; the marking is bold, so its lines are shorter).
    marks = textwrap.wrap(marking_line, MARKING_WIDTH) or [marking_line]
    for i, line in enumerate(marks):
        ws.write_string(1 + i, 0, line, styles.marking)
    lines = [line for note in notes for line in textwrap.wrap(note, NOTE_WIDTH)]
    for i, line in enumerate(lines):
        ws.write_string(1 + len(marks) + i, 0, line, styles.note)
    return 2 + len(marks) + len(lines) + 1


NOTE_WIDTH = 120  # characters
MARKING_WIDTH = 95  # characters of bold text


TREND_LINES = (
    ("Attendance", "#1F4E78"),
    ("National comparator", "#A6A6A6"),
    ("Zero suspensions", "#548235"),
    ("Reintegration", "#C55A11"),
)


def add_trend_line_chart(wb: xlsxwriter.Workbook, ws: Worksheet, header_row: int, n_rows: int, cols: list[Col]) -> None:
    """The Trends sheet's line chart of rates by term, the same in both reports: its series
    are the columns named in TREND_LINES, found by header. Placed under the table."""
    headers = [c.header for c in cols]
    chart = wb.add_chart({"type": "line"})
    for name, colour in TREND_LINES:
        col = headers.index(name)
        chart.add_series(
            {
                "name": name,
                "categories": [ws.name, header_row + 1, 0, header_row + n_rows, 0],
                "values": [ws.name, header_row + 1, col, header_row + n_rows, col],
                "line": {"color": colour, "width": 2.25},
                "marker": {"type": "circle"},
            }
        )
    chart.set_title({"name": "Attendance, suspensions and reintegration by term"})
    chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 340})
    ws.insert_chart(header_row + n_rows + 3, 0, chart)
