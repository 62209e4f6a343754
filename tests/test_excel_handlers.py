"""The Validate and Summary handlers, end to end on xlwings' remote engine (no Excel needed).

A return is filled into the real template (conftest's ReturnFiller), read back with
python-calamine, and turned into the JSON payload Excel's VBA client sends (xlwings'
Remote.bas: client, version, book, names, and each sheet's name, pictures, tables and
values from A1, dates as ISO text). `xw.Book(json=payload)` opens it; the handler runs; the
test reads the actions xlwings would send back to Excel (`book.json()["actions"]`).

`Client` plays Excel's part between runs: it applies the actions (values, new and cleared
sheets, fills) so that the next payload carries the previous Validation sheet, as it would
in Excel. The remote engine is xlwings PRO: tests use the published non-commercial key.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
import python_calamine

from ap_sheets import excel
from ap_sheets.cells import column_letters
from ap_sheets.excel import ERROR_FILL, QUERY_FILL, SUMMARY_SHEET, VALIDATION_SHEET
from ap_sheets.figures import return_figures
from ap_sheets.findings import FileReport, Finding
from ap_sheets.validate import check_file, check_workbook
from conftest import UPN1, UPN3, make_upn, placement, provider_return, pupil, school_log

xw = pytest.importorskip("xlwings")

NOW = datetime(2025, 1, 10, 9, 30)
BAD_UPN = "B801200005002"  # UPN1 with its last digit changed: the check letter no longer fits
BAD_UPN3 = UPN3[:-1] + str((int(UPN3[-1]) + 1) % 10)


# ---------------------------------------------------------------- the remote engine


@pytest.fixture(autouse=True)
def remote_engine(monkeypatch, tmp_path):
    """xlwings' remote engine with the non-commercial key; failure logs in tmp_path."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv(excel.LOG_ENV, str(tmp_path / "logs"))
    if "remote" not in [e.name for e in xw.engines]:  # xlwings was imported before the key was set
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))


def vba_json(value):
    """A cell value as Remote.bas sends it: dates as ISO text, blanks as null."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%dT00:00:00.000Z")
    if value == "":
        return None
    return value


def payload_from_file(path: Path) -> dict:
    """The request Excel's VBA client sends for this workbook (every worksheet, hidden too)."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in book.sheet_names:
        grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        sheets.append(
            {"name": name, "pictures": [], "tables": [], "values": [[vba_json(v) for v in row] for row in grid] or [[]]}
        )
    book.close()
    return {
        "client": "VBA",
        "version": xw.__version__,
        "book": {"name": path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


class Client:
    """Excel's side of the remote engine: holds the workbook, sends payloads, applies actions."""

    _LINK = re.compile(r'^=HYPERLINK\(".*","(.*)"\)$')

    def __init__(self, payload: dict):
        self.payload = payload
        self.fills: dict[tuple[str, str], str | None] = {}  # (sheet, A1) -> fill, as last set
        self.actions: list[dict] = []

    def click(self, handler, **kwargs):
        """Run a button's handler on the current workbook and apply what it sends back."""
        book = xw.Book(json=copy.deepcopy(self.payload))
        result = handler(book, now=NOW, **kwargs)
        self.actions = json.loads(json.dumps(book.json()["actions"]))  # as it goes over the wire
        for action in self.actions:
            self._apply(action)
        book.close()
        return result

    def sheet(self, name: str) -> list[list]:
        return next(s["values"] for s in self.payload["sheets"] if s["name"] == name)

    def set_value(self, sheet: str, cell: str, value) -> None:
        row, col = int(re.sub(r"[A-Z]", "", cell)), _col(cell)
        _put(self.sheet(sheet), row - 1, col - 1, vba_json(value))

    def actions_named(self, func: str) -> list[dict]:
        return [a for a in self.actions if a["func"] == func]

    def fill_actions(self) -> dict[tuple[str, str], str | None]:
        """(sheet, A1) -> fill set on the data sheets by the last click's actions, in order
        (the Validation sheet's own colours aside: `validation_fills`)."""
        names = [s["name"] for s in self.payload["sheets"]]
        return {
            (names[a["sheet_position"]], _a1(a["start_row"], a["start_column"])): a["args"][0]
            for a in self.actions_named("setRangeColor")
            if names[a["sheet_position"]] != VALIDATION_SHEET
        }

    def colour_actions(self) -> list[tuple[str, str | None]]:
        """(A1, fill) of each fill the last click set on a data sheet, in order."""
        names = [s["name"] for s in self.payload["sheets"]]
        return [
            (_a1(a["start_row"], a["start_column"]), a["args"][0])
            for a in self.actions_named("setRangeColor")
            if names[a["sheet_position"]] != VALIDATION_SHEET
        ]

    def validation_fills(self) -> dict[str, str]:
        """The Validation sheet's fills set by the last click: "A1:G1" -> colour."""
        names = [s["name"] for s in self.payload["sheets"]]
        return {
            f"{_a1(a['start_row'], a['start_column'])}:"
            f"{_a1(a['start_row'] + a['row_count'] - 1, a['start_column'] + a['column_count'] - 1)}": a["args"][0]
            for a in self.actions_named("setRangeColor")
            if names[a["sheet_position"]] == VALIDATION_SHEET
        }

    def _apply(self, a: dict) -> None:
        sheets = self.payload["sheets"]
        if a["func"] == "addSheet":
            position, name = a["args"]
            sheets.insert(position, {"name": name, "pictures": [], "tables": [], "values": [[]]})
        elif a["func"] == "sheetClear":
            sheets[a["sheet_position"]]["values"] = [[]]
        elif a["func"] in ("setValues", "rangeClearContents"):
            grid = sheets[a["sheet_position"]]["values"]
            r0, c0 = a["start_row"], a["start_column"]
            rows = a["values"] or [[None] * a["column_count"]] * a["row_count"]
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    _put(grid, r0 + i, c0 + j, self._shown(v))
        elif a["func"] == "setRangeColor":
            name = sheets[a["sheet_position"]]["name"]
            if name != VALIDATION_SHEET:
                self.fills[(name, _a1(a["start_row"], a["start_column"]))] = a["args"][0]

    def _shown(self, v):
        """What Excel shows, as the next payload carries it: a link's text, no apostrophe."""
        if isinstance(v, str):
            m = self._LINK.match(v)
            if m:
                return m.group(1)
            return v[1:] if v.startswith("'") else (v or None)
        return v


def _put(grid: list[list], r: int, c: int, v) -> None:
    while len(grid) <= r:
        grid.append([])
    width = max(len(grid[0]), c + 1)
    for row in grid:
        row.extend([None] * (width - len(row)))
    grid[r][c] = v


def _a1(row0: int, col0: int) -> str:
    return f"{column_letters(col0 + 1)}{row0 + 1}"


def _col(cell: str) -> int:
    n = 0
    for ch in re.sub(r"\d", "", cell):
        n = n * 26 + ord(ch) - 64
    return n


def client_for(filler, tmp_path, name="return.xlsm") -> tuple[Client, Path]:
    path = filler.save(tmp_path / name)
    return Client(payload_from_file(path)), path


def validation_table(client: Client) -> tuple[list[str], list[list]]:
    """The Validation sheet's header lines and its findings table (without headings)."""
    grid = client.sheet(VALIDATION_SHEET)
    header = [row[0] for row in grid[:3]]
    table = [row[:7] for row in grid[excel.TABLE_ROW :] if row and row[0]]
    return header, table


# ---------------------------------------------------------------- reading from Excel


@pytest.mark.parametrize("make", [provider_return, school_log])
def test_excel_reading_matches_file_reading(make, tmp_path):
    """The grids read through xlwings check exactly as the file does: same typed values."""
    filler = make()
    sheet = "Pupils" if filler.kind.kind == "provider-return" else "Placements"
    row = filler.add_row(
        sheet,
        {"upn": " b801200005001 ", "start_date": "15/09/2024", "date_of_birth": "2011-03-04", "surname": "Okafor"},
    )
    filler.set_cell(sheet, row, "end_date", "31/02/2024")  # not a date
    client, path = client_for(filler, tmp_path)
    raw = excel.read_book(xw.Book(json=client.payload))
    from ap_sheets.validate import check_workbook

    by_excel = check_workbook(raw).report
    by_file = check_file(path).report
    assert [f.to_json() for f in by_excel.issues] == [f.to_json() for f in by_file.issues]
    assert any(f.code == "R001" and f.cell.endswith(str(row)) for f in by_excel.issues)


@pytest.mark.parametrize("cell", ["A5003", "CD2"])
def test_excel_reading_reports_data_outside_the_area_read_as_the_file_does(cell, tmp_path):
    filler = provider_return()
    filler.book["Pupils"][cell] = "stray note"
    client, path = client_for(filler, tmp_path)
    by_excel = check_workbook(excel.read_book(xw.Book(json=client.payload))).report
    by_file = check_file(path).report
    assert [f.to_json() for f in by_excel.issues] == [f.to_json() for f in by_file.issues]
    assert [(f.code, f.sheet, f.cell) for f in by_excel.issues] == [("R004", "Pupils", cell)]


# ---------------------------------------------------------------- Validate


def test_bad_upn_is_listed_with_its_cell_and_only_that_cell_is_coloured(tmp_path):
    filler = provider_return()
    filler.set_cell("Pupils", 4, "upn", BAD_UPN3)  # Begum: no notification names her, so R010 alone
    client, _path = client_for(filler, tmp_path)
    report = client.click(excel.validate_book)

    assert [(f.code, f.cell) for f in report.issues] == [("R010", "A4")]
    header, table = validation_table(client)
    assert header[0] == "REJECTED: 1 error and 0 queries. Checked on 10/01/2025 at 09:30."
    assert len(table) == 1
    severity, code, sheet, cell, column, value, message = table[0]
    assert (severity, code, sheet, cell, column) == ("Error", "R010", "Pupils", "A4", "UPN")
    assert value == report.issues[0].value and "check letter" in message
    links = [
        v
        for a in client.actions_named("setValues")
        for row in a["values"]
        for v in row
        if isinstance(v, str) and v.startswith("=HYPERLINK")
    ]
    assert links == ['=HYPERLINK("#\'Pupils\'!A4","A4")']
    assert client.fill_actions() == {("Pupils", "A4"): ERROR_FILL}
    assert client.actions_named("sheetClear") == []  # first run: the sheet is new
    assert client.actions_named("addSheet")[0]["args"][1] == VALIDATION_SHEET


def saved_with_changed_macros(tmp_path) -> tuple[Path, Path]:
    """A clean provider return saved to disk, and a copy whose macros were changed."""
    import zipfile

    from test_hostile_files import replace_parts, tampered_vba

    clean = provider_return().save(tmp_path / "clean.xlsm")
    with zipfile.ZipFile(clean) as z:
        vba = z.read("xl/vbaProject.bin")
    changed = tmp_path / "changed.xlsm"
    changed.write_bytes(replace_parts(clean.read_bytes(), {"xl/vbaProject.bin": tampered_vba(vba, tmp_path)}))
    return clean, changed


def test_validate_checks_the_macros_of_the_saved_file(tmp_path):
    """Excel keeps its VBA from Python, so the button digests the saved file's macros (R060),
    read-only; Excel's COM and Mac engines give the saved file's full path as `fullname`."""
    clean, changed = saved_with_changed_macros(tmp_path)
    before = (changed.read_bytes(), changed.stat().st_mtime_ns)
    for path, codes in ((clean, []), (changed, ["R060"])):
        payload = payload_from_file(path)
        payload["book"]["name"] = str(path)  # the remote engine's fullname is the book's name
        report = Client(payload).click(excel.validate_book)
        assert [f.code for f in report.issues] == codes, path.name
    assert report.status == "accepted"  # a query: the return can still go to the council
    assert "macros are not the ones in the council's standard workbook" in report.issues[0].message
    assert (changed.read_bytes(), changed.stat().st_mtime_ns) == before  # read, never written


@pytest.mark.parametrize("fullname", ["changed.xlsm", "https://council.sharepoint.com/sites/ap/changed.xlsm"])
def test_without_a_saved_local_file_the_macro_check_is_left_to_the_council(fullname, tmp_path):
    _, changed = saved_with_changed_macros(tmp_path)
    payload = payload_from_file(changed)
    payload["book"]["name"] = fullname  # a book not saved, or open from the web: no file to read
    raw = excel.read_book(xw.Book(json=payload))
    assert raw.vba_digest is None
    assert check_workbook(raw).report.issues == []


def test_every_finding_cell_and_no_other_is_coloured_errors_outranking_queries(tmp_path):
    filler = school_log()
    filler.set_cell("Placements", 2, "dbs_confirmed", "N")  # R057 error
    filler.set_cell("Placements", 2, "reintegration_plan", "N")  # R053 query
    filler.set_cell("Placements", 3, "upn", BAD_UPN)  # R010 error
    client, _ = client_for(filler, tmp_path)
    report = client.click(excel.validate_book)

    cells = {(f.sheet, f.cell) for f in report.issues if f.cell}
    fills = client.fill_actions()
    assert set(fills) == cells
    for f in report.issues:
        want = ERROR_FILL if any(g.cell == f.cell and g.severity == "error" for g in report.issues) else QUERY_FILL
        assert fills[(f.sheet, f.cell)] == want
    letter = {c.key: column_letters(i + 1) for i, c in enumerate(filler.kind.sheet("Placements").columns)}
    assert fills[("Placements", f"{letter['reintegration_plan']}2")] == QUERY_FILL
    assert fills[("Placements", f"{letter['dbs_confirmed']}2")] == ERROR_FILL
    _header, table = validation_table(client)
    assert [row[0] for row in table] == sorted((row[0] for row in table), key=lambda s: s != "Error")
    assert table[-1][1] == "R053"


def test_clean_return_is_accepted_with_no_marks(provider_filler, tmp_path):
    client, _ = client_for(provider_filler, tmp_path)
    report = client.click(excel.validate_book)
    assert report.status == "accepted" and report.issues == []
    header, table = validation_table(client)
    assert header[0] == "ACCEPTED: 0 errors and 0 queries. Checked on 10/01/2025 at 09:30."
    assert header[1].startswith("Nothing to fix")
    assert table == []
    assert client.fill_actions() == {}  # no cell of the return is marked
    assert client.validation_fills()["A1:G1"] == "#C6EFCE"  # the verdict line is green


def test_running_again_clears_the_old_marks_first(tmp_path):
    filler = school_log()
    filler.set_cell("Placements", 3, "upn", BAD_UPN)
    filler.set_cell("Placements", 2, "reintegration_plan", "N")
    client, _ = client_for(filler, tmp_path)
    client.click(excel.validate_book)
    first = client.fill_actions()
    assert set(first.values()) == {ERROR_FILL, QUERY_FILL}

    # The clerk fixes the UPN (not the query) and clicks Validate again.
    client.set_value("Placements", "A3", make_upn(11))
    report = client.click(excel.validate_book)

    assert [f.code for f in report.issues] == ["R053"]
    colours = client.colour_actions()
    cleared = [cell for cell, fill in colours if fill is None]
    assert sorted(cleared) == sorted(cell for (_, cell) in first)  # every old mark, first
    assert colours[: len(cleared)] == [(c, None) for c in cleared]
    assert client.fills == {**{k: None for k in first}, **{k: v for k, v in first.items() if v == QUERY_FILL}}
    assert client.actions_named("sheetClear")  # the Validation sheet is reused, emptied
    header, _ = validation_table(client)
    assert header[0].startswith("ACCEPTED: 0 errors and 1 query.")

    # Fixed too: a third run removes the last mark and colours nothing.
    client.set_value("Placements", f"{_letter(filler, 'Placements', 'reintegration_plan')}2", "Y")
    client.click(excel.validate_book)
    assert set(client.fills.values()) == {None}
    assert all(fill is None for _, fill in client.colour_actions())
    assert client.validation_fills()["A1:G1"] == "#C6EFCE"  # accepted, nothing to fix: green


def _letter(filler, sheet: str, key: str) -> str:
    return column_letters([c.key for c in filler.kind.sheet(sheet).columns].index(key) + 1)


def test_a_workbook_that_is_not_a_return_is_rejected_without_marks(tmp_path):
    payload = {
        "client": "VBA",
        "version": xw.__version__,
        "book": {"name": "notes.xlsx", "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [{"name": "Sheet1", "pictures": [], "tables": [], "values": [["Hello"]]}],
    }
    client = Client(payload)
    report = client.click(excel.validate_book)
    assert report.status == "rejected" and [f.code for f in report.issues] == ["R004"]
    header, table = validation_table(client)
    assert header[0].startswith("REJECTED: 1 error")
    assert table[0][:4] == ["Error", "R004", None, None]
    assert client.fill_actions() == {}
    assert client.click(excel.summary_book) is None
    assert "cannot be summarised" in client.sheet(SUMMARY_SHEET)[1][0]


def test_a_failure_is_a_plain_message_and_the_log_holds_no_pupil_data(provider_filler, tmp_path, monkeypatch):
    client, _ = client_for(provider_filler, tmp_path)

    secret = f"{UPN1} {pupil()['surname']}"  # pupil data an error message might quote

    def broken(raw, settings=None):
        raise ValueError(secret)

    monkeypatch.setattr(excel.validation, "check_workbook", broken)
    assert client.click(excel.validate_book) is None
    grid = client.sheet(VALIDATION_SHEET)
    assert grid[0][0] == "Validate did not finish"
    assert grid[1][0].startswith("Sorry: Validate could not finish")
    everything = json.dumps(client.actions)
    assert "Traceback" not in everything and "ValueError" not in everything and "Okafor" not in everything
    log = (tmp_path / "logs" / excel.LOG_FILE).read_text()
    assert "ValueError" in log and "test_excel_handlers.py" in log
    assert "Okafor" not in log and UPN1 not in log


def test_a_failure_keeps_the_marks_list_so_the_next_run_can_clear(tmp_path, monkeypatch):
    filler = school_log()
    filler.set_cell("Placements", 3, "upn", BAD_UPN)
    client, _ = client_for(filler, tmp_path)
    client.click(excel.validate_book)
    monkeypatch.setattr(excel.validation, "check_workbook", lambda raw: 1 / 0)
    client.click(excel.validate_book)
    assert client.actions_named("setRangeColor") == []  # failed before touching the cells
    monkeypatch.undo()
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    client.set_value("Placements", "A3", make_upn(11))
    client.click(excel.validate_book)
    assert client.fills == {("Placements", "A3"): None}


# ---------------------------------------------------------------- Summary


def known_provider_return():
    """Four rows, three children (Okafor twice, placements not overlapping), a late notification,
    an open complaint (and the fixture's compliment)."""
    filler = provider_return()
    filler.add_row(
        "Pupils",
        pupil(
            start_date=date(2024, 11, 4),
            end_date=None,
            sessions_possible=40,
            sessions_attended=30,
            sessions_authorised=0,
            placement_reason="Other",
            commissioner_type="Parent",
            commissioner_urn=None,
            engagement=4,
            progress_outcomes=None,
            progress_learning=1,
        ),
    )
    filler.set_cell("Pupils", 2, "end_date", date(2024, 10, 31))
    filler.set_cell("Pupils", 2, "destination", "Returned to home school")
    filler.add_row(
        "Notifications",
        {
            "upn": UPN3,
            "event_type": "Suspension",
            "event_date": date(2024, 12, 2),
            "referrer_notified": date(2024, 12, 2),
            "school_notified": date(2024, 12, 3),
            "council_notified": date(2024, 12, 2),
            "parents_notified": date(2024, 12, 2),
        },
    )
    filler.add_row(
        "Complaints", {"date_received": date(2024, 11, 20), "kind": "Complaint", "category": "Communication"}
    )  # not yet resolved
    return filler


PROVIDER_FIGURES = {
    "kind": "provider-return",
    "term": "2024/25 Autumn",
    "provider_name": "Bright Futures Learning",
    "provider_id": "AP-0007",
    "pupil_rows": 4,
    "children": 3,
    "with_ehcp": 2,
    "looked_after": 1,
    "by_commissioner_type": {
        "School": 1,
        "LA SEND": 1,
        "LA Virtual School": 1,
        "LA Exclusions and Reintegration": 0,
        "LA Medical Needs": 0,
        "Parent": 1,
    },
    "by_placement_reason": {
        "Permanent exclusion": 0,
        "Suspension": 1,
        "At risk of exclusion": 0,
        "Medical or mental health": 1,
        "EHCP interim": 1,
        "EOTAS": 0,
        "Other": 1,
    },
    "attendance": {
        "sessions_possible": 380,
        "sessions_attended": 300,
        "sessions_authorised_absence": 40,
        "attendance_pct": 78.9,
    },
    "ratings": {
        "engagement": {"1": 0, "2": 0, "3": 3, "4": 1},
        "progress_towards_outcomes": {"1": 0, "2": 0, "3": 3, "4": 0, "Not recorded": 1},
        "progress_in_learning": {"1": 1, "2": 3, "3": 0, "4": 0},
    },
    "ended_placements": 2,
    "destinations": {
        "Returned to home school": 1,
        "New mainstream school": 0,
        "Special school": 1,
        "Further education": 0,
        "Apprenticeship or training": 0,
        "Employment": 0,
        "Another AP": 0,
        "NEET": 0,
        "Unknown": 0,
    },
    "notifications": {
        "total": 3,
        "on_time": 2,
        "late_or_missing": 1,
        "by_event_type": {
            "Non-attendance": 1,
            "Serious incident": 0,
            "Suspension": 1,
            "Permanent exclusion": 0,
            "Placement ended": 1,
            "Safeguarding concern": 0,
        },
    },
    "complaints": {"complaints": 1, "complaints_open": 1, "compliments": 1},
}


def test_provider_figures(tmp_path):
    checked = check_file(known_provider_return().save(tmp_path / "r.xlsm"))
    figures = return_figures(checked.ret)
    assert figures == PROVIDER_FIGURES
    assert json.loads(json.dumps(figures)) == figures  # plain JSON, as the batch report needs


def test_school_figures(tmp_path):
    filler = school_log()
    filler.add_row(
        "Placements",
        placement(
            upn=make_upn(12),
            surname="Ali",
            forename="Sara",
            provider_name="Green Shoots Farm",
            provider_id="AP-0012",
            provider_registered="N",
            provider_urn=None,
            hours_at_provider=10,
            attendance_pct=0.5,
            progress=None,
            placement_reason="Other",
        ),
    )
    checked = check_file(filler.save(tmp_path / "s.xlsm"))
    assert return_figures(checked.ret) == {
        "kind": "school-log",
        "term": "2024/25 Autumn",
        "school_name": "Northwood High School",
        "school_urn": "102345",
        "placements": 3,
        "children": 3,
        "with_ehcp": 1,
        "looked_after": 1,
        "by_provider": {"Green Shoots Farm": 2, "Bright Futures Learning": 1},
        "provider_registered": {"registered": 1, "unregistered": 2, "Not recorded": 0},
        "by_placement_reason": {
            "Permanent exclusion": 0,
            "Suspension": 1,
            "At risk of exclusion": 1,
            "Medical or mental health": 0,
            "EHCP interim": 0,
            "EOTAS": 0,
            "Other": 1,
        },
        "attendance": {"placements_with_attendance": 3, "average_attendance_pct": 72.0},
        "progress": {"1": 0, "2": 0, "3": 2, "4": 0, "Not recorded": 1},
        "ended_placements": 1,
        "destinations": {
            "Returned to home school": 1,
            "New mainstream school": 0,
            "Special school": 0,
            "Further education": 0,
            "Apprenticeship or training": 0,
            "Employment": 0,
            "Another AP": 0,
            "NEET": 0,
            "Unknown": 0,
        },
    }


def summary_values(client: Client) -> dict[str, object]:
    """Label -> value of every two-column line on the Summary sheet."""
    return {row[0]: row[1] for row in client.sheet(SUMMARY_SHEET) if len(row) > 1 and row[0] and row[1] is not None}


def test_summary_sheet_shows_the_figures_and_charts(tmp_path):
    client, _ = client_for(known_provider_return(), tmp_path)
    figures = client.click(excel.summary_book)
    assert figures == PROVIDER_FIGURES
    grid = client.sheet(SUMMARY_SHEET)
    assert grid[0][0] == "Summary: AP provider termly return"
    assert grid[1][0].startswith("Bright Futures Learning, 2024/25 Autumn. Made on 10/01/2025 at 09:30.")
    values = summary_values(client)
    assert values["Children (each counted once)"] == 3
    assert values["With an EHC plan"] == 2
    assert values["Looked after"] == 1
    assert values["Sessions possible"] == 380 and values["Sessions attended"] == 300
    assert values["Attendance % (sessions attended / possible)"] == 78.9
    assert values["Parent"] == 1 and values["LA Medical Needs"] == 0
    assert values["Medical or mental health"] == 1
    assert values["Placements ended by the end of term"] == 2
    assert values["Special school"] == 1 and values["Returned to home school"] == 1
    assert values["On time (everyone told on the day)"] == 2
    assert values["Late, or someone not told"] == 1
    ratings = next(i for i, row in enumerate(grid) if row[0] == "Rating")
    assert grid[ratings + 1][:4] == ["1 Not engaged / Not on track", 0, 0, 1]
    assert grid[ratings + 5][:4] == ["Not recorded", 0, 1, 0]
    charts = client.actions_named("addChart")
    assert [(c["args"][0], c["args"][1]) for c in charts] == [
        ("Placements by reason", "BarClustered"),
        ("Progress ratings", "ColumnClustered"),
    ]
    reason = next(i for i, row in enumerate(grid) if row[0] == "Placement reason") + 1
    assert charts[0]["args"][3] == f"$A${reason}:$B${reason + 7}"


def test_summary_again_on_a_sheet_without_chart_support_says_so(tmp_path):
    client, _ = client_for(school_log(), tmp_path)
    client.click(excel.summary_book)
    assert len(client.actions_named("addChart")) == 2
    figures = client.click(excel.summary_book)  # the VBA client sends no charts for existing sheets
    assert figures["placements"] == 2
    assert client.actions_named("sheetClear")
    assert client.actions_named("addChart") == []
    assert "charts could not be drawn" in client.sheet(SUMMARY_SHEET)[2][0]
    values = summary_values(client)
    assert values["Placements with unregistered providers"] == 1
    assert values["Bright Futures Learning"] == 1 and values["Green Shoots Farm"] == 1
    assert values["Average attendance %"] == 83.0


# ---------------------------------------------------------------- fills on the desktop engine


class _DeskSheets(list):
    def __getitem__(self, key):
        return next(s for s in self if s.name == key) if isinstance(key, str) else super().__getitem__(key)


class _DeskCell:
    """A cell as desktop xlwings shows it: its fill reads back as an RGB tuple."""

    def __init__(self, fills: dict, key: tuple[str, str]):
        self.fills, self.key = fills, key

    @property
    def color(self):
        v = self.fills.get(self.key)
        return None if v is None else tuple(int(v[i : i + 2], 16) for i in (1, 3, 5))

    @color.setter
    def color(self, value):
        self.fills[self.key] = value


class _DeskSheet:
    def __init__(self, name: str, fills: dict):
        self.name, self.fills = name, fills

    def range(self, cell: str) -> _DeskCell:
        return _DeskCell(self.fills, (self.name, cell))


def test_on_the_desktop_a_cell_gets_its_own_fill_back():
    """Form answers have the template's input fill: unmarking restores it, not "no fill"."""
    report = FileReport(
        "r.xlsm",
        "provider-return",
        "rejected",
        [
            Finding("Provider", 6, "DfE URN", "B6", "R014", "error", "URN is not 6 digits", "12"),
            Finding("Pupils", 3, "UPN", "A3", "R010", "error", "bad UPN", BAD_UPN),
        ],
    )
    fills = {("Provider", "B6"): "#FFF9E5", ("Pupils", "A3"): ERROR_FILL}  # A3: a mark whose list was lost
    book = type("Book", (), {"sheets": _DeskSheets(_DeskSheet(n, fills) for n in ("Provider", "Pupils"))})()

    marks = excel.marks_for(book, report)
    assert [(m.sheet, m.cell, m.fill, m.before) for m in marks] == [
        ("Provider", "B6", ERROR_FILL, "#FFF9E5"),
        ("Pupils", "A3", ERROR_FILL, None),
    ]
    problems: list[str] = []
    excel.apply(book, marks, problems)
    assert fills == {("Provider", "B6"): ERROR_FILL, ("Pupils", "A3"): ERROR_FILL}
    excel.restore(book, marks, problems)
    assert fills == {("Provider", "B6"): "#FFF9E5", ("Pupils", "A3"): None} and problems == []
