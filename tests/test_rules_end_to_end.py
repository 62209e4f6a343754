"""The end-to-end contract of the rules: real workbooks, filled into the real templates.

Every rule is tested beside its declaration (`src/ap_sheets/rules/*_rules.py`) on returns built
in memory by `ap_sheets.testing`, in milliseconds. These tests keep that honest: each starts
from a clean return filled into the committed template with openpyxl (conftest), saved, read
back by the real reader and checked, and asserts the exact findings (code, sheet, row, column,
cell). They cover what only a real file shows (typed and text dates, codes with stray spaces,
blank and moved columns, renamed or missing sheets, a plain workbook), one rule of each group,
and that the in-memory builder gives exactly the findings the real template does.
"""

from __future__ import annotations

from datetime import date

import pytest

from ap_sheets import testing
from ap_sheets.validate import validate_file
from conftest import make_upn, placement, provider_return, pupil, school_log


def found(filler, tmp_path, name="return.xlsm"):
    report = validate_file(filler.save(tmp_path / name))
    return report, [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues]


def only(filler, tmp_path):
    return found(filler, tmp_path)[1]


def cell(filler, sheet, key, row):
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(filler.col_index(sheet, key))}{row}"


# ---------- clean returns ----------


def test_clean_provider_return_has_no_findings(provider_filler, tmp_path):
    report, issues = found(provider_filler, tmp_path)
    assert issues == []
    assert report.status == "accepted" and report.kind == "provider-return"


def test_clean_school_log_has_no_findings(school_filler, tmp_path):
    report, issues = found(school_filler, tmp_path)
    assert issues == []
    assert report.status == "accepted" and report.kind == "school-log"


# ---------- what users type: dates, spaces, case, blank rows, moved columns ----------


@pytest.mark.parametrize("typed", ["04/03/2011", "04-03-2011", "2011-03-04", " 4/3/2011 ", "4 March 2011"])
def test_text_dates_in_uk_order_are_read(provider_filler, tmp_path, typed):
    provider_filler.set_cell("Pupils", 2, "date_of_birth", typed)
    assert only(provider_filler, tmp_path) == []


@pytest.mark.parametrize("typed", ["31/02/2011", "next Tuesday", "03/31/2011"])
def test_unreadable_dates_are_r001(provider_filler, tmp_path, typed):
    provider_filler.set_cell("Pupils", 3, "date_of_birth", typed)
    assert only(provider_filler, tmp_path) == [("R001", "Pupils", 3, "Date of birth", "D3")]


def test_codes_ignore_case_and_stray_spaces(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "sen", " n ")
    provider_filler.set_cell("Pupils", 2, "looked_after", "no")
    provider_filler.set_cell("Pupils", 2, "commissioner_type", "school ")
    provider_filler.set_cell("Pupils", 2, "ethnicity", "bafr")
    provider_filler.set_cell("Pupils", 2, "engagement", "3 - Mostly")
    provider_filler.set("Provider", "term", " autumn")
    assert only(provider_filler, tmp_path) == []


def test_blank_rows_inside_and_after_the_table_are_ignored(provider_filler, tmp_path):
    row = provider_filler.add_row("Pupils", pupil(upn=make_upn(40), start_date=date(2024, 9, 3)), blank_rows_before=3)
    assert row == 8
    assert only(provider_filler, tmp_path) == []


def test_moved_columns_still_read_and_findings_name_the_new_cell(provider_filler, tmp_path):
    ws = provider_filler.book["Pupils"]
    for row in range(1, 5):  # swap Surname (B) and Forename (C), headers and values
        ws.cell(row, 2).value, ws.cell(row, 3).value = ws.cell(row, 3).value, ws.cell(row, 2).value
    assert only(provider_filler, tmp_path) == []
    ws.cell(3, 3).value = None
    assert only(provider_filler, tmp_path) == [("R003", "Pupils", 3, "Surname", "C3")]


# ---------- R004: the workbook itself ----------


def test_r004_renamed_column_is_reported_not_crashed(provider_filler, tmp_path):
    provider_filler.rename_header("Pupils", "date_of_birth", "DOB")
    assert only(provider_filler, tmp_path) == [("R004", "Pupils", None, "Date of birth", None)]


def test_r004_missing_sheet(provider_filler, tmp_path):
    del provider_filler.book["Complaints"]
    assert only(provider_filler, tmp_path) == [("R004", "Complaints", None, None, None)]


def test_r004_unknown_template_version_is_not_misread(provider_filler, tmp_path):
    meta = provider_filler.book["_ap_sheets"]
    for row in meta.iter_rows():
        if row[0].value == "template_version":
            row[1].value = "0.9"
    report, issues = found(provider_filler, tmp_path)
    assert issues == [("R004", None, None, None, None)]
    assert "0.9" in report.issues[0].message and report.status == "rejected"


def test_r004_plain_workbook_is_not_a_return(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["UPN", "Surname"])
    wb.save(tmp_path / "my list.xlsx")
    report = validate_file(tmp_path / "my list.xlsx")
    assert [(f.code, f.sheet, f.row) for f in report.issues] == [("R004", None, None)]


# ---------- one rule of each group ----------


def test_r003_conditional_values(provider_filler, tmp_path):  # required_rules
    provider_filler.set_cell("Pupils", 4, "sexual_orientation", None)  # 16 at term start
    provider_filler.set_cell("Pupils", 2, "commissioner_urn", None)  # a school commissioned
    r = provider_filler.set("Provider", "ofsted_report_date", None)  # judged Good
    assert sorted(only(provider_filler, tmp_path)) == sorted(
        [
            ("R003", "Provider", r, "Ofsted report date", f"B{r}"),
            ("R003", "Pupils", 2, "Commissioner URN", cell(provider_filler, "Pupils", "commissioner_urn", 2)),
            ("R003", "Pupils", 4, "Sexual orientation", cell(provider_filler, "Pupils", "sexual_orientation", 4)),
        ]
    )


def test_placement_log_shares_the_child_rules(school_filler, tmp_path):  # pupil_rules
    school_filler.add_row("Placements", placement(start_date=date(2024, 10, 1)))  # R011 with row 2
    school_filler.set_cell("Placements", 3, "nc_year", 8)  # R020
    assert only(school_filler, tmp_path) == [
        ("R020", "Placements", 3, "NC year", cell(school_filler, "Placements", "nc_year", 3)),
        ("R011", "Placements", 4, "UPN", "A4"),
    ]


def test_r023_sessions(provider_filler, tmp_path):  # provider_rules
    provider_filler.set_cell("Pupils", 2, "sessions_attended", 115)
    provider_filler.set_cell("Pupils", 3, "sessions_authorised", -2)
    assert only(provider_filler, tmp_path) == [
        ("R023", "Pupils", 2, "Sessions attended", cell(provider_filler, "Pupils", "sessions_attended", 2)),
        ("R023", "Pupils", 3, "Sessions authorised absence", cell(provider_filler, "Pupils", "sessions_authorised", 3)),
    ]


def test_r040_late_and_missing_notifications(provider_filler, tmp_path):  # notification_rules
    provider_filler.set_cell("Notifications", 2, "school_notified", date(2024, 12, 2))
    provider_filler.set_cell("Notifications", 2, "council_notified", None)
    assert only(provider_filler, tmp_path) == [
        ("R040", "Notifications", 2, "School notified", "E2"),
        ("R040", "Notifications", 2, "Council notified", "F2"),
    ]


def test_r052_sla_missing_and_risk_assessment_late(school_filler, tmp_path):  # placement_rules
    school_filler.set_cell("Placements", 2, "sla_agreed", None)
    school_filler.set_cell("Placements", 2, "risk_assessment", "03/09/2024")
    assert only(school_filler, tmp_path) == [
        ("R052", "Placements", 2, "SLA agreed", cell(school_filler, "Placements", "sla_agreed", 2)),
        ("R052", "Placements", 2, "Risk assessment", cell(school_filler, "Placements", "risk_assessment", 2)),
    ]


# ---------- the in-memory builder gives exactly what the real template gives ----------

PROVIDER_MISTAKES = [  # (what the user did, planted, rule expected)
    ("set_cell", ("Pupils", 2, "quals_entered", "two")),  # R001
    ("set_cell", ("Pupils", 3, "date_of_birth", "31/02/2011")),  # R001, not a real date
    ("set_cell", ("Pupils", 2, "start_date", "02/09/2024")),  # a text date: fine
    ("set_cell", ("Pupils", 2, "ethnicity", " bafr")),  # a code in lower case: fine
    ("set_cell", ("Pupils", 4, "placement_reason", "Naughty")),  # R002
    ("set_cell", ("Pupils", 3, "surname", "  ")),  # R003
    ("set_cell", ("Pupils", 2, "postcode", "HA4 0EY")),  # (not the R012 message's example postcode)
    ("set_cell", ("Pupils", 3, "postcode", "UB3 4Q")),  # R012
    ("set_cell", ("Pupils", 2, "nc_year", "10")),  # R020
    ("set_cell", ("Pupils", 4, "sen", "K")),  # R021 (query)
    ("set_cell", ("Pupils", 2, "sessions_attended", 115)),  # R023
    ("set_cell", ("Pupils", 4, "hours_per_week", 12.5)),  # a fraction: fine
    ("set_cell", ("Notifications", 2, "school_notified", date(2024, 12, 2))),  # R040
    ("set_cell", ("Notifications", 3, "upn", make_upn(99))),  # R041
    ("set", ("Provider", "contact_email", "sam.patel@brightfutures")),  # R013
    ("set", ("Provider", "last_qa_visit", date(2023, 12, 30))),  # R033
    ("set", ("Provider", "dfe_urn", 145678)),  # a URN typed as a number: fine
]
SCHOOL_MISTAKES = [
    ("set", ("School", "date_completed", "sometime in January")),  # R001 on the form
    ("set_cell", ("Placements", 3, "send_officer_consulted", None)),  # R050
    ("set_cell", ("Placements", 2, "risk_assessment", "03/09/2024")),  # R052, a text date
    ("set_cell", ("Placements", 2, "reintegration_plan", "n")),  # R053
    ("set_cell", ("Placements", 3, "hours_at_school", 9.5)),  # R054
    ("set_cell", ("Placements", 2, "dbs_confirmed", "No")),  # R057
    ("set_cell", ("Placements", 2, "provider_urn", 145678)),  # a URN typed as a number: fine
    (
        "add_row",
        (
            "Placements",
            placement(
                upn=make_upn(12),
                provider_registered="N",
                provider_urn=None,
                ap_setting_type="OTH",
                hours_at_provider=19,
                hours_at_school=20,
            ),
        ),
    ),  # R054
    ("add_row", ("Placements", placement(start_date=date(2024, 10, 1)))),  # R011
]


def _everything(findings):
    return [(f.code, f.sheet, f.row, f.column, f.cell, f.message, f.value) for f in findings]


@pytest.mark.parametrize(
    "kind,mistakes,codes",
    [
        (
            "provider-return",
            PROVIDER_MISTAKES,
            {"R001", "R002", "R003", "R012", "R013", "R020", "R021", "R023", "R033", "R040", "R041"},
        ),
        ("school-log", SCHOOL_MISTAKES, {"R001", "R011", "R050", "R052", "R053", "R054", "R057"}),
    ],
)
def test_the_in_memory_builder_finds_exactly_what_the_real_template_does(tmp_path, kind, mistakes, codes):
    filler = provider_return() if kind == "provider-return" else school_log()
    built = testing.provider_return() if kind == "provider-return" else testing.school_log()
    for method, args in mistakes:
        getattr(filler, method)(*args)
        getattr(built, method)(*args)
    real = _everything(validate_file(filler.save(tmp_path / "return.xlsm")).issues)
    assert {f[0] for f in real} == codes  # every planted mistake found, on the real file
    assert _everything(testing.check(built).issues) == real
