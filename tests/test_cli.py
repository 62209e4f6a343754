"""The command-line contract: exit codes, the JSON shape, text output, unreadable files."""

from __future__ import annotations

import json

from click.testing import CliRunner

from ap_sheets.cli import main
from conftest import provider_return, school_log

ISSUE_KEYS = {"sheet", "row", "column", "cell", "code", "severity", "message", "value"}


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_clean_files_exit_0_and_json_matches_the_contract(tmp_path):
    a = provider_return().save(tmp_path / "provider.xlsm")
    b = school_log().save(tmp_path / "school.xlsm")
    result = run("validate", "--format", "json", a, b)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc) == {"files"}
    assert [(f["file"], f["kind"], f["status"], f["issues"]) for f in doc["files"]] == [
        ("provider.xlsm", "provider-return", "accepted", []),
        ("school.xlsm", "school-log", "accepted", []),
    ]


def test_an_error_exits_1_with_the_finding_in_json(tmp_path):
    f = provider_return()
    f.set_cell("Pupils", 2, "upn", "A801200005001")
    f.set_cell("Notifications", 3, "upn", "A801200005001")
    path = f.save(tmp_path / "bad.xlsm")
    result = run("validate", "--format", "json", path)
    assert result.exit_code == 1
    (file,) = json.loads(result.output)["files"]
    assert file["status"] == "rejected"
    issue = file["issues"][0]
    assert set(issue) == ISSUE_KEYS
    assert (
        issue["sheet"],
        issue["row"],
        issue["column"],
        issue["cell"],
        issue["code"],
        issue["severity"],
        issue["value"],
    ) == ("Pupils", 2, "UPN", "A2", "R010", "error", "A801200005001")
    assert "wrong check letter" in issue["message"]


def test_queries_alone_exit_0(tmp_path):
    f = school_log()
    f.set_cell("Placements", 2, "reintegration_plan", "N")
    result = run("validate", f.save(tmp_path / "q.xlsm"))
    assert result.exit_code == 0
    assert "ACCEPTED - 0 errors, 1 query" in result.output and "R053" in result.output


def test_dates_in_json_are_iso_and_whole_return_issues_have_null_row_and_cell(tmp_path):
    f = provider_return()
    f.rename_header("Pupils", "surname", "Family name")
    f.set("Provider", "insurance_expiry", "01/12/2024")
    doc = json.loads(run("validate", "--format", "json", f.save(tmp_path / "x.xlsm")).output)
    issues = {i["code"]: i for i in doc["files"][0]["issues"]}
    assert issues["R004"]["row"] is None and issues["R004"]["cell"] is None
    assert issues["R004"]["column"] == "Surname"
    assert issues["R035"]["value"] == "2024-12-01"


def test_unreadable_files_are_reported_and_exit_1(tmp_path):
    (tmp_path / "notes.xlsx").write_text("this is not a workbook")
    (tmp_path / "empty.xlsm").write_bytes(b"")
    good = provider_return().save(tmp_path / "good.xlsm")
    result = run("validate", "--format", "json", tmp_path / "notes.xlsx", tmp_path / "empty.xlsm", good)
    assert result.exit_code == 1
    files = {f["file"]: f for f in json.loads(result.output)["files"]}
    assert files["notes.xlsx"]["status"] == "unreadable" and files["notes.xlsx"]["issues"] == []
    assert files["notes.xlsx"]["reason"]
    assert files["empty.xlsm"]["status"] == "unreadable"
    assert files["good.xlsm"]["status"] == "accepted"


def test_text_output_groups_by_sheet_with_errors_first(tmp_path):
    f = provider_return()
    f.set_cell("Pupils", 2, "nc_year", 10)  # query R020 on row 2
    f.set_cell("Pupils", 3, "surname", None)  # error R003 on row 3
    result = run("validate", f.save(tmp_path / "t.xlsm"))
    lines = result.output.splitlines()
    assert lines[0] == "t.xlsm (AP provider termly return): REJECTED - 1 error, 1 query"
    assert lines[1].strip() == "Pupils"
    assert lines[2].split()[:3] == ["ERROR", "R003", "B3"]
    assert lines[3].split()[:3] == ["QUERY", "R020", "J2"]


def test_usage_error_exits_2(tmp_path):
    assert run("validate").exit_code == 2
    assert run("validate", tmp_path / "missing.xlsm").exit_code == 2


def test_a_folder_is_searched_for_workbooks(tmp_path):
    (tmp_path / "sub").mkdir()
    provider_return().save(tmp_path / "sub" / "p.xlsm")
    (tmp_path / "sub" / "~$p.xlsm").write_bytes(b"lock")  # Excel's lock file: skipped
    result = run("validate", "--format", "json", tmp_path)
    assert [f["file"] for f in json.loads(result.output)["files"]] == ["p.xlsm"]


def test_validate_never_writes_to_its_inputs(tmp_path):
    path = provider_return().save(tmp_path / "p.xlsm")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    run("validate", path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_terminal_output_never_repeats_names_dates_of_birth_or_postcodes(tmp_path):
    f = provider_return()
    f.set_cell("Pupils", 2, "postcode", "UB8 1Q")  # R012
    f.set_cell("Pupils", 3, "date_of_birth", "31/02/2009")  # R001
    f.set_cell("Pupils", 4, "nc_year", 9)  # R020 against 10/05/2008
    f.set_cell("Pupils", 4, "sen", "K")  # R021 query
    f.set_cell("Pupils", 2, "ethnicity", "Martian")  # R002 on a special-category column
    result = run("validate", f.save(tmp_path / "p.xlsm"))
    codes = {line.split()[1] for line in result.output.splitlines() if line.startswith("    ")}
    assert {"R012", "R001", "R020", "R021", "R002"} <= codes
    for personal in ("UB8 1Q", "31/02/2009", "10/05/2008", "Martian", "Okafor", "Nowak", "Begum", "Daniel"):
        assert personal not in result.output
    doc = json.loads(run("validate", "--format", "json", tmp_path / "p.xlsm").output)
    assert "UB8 1Q" in [i["value"] for i in doc["files"][0]["issues"]]  # the contract's value field keeps it
