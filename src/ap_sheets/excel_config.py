"""What the workbooks' `xlwings.conf` sheet holds: how the Validate and Summary buttons find Python.

xlwings' VBA module (macros/xlwings.bas) reads its settings from a sheet named exactly
`xlwings.conf`: keys in column A from A1 down with no heading and no gaps, values in
column B, as text. It ignores column C, so the template can put a note for the user there.

Only settings with a value are listed. A key on the sheet overrides the same key in a
user's own xlwings config file, even when its value is blank, so a blank row would hide
a setting an IT team made for every workbook on a computer.

The interpreter paths are where docs/excel.md tells users to install ap-sheets, so a
workbook works as it comes; a user who installed Python elsewhere changes the path here.
A workbook made for the council's checking service has instead `Service_URL` (and, made for
one organisation, `Service_Key`): the buttons (macros/APSheets.bas) then send the workbook to
the service with xlwings' RunServerPython, and no Python is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

CONF_SHEET = "xlwings.conf"

_ROWS = (
    (
        "Interpreter_Win",
        r"%LOCALAPPDATA%\ap-sheets\venv\Scripts\python.exe",
        "Windows: the python.exe that has ap-sheets installed. If you installed it somewhere "
        "else, type its full path here.",
    ),
    (
        "Interpreter_Mac",
        "$HOME/ap-sheets/venv/bin/python",
        "Mac: the python that has ap-sheets installed. If you installed it somewhere else, type its full path here.",
    ),
    (
        "ADD_WORKBOOK_TO_PYTHONPATH",
        "False",
        "Leave as False: ap-sheets is installed, so Python does not need this workbook's "
        "folder (this also lets the buttons work on OneDrive and SharePoint).",
    ),
    ("Show Console", "False", "True shows a command window while the buttons run. Only for sorting out problems."),
)


@dataclass(frozen=True)
class ServiceLink:
    """The council's checking service, for buttons that call it (`ap-sheets template --config`
    with `service_url` set): its address, and the organisation's key when the workbook is made
    for one organisation (`--for ORG`)."""

    url: str
    key: str = ""


def _service_rows(service: ServiceLink) -> tuple:
    return (
        (
            "Service_URL",
            service.url.rstrip("/"),
            "The council's checking service: the Validate and Summary buttons send this workbook there "
            "to be checked, so nothing needs installing on this computer. Delete this row and the next "
            "to use Python installed on this computer instead.",
        ),
        (
            "Service_Key",
            service.key,
            "Your organisation's key for the checking service, from the council (type or paste it here "
            "if it is blank). Keep it to your organisation; if the buttons say the key is not accepted, "
            "ask the council's AP team.",
        ),
    )


def _rows(service: ServiceLink | None) -> tuple:
    return _ROWS if service is None else _service_rows(service)


def xlwings_conf_rows(service: ServiceLink | None = None) -> list[tuple[str, str]]:
    """(key, value) rows of the xlwings.conf sheet, in order, from A1 down; with `service`,
    the buttons call the checking service instead of local Python."""
    return [(key, value) for key, value, _ in _rows(service)]


def xlwings_conf_notes(service: ServiceLink | None = None) -> dict[str, str]:
    """A note for the user on each key, for column C (xlwings does not read it)."""
    return {key: note for key, _, note in _rows(service)}
