"""School log template versions: v2 (current) adds Provider UKPRN and AP setting type; a log
made on the v1 template (tests/fixtures, the template as committed before v2) still reads and
checks exactly as before: the v2 columns count as blank, with no R004 for them."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ap_sheets.normalise import to_return
from ap_sheets.read import read_workbook
from ap_sheets.spec import KINDS
from ap_sheets.validate import validate_file
from conftest import school_log

V1_TEMPLATE = Path(__file__).parent / "fixtures" / "school_placement_log_v1.xlsm"
V2_KEYS = ("provider_ukprn", "ap_setting_type")


def _meta(path: Path) -> dict:
    wb = openpyxl.load_workbook(path, read_only=True)
    return {r[0]: r[1] for r in wb["_ap_sheets"].iter_rows(values_only=True)}


def _issues(report):
    return [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues]


def test_fixture_is_the_v1_template_and_the_committed_one_is_v2():
    assert _meta(V1_TEMPLATE)["template_version"] == "1.0"
    committed = Path(__file__).resolve().parents[1] / "workbook_templates" / "school_placement_log.xlsm"
    assert _meta(committed)["template_version"] == "2.0" == KINDS["school-log"].version
    headers = [c.value for c in openpyxl.load_workbook(V1_TEMPLATE)["Placements"][1] if c.value]
    assert "Provider UKPRN" not in headers and "AP setting type" not in headers


def test_clean_v1_log_is_accepted_with_v2_columns_blank(tmp_path):
    path = school_log(V1_TEMPLATE).save(tmp_path / "v1 log.xlsm")
    report = validate_file(path)
    assert (report.status, report.kind, _issues(report)) == ("accepted", "school-log", [])
    ret = to_return(read_workbook(path))
    data = ret.sheets["Placements"]
    assert ret.version == "1.0"
    assert not set(V2_KEYS) & data.missing  # not missing: blank
    assert data.frame[list(V2_KEYS)].isna().all().all()


def test_filled_v1_log_checks_exactly_as_before(tmp_path):
    # Mistakes a v1 log could always have. EXPECTED_V1 is what the checker before template v2
    # gave this same file (run once against that commit): codes, cells, messages and values.
    f = school_log(V1_TEMPLATE)
    f.set_cell("Placements", 2, "sla_agreed", None)
    f.set_cell("Placements", 3, "placement_reason", "Naughty")
    f.set_cell("Placements", 2, "hours_at_provider", "lots")
    f.set_cell("Placements", 3, "date_of_birth", "31/02/2010")
    report = validate_file(f.save(tmp_path / "v1 log.xlsm"))
    got = [(i.code, i.sheet, i.row, i.column, i.cell, i.message, i.value) for i in report.issues]
    assert got == EXPECTED_V1
    assert report.status == "rejected"


EXPECTED_V1 = [
    (
        "R001",
        "Placements",
        2,
        "Hours per week at provider",
        "Q2",
        "'lots' in Hours per week at provider is not a number of 0 or more.",
        "lots",
    ),
    (
        "R052",
        "Placements",
        2,
        "SLA agreed",
        "S2",
        "No date for the service level agreement. It must be in place before the placement starts (§6.1a).",
        None,
    ),
    (
        "R001",
        "Placements",
        3,
        "Date of birth",
        "D3",
        "Date of birth is not a real date: check the day and month (day first, e.g. 15/09/2024). "
        "US order (month first) is never used.",
        "31/02/2010",
    ),
    (
        "R002",
        "Placements",
        3,
        "Placement reason",
        "L3",
        "'Naughty' is not one of the codes for Placement reason. Choose one of: Permanent exclusion, Suspension, "
        "At risk of exclusion, Medical or mental health, EHCP interim, EOTAS, Other.",
        "Naughty",
    ),
]


@pytest.mark.parametrize(
    "typed, read", [("oot", "OOT"), (" WBP ", "WBP"), ("OTH - Other unregistered provider", "OTH")]
)
def test_v2_ap_setting_type_codes(tmp_path, typed, read):
    f = school_log()
    f.set_cell("Placements", 3, "ap_setting_type", typed)
    f.set_cell("Placements", 3, "provider_ukprn", 10012345)
    path = f.save(tmp_path / "v2 log.xlsm")
    data = to_return(read_workbook(path)).sheets["Placements"]
    assert data.frame.at[3, "ap_setting_type"] == read
    assert data.frame.at[3, "provider_ukprn"] == "10012345"
    assert [i for i in _issues(validate_file(path)) if i[0] in ("R001", "R002")] == []


def test_v2_ap_setting_type_not_in_the_list_is_r002(tmp_path):
    f = school_log()
    f.set_cell("Placements", 3, "ap_setting_type", "XYZ")
    report = validate_file(f.save(tmp_path / "v2 log.xlsm"))
    cell = f"{openpyxl.utils.get_column_letter(f.col_index('Placements', 'ap_setting_type'))}3"
    assert [i for i in _issues(report) if i[0] == "R002"] == [("R002", "Placements", 3, "AP setting type", cell)]


def test_v2_log_missing_a_v2_column_is_r004(tmp_path):
    f = school_log()
    f.rename_header("Placements", "provider_ukprn", "UKPRN number")
    report = validate_file(f.save(tmp_path / "v2 log.xlsm"))
    assert ("R004", "Placements", None, "Provider UKPRN", None) in _issues(report)


def test_a_version_the_kind_does_not_read_is_r004(tmp_path):
    f = school_log()
    for row in f.book["_ap_sheets"].iter_rows():
        if row[0].value == "template_version":
            row[1].value = "3.0"
    report = validate_file(f.save(tmp_path / "v3 log.xlsm"))
    assert _issues(report) == [("R004", None, None, None, None)]
    assert "3.0" in report.issues[0].message and "2.0 or 1.0" in report.issues[0].message
