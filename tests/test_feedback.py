"""Feedback copies (`ap-sheets consolidate --feedback`, `feedback.write_feedback`): a rejected
return with the Validation sheet and marks the Validate button gives it, written under OUTDIR.

The folder is built with the real template builder (as providers receive the workbooks):

  providers/oak.xlsm    rejected   R002 (ethnicity "=1+1"), R012, R041, R040 (a query);
                                   a surname typed as =HYPERLINK("http://x","y")
  providers/good.xlsm   accepted
  schools/elm.xlsm      rejected   R010 (bad UPN)
  notes.xlsx            rejected   not a return (R004): a copy, still .xlsx
  letter.pdf, broken.xlsm          unreadable
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ap_sheets.batch import FEEDBACK_DIR, consolidate
from ap_sheets.cli import main
from ap_sheets.cli.consolidate import render_consolidation
from ap_sheets.excel import (
    ERROR_FILL,
    FINDING_HEADERS,
    MARK_HEADERS,
    MARKS_COLUMN,
    QUERY_FILL,
    TABLE_ROW,
    VALIDATION_SHEET,
    Link,
    finding_rows,
    header_lines,
    mark_fills,
    names_by_fold,
    sorted_findings,
    verdict,
)
from ap_sheets.feedback import FeedbackError, write_feedback
from ap_sheets.findings import FileReport, Finding
from ap_sheets.templates import build_workbook
from ap_sheets.validate import validate_file
from test_consolidate import P1_NOTIFICATIONS, P1_PUPILS, C, placement, provider_record, pupil, school_record

EPOCH = "1735689600"  # 2025-01-01 00:00 UTC: the report's (and so the copies') time
WHEN = datetime(2025, 1, 1, 0, 0)
EVIL = '=HYPERLINK("http://x","y")'
OLD = 946684800  # 2000-01-01: the inputs' mtime, so that any write would show


def write_folder(root: Path) -> Path:
    (root / "providers").mkdir(parents=True)
    (root / "schools").mkdir()
    build_workbook(
        "provider-return",
        root / "providers" / "oak.xlsm",
        {
            "Provider": provider_record("AP-0103", "Oak Provision"),
            "Pupils": [pupil(1, ethnicity="=1+1"), pupil(2, surname=EVIL), pupil(3, postcode="XX1")],
            "Notifications": P1_NOTIFICATIONS,
        },
    )
    build_workbook(
        "provider-return",
        root / "providers" / "good.xlsm",
        {"Provider": provider_record("AP-0101", "Good Provision"), "Pupils": P1_PUPILS[:2]},
    )
    bad_upn = C[1][:-1] + str((int(C[1][-1]) + 1) % 10)
    build_workbook(
        "school-log",
        root / "schools" / "elm.xlsm",
        {
            "School": school_record("100001", "Elm School"),
            "Placements": [placement(1, "AP-0101", "Good Provision", upn=bad_upn)],
        },
    )
    notes = openpyxl.Workbook()
    notes.active["A1"] = "Budget"
    notes.save(root / "notes.xlsx")
    (root / "letter.pdf").write_bytes(b"%PDF-1.7\n")
    (root / "broken.xlsm").write_bytes((root / "providers" / "good.xlsm").read_bytes()[:3000])
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (OLD, OLD))
    return root


def snapshot(root: Path) -> dict:
    return {
        p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> Path:
    return write_folder(tmp_path_factory.mktemp("returns"))


@pytest.fixture(scope="module")
def run(returns, tmp_path_factory):
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        before = snapshot(returns)
        outcome = consolidate(returns, tmp_path_factory.mktemp("out"), progress=False, feedback=True, jobs=2)
        assert snapshot(returns) == before, "inputs must never be written to"
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    return outcome


def copy_of(run, name: str) -> Path:
    return run.outputs["report"].parent / FEEDBACK_DIR / name


# ---- which files get a copy -------------------------------------------------------------------
def test_only_rejected_returns_get_a_copy_at_their_own_path(run):
    folder = run.outputs["report"].parent / FEEDBACK_DIR
    assert run.outputs["feedback"] == [
        folder / "notes.xlsx",
        folder / "providers" / "oak.xlsm",
        folder / "schools" / "elm.xlsm",
    ]
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "notes.xlsx",
        "providers/oak.xlsm",
        "schools/elm.xlsm",
    ]  # no temporary files left
    assert run.feedback_problems == {}
    statuses = {r.file: r.status for r in run.consolidation.results}
    assert statuses["providers/good.xlsm"] == "accepted"
    assert statuses["letter.pdf"] == statuses["broken.xlsm"] == "unreadable"
    line = f"Wrote 3 feedback copies to {folder} (restricted: each holds its return's children's data)."
    assert line in render_consolidation(run).splitlines()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_copies_are_readable_by_their_owner_only(run):
    for path in run.outputs["feedback"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


# ---- the Validation sheet ---------------------------------------------------------------------
_LINK = re.compile(r'^=HYPERLINK\("#\'(.*)\'!([A-Z]+[0-9]+)","([A-Z]+[0-9]+)"\)$')


def validation_sheet(path: Path) -> tuple[list, list[list], list[list]]:
    """The copy's Validation sheet: its header lines, findings table and marks list (values,
    links as written)."""
    ws = openpyxl.load_workbook(path)[VALIDATION_SHEET]
    grid = [list(r) for r in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=MARKS_COLUMN + 2, values_only=True)]
    header = [row[0] for row in grid[: TABLE_ROW - 1]]
    table = [row[: len(FINDING_HEADERS)] for row in grid[TABLE_ROW - 1 :] if row[0]]
    marks = [row[MARKS_COLUMN - 1 : MARKS_COLUMN + 2] for row in grid[TABLE_ROW - 1 :] if row[MARKS_COLUMN - 1]]
    return header, table, marks


@pytest.mark.parametrize("name", ["providers/oak.xlsm", "schools/elm.xlsm", "notes.xlsx"])
def test_validation_sheet_lists_exactly_the_findings_of_validate(run, returns, name):
    report = validate_file(returns / name)
    header, table, marks = validation_sheet(copy_of(run, name))
    assert table[0] == list(FINDING_HEADERS)
    want = [(f.code, f.sheet, f.cell) for f in sorted_findings(report)]
    got = []
    for _severity, code, sheet, cell, *_ in table[1:]:
        m = _LINK.match(cell) if cell else None
        if m:
            assert m.group(1) == sheet and m.group(2) == m.group(3)
        got.append((code, sheet, m.group(2) if m else cell))
    assert got == want
    assert header == header_lines(verdict(report, WHEN, copy=True), [])[:4]
    assert header[2].startswith("This is a copy the council made")
    assert header[3].startswith("Registration test applied: guidance-2024 (the council's guidance, §3.2)")
    rows = finding_rows(report, names_by_fold(openpyxl.load_workbook(returns / name).sheetnames))
    assert table[1:] == [[v.formula if isinstance(v, Link) else (v or None) for v in row] for row in rows]
    assert marks[0] == list(MARK_HEADERS)
    assert [(s, c) for s, c, _ in marks[1:]] == [(f.sheet, f.cell) for f in report.issues if f.cell]


def test_the_copy_opens_on_the_validation_sheet_after_start_here(run, returns):
    original = openpyxl.load_workbook(returns / "providers" / "oak.xlsm")
    copy = openpyxl.load_workbook(copy_of(run, "providers/oak.xlsm"))
    assert copy.sheetnames == ["Start here", VALIDATION_SHEET, *original.sheetnames[1:]]
    assert copy.active.title == VALIDATION_SHEET
    assert [ws.title for ws in copy.worksheets if ws.sheet_view.tabSelected] == [VALIDATION_SHEET]
    notes = openpyxl.load_workbook(copy_of(run, "notes.xlsx"))
    assert notes.sheetnames == [VALIDATION_SHEET, "Sheet"]  # no Start here: first


def test_text_from_the_return_is_stored_as_text_never_as_a_formula(run):
    path = copy_of(run, "providers/oak.xlsm")
    book = openpyxl.load_workbook(path)
    assert book["Pupils"]["B3"].value == EVIL and book["Pupils"]["B3"].data_type == "s"
    value = book[VALIDATION_SHEET].cell(TABLE_ROW + 1, FINDING_HEADERS.index("Value") + 1)
    assert value.value == "=1+1" and value.data_type == "s"
    with zipfile.ZipFile(path) as z:
        formulas = [
            (name, f)
            for name in z.namelist()
            if name.startswith("xl/worksheets/sheet")
            for f in re.findall(r"<f>(.*?)</f>", z.read(name).decode())
        ]
    validation = f"xl/worksheets/sheet{book.sheetnames.index(VALIDATION_SHEET) + 1}.xml"
    links = [f for name, f in formulas if name == validation]
    assert len(links) == 4 and all(f.startswith("HYPERLINK(\"#'") for f in links)  # our links to the cells
    others = [f for name, f in formulas if name != validation]
    assert not any("http://x" in f or "1+1" in f for f in others)
    assert others and all(f.startswith("IF(AND(ISNUMBER(") for f in others)  # the Attendance % column only


# ---- marks ----------------------------------------------------------------------------------
def fills(path: Path, skip=(VALIDATION_SHEET,)) -> dict[tuple[str, str], str | None]:
    """(sheet, A1) -> "#RRGGBB" of every cell with a solid fill."""
    out = {}
    for ws in openpyxl.load_workbook(path).worksheets:
        if ws.title in skip:
            continue
        for row in ws.iter_rows():
            for c in row:
                if c.fill.fill_type == "solid" and c.fill.fgColor.type == "rgb":
                    out[(ws.title, c.coordinate)] = "#" + c.fill.fgColor.rgb[-6:]
    return out


def changed_fills(source: Path, copy: Path) -> dict:
    """(sheet, A1) -> fill, for each cell whose fill differs between the return and its copy."""
    before, after = fills(source), fills(copy)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    changed.update({k: None for k in before if k not in after})
    return changed


@pytest.mark.parametrize("name", ["providers/oak.xlsm", "schools/elm.xlsm"])
def test_the_cells_at_fault_and_only_those_are_filled(run, returns, name):
    report = validate_file(returns / name)
    errors = {(f.sheet, f.cell) for f in report.errors}
    want = {
        (f.sheet, f.cell): ERROR_FILL if (f.sheet, f.cell) in errors else QUERY_FILL for f in report.issues if f.cell
    }
    assert changed_fills(returns / name, copy_of(run, name)) == want
    if name == "providers/oak.xlsm":
        assert sorted(set(want.values())) == [ERROR_FILL, QUERY_FILL]


def test_an_error_outranks_a_query_on_the_same_cell(returns, tmp_path):
    report = FileReport(
        "oak.xlsm",
        "provider-return",
        "rejected",
        [
            Finding("Pupils", 2, "Sex", "E2", "R040", "query", "q", "F"),
            Finding("Pupils", 2, "Sex", "E2", "R002", "error", "e", "F"),
            Finding("Pupils", 3, "UPN", "A3", "R053", "query", "q", "x"),
            Finding("Gone", 3, "UPN", "A3", "R010", "error", "a sheet the workbook does not have", "x"),
            Finding("Pupils", None, "UPN", None, "R004", "error", "no cell", None),
        ],
    )
    copy = write_feedback(returns / "providers" / "oak.xlsm", report, tmp_path / "oak.xlsm", now=WHEN)
    assert changed_fills(returns / "providers" / "oak.xlsm", copy) == {
        ("Pupils", "E2"): ERROR_FILL,
        ("Pupils", "A3"): QUERY_FILL,
    }
    assert mark_fills(report, {"pupils": "Pupils"}) == {("Pupils", "E2"): ERROR_FILL, ("Pupils", "A3"): QUERY_FILL}
    _, table, _ = validation_sheet(copy)
    assert [row[1] for row in table[1:]] == ["R002", "R010", "R004", "R040", "R053"]  # errors first
    assert [row[3] for row in table[1:]][2:] == [None, Link("Pupils", "E2").formula, Link("Pupils", "A3").formula]


def test_an_earlier_validation_sheet_is_replaced_and_its_fills_put_back(returns, tmp_path):
    """The provider clicked Validate before sending: its sheet and marks are in the return."""
    source = tmp_path / "sent.xlsm"
    book = openpyxl.load_workbook(returns / "providers" / "oak.xlsm", keep_vba=True)
    old = book.create_sheet("validation ")  # found as Validate finds it: case and spaces ignored
    old["A1"] = "REJECTED: an old run"
    rows = [list(MARK_HEADERS), ["Pupils", "C4", "#00B050"], ["Provider", "B3", ""], ["Pupils", "A9999999", ""]]
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            old.cell(TABLE_ROW + i, MARKS_COLUMN + j).value = v
    red = openpyxl.styles.PatternFill("solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
    book["Pupils"]["C4"].fill = red
    book["Provider"]["B3"].fill = red
    book.save(source)

    report = validate_file(source)
    copy = write_feedback(source, report, tmp_path / "copy.xlsm", now=WHEN)
    after = fills(copy)
    assert after[("Pupils", "C4")] == "#00B050"  # the fill it had before the old run
    assert ("Provider", "B3") not in after  # it had none
    assert ("Pupils", "A9999999") not in after  # a hand-edited list entry outside Excel's grid: left alone
    book = openpyxl.load_workbook(copy)
    assert [n for n in book.sheetnames if n.strip().lower() == "validation"] == [VALIDATION_SHEET]
    header, table, _ = validation_sheet(copy)
    assert header[0].startswith("REJECTED: 3 errors and 1 query.")
    assert len(table) == 1 + len(report.issues)


def test_formatting_inside_a_cell_and_conditional_formats_are_kept(returns, tmp_path):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.formatting.rule import CellIsRule

    source = tmp_path / "typed.xlsm"
    book = openpyxl.load_workbook(returns / "providers" / "oak.xlsm", keep_vba=True)
    book["Pupils"]["AH2"] = CellRichText(["Anxiety, ", TextBlock(InlineFont(b=True), "mornings"), " worst"])
    book["Pupils"].conditional_formatting.add("T2:T4", CellIsRule(operator="lessThan", formula=["50"]))
    book.save(source)
    copy = write_feedback(source, validate_file(source), tmp_path / "copy.xlsm", now=WHEN)
    pupils = openpyxl.load_workbook(copy, rich_text=True)["Pupils"]
    assert isinstance(pupils["AH2"].value, CellRichText) and str(pupils["AH2"].value) == "Anxiety, mornings worst"
    assert [str(r.sqref) for r in pupils.conditional_formatting] == ["T2:T4"]
    assert [f.to_json() for f in validate_file(copy).issues] == [f.to_json() for f in validate_file(source).issues]


# ---- everything else is unchanged --------------------------------------------------------------
def values(path: Path, skip=(VALIDATION_SHEET,)) -> dict[str, list]:
    """Every sheet's values (formulas as written), "" as blank."""
    book = openpyxl.load_workbook(path)
    return {
        ws.title: [[None if v == "" else v for v in row] for row in ws.iter_rows(values_only=True)]
        for ws in book.worksheets
        if ws.title not in skip
    }


@pytest.mark.parametrize("name", ["providers/oak.xlsm", "schools/elm.xlsm", "notes.xlsx"])
def test_other_sheets_values_are_unchanged_and_the_copy_rechecks_the_same(run, returns, name):
    assert values(copy_of(run, name)) == values(returns / name)
    original, copy = validate_file(returns / name), validate_file(copy_of(run, name))
    assert copy.status == original.status == "rejected"
    assert [f.to_json() for f in copy.issues] == [f.to_json() for f in original.issues]  # R060: same macros


def test_openpyxl_keeps_validations_tables_names_hidden_sheets_and_the_vba(run, returns):
    a_path, b_path = returns / "providers" / "oak.xlsm", copy_of(run, "providers/oak.xlsm")
    a, b = openpyxl.load_workbook(a_path, keep_vba=True), openpyxl.load_workbook(b_path, keep_vba=True)
    for ws in a.worksheets:
        wb = b[ws.title]
        assert wb.sheet_state == ws.sheet_state
        assert [(str(v.sqref), v.type, v.formula1, v.errorStyle) for v in wb.data_validations.dataValidation] == [
            (str(v.sqref), v.type, v.formula1, v.errorStyle) for v in ws.data_validations.dataValidation
        ]
        assert dict(wb.tables.items()) == dict(ws.tables.items())  # name -> ref
        assert [c.calculatedColumnFormula is not None for t in wb.tables.values() for c in t.tableColumns] == [
            c.calculatedColumnFormula is not None for t in ws.tables.values() for c in t.tableColumns
        ]
        assert wb.freeze_panes == ws.freeze_panes
        assert {k: d.width for k, d in wb.column_dimensions.items()} == {
            k: d.width for k, d in ws.column_dimensions.items()
        }
        assert [c.comment.text for r in wb.iter_rows() for c in r if c.comment] == [
            c.comment.text for r in ws.iter_rows() for c in r if c.comment
        ]
    assert sum(len(ws.data_validations.dataValidation) for ws in a.worksheets) > 50
    assert sum(len(ws.tables) for ws in a.worksheets) == 3
    assert sorted(b.defined_names) == sorted(a.defined_names)
    assert [(p.name, p.value) for p in b.custom_doc_props.props] == [
        (p.name, p.value) for p in a.custom_doc_props.props
    ]
    with zipfile.ZipFile(a_path) as za, zipfile.ZipFile(b_path) as zb:
        assert zb.read("xl/vbaProject.bin") == za.read("xl/vbaProject.bin")
        assert "macroEnabled" in zb.read("[Content_Types].xml").decode()

        def buttons(z):  # the buttons' drawings: caption and macro, per drawing
            return sorted(
                m
                for n in z.namelist()
                if n.endswith(".vml")
                for m in re.findall(r"ClientData ObjectType=\"Button\">.*?FmlaMacro>([^<]+)<", z.read(n).decode(), re.S)
            )

        assert buttons(zb) == buttons(za) and len(buttons(za)) == 10
    with zipfile.ZipFile(copy_of(run, "notes.xlsx")) as z:
        assert "macroEnabled" not in z.read("[Content_Types].xml").decode()


def test_the_copy_says_what_the_validate_button_says(returns, tmp_path, monkeypatch):
    """Side by side with the Validate handler on xlwings' remote engine (as in
    test_excel_handlers): the same Validation sheet, cell for cell, and the same fills."""
    xw = pytest.importorskip("xlwings")
    from ap_sheets import excel
    from test_excel_handlers import NOW, Client, payload_from_file

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv(excel.LOG_ENV, str(tmp_path / "logs"))
    if "remote" not in [e.name for e in xw.engines]:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
    source = returns / "providers" / "oak.xlsm"
    client = Client(payload_from_file(source))
    report = client.click(excel.validate_book)  # at test_excel_handlers.NOW
    copy = write_feedback(source, validate_file(source), tmp_path / "oak.xlsm", now=NOW)
    shown = {}
    for r, row in enumerate(client.sheet(VALIDATION_SHEET), start=1):
        for c, v in enumerate(row, start=1):
            if v not in (None, ""):
                shown[(r, c)] = v
    ws = openpyxl.load_workbook(copy)[VALIDATION_SHEET]
    written = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value not in (None, ""):
                m = _LINK.match(str(cell.value))
                written[(cell.row, cell.column)] = m.group(3) if m else cell.value  # a link shows its cell
    # The one difference: the copy tells the sender to fix their own workbook, not the copy.
    assert shown.pop((2, 1)).endswith("When you have made changes, click Validate again.")
    assert written.pop((2, 1)).endswith("Click a cell reference to go to it.")
    assert written.pop((3, 1)).startswith("This is a copy the council made of the workbook you sent")
    assert written.pop((4, 1)) == shown.pop((3, 1))  # the registration test, a line lower in the copy
    assert written == shown  # everything else as the button shows it
    # ... and looks the same: the button's fills on its Validation sheet are the copy's.
    assert client.validation_fills()["A1:G1"] == "#FFC7CE"  # rejected: a red verdict line
    for rng, colour in client.validation_fills().items():
        for row in ws[rng]:
            for cell in row:
                assert "#" + cell.fill.fgColor.rgb[-6:] == colour, (rng, cell.coordinate)
    assert all(cell.font.name == "Calibri" for row in ws.iter_rows() for cell in row if cell.value)
    assert client.fill_actions() == changed_fills(source, copy)
    assert [f.to_json() for f in report.issues] == [f.to_json() for f in validate_file(source).issues]


# ---- failures -------------------------------------------------------------------------------
def test_a_copy_that_cannot_be_written_is_named_and_the_run_carries_on(returns, tmp_path):
    out = tmp_path / "out"
    (out / FEEDBACK_DIR / "providers" / "oak.xlsm").mkdir(parents=True)  # in the way: a folder
    result = CliRunner().invoke(main, ["consolidate", str(returns), "-o", str(out), "--feedback", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert f"Wrote 2 feedback copies to {out / FEEDBACK_DIR}" in result.output
    assert "Could not write 1 feedback copy: providers/oak.xlsm (Is a directory)." in result.output
    assert (out / FEEDBACK_DIR / "schools" / "elm.xlsm").is_file() and (out / FEEDBACK_DIR / "notes.xlsx").is_file()
    assert (out / "council_report.xlsx").is_file()


def test_a_copy_never_replaces_its_return(returns, tmp_path):
    source = tmp_path / "oak.xlsm"
    shutil.copy(returns / "providers" / "oak.xlsm", source)
    before = source.read_bytes()
    with pytest.raises(FeedbackError):
        write_feedback(source, validate_file(source), source)
    os.link(source, tmp_path / "hard.xlsm")
    with pytest.raises(FeedbackError):
        write_feedback(source, validate_file(source), tmp_path / "hard.xlsm")
    assert source.read_bytes() == before
    # The copies' folder cannot be the folder of returns itself.
    feedback_in = tmp_path / "run" / FEEDBACK_DIR
    feedback_in.mkdir(parents=True)
    shutil.copy(source, feedback_in / "oak.xlsm")
    result = CliRunner().invoke(main, ["consolidate", str(feedback_in), "-o", str(tmp_path / "run"), "--feedback"])
    assert result.exit_code == 2 and "the folder of returns itself" in result.output
    with pytest.raises(ValueError):
        consolidate(feedback_in, tmp_path / "run", feedback=True, in_process=True, progress=False)


def test_without_the_option_there_are_no_copies_and_old_copies_are_not_read(returns, tmp_path):
    folder = tmp_path / "returns"
    shutil.copytree(returns, folder)
    out = folder / "out"  # inside the folder of returns, with copies from an earlier run
    first = consolidate(folder, out, in_process=True, progress=False, feedback=True)
    assert len(first.outputs["feedback"]) == 3 and first.feedback_problems == {}
    again = consolidate(folder, out, in_process=True, progress=False)
    assert "feedback" not in again.outputs and "feedback" not in render_consolidation(again)
    assert len(again.consolidation.results) == len(first.consolidation.results) == 6
