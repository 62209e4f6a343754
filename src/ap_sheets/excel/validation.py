"""The Validate button: check the workbook, then write the Validation sheet (verdict and one
linked line per finding) and mark the cells at fault.

What the sheet says comes from plain functions of the report, shared with the batch's
feedback copies (`ap_sheets.feedback`, written with openpyxl): `header_lines` (the verdict
lines), `finding_rows` (the findings table: text, and a `Link` for each cell reference) and,
in `marks`, `mark_fills` and `mark_rows` (which cells get which fill, and the list of them).
This module and `marks` only add the xlwings side: reading fills, writing ranges.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ..findings import FileReport, display_value
from ..privacy import safe_text
from ..settings import Settings
from ..spec import ERROR, fold
from ..validate import check_workbook
from .book import find_sheet, fresh_sheet, read_book, sheet_names, write_lines
from .failures import show_failure
from .layout import FINDING_HEADERS, FINDING_WIDTHS, MARKS_COLUMN, TABLE_ROW, VALIDATION_SHEET
from .look import MARK_WIDTHS, validation_looks
from .marks import apply, marks_for, read_marks, restore, write_marks
from .text import counted


def validate_book(book, now: datetime | None = None, settings: Settings | None = None) -> FileReport | None:
    """Check the workbook with the council's `settings` (default: the rule settings the
    workbook carries, from `template --config`, else the defaults) and show the findings (see
    the module doc). Returns the report, or None when the check failed (the sheet then says so)."""
    try:
        raw = read_book(book)
        settings = settings or Settings().with_workbook_rules(raw.meta)
        report = check_workbook(raw, settings).report
        problems: list[str] = []
        restore(book, read_marks(find_sheet(book, VALIDATION_SHEET)), problems)
        marks = marks_for(book, report)
        sheet = fresh_sheet(book, VALIDATION_SHEET)
        write_findings(book, sheet, report)
        write_marks(sheet, marks)
        apply(book, marks, problems)
        write_header(sheet, verdict(report, now or datetime.now(), settings), problems)
        apply_looks(sheet, validation_looks(report, len(marks)))
        sheet.activate()
        return report
    except Exception as exc:
        show_failure(book, VALIDATION_SHEET, "Validate", exc)
        return None


# ---- what the sheet says (no xlwings: shared with the feedback copies) ---------------------
@dataclass(frozen=True)
class Link:
    """A cell of the findings table that jumps to the finding's cell: the only formula on the
    Validation sheet. Everything else on it is plain text."""

    sheet: str  # the sheet's name as it is in the workbook
    cell: str  # A1

    @property
    def formula(self) -> str:
        """HYPERLINK works in desktop Excel and Excel on the web."""
        target = "'" + self.sheet.replace("'", "''") + "'!" + self.cell
        return f'=HYPERLINK("#{target.replace(chr(34), chr(34) * 2)}","{self.cell}")'


COPY_NOTE = (
    "This is a copy the council made of the workbook you sent: make the changes in your own "
    "workbook, click Validate there, and send it again."
)
BUTTON_ADVICE = " When you have made changes, click Validate again."


def verdict(report: FileReport, when: datetime, settings: Settings | None = None, copy: bool = False) -> list[str]:
    """The header lines: verdict with counts and time; what to do next; in a feedback `copy`
    with findings, a line saying to fix your own workbook, not this copy (as the README tells
    senders); the council's rule settings the check applied (registration test, full time).
    Each short enough to print on the sheet's width."""
    errors, queries = len(report.errors), len(report.queries)
    counts = f"{counted(errors, 'error')} and {counted(queries, 'query')}"
    line = f"{report.status.upper()}: {counts}. Checked on {when:%d/%m/%Y at %H:%M}."
    if errors:
        advice = (
            "Errors (red) must be fixed before the council can accept this return. "
            "Queries (amber) must be fixed or explained when you send it."
        )
    elif queries:
        advice = "No errors. Queries (amber) must be fixed or explained when you send the return."
    else:
        advice = "Nothing to fix: you can send this return to the council."
    if errors or queries:
        advice += " Click a cell reference to go to it." + ("" if copy else BUTTON_ADVICE)
    note = [COPY_NOTE] if copy and (errors or queries) else []
    return [line, advice, *note, (settings or Settings()).rule_settings_line("short")]


def header_lines(lines: list[str], problems: list[str]) -> list[str]:
    """The sheet's first lines (A1 down): the verdict lines, then any cells that could not be
    coloured (an empty line when there were none)."""
    return [*lines, " ".join(problems)]


def sorted_findings(report: FileReport) -> list:
    """The findings in the table's order: errors first (the engine's order within each)."""
    return sorted(report.issues, key=lambda f: f.severity != ERROR)


def finding_rows(report: FileReport, names: Mapping[str, str]) -> list[list]:
    """The findings table under `FINDING_HEADERS`, one row per finding: plain text, and a
    `Link` in the Cell column when the finding has a cell on a sheet the workbook has.

    `names`: each sheet's name folded (`spec.fold`) -> its name in the workbook.
    Text is as found (no apostrophes): each writer makes sure none of it becomes a formula.
    """
    rows = []
    for f in sorted_findings(report):
        name = names.get(fold(f.sheet)) if f.sheet else None
        link = Link(name, f.cell) if name and f.cell else ""
        rows.append(
            [f.severity.capitalize(), f.code, f.sheet or "", link, f.column or "", display_value(f.value), f.message]
        )
    return rows


# ---- writing it through xlwings -------------------------------------------------------------
def write_header(sheet, lines: list[str], problems: list[str]) -> None:
    write_lines(sheet, header_lines(lines, problems))


def apply_looks(sheet, looks) -> None:
    """Fonts, fills and wrapping (`look.validation_looks`), through xlwings."""
    for look in looks:
        rng = sheet.range((look.first_row, look.first_col), (look.last_row, look.last_col))
        rng.font.name = look.font
        if look.bold:
            rng.font.bold = True
        if look.italic:
            rng.font.italic = True
        if look.size:
            rng.font.size = look.size
        if look.font_color:
            rng.font.color = look.font_color
        if look.fill:
            rng.color = look.fill
        if look.wrap:
            rng.wrap_text = True


def write_findings(book, sheet, report: FileReport) -> None:
    """One line per finding, errors first (the engine's order within each)."""
    sheet.range((TABLE_ROW, 1)).value = [list(FINDING_HEADERS)]
    for i, width in enumerate(FINDING_WIDTHS, start=1):
        sheet.range((TABLE_ROW, i)).column_width = width
    for i, width in enumerate(MARK_WIDTHS, start=MARKS_COLUMN):
        sheet.range((TABLE_ROW, i)).column_width = width
    if not report.issues:
        return
    rows = finding_rows(report, sheet_names(book))
    first, last = TABLE_ROW + 1, TABLE_ROW + len(rows)
    value_col = FINDING_HEADERS.index("Value") + 1
    sheet.range((first, value_col), (last, value_col)).number_format = "@"  # "01/02/2024" stays text
    sheet.range((first, 1)).value = [[v.formula if isinstance(v, Link) else safe_text(v) for v in row] for row in rows]
