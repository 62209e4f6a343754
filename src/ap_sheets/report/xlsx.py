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

from .suppression import Suppressed

TABLE_STYLE = "Table Style Medium 2"
WORKBOOK_OPTIONS = {
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
        self.title = wb.add_format({"bold": True, "font_size": 16, "font_color": "#1F4E78"})
        self.heading = wb.add_format({"bold": True, "font_size": 12, "font_color": "#1F4E78"})
        self.marking = wb.add_format({"bold": True, "font_color": "#C00000"})
        self.note = wb.add_format({"italic": True, "font_color": "#595959"})
        self.wrap_note = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True,
                                        "valign": "top"})
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
        return {"text": self.text, "indent": self.indent, "wrap": self.wrap, "int": self.int, "num": self.num,
                "pct": self.pct, "points": self.points, "date": self.date}.get(kind, self.text)


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
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day),
                          fmt if fmt is not None else (styles.date if styles else None))
    else:
        if isinstance(value, Suppressed) and styles is not None:  # keep `c` right-aligned
            fmt = styles.suppressed
        ws.write_string(row, col, str(value), fmt)


@dataclass(frozen=True)
class Col:
    header: str
    kind: str = "text"  # text, wrap, int, num, pct, points, date
    width: float = 14


def write_table(ws: Worksheet, styles: Styles, top: int, left: int, name: str, cols: list[Col],
                rows, set_widths: bool = True) -> int:
    """An Excel table (filters, banded rows) with its header at `top`; returns the last row.

    An empty table gets one blank row: Excel tables need at least one data row. Blank
    values are left out (the table's style covers them). The loop dispatches on the
    value's exact class, since the Register alone is 100,000+ cells.
    """
    fmts = [styles.of(c.kind) for c in cols]
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
            else:
                put(ws, r, left + j, value, fmts[j], styles)
    last = max(r, top + 1)
    ws.add_table(top, left, last, left + len(cols) - 1, {
        "name": name, "style": TABLE_STYLE, "autofilter": True,
        "columns": [{"header": c.header} for c in cols],
    })
    if set_widths:
        for j, col in enumerate(cols):
            ws.set_column(left + j, left + j, col.width)
    return last


def sheet_setup(ws: Worksheet, marking: str, landscape: bool = True, wide: bool = False) -> None:
    """Protective marking in the header and footer, and print settings: narrow sheets print
    one page wide; wide tables print across pages (callers repeat the header row)."""
    ws.set_header(f"&C&\"Calibri,Bold\"&12{marking}")
    ws.set_footer(f"&L{marking}&C&A&RPage &P of &N")
    if landscape:
        ws.set_landscape()
    ws.set_paper(9)  # A4
    if not wide:
        ws.fit_to_pages(1, 0)
    ws.hide_gridlines(2)


def title_block(ws: Worksheet, styles: Styles, title: str, marking_line: str, notes: list[str]) -> int:
    """Title, marking and notes at the top of a sheet; returns the first free row."""
    ws.write_string(0, 0, title, styles.title)
    ws.write_string(1, 0, marking_line, styles.marking)
    for i, note in enumerate(notes):
        ws.write_string(2 + i, 0, note, styles.note)
    return 3 + len(notes) + 1


TREND_LINES = (("Attendance", "#1F4E78"), ("National comparator", "#A6A6A6"),
               ("Zero suspensions", "#548235"), ("Reintegration", "#C55A11"))


def add_trend_line_chart(wb: xlsxwriter.Workbook, ws: Worksheet, header_row: int, n_rows: int,
                         cols: list[Col]) -> None:
    """The Trends sheet's line chart of rates by term, the same in both reports: its series
    are the columns named in TREND_LINES, found by header. Placed under the table."""
    headers = [c.header for c in cols]
    chart = wb.add_chart({"type": "line"})
    for name, colour in TREND_LINES:
        col = headers.index(name)
        chart.add_series({"name": name, "categories": [ws.name, header_row + 1, 0, header_row + n_rows, 0],
                          "values": [ws.name, header_row + 1, col, header_row + n_rows, col],
                          "line": {"color": colour, "width": 2.25}, "marker": {"type": "circle"}})
    chart.set_title({"name": "Attendance, suspensions and reintegration by term"})
    chart.set_y_axis({"min": 0, "max": 1, "num_format": "0%"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 640, "height": 340})
    ws.insert_chart(header_row + n_rows + 3, 0, chart)
