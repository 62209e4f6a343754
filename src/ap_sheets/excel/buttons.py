"""What the workbook's buttons call: `RunPython "import ap_sheets.excel as x; x.validate()"`
(and `x.summary()`), run inside the user's Excel on the workbook whose button was clicked."""

from __future__ import annotations

import sys

from .failures import log_failure, log_hint
from .summary_sheet import summary_book
from .validation import validate_book


def validate() -> None:
    """The Validate button: `RunPython "import ap_sheets.excel as x; x.validate()"`."""
    validate_book(_calling_book("Validate"))


def summary() -> None:
    """The Summary button: `RunPython "import ap_sheets.excel as x; x.summary()"`."""
    summary_book(_calling_book("Summary"))


def _calling_book(button: str):
    """The workbook whose button was clicked. If even that fails there is no sheet to write
    to: xlwings shows what Python wrote to stderr, so say it plainly there and stop."""
    try:
        import xlwings as xw

        return xw.Book.caller()
    except Exception as exc:
        log = log_failure(f"{button}: find the workbook", exc)
        sys.stderr.write(
            f"ap-sheets could not reach this workbook from Python, so the {button} button "
            f"did nothing. Save the workbook, close Excel, open the workbook again and "
            f"click {button} once more.{log_hint(log)}\n"
        )
        raise SystemExit(1) from None
