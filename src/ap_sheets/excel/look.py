"""How the Validation sheet looks, planned once: the Validate button (xlwings) and the batch's
feedback copies (openpyxl) both apply `validation_looks`, so the two sheets look the same.

Every styled range names its font: a bold heading with no font name shows in a serif font in
LibreOffice. The verdict line and each finding row are coloured by severity (the same red and
amber as the marked cells); the marks list beside the table is grey, for Validate's own use.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..findings import FileReport
from .layout import FINDING_HEADERS, MARK_HEADERS, MARKS_COLUMN, TABLE_ROW

FONT = "Calibri"
ERROR_FILL = "#FFC7CE"  # Excel's own "Bad" red (marks.ERROR_FILL)
QUERY_FILL = "#FFEB9C"  # Excel's own "Neutral" amber (marks.QUERY_FILL)
GOOD_FILL = "#C6EFCE"  # Excel's own "Good" green
HEADING_FILL = "#1F4E78"
MARKS_FILL = "#EDEDED"
GREY = "#7F7F7F"
MARK_WIDTHS = (16, 12, 12)  # the marks list's columns, so its headings are not cut


@dataclass(frozen=True)
class Look:
    """A range (1-based rows and columns, inclusive) and how it looks."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int
    bold: bool = False
    italic: bool = False
    size: float | None = None
    font_color: str | None = None
    fill: str | None = None
    wrap: bool = False
    font: str = FONT


def verdict_colours(report: FileReport) -> tuple[str, str]:
    """(fill, font colour) of the verdict line: red rejected, amber queries, green clean."""
    if report.errors:
        return ERROR_FILL, "#9C0006"
    if report.queries:
        return QUERY_FILL, "#9C5700"
    return GOOD_FILL, "#006100"


def validation_looks(report: FileReport, n_marks: int) -> list[Look]:
    """The Validation sheet's looks, in the order to apply them (later ones win)."""
    width = len(FINDING_HEADERS)
    n = len(report.issues)
    fill, colour = verdict_colours(report)
    last_mark_col = MARKS_COLUMN + len(MARK_HEADERS) - 1
    looks = [
        Look(1, 1, max(TABLE_ROW + n, TABLE_ROW + n_marks), last_mark_col),  # the font everywhere
        Look(1, 1, 1, width, bold=True, size=13, font_color=colour, fill=fill),
        Look(TABLE_ROW, 1, TABLE_ROW, width, bold=True, font_color="#FFFFFF", fill=HEADING_FILL),
    ]
    errors = len(report.errors)  # the table lists errors first
    if errors:
        looks.append(Look(TABLE_ROW + 1, 1, TABLE_ROW + errors, width, fill=ERROR_FILL))
    if n > errors:
        looks.append(Look(TABLE_ROW + errors + 1, 1, TABLE_ROW + n, width, fill=QUERY_FILL))
    if n:
        message = FINDING_HEADERS.index("Message") + 1
        looks.append(Look(TABLE_ROW + 1, message, TABLE_ROW + n, message, wrap=True))
    looks += [
        Look(TABLE_ROW - 1, MARKS_COLUMN, TABLE_ROW - 1, MARKS_COLUMN, italic=True, font_color=GREY),
        Look(TABLE_ROW, MARKS_COLUMN, TABLE_ROW, last_mark_col, bold=True, font_color="#595959", fill=MARKS_FILL),
    ]
    if n_marks:
        looks.append(Look(TABLE_ROW + 1, MARKS_COLUMN, TABLE_ROW + n_marks, last_mark_col, font_color=GREY))
    return looks
