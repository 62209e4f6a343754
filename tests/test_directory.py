"""The council's AP Directory with real workbooks: the template filled with openpyxl, checked
by `validate`, and a term consolidated against it (`consolidate --directory`, X007-X009)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from ap_sheets.batch import REPORT_NAME, SUMMARY_NAME, consolidate
from ap_sheets.cli import main
from ap_sheets.testing import DIRECTORY_ABOUT, DIRECTORY_ROWS, ap_directory, check
from conftest import ReturnFiller, provider_return, school_log


def directory_filler() -> ReturnFiller:
    f = ReturnFiller("ap-directory")
    f.fill_form("About", DIRECTORY_ABOUT)
    for r in DIRECTORY_ROWS:
        f.add_row("Directory", r)
    return f


def test_the_filled_template_gives_the_same_findings_as_the_builder(tmp_path):
    f, b = directory_filler(), ap_directory()
    for target in (f, b):
        target.set_cell("Directory", 3, "initial_qa_visit", None)  # D002
        target.set_cell("Directory", 4, "provider_id", "AP-0007")  # D001
        target.set_cell("Directory", 2, "insurance_expiry", date(2024, 11, 1))  # D004
    path = f.save(tmp_path / "ap_directory.xlsm")
    result = CliRunner().invoke(main, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 1
    (got,) = json.loads(result.output)["files"]
    assert (got["kind"], got["status"]) == ("ap-directory", "rejected")
    expected = [(i.code, i.sheet, i.row, i.cell, i.message) for i in check(b).issues]
    assert [(i["code"], i["sheet"], i["row"], i["cell"], i["message"]) for i in got["issues"]] == expected
    assert [e[:4] for e in expected] == [
        ("D004", "Directory", 2, "O2"),
        ("D002", "Directory", 3, "K3"),
        ("D001", "Directory", 4, "A4"),
    ]


def _term(tmp_path: Path) -> Path:
    returns = tmp_path / "returns"
    returns.mkdir()
    provider_return().save(returns / "provider.xlsm")
    school_log().save(returns / "school.xlsm")
    return returns


def test_consolidate_checks_the_term_against_the_directory(tmp_path):
    returns = _term(tmp_path)
    f = directory_filler()
    f.set_cell("Directory", 2, "dfe_urn", "145679")  # the return and the log say 145678: X008 twice
    f.set_cell("Directory", 3, "last_qa_visit", date(2023, 6, 1))  # Green Shoots Farm in use: X009
    directory = f.save(tmp_path / "ap_directory.xlsm")
    outcome = consolidate(returns, tmp_path / "out", ap_directory=directory, in_process=True)
    summary = json.loads((tmp_path / "out" / SUMMARY_NAME).read_text())
    assert summary["reconciliation"]["X007"] == 0
    assert summary["reconciliation"]["X008"] == 2
    assert summary["reconciliation"]["X009"] == 1
    assert summary["directory"] == {
        "file": "ap_directory.xlsm",
        "status": "accepted",
        "used": True,
        "date": "2024-12-01",
        "providers": 3,
        "errors": 0,
        "queries": 1,  # D003: the same overdue visit, on the directory itself
        "problem": None,
    }
    x = [(f.code, f.file, f.sheet, f.row) for f in outcome.consolidation.cross if f.code >= "X007"]
    assert x == [
        (
            "X008",
            "provider.xlsm",
            "Provider",
            7,
        ),
        ("X008", "school.xlsm", "Placements", 2),
        ("X009", "ap_directory.xlsm", "Directory", 3),
    ]
    ws = openpyxl.load_workbook(tmp_path / "out" / REPORT_NAME, read_only=True)["Reconciliation"]
    cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert any("X008: 2" in c and "X009: 1" in c for c in cells)
    assert "Checked against the council's AP Directory ap_directory.xlsm dated 01/12/2024 (X007-X009)." in cells
    assert sum(c == "X009" for c in cells) == 1


def test_a_directory_with_errors_is_reported_and_not_used(tmp_path):
    returns = _term(tmp_path)
    f = directory_filler()
    f.set_cell("Directory", 4, "provider_id", "AP-0007")  # D001
    directory = f.save(tmp_path / "ap_directory.xlsm")
    result = CliRunner().invoke(
        main, ["consolidate", str(returns), "-o", str(tmp_path / "out"), "--directory", str(directory)]
    )
    assert result.exit_code == 0, result.output
    assert "ap_directory.xlsm has 1 error (run ap-sheets validate on it): it is not used" in result.output
    summary = json.loads((tmp_path / "out" / SUMMARY_NAME).read_text())
    assert set(summary["reconciliation"]) == {"X001", "X002", "X003", "X004", "X005", "X006"}
    assert (summary["directory"]["status"], summary["directory"]["used"]) == ("rejected", False)


def test_without_a_directory_nothing_changes_and_a_directory_among_the_returns_is_named(tmp_path):
    returns = _term(tmp_path)
    directory_filler().save(returns / "ap_directory.xlsm")
    result = CliRunner().invoke(main, ["consolidate", str(returns), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / SUMMARY_NAME).read_text())
    assert summary["directory"] is None
    assert set(summary["reconciliation"]) == {"X001", "X002", "X003", "X004", "X005", "X006"}
    ws = openpyxl.load_workbook(tmp_path / "out" / REPORT_NAME, read_only=True)["Data quality"]
    cells = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert "No: an AP Directory, not a return (give it with --directory)" in cells


def test_the_reports_directory_sheet(tmp_path):
    returns = _term(tmp_path)
    log = school_log()
    log.set("School", "school_urn", "102346")  # a second school, at a provider outside the directory
    log.set("School", "school_name", "Hillside Academy")
    log.set_cell("Placements", 2, "provider_id", "AP-0099")
    log.set_cell("Placements", 2, "provider_name", "Quick Tutors")
    log.set_cell("Placements", 3, "provider_id", "AP-0099")
    log.set_cell("Placements", 3, "provider_name", "Quick Tutors")
    log.save(returns / "school2.xlsm")
    f = directory_filler()
    f.set_cell("Directory", 3, "last_qa_visit", date(2024, 3, 15))  # next visit due 15/03/2025
    consolidate(returns, tmp_path / "out", ap_directory=f.save(tmp_path / "ap_directory.xlsm"), in_process=True)
    ws = openpyxl.load_workbook(tmp_path / "out" / REPORT_NAME, read_only=True)["Directory"]
    rows = [[v for v in row if v is not None] for row in ws.iter_rows(values_only=True)]
    rows = [[v.date() if hasattr(v, "date") else v for v in row] for row in rows if row]
    start = rows.index(USE_HEADERS)
    assert rows[start + 1 : start + 4] == [
        [
            "AP-0007",
            "Bright Futures Learning",
            3,
            "Y",
            1,
            "Y",
            "Listed",
            "Y",
            "145678",
            date(2024, 6, 10),
            date(2025, 6, 10),
            "Met",
        ],
        [
            "AP-0012",
            "Green Shoots Farm",
            1,
            "N",
            1,
            "Y",
            "Listed",
            "N",
            date(2024, 3, 15),
            date(2025, 3, 15),
            "Met with actions",
        ],
        ["AP-0099", "Quick Tutors", 2, "N", 1, "N"],
    ]
    outside = rows.index(["Provider ID", "Provider name (as schools give it)", "Placements this term", "Schools"])
    assert rows[outside + 1] == ["AP-0099", "Quick Tutors", 2, "Hillside Academy"]
    due = rows.index(
        [
            "Provider ID",
            "Provider name",
            "Last QA visit",
            "Next visit due",
            "Overdue at the term's end",
            "In use this term",
        ]
    )
    assert rows[due - 1] == ["QA visits due by 31/03/2025, three months after the term's end"]
    assert rows[due + 1 :] == [["AP-0012", "Green Shoots Farm", date(2024, 3, 15), date(2025, 3, 15), "N", "Y"]]


USE_HEADERS = [
    "Provider ID",
    "Provider name",
    "Children this term",
    "Provider return",
    "Schools placing",
    "In the directory",
    "Status",
    "Registered school",
    "DfE URN",
    "Last QA visit",
    "Next visit due",
    "QA outcome",
]


def test_directory_load_stores_it_with_its_date_and_consolidate_db_uses_the_one_for_the_term(tmp_path):
    from ap_sheets.db import open_register
    from ap_sheets.db.directory import directory_at

    runner, db = CliRunner(), str(tmp_path / "register.db")
    f = directory_filler()
    f.set_cell("Directory", 2, "dfe_urn", "145679")  # X008 against the term's returns
    older = f.save(tmp_path / "ap_directory_dec.xlsm")
    later = directory_filler()
    later.set("About", "directory_date", date(2025, 2, 1))  # after the term: not used for Autumn
    later = later.save(tmp_path / "ap_directory_feb.xlsm")
    result = runner.invoke(main, ["directory", "load", str(older), "--db", db])
    assert result.exit_code == 0, result.output
    assert result.output == "Stored the AP Directory ap_directory_dec.xlsm dated 01/12/2024: 3 providers.\n"
    again = runner.invoke(main, ["directory", "load", str(older), "--db", db])
    assert again.output == "The AP Directory ap_directory_dec.xlsm dated 01/12/2024 is already held: nothing changed.\n"
    assert runner.invoke(main, ["directory", "load", str(later), "--db", db]).exit_code == 0
    engine = open_register(db)
    assert directory_at(engine, date(2024, 11, 30)) is None
    assert directory_at(engine, date(2024, 12, 31)).file == "ap_directory_dec.xlsm"
    assert directory_at(engine, date(2025, 3, 1)).file == "ap_directory_feb.xlsm"
    engine.dispose()

    returns = _term(tmp_path)
    result = runner.invoke(main, ["consolidate", str(returns), "-o", str(tmp_path / "out"), "--db", db])
    assert result.exit_code == 0, result.output
    assert (
        "Checked against the AP Directory ap_directory_dec.xlsm (3 providers): 2 findings (X007-X009)" in result.output
    )
    summary = json.loads((tmp_path / "out" / SUMMARY_NAME).read_text())
    assert (summary["directory"]["file"], summary["reconciliation"]["X008"]) == ("ap_directory_dec.xlsm", 2)


def test_directory_load_refuses_a_directory_with_errors(tmp_path):
    f = directory_filler()
    f.set_cell("Directory", 3, "initial_qa_visit", None)  # D002
    path = f.save(tmp_path / "ap_directory.xlsm")
    result = CliRunner().invoke(main, ["directory", "load", str(path), "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 1
    assert "ERROR  D002  K3" in result.output
    assert "ap_directory.xlsm has 1 error (run ap-sheets validate on it): it is not used" in result.output
