"""When a button fails: a plain message for the clerk on the sheet, and the technical detail in a
log file that holds no cell values (so no pupil data)."""

from __future__ import annotations

import os
import sys
import traceback
from datetime import datetime
from pathlib import Path

from .book import find_sheet, fresh_sheet, write_lines
from .layout import FINDING_HEADERS, TABLE_ROW

LOG_ENV = "AP_SHEETS_LOG_DIR"
LOG_FILE = "excel-buttons.log"
LOG_MAX_BYTES = 1_000_000


def show_failure(book, sheet_name: str, button: str, exc: BaseException) -> None:
    """Tell the clerk, on the button's sheet, that it did not work and what to do.

    The findings area is emptied (old findings would mislead), but the marks list beside
    it is kept, so the next check still removes the old colours.
    """
    log = log_failure(button, exc)
    message = (
        f"Sorry: {button} could not finish, because of a problem in ap-sheets rather than in your "
        f"entries. Save the workbook, close Excel, open it again and click {button} once more. "
        f"If this message comes back, send the workbook to the council's AP team as it is."
        f"{log_hint(log)}"
    )
    try:
        sheet = find_sheet(book, sheet_name)
        if sheet is None:
            sheet = fresh_sheet(book, sheet_name)
        last = sheet.used_range.last_cell.row
        sheet.range((1, 1), (max(last, TABLE_ROW), len(FINDING_HEADERS))).clear_contents()
        write_lines(sheet, [f"{button} did not finish", message])
        sheet.activate()
    except Exception as second:
        log_failure(f"{button}: show the failure", second)
        try:
            book.app.alert(message, title="ap-sheets")
        except Exception as third:
            log_failure(f"{button}: alert", third)


def log_dir() -> Path:
    """Where failures are logged: $AP_SHEETS_LOG_DIR, else the user's usual log folder."""
    if os.environ.get(LOG_ENV):
        return Path(os.environ[LOG_ENV])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "ap-sheets" / "logs"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Logs" / "ap-sheets"
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "ap-sheets" / "logs"


def log_failure(action: str, exc: BaseException) -> Path | None:
    """Append the failure to the log: when, what, the exception's type and where in the code.

    The exception's message is left out on purpose: it can quote a cell's value, and the
    log must hold no pupil data. Returns the log's path, or None if it could not be written.
    """
    try:
        path = log_dir() / LOG_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > LOG_MAX_BYTES:
            path.replace(path.with_suffix(".log.1"))
        frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
        with path.open("a", encoding="utf-8") as log:
            log.write(
                f"{datetime.now():%Y-%m-%d %H:%M:%S} {action}: {type(exc).__module__}."
                f"{type(exc).__qualname__}\n{frames}\n"
            )
        return path
    except Exception:
        return None


def log_hint(log: Path | None) -> str:
    return f" (Details for IT, with no pupil data, are in {log}.)" if log else ""
