"""The Validate button: check the workbook, then write the Validation sheet (verdict and one
linked line per finding) and mark the cells at fault."""
from __future__ import annotations

from datetime import datetime

from ..findings import FileReport, display_value
from ..spec import ERROR, fold
from ..validate import check_workbook
from .book import find_sheet, fresh_sheet, read_book, sheet_names, write_lines
from .failures import show_failure
from .layout import FINDING_HEADERS, FINDING_WIDTHS, TABLE_ROW, VALIDATION_SHEET
from .marks import apply, marks_for, read_marks, restore, write_marks
from .text import as_text, counted


def validate_book(book, now: datetime | None = None) -> FileReport | None:
    """Check the workbook and show the findings (see the module doc). Returns the report,
    or None when the check failed (the sheet then says so)."""
    try:
        report = check_workbook(read_book(book)).report
        problems: list[str] = []
        restore(book, read_marks(find_sheet(book, VALIDATION_SHEET)), problems)
        marks = marks_for(book, report)
        sheet = fresh_sheet(book, VALIDATION_SHEET)
        write_findings(book, sheet, report)
        write_marks(sheet, marks)
        apply(book, marks, problems)
        write_header(sheet, verdict(report, now or datetime.now()), problems)
        sheet.activate()
        return report
    except Exception as exc:
        show_failure(book, VALIDATION_SHEET, "Validate", exc)
        return None


def verdict(report: FileReport, when: datetime) -> list[str]:
    """The two header lines: verdict with counts and time; what to do next."""
    errors, queries = len(report.errors), len(report.queries)
    counts = f"{counted(errors, 'error')} and {counted(queries, 'query')}"
    line = f"{report.status.upper()}: {counts}. Checked on {when:%d/%m/%Y at %H:%M}."
    if errors:
        advice = ("Errors (red) must be fixed before the council can accept this return. "
                  "Queries (amber) must be fixed or explained when you send it.")
    elif queries:
        advice = "No errors. Queries (amber) must be fixed or explained when you send the return."
    else:
        advice = "Nothing to fix: you can send this return to the council."
    if errors or queries:
        advice += " Click a cell reference to go to it. When you have made changes, click Validate again."
    return [line, advice]


def write_header(sheet, lines: list[str], problems: list[str]) -> None:
    write_lines(sheet, lines + [" ".join(problems)])


def write_findings(book, sheet, report: FileReport) -> None:
    """One line per finding, errors first (the engine's order within each)."""
    findings = sorted(report.issues, key=lambda f: f.severity != ERROR)
    sheet.range((TABLE_ROW, 1)).value = [list(FINDING_HEADERS)]
    sheet.range((TABLE_ROW, 1), (TABLE_ROW, len(FINDING_HEADERS))).font.bold = True
    for i, width in enumerate(FINDING_WIDTHS, start=1):
        sheet.range((TABLE_ROW, i)).column_width = width
    if not findings:
        return
    first, last = TABLE_ROW + 1, TABLE_ROW + len(findings)
    value_col = FINDING_HEADERS.index("Value") + 1
    sheet.range((first, value_col), (last, value_col)).number_format = "@"  # "01/02/2024" stays text
    names = sheet_names(book)
    rows = []
    for f in findings:
        name = names.get(fold(f.sheet)) if f.sheet else None
        link = _link(name, f.cell) if name and f.cell else ""
        rows.append([f.severity.capitalize(), f.code, f.sheet or "", link, f.column or "",
                     as_text(display_value(f.value)), as_text(f.message)])
    sheet.range((first, 1)).value = rows


def _link(sheet_name: str, cell: str) -> str:
    """A formula that jumps to the cell; HYPERLINK works in desktop Excel and Excel on the web."""
    target = "'" + sheet_name.replace("'", "''") + "'!" + cell
    return f'=HYPERLINK("#{target.replace(chr(34), chr(34) * 2)}","{cell}")'
