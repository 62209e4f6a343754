"""What the workbooks' `xlwings.conf` sheet holds: how the Validate and Summary buttons find Python.

xlwings' VBA module (macros/xlwings.bas) reads its settings from a sheet named exactly
`xlwings.conf`: keys in column A from A1 down with no heading and no gaps, values in
column B, as text. It ignores column C, so the template can put a note for the user there.

Only settings with a value are listed. A key on the sheet overrides the same key in a
user's own xlwings config file, even when its value is blank, so a blank row would hide
a setting an IT team made for every workbook on a computer.

The interpreter paths are where docs/excel.md tells users to install ap-sheets, so a
workbook works as it comes; a user who installed Python elsewhere changes the path here.
"""
from __future__ import annotations

CONF_SHEET = "xlwings.conf"

_ROWS = (
    ("Interpreter_Win", r"%LOCALAPPDATA%\ap-sheets\venv\Scripts\python.exe",
     "Windows: the python.exe that has ap-sheets installed. If you installed it somewhere "
     "else, type its full path here."),
    ("Interpreter_Mac", "$HOME/ap-sheets/venv/bin/python",
     "Mac: the python that has ap-sheets installed. If you installed it somewhere else, "
     "type its full path here."),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "False",
     "Leave as False: ap-sheets is installed, so Python does not need this workbook's "
     "folder (this also lets the buttons work on OneDrive and SharePoint)."),
    ("Show Console", "False",
     "True shows a command window while the buttons run. Only for sorting out problems."),
)


def xlwings_conf_rows() -> list[tuple[str, str]]:
    """(key, value) rows of the xlwings.conf sheet, in order, from A1 down."""
    return [(key, value) for key, value, _ in _ROWS]


def xlwings_conf_notes() -> dict[str, str]:
    """A note for the user on each key, for column C (xlwings does not read it)."""
    return {key: note for key, _, note in _ROWS}
