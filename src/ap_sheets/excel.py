"""The Validate and Summary buttons: Python that runs inside the user's Excel, via xlwings.

The VBA behind the buttons (macros/APSheets.bas) calls `validate()` or `summary()` with
xlwings' RunPython. Each reads the known sheets of the workbook into a `RawWorkbook` (the
same grids `read.read_workbook` makes from a file), checks it with the engine
(`validate.check_workbook`) and writes back:

- Validate: a "Validation" sheet (made or cleared each time) with the verdict and one line
  per finding, each linked to its cell; and the cells at fault filled (one colour for
  errors, one for queries). The filled cells are listed on the Validation sheet, with the
  fill each had before, so the next check can put them back first. Nothing else in the
  user's sheets changes.
- Summary: a "Summary" sheet with the return's figures (`figures.return_figures`) and charts.

Handlers take an `xlwings.Book` and use only xlwings' public API, so they run on the
desktop engine (Windows, macOS) and, in tests, on xlwings' remote engine. A clerk never
sees a traceback: a failure becomes a plain message on the sheet, and the technical detail
goes to a log file (`log_dir()`) without any cell values.
"""
from __future__ import annotations

import os
import re
import sys
import traceback
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .figures import NOT_RECORDED, return_figures
from .findings import FileReport, display_value
from .read import RawSheet, RawWorkbook, read_meta, wanted_sheets
from .safety import LIMITS
from .spec import ERROR, KINDS, META_SHEET, fold
from .spec import codes as C
from .validate import check_workbook

VALIDATION_SHEET = "Validation"
SUMMARY_SHEET = "Summary"
ERROR_FILL = "#FFC7CE"  # Excel's own "Bad" red
QUERY_FILL = "#FFEB9C"  # Excel's own "Neutral" amber
FINDING_HEADERS = ("Severity", "Rule", "Sheet", "Cell", "Column", "Value", "Message")
FINDING_WIDTHS = (9, 7, 14, 8, 26, 18, 100)
MARK_HEADERS = ("Marked sheet", "Marked cell", "Fill before")
TABLE_ROW = 5  # Excel row of the findings table's headings; the marks list sits beside it
MARKS_COLUMN = len(FINDING_HEADERS) + 3  # 1-based: J, after a gap column
LOG_ENV = "AP_SHEETS_LOG_DIR"
LOG_FILE = "excel-buttons.log"
LOG_MAX_BYTES = 1_000_000
_A1 = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


# ---------------------------------------------------------------- entry points (RunPython)

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
        sys.stderr.write(f"ap-sheets could not reach this workbook from Python, so the {button} button "
                         f"did nothing. Save the workbook, close Excel, open the workbook again and "
                         f"click {button} once more.{_log_hint(log)}\n")
        raise SystemExit(1) from None


# ---------------------------------------------------------------- reading

def read_book(book) -> RawWorkbook:
    """The sheets ap-sheets knows, from a live workbook, as `read.read_workbook` gives them
    from a file: plain grids from A1 (rows[0] is Excel row 1), and the meta sheet's pairs."""
    wanted = {fold(name) for name in wanted_sheets()}
    sheets = {s.name.strip(): RawSheet(s.name.strip(), sheet_grid(s))
              for s in book.sheets if fold(s.name.strip()) in wanted}
    return RawWorkbook(source=book.name, sheets=sheets, meta=read_meta(sheets.get(META_SHEET)))


def sheet_grid(sheet) -> list[list]:
    """Values from A1 to the end of the used range, within the area the file reader reads
    (`safety.LIMITS`: rows and columns).

    xlwings gives what `values.normalise` reads: dates as datetime (the remote engine turns
    the ISO text its clients send into datetime too), numbers as float, blanks as None.
    """
    last = sheet.used_range.last_cell
    rows, cols = min(last.row, LIMITS.rows), min(last.column, LIMITS.columns)
    return sheet.range((1, 1), (rows, cols)).options(ndim=2).value


def find_sheet(book, name: str):
    """The sheet called `name` (case and outer spaces ignored), or None."""
    return next((s for s in book.sheets if fold(s.name.strip()) == fold(name)), None)


def sheet_names(book) -> dict[str, str]:
    """Each sheet's name as findings give it (folded) -> its name in the workbook, read once
    (on the desktop every name is a call to Excel)."""
    return {fold(s.name.strip()): s.name for s in book.sheets}


# ---------------------------------------------------------------- Validate

@dataclass(frozen=True)
class Mark:
    sheet: str  # the sheet's name in the workbook
    cell: str  # A1
    fill: str | None  # ERROR_FILL or QUERY_FILL (None for a mark read back from the list)
    before: str | None = None  # "#RRGGBB" the cell had before marking, None for no fill


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
    counts = f"{_count(errors, 'error')} and {_count(queries, 'query')}"
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
                     _as_text(display_value(f.value)), _as_text(f.message)])
    sheet.range((first, 1)).value = rows


def marks_for(book, report: FileReport) -> list[Mark]:
    """The cells to fill, one mark per cell (an error outranks a query), with each cell's
    fill as it is now, read before it is marked."""
    names = sheet_names(book)
    fills: dict[tuple[str, str], str] = {}
    for f in report.issues:
        name = names.get(fold(f.sheet)) if f.sheet and f.cell else None
        if name is None:
            continue
        key = (name, f.cell)
        if f.severity == ERROR or key not in fills:
            fills[key] = ERROR_FILL if f.severity == ERROR else QUERY_FILL
    return [Mark(name, cell, fill, _fill_of(book.sheets[name].range(cell)))
            for (name, cell), fill in fills.items()]


def write_marks(sheet, marks: list[Mark]) -> None:
    """The list the next check reads to put the cells back (`read_marks`)."""
    rows = [list(MARK_HEADERS)] + [[m.sheet, m.cell, m.before or ""] for m in marks]
    sheet.range((TABLE_ROW, MARKS_COLUMN), (TABLE_ROW + len(rows) - 1, MARKS_COLUMN + 2)).number_format = "@"
    sheet.range((TABLE_ROW, MARKS_COLUMN)).value = rows
    sheet.range((TABLE_ROW, MARKS_COLUMN), (TABLE_ROW, MARKS_COLUMN + 2)).font.bold = True
    sheet.range((TABLE_ROW - 1, MARKS_COLUMN)).value = (
        "Cells coloured by Validate. It uses this list to remove the colours next time: please leave it.")


def read_marks(sheet) -> list[Mark]:
    """Marks listed on a Validation sheet by an earlier check (none if there is no list)."""
    if sheet is None:
        return []
    grid = sheet_grid(sheet)
    c = MARKS_COLUMN - 1
    heads = [tuple(_cell(row, c + i) for i in range(3)) for row in grid]
    try:
        start = heads.index(MARK_HEADERS) + 1
    except ValueError:
        return []
    marks = []
    for name, cell, before in heads[start:]:
        if not name:
            break
        cell = str(cell or "").upper()
        if _A1.match(cell):
            marks.append(Mark(str(name), cell, None, before if before and _HEX.match(str(before)) else None))
    return marks


def restore(book, marks: list[Mark], problems: list[str]) -> None:
    """Put back the fill each marked cell had before it was marked."""
    _fill_cells(book, [(m.sheet, m.cell, m.before) for m in marks], problems, "cleared")


def apply(book, marks: list[Mark], problems: list[str]) -> None:
    _fill_cells(book, [(m.sheet, m.cell, m.fill) for m in marks], problems, "coloured")


def _fill_cells(book, fills: list[tuple[str, str, str | None]], problems: list[str], done: str) -> None:
    """Fill cells sheet by sheet; a sheet that refuses (protected, renamed) is named in
    `problems` and the rest go on."""
    by_sheet: dict[str, list[tuple[str, str | None]]] = {}
    for name, cell, fill in fills:
        by_sheet.setdefault(name, []).append((cell, fill))
    for name, cells in by_sheet.items():
        target = find_sheet(book, name)
        if target is None:
            continue  # the sheet has gone: nothing to put back
        try:
            for cell, fill in cells:
                target.range(cell).color = fill
        except Exception as exc:
            log_failure(f"Validate: fill cells on a sheet ({done})", exc)
            problems.append(f"Some cells on the {name} sheet could not be {done} (is the sheet protected?). "
                            "The problems are still listed below.")


def _fill_of(rng) -> str | None:
    """A cell's fill as "#RRGGBB", or None for none. Engines that cannot read fills (the
    remote engine) give None, so the cell is later cleared to no fill. A fill in one of our
    own mark colours is a mark whose list was lost, so it counts as no fill too."""
    try:
        color = rng.color
    except NotImplementedError:
        return None
    if color is None:
        return None
    value = color if isinstance(color, str) else "#{:02X}{:02X}{:02X}".format(*color)
    return None if value.upper() in (ERROR_FILL, QUERY_FILL) else value.upper()


def _link(sheet_name: str, cell: str) -> str:
    """A formula that jumps to the cell; HYPERLINK works in desktop Excel and Excel on the web."""
    target = "'" + sheet_name.replace("'", "''") + "'!" + cell
    return f'=HYPERLINK("#{target.replace(chr(34), chr(34) * 2)}","{cell}")'


# ---------------------------------------------------------------- Summary

@dataclass
class Block:
    """A titled table on the Summary sheet: rows of [label, value, ...]."""

    title: str
    rows: list[list]
    header: bool = False  # the first row holds column headings
    chart: str | None = None  # xlwings chart type to draw from this table


def summary_book(book, now: datetime | None = None) -> dict | None:
    """Show the return's figures on the Summary sheet. Returns the figures, or None when
    the workbook could not be summarised (the sheet then says why)."""
    try:
        checked = check_workbook(read_book(book))
        sheet = fresh_sheet(book, SUMMARY_SHEET)
        when = now or datetime.now()
        if checked.ret is None:
            reason = checked.report.issues[0].message if checked.report.issues else ""
            write_lines(sheet, ["Summary", f"This workbook cannot be summarised. {reason}"])
            sheet.activate()
            return None
        figures = return_figures(checked.ret)
        blocks = summary_blocks(figures)
        positions = write_blocks(sheet, blocks, first_row=5)
        notes = draw_charts(sheet, blocks, positions)
        write_lines(sheet, summary_heading(figures, checked.report, when) + [" ".join(notes)])
        sheet.activate()
        return figures
    except Exception as exc:
        show_failure(book, SUMMARY_SHEET, "Summary", exc)
        return None


def summary_heading(figures: dict, report: FileReport, when: datetime) -> list[str]:
    kind = KINDS[figures["kind"]]
    who = figures.get("provider_name") or figures.get("school_name") or "(name not given)"
    term = figures["term"] or "term not given"
    errors, queries = len(report.errors), len(report.queries)
    state = ("It has no errors or queries." if not errors + queries else
             f"It has {_count(errors, 'error')} and {_count(queries, 'query')}: click Validate to see them. "
             "Values that could not be read are counted as Not recorded.")
    return [f"Summary: {kind.title}", f"{who}, {term}. Made on {when:%d/%m/%Y at %H:%M}. {state}"]


def summary_blocks(figures: dict) -> list[Block]:
    """The Summary sheet's tables, from `figures.return_figures`."""
    if figures["kind"] == "provider-return":
        return _provider_blocks(figures)
    return _school_blocks(figures)


def _provider_blocks(f: dict) -> list[Block]:
    att, notes = f["attendance"], f["notifications"]
    ratings = f["ratings"]
    keys = ("engagement", "progress_towards_outcomes", "progress_in_learning")
    rating_rows = [[_rating_label(code, C.ENGAGEMENT, C.PROGRESS)] + [ratings[k].get(code, 0) for k in keys]
                   for code in _codes_in(*(ratings[k] for k in keys))]
    return [
        Block("Children", [["Children (each counted once)", f["children"]],
                           ["Rows on the Pupils sheet", f["pupil_rows"]],
                           ["With an EHC plan", f["with_ehcp"]],
                           ["Looked after", f["looked_after"]]]),
        Block("Attendance", [["Sessions possible", att["sessions_possible"]],
                             ["Sessions attended", att["sessions_attended"]],
                             ["Sessions of authorised absence", att["sessions_authorised_absence"]],
                             ["Attendance % (sessions attended / possible)", _pct(att["attendance_pct"])]]),
        _distribution("Placements by commissioner type", "Commissioner type", f["by_commissioner_type"]),
        _distribution("Placements by reason", "Placement reason", f["by_placement_reason"],
                      chart="bar_clustered"),
        Block("Progress ratings",
              [["Rating", "Engagement", "Progress towards outcomes", "Progress in learning"]] + rating_rows,
              header=True, chart="column_clustered"),
        Block("Ended placements", [["Placements ended by the end of term", f["ended_placements"]]]),
        _distribution("Destinations of ended placements", "Destination", f["destinations"]),
        Block("Notifications", [["Events reported", notes["total"]],
                                ["On time (everyone told on the day)", notes["on_time"]],
                                ["Late, or someone not told", notes["late_or_missing"]]]),
        _distribution("Notifications by event", "Event type", notes["by_event_type"]),
    ]


def _school_blocks(f: dict) -> list[Block]:
    reg, att = f["provider_registered"], f["attendance"]
    return [
        Block("Placements", [["Placements", f["placements"]],
                             ["Children (each counted once)", f["children"]],
                             ["With an EHC plan", f["with_ehcp"]],
                             ["Looked after", f["looked_after"]]]),
        Block("Providers", [["Placements with registered providers", reg["registered"]],
                            ["Placements with unregistered providers", reg["unregistered"]]]
              + ([["Provider registered not recorded", reg[NOT_RECORDED]]] if reg[NOT_RECORDED] else [])),
        _distribution("Placements by provider", "Provider", f["by_provider"], chart="bar_clustered"),
        _distribution("Placements by reason", "Placement reason", f["by_placement_reason"]),
        Block("Attendance", [["Placements with attendance recorded", att["placements_with_attendance"]],
                             ["Average attendance %", _pct(att["average_attendance_pct"])]]),
        _distribution("Progress ratings", "Rating",
                      {_rating_label(k, C.PROGRESS): n for k, n in f["progress"].items()}, chart="column_clustered"),
        Block("Ended placements", [["Placements ended by the end of term", f["ended_placements"]]]),
        _distribution("Destinations of ended placements", "Destination", f["destinations"]),
    ]


def _distribution(title: str, label: str, counts: dict, chart: str | None = None) -> Block:
    return Block(title, [[label, "Placements" if label != "Event type" else "Notifications"]]
                 + [[k, n] for k, n in counts.items()], header=True, chart=chart)


def _codes_in(*counts: dict) -> list[str]:
    """Rating codes in order, with Not recorded last if any table has it."""
    return list(C.PROGRESS.codes) + ([NOT_RECORDED] if any(NOT_RECORDED in c for c in counts) else [])


def _rating_label(code: str, *lists: C.CodeList) -> str:
    """'1 Not engaged / Not on track': the code with its words from the rating lists (words,
    so that a chart takes the labels as categories, not as numbers to plot)."""
    words = []
    for codes in lists:
        label = codes.labels.get(code)
        if label and label not in words:
            words.append(label)
    return f"{code} {' / '.join(words)}" if words else code


def _pct(value) -> object:
    return value if value is not None else "not available"


def write_blocks(sheet, blocks: list[Block], first_row: int) -> list[tuple[int, int]]:
    """Write the tables one under another in one go; returns each table's (first, last) row
    (headings included, title excluded)."""
    grid: list[list] = []
    positions, titles, headings = [], [], []
    width = max(len(r) for b in blocks for r in b.rows)
    for block in blocks:
        titles.append(first_row + len(grid))
        grid.append([block.title])
        start = first_row + len(grid)
        if block.header:
            headings.append((start, len(block.rows[0])))
        grid += [[_as_text(v) for v in row] for row in block.rows]
        positions.append((start, first_row + len(grid) - 1))
        grid.append([])
    grid = [row + [None] * (width - len(row)) for row in grid[:-1]]
    sheet.range((first_row, 1)).value = grid
    for row in titles:
        sheet.range((row, 1)).font.bold = True
    for row, cols in headings:
        sheet.range((row, 1), (row, cols)).font.bold = True
    sheet.range((first_row, 1)).column_width = 44
    for col in range(2, width + 1):
        sheet.range((first_row, col)).column_width = 16
    return positions


CHART_COLUMN = 7  # charts sit from column G, beside the tables
CHART_SIZE = (440, 250)  # points
CHART_ROWS = 18  # rows from one chart's top to the next


def draw_charts(sheet, blocks: list[Block], positions: list[tuple[int, int]]) -> list[str]:
    """Draw a chart for each block that asks for one; returns notes for the user (empty
    when all went well). Some engines cannot add charts: then the figures stand alone."""
    width, height = CHART_SIZE
    top = 5
    for block, (first, last) in zip(blocks, positions):
        if block.chart is None:
            continue
        cols = len(block.rows[0])
        try:
            chart = sheet.charts.add(chart_type=block.chart, name=block.title, width=width, height=height,
                                     anchor=sheet.range((top, CHART_COLUMN)),
                                     source=sheet.range((first, 1), (last, cols)))
            chart.title = block.title
        except Exception as exc:
            log_failure("Summary: draw a chart", exc)
            return ["The charts could not be drawn in this version of Excel; the figures below are complete."]
        top += CHART_ROWS
    return []


def write_lines(sheet, lines: list[str]) -> None:
    sheet.range((1, 1)).value = [[_as_text(line)] for line in lines]
    sheet.range((1, 1)).font.bold = True


# ---------------------------------------------------------------- sheets, failures, logs

def fresh_sheet(book, name: str):
    """The sheet `name`, emptied (values, formats and charts), or a new one at the end."""
    sheet = find_sheet(book, name)
    if sheet is None:
        return book.sheets.add(name=name, after=book.sheets[len(book.sheets) - 1])
    sheet.clear()
    for chart in list(sheet.charts):
        chart.delete()
    return sheet


def show_failure(book, sheet_name: str, button: str, exc: BaseException) -> None:
    """Tell the clerk, on the button's sheet, that it did not work and what to do.

    The findings area is emptied (old findings would mislead), but the marks list beside
    it is kept, so the next check still removes the old colours.
    """
    log = log_failure(button, exc)
    message = (f"Sorry: {button} could not finish, because of a problem in ap-sheets rather than in your "
               f"entries. Save the workbook, close Excel, open it again and click {button} once more. "
               f"If this message comes back, send the workbook to the council's AP team as it is."
               f"{_log_hint(log)}")
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
            log.write(f"{datetime.now():%Y-%m-%d %H:%M:%S} {action}: {type(exc).__module__}."
                      f"{type(exc).__qualname__}\n{frames}\n")
        return path
    except Exception:
        return None


def _log_hint(log: Path | None) -> str:
    return f" (Details for IT, with no pupil data, are in {log}.)" if log else ""


def _count(n: int, word: str) -> str:
    plural = "queries" if word == "query" else word + "s"
    return f"{n} {word if n == 1 else plural}"


def _cell(row: list, i: int):
    v = row[i] if i < len(row) else None
    return v.strip() if isinstance(v, str) else v


def _as_text(value):
    """Text that Excel must not take for a formula (a leading =, +, - or @) gets a leading
    apostrophe, which Excel hides; other values pass through."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
