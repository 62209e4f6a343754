"""The Validate and Summary buttons: Python that runs inside the user's Excel, via xlwings.

The VBA behind the buttons (macros/APSheets.bas) calls `validate()` or `summary()` with
xlwings' RunPython. Each reads the known sheets of the workbook into a `RawWorkbook` (the
same grids `read.read_workbook` makes from a file), checks it with the engine
(`validate.check_workbook`) and writes back:

- Validate: a "Validation" sheet (made or cleared each time) with the verdict and one line
  per finding, each linked to its cell; and the cells at fault filled (one colour for
  errors, one for queries). The filled cells are listed on the Validation sheet, with the
  fill each had before, so the next check can put them back first. Nothing else in the
  user's sheets changes. What the sheet says comes from plain functions of the report
  (`verdict`, `header_lines`, `finding_rows`, `mark_fills`, `mark_rows`), which the batch's
  feedback copies (`ap_sheets.feedback`, openpyxl) use too.
- Summary: a "Summary" sheet with the return's figures (`figures.return_figures`) and charts.

Handlers take an `xlwings.Book` and use only xlwings' public API, so they run on the
desktop engine (Windows, macOS) and, in tests, on xlwings' remote engine. A clerk never
sees a traceback: a failure becomes a plain message on the sheet, and the technical detail
goes to a log file (`log_dir()`) without any cell values.

One job a module: `buttons` (what RunPython calls), `book` (reading and writing sheets
through xlwings), `validation` (the Validate handler), `layout` (where things sit on the
Validation sheet), `marks` (filling cells and putting the fills back), `summary_sheet`
(the Summary handler and its charts), `summary_tables` (what the Summary shows), `failures`
(the clerk's message and the log) and `text` (cell text that is never a formula).
Everything the VBA and the tests use is importable from `ap_sheets.excel` itself.
"""

from __future__ import annotations

from .book import find_sheet, fresh_sheet, names_by_fold, read_book, sheet_grid, sheet_names, write_lines
from .buttons import summary, validate
from .failures import LOG_ENV, LOG_FILE, LOG_MAX_BYTES, log_dir, log_failure, show_failure
from .layout import (
    FINDING_HEADERS,
    FINDING_WIDTHS,
    MARK_HEADERS,
    MARKS_COLUMN,
    MARKS_NOTE,
    TABLE_ROW,
    VALIDATION_SHEET,
)
from .marks import (
    ERROR_FILL,
    QUERY_FILL,
    Mark,
    apply,
    before_fill,
    mark_fills,
    mark_rows,
    marks_for,
    marks_in_grid,
    read_marks,
    restore,
    write_marks,
)
from .summary_sheet import (
    CHART_COLUMN,
    CHART_ROWS,
    CHART_SIZE,
    SUMMARY_SHEET,
    draw_charts,
    summary_book,
    summary_heading,
    write_blocks,
)
from .summary_tables import Block, summary_blocks
from .validation import (
    Link,
    finding_rows,
    header_lines,
    sorted_findings,
    validate_book,
    verdict,
    write_findings,
    write_header,
)

__all__ = [
    "CHART_COLUMN",
    "CHART_ROWS",
    "CHART_SIZE",
    "ERROR_FILL",
    "FINDING_HEADERS",
    "FINDING_WIDTHS",
    "LOG_ENV",
    "LOG_FILE",
    "LOG_MAX_BYTES",
    "MARKS_COLUMN",
    "MARKS_NOTE",
    "MARK_HEADERS",
    "QUERY_FILL",
    "SUMMARY_SHEET",
    "TABLE_ROW",
    "VALIDATION_SHEET",
    "Block",
    "Link",
    "Mark",
    "apply",
    "before_fill",
    "draw_charts",
    "find_sheet",
    "finding_rows",
    "fresh_sheet",
    "header_lines",
    "log_dir",
    "log_failure",
    "mark_fills",
    "mark_rows",
    "marks_for",
    "marks_in_grid",
    "names_by_fold",
    "read_book",
    "read_marks",
    "restore",
    "sheet_grid",
    "sheet_names",
    "show_failure",
    "sorted_findings",
    "summary",
    "summary_blocks",
    "summary_book",
    "summary_heading",
    "validate",
    "validate_book",
    "verdict",
    "write_blocks",
    "write_findings",
    "write_header",
    "write_lines",
    "write_marks",
]
