"""Build the standard workbooks (macro-enabled .xlsm) from the spec, with XlsxWriter.

Everything a workbook holds comes from `ap_sheets.spec`: sheet names, headers, code lists,
types and help text. This module only decides how it looks and behaves in Excel:

- "Start here": title, plain-English instructions, what each sheet is for, and the
  Validate / Summary buttons (which call the VBA macros named below).
- Form sheets (one record): headings Item / Your answer / Notes; the spec header in
  column A, the answer in column B (the reader looks exactly there), help in column C.
- Table sheets: header row 1 as an Excel table (`tbl<Sheet>`), sized for the pre-filled
  records plus blank rows; the computed Attendance % as a calculated column.
- Data validation on every input cell, as *warnings* (the checker, not Excel, decides
  what is wrong: it forgives case and spaces, and users paste), with dropdowns drawn from
  the hidden "Lists" sheet through defined names (`list_<code list>`).
- A very hidden meta sheet with the kind and template version, and the same in custom
  document properties.

Builds are reproducible: the same kind and records give byte-identical files.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_range_abs
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from . import __version__
from .excel_config import CONF_SHEET, ServiceLink, xlwings_conf_notes, xlwings_conf_rows
from .spec import (
    KINDS,
    LISTS_SHEET,
    META_SHEET,
    START_SHEET,
    Column,
    Kind,
    Layout,
    Need,
    Sheet,
    ValueType,
    WorkbookKind,
)
from .spec.workbooks import AP_DIRECTORY, COMPLAINTS_SHEET, NOTIFICATIONS_SHEET, PLACEMENTS_SHEET, PUPILS_SHEET

VBA_PROJECT = Path(__file__).parent / "assets" / "vbaProject.bin"
VALIDATE_MACRO = "ValidateReturn"
SUMMARY_MACRO = "ShowSummary"

FORM_HEADINGS = ("Item", "Your answer", "Notes")
# Blank rows each table offers under any pre-filled records.
BLANK_ROWS = {
    PUPILS_SHEET.name: 150,
    PLACEMENTS_SHEET.name: 120,
    NOTIFICATIONS_SHEET.name: 100,
    COMPLAINTS_SHEET.name: 30,
    AP_DIRECTORY.sheet("Directory").name: 100,
}
DEFAULT_BLANK_ROWS = 100
VALIDATION_LAST_ROW = 2000  # Excel row: table validations reach at least this far
DATE_MIN, DATE_MAX = date(1950, 1, 1), date(2099, 12, 31)
DATE_FORMAT = "dd/mm/yyyy"
DATE_PROMPT = "Enter a date, e.g. 15/09/2024."
YN_LIST = ("Y/N", ("Y", "N"))
# Stored as text so Excel keeps leading zeros and never turns 2024/25 into a date.
TEXT_TYPES = frozenset({ValueType.UPN, ValueType.POSTCODE, ValueType.URN, ValueType.UKPRN, ValueType.ACADEMIC_YEAR})
# Tables with one row per child keep the UPN and name in view (frozen) while scrolling right.
FREEZE_THROUGH_KEY = "forename"
# A table of providers (the AP Directory) keeps the provider's ID and name in view instead.
FREEZE_THROUGH_PROVIDER = "provider_name"
# Column.computed templates name their inputs by placeholder; these are the column keys.
COMPUTED_INPUTS = {"possible": "sessions_possible", "attended": "sessions_attended"}
# Fixed creation date: documents get no build timestamp, so builds are byte-identical.
BUILD_DATE = datetime(2024, 9, 1)
TABLE_STYLE = "Table Style Medium 2"
PRINT_FIT_WIDTH = 200  # tables up to this many characters wide print on one page's width
BUTTONS = (
    (VALIDATE_MACRO, "Validate", "Check this workbook and list anything to fix"),
    (SUMMARY_MACRO, "Summary", "Show the main figures in this workbook"),
)
BUTTON_SIZE = (110, 30)  # pixels
# The AP Directory has no termly figures to summarise: its sheets carry the Validate button only.
VALIDATE_ONLY_SHEETS = frozenset(s.name for s in AP_DIRECTORY.sheets)

# Who fills each kind in, and when: the spec names the workbooks but not this.
WHO_AND_WHEN = {
    Kind.PROVIDER_RETURN: (
        "The alternative provision (AP) provider. Fill in one copy each term, for that term, "
        "and send it to the council by the date it gives you."
    ),
    Kind.SCHOOL_LOG: (
        "The school that commissions the AP placements (usually its AP lead or the school "
        "office). Keep it up to date as placements start and end, and send it to the "
        "council each term."
    ),
    "ap-directory": (
        "The council's AP quality-assurance officer. Keep one directory of every provider "
        "the council has checked, update it whenever a visit or a status changes, and load it "
        "into ap-sheets with the date it is correct at."
    ),
}

_INPUT_FILL = "#FFF9E5"
_COMPUTED_FILL = "#E7E6E6"
_HEADING_FILL = "#1F4E78"


# ---------------------------------------------------------------- public API


def build_workbook(
    kind: str,
    path,
    records: dict | None = None,
    vba_project: Path | None = None,
    settings=None,
    service: ServiceLink | None = None,
) -> Path:
    """Write a workbook of `kind` to `path` (.xlsm), optionally pre-filled with `records`.

    `settings` (ap_sheets.settings.Settings, from `--config`) is accepted for the council's
    rule settings; TODO(lead): say the registration test and full-time hours on the Start
    here sheet. Until then the workbook does not depend on it (same bytes as the committed
    templates).

    `records` is keyed by sheet name: a dict of column key -> value for a form sheet, a
    list of such dicts for a table sheet. Dates become real Excel dates; strings are
    written exactly as given (so tests can plant text dates and stray spaces); numbers as
    numbers; None leaves the cell blank. `settings` (the council's, optional) puts its name,
    the return deadline and how to send the return on Start here.
    With `service`, the buttons call the council's
    checking service (excel_config.ServiceLink) instead of Python on the user's computer.
    """
    spec = _kind(kind)
    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        raise ValueError(f"{path.name}: a workbook with macros must be saved as .xlsm")
    vba = Path(vba_project) if vba_project is not None else VBA_PROJECT
    if not vba.is_file():
        raise FileNotFoundError(f"VBA project not found: {vba} (run scripts/build_vba.py to build it from macros/)")
    records = _checked_records(spec, records or {})  # before any file is opened

    wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
    styles = _Styles(wb)
    _set_properties(wb, spec)
    wb.add_vba_project(str(vba))
    start = wb.add_worksheet(START_SHEET)
    data_sheets = {sheet.name: wb.add_worksheet(sheet.name) for sheet in spec.sheets}
    lists = _write_lists(wb, wb.add_worksheet(LISTS_SHEET), spec, styles)
    _write_meta(wb.add_worksheet(META_SHEET), spec, settings)
    _write_xlwings_conf(wb.add_worksheet(CONF_SHEET), service)
    _write_start(start, spec, styles, settings)
    for sheet in spec.sheets:
        if sheet.layout is Layout.FORM:
            _write_form(data_sheets[sheet.name], sheet, records.get(sheet.name, {}), styles, lists)
        else:
            _write_table(data_sheets[sheet.name], sheet, records.get(sheet.name, []), styles, lists)
    start.activate()
    wb.close()
    return path


def build_committed_templates(directory) -> list[Path]:
    """Write the blank standard workbooks (one per kind) into `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return [build_workbook(kind.kind, directory / kind.filename) for kind in KINDS.values()]


def table_name(sheet: Sheet) -> str:
    """Excel table name of a table sheet: Pupils -> tblPupils."""
    return "tbl" + re.sub(r"\W", "", sheet.name)


def list_name(title: str) -> str:
    """Defined name of a dropdown list: 'Sexual orientation' -> list_Sexual_orientation."""
    return "list_" + re.sub(r"[^A-Za-z0-9]+", "_", title).strip("_")


def column_width(column: Column) -> float:
    """The spec's width, or wider: a dropdown's longest value must show in full (plus room
    for the dropdown arrow)."""
    dropdown = dropdown_of(column)
    longest = max((len(v) for v in dropdown[1]), default=0) if dropdown else 0
    return max(column.width, longest + 3)


def dropdown_of(column: Column) -> tuple[str, tuple[str, ...]] | None:
    """(list title, values) of the dropdown a column offers, or None."""
    if column.type is ValueType.YN:
        return YN_LIST
    if column.codes is not None:
        return column.codes.name, tuple(column.codes.dropdown())
    return None


# ---------------------------------------------------------------- records


def _kind(kind: str) -> WorkbookKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown workbook kind {kind!r}; known: {', '.join(KINDS)}") from None


def _checked_records(spec: WorkbookKind, records: Mapping) -> dict:
    """Check pre-fill records against the spec; raise on unknown sheets, keys or types."""
    sheets = {s.name: s for s in spec.sheets}
    for name, data in records.items():
        if name not in sheets:
            raise KeyError(f"{spec.kind} has no sheet {name!r}; sheets: {', '.join(sheets)}")
        sheet = sheets[name]
        if sheet.layout is Layout.FORM:
            if not isinstance(data, Mapping):
                raise TypeError(f"records[{name!r}] must be one dict (a form sheet holds one record)")
            _check_record(sheet, data)
        else:
            if isinstance(data, (Mapping, str, bytes)):
                raise TypeError(f"records[{name!r}] must be a list of dicts (one per table row)")
            for record in data:
                _check_record(sheet, record)
    return dict(records)


def _check_record(sheet: Sheet, record: Mapping) -> None:
    keys = {c.key for c in sheet.columns}
    for key, value in record.items():
        if key not in keys:
            raise KeyError(f"sheet {sheet.name!r} has no column {key!r}")
        if sheet.column(key).computed is not None:
            raise ValueError(f"{sheet.name} column {key!r} is worked out by the workbook; do not pre-fill it")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float, date))):
            raise TypeError(
                f"{sheet.name} {key}: cannot write a {type(value).__name__} (use a date, str, int, float or None)"
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{sheet.name} {key}: {value} cannot be written to Excel (use None for blank)")


# ---------------------------------------------------------------- styles


class _Styles:
    """XlsxWriter formats, created once per distinct set of properties."""

    def __init__(self, wb: Workbook):
        self._wb = wb
        self._cache: dict = {}

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]

    def value(self, column: Column, value=None, form: bool = False):
        """Format of an input cell: number format by type (dates always dd/mm/yyyy)."""
        props = {"num_format": _num_format(column)}
        if isinstance(value, date):
            props["num_format"] = DATE_FORMAT
        if form:
            props.update(bg_color=_INPUT_FILL, border=1, border_color="#BFBFBF", align="left", valign="top")
        return self.get(**{k: v for k, v in props.items() if v is not None})

    def computed(self):
        return self.get(num_format="0.0%", bg_color=_COMPUTED_FILL, font_color="#404040")


def _num_format(column: Column) -> str | None:
    if column.type is ValueType.DATE:
        return DATE_FORMAT
    if column.type in TEXT_TYPES:
        return "@"
    if column.type is ValueType.PERCENT:
        return "0%"
    return None  # General: a "0" format would show a mistyped 2.5 as 3


def _row_height(texts_and_widths, line_height: float = 15.0) -> float | None:
    """Height that shows wrapped text in full; None when one line is enough.

    Excel does not grow rows for wrapped text written by XlsxWriter, so we estimate lines
    by word-wrapping at the column width (in characters).
    """
    lines = max((len(textwrap.wrap(text, max(int(width), 4))) or 1 for text, width in texts_and_widths), default=1)
    return None if lines <= 1 else lines * line_height + 3


# ---------------------------------------------------------------- workbook-level parts


def _set_properties(wb: Workbook, spec: WorkbookKind) -> None:
    wb.set_properties(
        {
            "title": spec.title,
            "subject": f"{spec.title}, template version {spec.version}",
            "author": "ap-sheets",
            "keywords": "alternative provision, AP, return",
            "comments": f"Made by ap-sheets {__version__}. Holds personal data about children.",
            "created": BUILD_DATE,
        }
    )
    wb.set_custom_property("ap_sheets_kind", spec.kind)
    wb.set_custom_property("ap_sheets_template_version", spec.version)


def _write_xlwings_conf(ws: Worksheet, service: ServiceLink | None = None) -> None:
    """How the buttons find Python. xlwings reads keys from A1 down (no gaps) and values in
    B, as text ("False" must stay text); C is a note for the user that xlwings ignores."""
    notes = xlwings_conf_notes(service)
    for row, (key, value) in enumerate(xlwings_conf_rows(service)):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, value)
        ws.write_string(row, 2, notes[key])
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 55)
    ws.set_column(2, 2, 90)
    ws.hide()  # IT unhides it (right-click a sheet tab > Unhide) to change where Python is


def _write_meta(ws: Worksheet, spec: WorkbookKind, settings=None) -> None:
    """Kind and version where a user will not edit them (read by `read.read_meta`), and the
    council's rule settings where they are not the defaults (the Validate button reads them)."""
    rules = list(settings.workbook_rules().items()) if settings is not None else []
    for row, (key, value) in enumerate(
        [("kind", spec.kind), ("template_version", spec.version), ("generator", f"ap-sheets {__version__}"), *rules]
    ):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, value)
    ws.very_hidden()


def _dropdowns(spec: WorkbookKind) -> dict[str, tuple[str, ...]]:
    """Every dropdown list the kind uses, by title, in order of first use."""
    found: dict[str, tuple[str, ...]] = {}
    for sheet in spec.sheets:
        for column in sheet.data_columns:
            dropdown = dropdown_of(column)
            if dropdown is None:
                continue
            title, values = dropdown
            if found.setdefault(title, values) != values:
                raise ValueError(f"two different code lists are both called {title!r}")
    return found


def _write_lists(wb: Workbook, ws: Worksheet, spec: WorkbookKind, styles: _Styles) -> dict[str, str]:
    """One column per dropdown list on the hidden Lists sheet; returns title -> defined name."""
    names: dict[str, str] = {}
    bold = styles.get(bold=True)
    text = styles.get(num_format="@")
    for col, (title, values) in enumerate(_dropdowns(spec).items()):
        ws.write_string(0, col, title, bold)
        for row, value in enumerate(values, start=1):
            _write_list_value(ws, row, col, value, text)
        ws.set_column(col, col, max(12, min(40, max(len(v) for v in values) + 2)))
        names[title] = list_name(title)
        ref = xl_range_abs(1, col, len(values), col)
        wb.define_name(names[title], f"={quote_sheetname(LISTS_SHEET)}!{ref}")
    ws.hide()
    return names


def _write_list_value(ws: Worksheet, row: int, col: int, value: str, text) -> None:
    """Digit codes (NC year 9, rating 3) as numbers, so a typed 9 matches the list; else text."""
    if value.isdigit():
        ws.write_number(row, col, int(value))
    else:
        ws.write_string(row, col, value, text)


def _insert_buttons(ws: Worksheet, row: int, col: int, stacked: bool, summary: bool = True) -> None:
    """Validate and Summary buttons anchored at (row, col): side by side, or one above the other
    (Validate alone without `summary`)."""
    width, height = BUTTON_SIZE
    for i, (macro, caption, description) in enumerate(BUTTONS if summary else BUTTONS[:1]):
        x, y = (0, 6 + i * (height + 8)) if stacked else (i * (width + 16), 3)
        ws.insert_button(
            row,
            col,
            {
                "macro": macro,
                "caption": caption,
                "description": description,
                "width": width,
                "height": height,
                "x_offset": x,
                "y_offset": y,
            },
        )


# ---------------------------------------------------------------- Start here


def _council_rows(settings) -> list[tuple[str, str]]:
    """The council's own lines on Start here (from its settings), when it gave them."""
    if settings is None:
        return []
    rows = []
    if settings.council_name:
        rows.append(("Council", settings.council_name))
    if settings.return_deadline:
        rows.append(("Send it by", settings.return_deadline))
    if settings.send_returns_to:
        rows.append(("How to send it", settings.send_returns_to))
    return rows


def _instructions(spec: WorkbookKind, settings=None) -> list[tuple[str, str]]:
    """(label, text) rows of the Start here sheet's instructions."""
    record = spec.sheet(spec.record_sheet)
    tables = [s.name for s in spec.sheets if s.layout is Layout.TABLE]
    computed = [c.header for s in spec.sheets for c in s.columns if c.computed]
    rows = [
        *_council_rows(settings),
        ("Who fills it in", WHO_AND_WHEN.get(spec.kind, "")),
        (
            "What to fill in",
            f"Start with the {record.name} sheet: one answer on each line, in the 'Your answer' "
            f"column. Then the {_and_list(tables)} sheet{'s' if len(tables) > 1 else ''}: one row "
            "at a time, starting in the row under the headings. 'The sheets' below says what "
            "each row is for.",
        ),
        (
            "Blank rows",
            "Blank rows are fine, in the middle or at the end: they are ignored. "
            "If you need more rows, just carry on typing below the last one.",
        ),
        (
            "Dates",
            "Type dates as day/month/year, e.g. 15/09/2024. Dates are always read the UK "
            "way round: 05/09/2024 is 5 September.",
        ),
        (
            "Codes",
            "Where a cell shows a dropdown arrow, pick from the list. You can also type "
            f"the code itself{_code_example(spec)}: capital letters and extra spaces do not matter.",
        ),
        ("Yes or no", "Where the answer is yes or no, type Y or N."),
        ("Numbers", "Type numbers as figures (e.g. 10, not 'ten')."),
        ("Not known?", "If something does not apply, leave it blank. The check tells you if a value is needed."),
    ]
    if computed:
        rows.append(
            (
                "Grey columns",
                f"{_and_list(computed)} is worked out for you from the other columns. Do not type in the grey cells.",
            )
        )
    rows += [
        (
            "Pasting",
            "You can paste from another spreadsheet. Use Paste Special > Values so the "
            "dropdowns and date formats stay in place.",
        ),
        (
            "Do not change",
            f"Do not rename or delete the sheets, and do not change the headings "
            f"or the labels in column A of the {record.name} sheet: the council's checker finds "
            "your answers by them.",
        ),
        (
            "Validate",
            "Click Validate (above, and on each sheet) to check your data. It lists "
            "anything to fix, with the sheet, row and cell. Errors must be fixed before the "
            + (
                "council can accept the return; queries must be fixed or explained."
                if spec.kind != AP_DIRECTORY.kind
                else "directory can be loaded and used; queries (such as a visit overdue) are for you to follow up."
            ),
        ),
        *(
            [("Summary", "Click Summary to see the main figures before you send the workbook.")]
            if spec.kind != AP_DIRECTORY.kind
            else []
        ),
        (
            "Buttons not working?",
            "The buttons use macros. If Excel shows a yellow bar saying "
            "macros are disabled, click Enable Content. Excel on the web cannot run them: you can "
            "still send the workbook, and the council checks every return.",
        ),
        (
            "Personal data",
            "This workbook holds personal data about children. Keep it on your "
            "organisation's secure systems, do not print or copy it more than you need to, and "
            "send it to the council only by the secure route the council gives you, never as an "
            "ordinary email attachment.",
        )
        if spec.kind != AP_DIRECTORY.kind
        else (
            "Keep it safe",
            "This workbook holds the council's quality-assurance records and providers' contact "
            "details. Keep it on the council's systems; schools see the results the council "
            "publishes, not this workbook.",
        ),
    ]
    return rows


def _code_example(spec: WorkbookKind) -> str:
    """' (e.g. E for EHC plan)' from the kind's first labelled code list, or ''."""
    for sheet in spec.sheets:
        for column in sheet.data_columns:
            code = _first_labelled_code(column)
            if code is not None and not column.codes.numeric:
                return f" (e.g. {code} for {column.codes.labels[code]})"
    return ""


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _write_start(ws: Worksheet, spec: WorkbookKind, styles: _Styles, settings=None) -> None:
    label_width, text_width = 22, 100
    ws.hide_gridlines(2)
    ws.set_tab_color("#548235")
    ws.set_column(0, 0, label_width)
    ws.set_column(1, 1, text_width)
    ws.set_column(2, 2, 4)
    ws.write_string(0, 0, spec.title, styles.get(bold=True, font_size=18, font_color=_HEADING_FILL))
    ws.set_row(0, 30)
    ws.write_string(
        1,
        0,
        f"Template version {spec.version}. Made by ap-sheets {__version__}.",
        styles.get(italic=True, font_color="#7F7F7F"),
    )
    ws.set_row(2, 40)
    _insert_buttons(ws, 2, 1, stacked=False, summary=spec.kind != AP_DIRECTORY.kind)

    label = styles.get(bold=True, valign="top", text_wrap=True)
    text = styles.get(valign="top", text_wrap=True)
    heading = styles.get(bold=True, font_size=13, font_color=_HEADING_FILL, bottom=2, bottom_color=_HEADING_FILL)
    row = 4
    ws.write_string(row, 0, "How to fill it in", heading)
    ws.write_blank(row, 1, None, heading)
    for name, words in _instructions(spec, settings):
        row += 1
        ws.write_string(row, 0, name, label)
        ws.write_string(row, 1, words, text)
        ws.set_row(row, _row_height([(name, label_width), (words, text_width)]))
    row += 2
    ws.write_string(row, 0, "The sheets", heading)
    ws.write_blank(row, 1, None, heading)
    link = styles.get(bold=True, underline=1, font_color="#0563C1", valign="top")
    for sheet in spec.sheets:
        row += 1
        ws.write_url(
            row,
            0,
            f"internal:{quote_sheetname(sheet.name)}!A1",
            link,
            string=sheet.name,
            tip=f"Go to the {sheet.name} sheet",
        )
        purpose = _plain(sheet.purpose)
        ws.write_string(row, 1, purpose, text)
        ws.set_row(row, _row_height([(purpose, text_width)]))
    ws.set_portrait()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)


# ---------------------------------------------------------------- validation

# References to the council's strategy (§8.4) mean nothing to a provider: hints leave them out.
_SECTION_REF = re.compile(r"\s*\((?:see )?§[^)]*\)|\s*§\d+(?:\.\d+)*[a-z]?(?:,\s*§\d+(?:\.\d+)*[a-z]?)*\.?")
# Codes a provider or school may not know, by column key: said in the column's prompt.
CODE_NOTES = {
    "sex": "M male, F female, U not known (as on the pupil's school record).",
    "ethnicity": "REFU: the family refused to say. NOBT: not yet obtained.",
    "placement_reason": "EOTAS: education otherwise than at school (arranged by the council). "
    "EHCP interim: a placement while an EHC plan is put in place.",
}
# Columns with no help of their own in the spec still get a prompt.
DEFAULT_HINTS = {
    "upn": "The pupil's UPN: 13 characters from their school record, as on the Pupils sheet.",
}


def _plain(text: str) -> str:
    """Help text without section references (and the spaces they leave)."""
    text = _SECTION_REF.sub("", text)
    return re.sub(r"\s+\.", ".", re.sub(r"\s{2,}", " ", text)).strip()


def _hint(sheet: Sheet, column: Column) -> str:
    """What a user sees for a column: the input message, header comment and form note. Plain
    words only: codes are explained, section references left out."""
    hint = _full_hint(sheet, column)
    return _plain(hint) if hint else DEFAULT_HINTS.get(column.key, "")


def _full_hint(sheet: Sheet, column: Column) -> str:
    if column.computed is not None:
        inputs = _and_list([sheet.column(k).header for k in COMPUTED_INPUTS.values()])
        return f"Worked out for you from {inputs}. Do not type here."
    parts = []
    if column.type is ValueType.DATE:
        parts.append(DATE_PROMPT)
        if column.help and not column.help.lower().startswith("a date"):
            parts.append(column.help)
    else:
        parts.append(_type_prompt(column))
        if column.help:
            parts.append(column.help)
    if column.key in CODE_NOTES and column.codes is not None:
        parts.append(CODE_NOTES[column.key])
    if column.need is Need.OPTIONAL:
        parts.append("Optional: leave blank if it does not apply.")
    elif column.need is Need.CONDITIONAL and not column.help:
        parts.append("Leave blank if it does not apply.")
    return " ".join(p for p in parts if p)


def _first_labelled_code(column: Column) -> str | None:
    codes = column.codes
    return next((c for c in codes.codes if c in codes.labels), None) if codes else None


def _list_error(column: Column) -> str:
    """Warning for a value not on the dropdown; typing just a code is fine, so say so."""
    code = _first_labelled_code(column)
    if code is not None:
        return (
            f"{column.header}: please pick from the dropdown. If you typed just the code "
            f"(e.g. {code}), that is fine: click Yes to keep it."
        )
    return (
        f"This is not on the list for {column.header}. Please pick from the dropdown, "
        "or click Yes to keep what you typed."
    )


def _type_prompt(column: Column) -> str:
    t = column.type
    if t is ValueType.YN:
        return "Type Y or N."
    if t is ValueType.CODE:
        code = _first_labelled_code(column)
        return f"Pick from the list, or type just the code (e.g. {code})." if code else "Pick from the list."
    if t is ValueType.WHOLE:
        return "A whole number, 0 or more."
    if t is ValueType.NUMBER:
        return "A number, 0 or more (decimals are fine)."
    if t is ValueType.PERCENT:
        return "A percentage, e.g. 85%."
    if t is ValueType.EMAIL:
        return "An email address."
    return ""


def _validation(sheet: Sheet, column: Column, lists: dict[str, str]) -> dict | None:
    """XlsxWriter data_validation options for a column's input cells (warnings only).

    None for free text with no help: there is nothing to check or say.
    """
    message = _hint(sheet, column)
    if len(message) > 255:
        raise ValueError(f"input message for {column.header!r} is over Excel's 255 characters")
    options = {
        "input_title": column.header[:32],
        "input_message": message,
        "error_type": "warning",
        "error_title": "Please check this value",
    }
    dropdown = dropdown_of(column)
    rule: dict
    if column.computed is not None:
        rule = {"validate": "any"}
    elif dropdown is not None:
        rule = {"validate": "list", "source": "=" + lists[dropdown[0]], "error_message": _list_error(column)}
    elif column.type is ValueType.DATE:
        rule = {
            "validate": "date",
            "criteria": "between",
            "minimum": DATE_MIN,
            "maximum": DATE_MAX,
            "error_message": f"{column.header} should be a date between 01/01/1950 and "
            "31/12/2099, e.g. 15/09/2024. Click Yes to keep it anyway.",
        }
    elif column.type is ValueType.WHOLE:
        rule = {
            "validate": "integer",
            "criteria": ">=",
            "value": 0,
            "error_message": f"{column.header} should be a whole number, 0 or more. Click Yes to keep it anyway.",
        }
    elif column.type is ValueType.NUMBER:
        rule = {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_message": f"{column.header} should be a number, 0 or more. Click Yes to keep it anyway.",
        }
    elif column.type is ValueType.PERCENT:
        rule = {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": 1,
            "error_message": f"{column.header} should be a percentage from 0% to 100%. Click Yes to keep it anyway.",
        }
    elif column.type in (ValueType.UPN, ValueType.URN, ValueType.UKPRN):
        length = {ValueType.UPN: 13, ValueType.URN: 6, ValueType.UKPRN: 8}[column.type]
        rule = {
            "validate": "length",
            "criteria": "==",
            "value": length,
            "error_message": f"A {column.type.value} has {length} characters. Click Yes to keep it anyway.",
        }
    elif message:
        rule = {"validate": "any"}  # free text: nothing to check, but a prompt helps
    else:
        return None
    return {**rule, **options}


def _validate(ws: Worksheet, cells: tuple[int, int, int, int], options: dict | None) -> None:
    if options is not None:
        ws.data_validation(*cells, options)


# ---------------------------------------------------------------- cells


def _write_value(ws: Worksheet, row: int, col: int, column: Column, value, fmt) -> None:
    """Write a pre-fill value with its real type (see build_workbook)."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, date):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    else:
        ws.write_number(row, col, value, fmt)


# ---------------------------------------------------------------- form sheets


def _write_form(ws: Worksheet, sheet: Sheet, record: Mapping, styles: _Styles, lists: dict[str, str]) -> None:
    """Headings in row 1; then one field per row: header (A), answer (B), notes (C)."""
    label_width = max(len(c.header) for c in sheet.data_columns) + 3
    answer_width = max(30, max(column_width(c) for c in sheet.data_columns))
    notes_width = 60
    ws.set_column(0, 0, label_width)
    ws.set_column(1, 1, answer_width)
    ws.set_column(2, 2, notes_width, styles.get(text_wrap=True, valign="top", font_color="#595959"))
    ws.set_column(3, 3, 18)
    heading = styles.get(bold=True, font_color="#FFFFFF", bg_color=_HEADING_FILL, valign="vcenter")
    ws.write_row(0, 0, FORM_HEADINGS, heading)
    ws.set_row(0, 22)
    label = styles.get(bold=True, valign="top")
    note = styles.get(text_wrap=True, valign="top", font_color="#595959")
    for row, column in enumerate(sheet.data_columns, start=1):
        value = record.get(column.key)
        ws.write_string(row, 0, column.header, label)
        _write_value(ws, row, 1, column, value, styles.value(column, value, form=True))
        notes = _hint(sheet, column)
        ws.write_string(row, 2, notes, note)
        ws.set_row(row, _row_height([(notes, notes_width)]) or 18)
        _validate(ws, (row, 1, row, 1), _validation(sheet, column, lists))
    ws.freeze_panes(1, 0)
    _insert_buttons(ws, 0, 3, stacked=True, summary=sheet.name not in VALIDATE_ONLY_SHEETS)
    ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


# ---------------------------------------------------------------- table sheets


def _structured_ref(table: str, header: str) -> str:
    """This-row reference to a column, Excel 2007 style (what Excel stores in the file)."""
    escaped = re.sub(r"(['#\[\]])", r"'\1", header)
    return f"{table}[[#This Row],[{escaped}]]"


def _computed_formula(sheet: Sheet, column: Column) -> str:
    refs = {name: _structured_ref(table_name(sheet), sheet.column(key).header) for name, key in COMPUTED_INPUTS.items()}
    return column.computed.format(**refs)


def _computed_value(column: Column, record: Mapping):
    """Cached result of the computed column for a pre-filled row ("" when it shows blank).

    Excel recalculates on opening; the cache is what file readers and previews see. It
    mirrors the one computed template the spec has (attended / possible, blank otherwise).
    """
    possible = record.get(COMPUTED_INPUTS["possible"])
    attended = record.get(COMPUTED_INPUTS["attended"])
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (possible, attended))
    if numbers and possible > 0 and math.isfinite(attended / possible):
        return attended / possible
    return ""


def _frozen_columns(sheet: Sheet) -> int:
    keys = [c.key for c in sheet.columns]
    for key in (FREEZE_THROUGH_KEY, FREEZE_THROUGH_PROVIDER):  # a child's name first, where there is one
        if key in keys:
            return keys.index(key) + 1
    return 0


def _write_table(ws: Worksheet, sheet: Sheet, rows: list[Mapping], styles: _Styles, lists: dict[str, str]) -> None:
    """Header row 1 as an Excel table sized for `rows` plus blank rows, then validations."""
    last_row = len(rows) + BLANK_ROWS.get(sheet.name, DEFAULT_BLANK_ROWS)  # 0-based
    header = styles.get(bold=True, text_wrap=True, valign="bottom")  # under the buttons
    columns = []
    for i, column in enumerate(sheet.columns):
        options = {"header": column.header, "header_format": header}
        if column.computed is not None:
            options.update(formula=_computed_formula(sheet, column), format=styles.computed())
            ws.set_column(i, i, column_width(column), styles.get(num_format="0.0%"))  # shade table cells only
        else:
            ws.set_column(i, i, column_width(column), styles.value(column))
        columns.append(options)
    ws.add_table(
        0, 0, last_row, len(columns) - 1, {"name": table_name(sheet), "columns": columns, "style": TABLE_STYLE}
    )
    _write_rows(ws, sheet, rows, styles)
    _write_computed_cache(ws, sheet, rows, last_row, styles)
    _annotate_headers(ws, sheet, header_height=_row_height([(c.header, column_width(c) - 3) for c in sheet.columns]))
    validation_last = max(VALIDATION_LAST_ROW - 1, last_row)
    for i, column in enumerate(sheet.columns):
        _validate(ws, (1, i, validation_last, i), _validation(sheet, column, lists))
    ws.freeze_panes(1, _frozen_columns(sheet))
    # The buttons sit at the top of the frozen header row, above the headings (which are
    # bottom-aligned), so they stay in view however far the sheet is scrolled.
    _insert_buttons(ws, 0, 0, stacked=False, summary=sheet.name not in VALIDATE_ONLY_SHEETS)
    _table_print_setup(ws, sheet)


def _table_print_setup(ws: Worksheet, sheet: Sheet) -> None:
    """Landscape A4 with the header row (and frozen name columns) on every page.

    Narrow tables fit the page width; wide ones (Pupils) would shrink unreadably, so they
    run across pages instead.
    """
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(0)
    frozen = _frozen_columns(sheet)
    if frozen:
        ws.repeat_columns(0, frozen - 1)
    if sum(c.width for c in sheet.columns) <= PRINT_FIT_WIDTH:
        ws.fit_to_pages(1, 0)


def _write_rows(ws: Worksheet, sheet: Sheet, rows: list[Mapping], styles: _Styles) -> None:
    positions = {c.key: i for i, c in enumerate(sheet.columns)}
    for r, record in enumerate(rows, start=1):
        for key, value in record.items():
            if value is not None:
                column = sheet.column(key)
                _write_value(ws, r, positions[key], column, value, styles.value(column, value))


def _write_computed_cache(ws: Worksheet, sheet: Sheet, rows: list[Mapping], last_row: int, styles: _Styles) -> None:
    """Rewrite computed cells with a cached result, so blank rows read as blank, not 0."""
    for i, column in enumerate(sheet.columns):
        if column.computed is None:
            continue
        formula = _computed_formula(sheet, column)
        for r in range(1, last_row + 1):
            record = rows[r - 1] if r <= len(rows) else {}
            ws.write_formula(r, i, formula, styles.computed(), _computed_value(column, record))


BUTTON_BAND = 30  # points at the top of a table's header row for the buttons (40 px)


def _annotate_headers(ws: Worksheet, sheet: Sheet, header_height: float | None) -> None:
    """Header comments carry each column's help (the input messages repeat it on the cells).
    The row is tall enough for the buttons' band above the headings."""
    ws.set_row(0, BUTTON_BAND + max(header_height or 0, 18))
    for i, column in enumerate(sheet.columns):
        hint = _hint(sheet, column)
        if hint:
            ws.write_comment(0, i, hint, {"author": "ap-sheets", "x_scale": 1.6, "y_scale": 1.2})
