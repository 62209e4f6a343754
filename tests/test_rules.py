"""Every rule R001-R057 fires on the row and column it should, and nowhere else.

Each test starts from a clean return filled into the real template (conftest), changes what
a user would get wrong, and asserts the exact findings: (code, sheet, row, column, cell).
"""
from __future__ import annotations

from datetime import date

import pytest

from ap_sheets.validate import validate_file
from conftest import UPN1, UPN3, make_upn, placement, pupil


def found(filler, tmp_path, name="return.xlsm"):
    report = validate_file(filler.save(tmp_path / name))
    return report, [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues]


def only(filler, tmp_path):
    return found(filler, tmp_path)[1]


# ---------- clean returns ----------

def test_clean_provider_return_has_no_findings(provider_filler, tmp_path):
    report, issues = found(provider_filler, tmp_path)
    assert issues == []
    assert report.status == "accepted" and report.kind == "provider-return"


def test_clean_school_log_has_no_findings(school_filler, tmp_path):
    report, issues = found(school_filler, tmp_path)
    assert issues == []
    assert report.status == "accepted" and report.kind == "school-log"


# ---------- what users type: dates, spaces, case, blank rows ----------

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


def test_extended_ethnicity_code_is_accepted(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "ethnicity", "WENG")
    assert only(provider_filler, tmp_path) == []


def test_blank_rows_inside_and_after_the_table_are_ignored(provider_filler, tmp_path):
    row = provider_filler.add_row("Pupils", pupil(upn=make_upn(40), start_date=date(2024, 9, 3)), blank_rows_before=3)
    assert row == 8
    assert only(provider_filler, tmp_path) == []


def test_postcode_without_space_and_lower_case_is_fine(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "postcode", "ub81uw")
    assert only(provider_filler, tmp_path) == []


# ---------- R001 / R002 / R003 ----------

def test_r001_whole_number_and_yes_no(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "quals_entered", "two")
    provider_filler.set_cell("Pupils", 3, "looked_after", "maybe")
    assert only(provider_filler, tmp_path) == [
        ("R001", "Pupils", 2, "Qualifications entered", provider_cell(provider_filler, "quals_entered", 2)),
        ("R001", "Pupils", 3, "Looked after", provider_cell(provider_filler, "looked_after", 3)),
    ]


def provider_cell(filler, key, row):
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(filler.col_index('Pupils', key))}{row}"


def test_r001_on_the_provider_form(provider_filler, tmp_path):
    r = provider_filler.set("Provider", "date_completed", "sometime in January")
    assert only(provider_filler, tmp_path) == [("R001", "Provider", r, "Date completed", f"B{r}")]


def test_r002_wrong_code(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 4, "placement_reason", "Naughty")
    report, issues = found(provider_filler, tmp_path)
    assert issues == [("R002", "Pupils", 4, "Placement reason", provider_cell(provider_filler, "placement_reason", 4))]
    assert "Naughty" in report.issues[0].message and report.issues[0].value == "Naughty"


def test_r003_required_value_missing(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 3, "surname", "   ")
    assert only(provider_filler, tmp_path) == [("R003", "Pupils", 3, "Surname", "B3")]


def test_r003_conditional_values(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 4, "sexual_orientation", None)  # 16 at term start
    provider_filler.set_cell("Pupils", 2, "commissioner_urn", None)  # a school commissioned
    r = provider_filler.set("Provider", "ofsted_report_date", None)  # judged Good
    assert sorted(only(provider_filler, tmp_path)) == sorted([
        ("R003", "Provider", r, "Ofsted report date", f"B{r}"),
        ("R003", "Pupils", 2, "Commissioner URN", provider_cell(provider_filler, "commissioner_urn", 2)),
        ("R003", "Pupils", 4, "Sexual orientation", provider_cell(provider_filler, "sexual_orientation", 4)),
    ])


def test_sexual_orientation_may_be_blank_under_16(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "sexual_orientation", None)
    assert only(provider_filler, tmp_path) == []


# ---------- R004 ----------

def test_r004_renamed_column_is_reported_not_crashed(provider_filler, tmp_path):
    provider_filler.rename_header("Pupils", "date_of_birth", "DOB")
    issues = only(provider_filler, tmp_path)
    assert issues == [("R004", "Pupils", None, "Date of birth", None)]


def test_r004_renamed_form_label(provider_filler, tmp_path):
    provider_filler.rename_header("Provider", "contact_email", "Email")
    assert only(provider_filler, tmp_path) == [("R004", "Provider", None, "Contact email", None)]


def test_moved_columns_still_read_and_findings_name_the_new_cell(provider_filler, tmp_path):
    ws = provider_filler.book["Pupils"]
    for row in range(1, 5):  # swap Surname (B) and Forename (C), headers and values
        ws.cell(row, 2).value, ws.cell(row, 3).value = ws.cell(row, 3).value, ws.cell(row, 2).value
    assert only(provider_filler, tmp_path) == []
    ws.cell(3, 3).value = None
    assert only(provider_filler, tmp_path) == [("R003", "Pupils", 3, "Surname", "C3")]


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


# ---------- identifiers ----------

@pytest.mark.parametrize("upn,ok", [
    ("B801200005001", True),
    ("b801200005001 ", True),  # case and stray space
    ("B8012000\u200b05001", True),  # zero-width space pasted from email
    ("A801200005001", False),  # wrong check letter
    ("B80120000500", False),  # 12 characters
    ("B80120000500I", False),  # I is never used
    (make_upn(77), True),
])
def test_r010_upn(provider_filler, tmp_path, upn, ok):
    provider_filler.set_cell("Pupils", 2, "upn", upn)
    provider_filler.set_cell("Notifications", 3, "upn", upn)
    expected = [] if ok else [("R010", "Pupils", 2, "UPN", "A2"), ("R010", "Notifications", 3, "UPN", "A3")]
    assert only(provider_filler, tmp_path) == expected


def test_r010_temporary_upn_with_letter_is_valid():
    from ap_sheets.values import upn_check_letter, upn_problem

    body = "80120000500A"
    assert upn_problem(upn_check_letter("A" + body) + body) is None


def test_r011_same_upn_with_overlapping_dates(provider_filler, tmp_path):
    provider_filler.add_row("Pupils", pupil(start_date=date(2024, 11, 1)))
    assert only(provider_filler, tmp_path) == [("R011", "Pupils", 5, "UPN", "A5")]


def test_r011_same_upn_in_turn_is_fine(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "end_date", date(2024, 10, 4))
    provider_filler.set_cell("Pupils", 2, "destination", "Another AP")
    provider_filler.add_row("Pupils", pupil(start_date=date(2024, 11, 4)))
    assert only(provider_filler, tmp_path) == []


def test_r012_postcode(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 3, "postcode", "UB8 1U")
    assert only(provider_filler, tmp_path) == [("R012", "Pupils", 3, "Postcode", "I3")]


def test_r013_email(provider_filler, tmp_path):
    r = provider_filler.set("Provider", "contact_email", "sam.patel@brightfutures")
    assert only(provider_filler, tmp_path) == [("R013", "Provider", r, "Contact email", f"B{r}")]


def test_r014_registered_without_urn(provider_filler, tmp_path):
    r = provider_filler.set("Provider", "dfe_urn", None)
    assert only(provider_filler, tmp_path) == [("R014", "Provider", r, "DfE URN", f"B{r}")]


def test_r014_urn_not_six_digits(provider_filler, tmp_path):
    r = provider_filler.set("Provider", "dfe_urn", 14567)
    assert only(provider_filler, tmp_path) == [("R014", "Provider", r, "DfE URN", f"B{r}")]


# ---------- age and year ----------

@pytest.mark.parametrize("born,nc,ok", [
    (date(2011, 8, 31), 9, True),  # born the day before the cut-off: Year 9 in 2024/25
    (date(2011, 9, 1), 8, True),  # born on the cut-off: a year below
    (date(2011, 9, 1), 9, False),
    (date(2011, 8, 31), 8, False),
])
def test_r020_nc_year_across_the_1_september_cut_off(provider_filler, tmp_path, born, nc, ok):
    provider_filler.set_cell("Pupils", 2, "date_of_birth", born)
    provider_filler.set_cell("Pupils", 2, "nc_year", nc)
    expected = [] if ok else [("R020", "Pupils", 2, "NC year", provider_cell(provider_filler, "nc_year", 2))]
    assert only(provider_filler, tmp_path) == expected


def test_r020_is_a_query_so_the_return_is_accepted(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "nc_year", "10")
    report, issues = found(provider_filler, tmp_path)
    assert [i[0] for i in issues] == ["R020"] and report.status == "accepted"


def test_r021_too_young_is_an_error(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "date_of_birth", date(2021, 1, 1))
    provider_filler.set_cell("Pupils", 2, "nc_year", "R")
    report, issues = found(provider_filler, tmp_path)
    assert issues == [("R021", "Pupils", 2, "Date of birth", "D2")]
    assert report.issues[0].severity == "error"


def test_r021_over_school_age_without_ehcp_is_a_query(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 4, "sen", "K")
    report, issues = found(provider_filler, tmp_path)
    assert issues == [("R021", "Pupils", 4, "Date of birth", "D4")]
    assert report.issues[0].severity == "query"


def test_r022_end_before_start_and_start_after_term(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "planned_end_date", date(2024, 8, 1))
    provider_filler.set_cell("Pupils", 3, "start_date", date(2025, 1, 6))
    c = lambda k, r: provider_cell(provider_filler, k, r)  # noqa: E731
    assert only(provider_filler, tmp_path) == [
        ("R022", "Pupils", 2, "Planned end date", c("planned_end_date", 2)),
        ("R022", "Pupils", 3, "Start date", c("start_date", 3)),
        ("R022", "Pupils", 3, "End date", c("end_date", 3)),
    ]


def test_r023_sessions(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "sessions_attended", 115)
    provider_filler.set_cell("Pupils", 3, "sessions_authorised", -2)
    c = lambda k, r: provider_cell(provider_filler, k, r)  # noqa: E731
    assert only(provider_filler, tmp_path) == [
        ("R023", "Pupils", 2, "Sessions attended", c("sessions_attended", 2)),
        ("R023", "Pupils", 3, "Sessions authorised absence", c("sessions_authorised", 3)),
    ]


# ---------- registration: the 18-hour rules ----------

def unregistered(filler):
    filler.set("Provider", "registered_school", "N")
    filler.set("Provider", "dfe_urn", None)
    filler.set("Provider", "ofsted_judgement", "Not inspected")
    filler.set("Provider", "ofsted_report_date", None)


def test_r030_unregistered_over_18_hours(provider_filler, tmp_path):
    unregistered(provider_filler)
    provider_filler.set_cell("Pupils", 2, "hours_per_week", 18)  # exactly 18 is part-time
    provider_filler.set_cell("Pupils", 3, "hours_per_week", 18.5)
    provider_filler.set_cell("Pupils", 4, "hours_per_week", 12)
    c = provider_cell(provider_filler, "hours_per_week", 3)
    issues = only(provider_filler, tmp_path)
    assert ("R030", "Pupils", 3, "Timetabled hours per week", c) in issues
    assert [i for i in issues if i[0] == "R030"] == [("R030", "Pupils", 3, "Timetabled hours per week", c)]


def test_r031_unregistered_full_time_for_a_looked_after_child(provider_filler, tmp_path):
    unregistered(provider_filler)
    provider_filler.set_cell("Pupils", 4, "hours_per_week", 12)
    provider_filler.set_cell("Pupils", 3, "hours_per_week", 25)  # EHC plan and looked after
    r = provider_filler.form_row("Provider", "Registered school")
    issues = only(provider_filler, tmp_path)
    assert sorted(i for i in issues if i[0] in ("R030", "R031")) == [
        ("R030", "Pupils", 3, "Timetabled hours per week", provider_cell(provider_filler, "hours_per_week", 3)),
        ("R031", "Provider", r, "Registered school", f"B{r}"),
    ]


def test_r031_five_full_time_pupils_but_not_four(provider_filler, tmp_path):
    unregistered(provider_filler)
    for row in (2, 3, 4):
        provider_filler.set_cell("Pupils", row, "hours_per_week", 10)
    for n in range(4):
        provider_filler.add_row("Pupils", pupil(upn=make_upn(60 + n), hours_per_week=20))
    assert [i[0] for i in only(provider_filler, tmp_path)].count("R031") == 0
    provider_filler.add_row("Pupils", pupil(upn=make_upn(70), hours_per_week=20))
    issues = only(provider_filler, tmp_path)
    assert [i[0] for i in issues].count("R031") == 1
    assert [i[0] for i in issues].count("R030") == 5


# ---------- provider compliance ----------

def test_r032_ofsted_requires_improvement(provider_filler, tmp_path):
    r = provider_filler.set("Provider", "ofsted_judgement", "requires improvement")
    assert only(provider_filler, tmp_path) == [("R032", "Provider", r, "Ofsted judgement", f"B{r}")]


def test_r033_qa_visit_over_a_year_before_term_end(provider_filler, tmp_path):
    r = provider_filler.set("Provider", "last_qa_visit", date(2023, 12, 30))
    assert only(provider_filler, tmp_path) == [("R033", "Provider", r, "Last LA QA visit", f"B{r}")]
    provider_filler.set("Provider", "last_qa_visit", date(2023, 12, 31))
    assert only(provider_filler, tmp_path) == []


def test_r033_missing_qa_visit_only_matters_in_the_directory(provider_filler, tmp_path):
    r = provider_filler.set("Provider", "last_qa_visit", None)
    assert only(provider_filler, tmp_path) == [("R033", "Provider", r, "Last LA QA visit", f"B{r}")]
    provider_filler.set("Provider", "in_directory", "N")
    assert only(provider_filler, tmp_path) == []


def test_r034_dbs(provider_filler, tmp_path):
    r = provider_filler.set("Provider", "all_staff_dbs", "N")
    report, issues = found(provider_filler, tmp_path)
    assert issues == [("R034", "Provider", r, "All staff enhanced DBS checked", f"B{r}")]
    assert report.status == "rejected"


def test_r035_insurance_and_training(provider_filler, tmp_path):
    ri = provider_filler.set("Provider", "insurance_expiry", date(2024, 12, 1))
    rt = provider_filler.set("Provider", "cp_training_date", date(2021, 12, 1))
    assert only(provider_filler, tmp_path) == [
        ("R035", "Provider", rt, "Child protection training date", f"B{rt}"),
        ("R035", "Provider", ri, "Insurance expiry date", f"B{ri}"),
    ]


# ---------- notifications ----------

def test_r040_late_and_missing_notifications(provider_filler, tmp_path):
    provider_filler.set_cell("Notifications", 2, "school_notified", date(2024, 12, 2))
    provider_filler.set_cell("Notifications", 2, "council_notified", None)
    assert only(provider_filler, tmp_path) == [
        ("R040", "Notifications", 2, "School notified", "E2"),
        ("R040", "Notifications", 2, "Council notified", "F2"),
    ]


def test_r040_council_need_not_hear_of_non_attendance(provider_filler, tmp_path):
    # row 3 is a non-attendance with only referrer and school told: fine
    provider_filler.set_cell("Notifications", 3, "referrer_notified", date(2024, 10, 4))
    assert only(provider_filler, tmp_path) == [("R040", "Notifications", 3, "Referrer notified", "D3")]


def test_r040_school_need_not_be_told_when_no_school_placed_the_child(provider_filler, tmp_path):
    provider_filler.add_row("Notifications", {"upn": UPN3,
                                              "event_type": "Serious incident", "event_date": date(2024, 11, 5),
                                              "referrer_notified": date(2024, 11, 5)})
    assert only(provider_filler, tmp_path) == []
    provider_filler.add_row("Notifications", {"upn": UPN1, "event_type": "Serious incident",
                                              "event_date": date(2024, 11, 5), "referrer_notified": date(2024, 11, 5)})
    assert only(provider_filler, tmp_path) == [("R040", "Notifications", 5, "School notified", "E5")]


def test_r001_impossible_date_says_so(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "start_date", "31/02/2024")
    report, issues = found(provider_filler, tmp_path)
    assert [i[0] for i in issues] == ["R001"] and "not a real date" in report.issues[0].message


def test_r041_notification_for_unknown_pupil(provider_filler, tmp_path):
    provider_filler.set_cell("Notifications", 3, "upn", make_upn(99))
    assert only(provider_filler, tmp_path) == [("R041", "Notifications", 3, "UPN", "A3")]


def test_r042_ended_without_destination(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 3, "destination", None)
    assert only(provider_filler, tmp_path) == [
        ("R042", "Pupils", 3, "Destination", provider_cell(provider_filler, "destination", 3))]


# ---------- school placement log ----------

def school_cell(filler, key, row):
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(filler.col_index('Placements', key))}{row}"


def test_r003_provider_urn_for_registered_provider(school_filler, tmp_path):
    school_filler.set_cell("Placements", 2, "provider_urn", None)
    assert only(school_filler, tmp_path) == [
        ("R003", "Placements", 2, "Provider URN", school_cell(school_filler, "provider_urn", 2))]


def test_r050_r051_consultations(school_filler, tmp_path):
    school_filler.set_cell("Placements", 3, "send_officer_consulted", None)
    school_filler.set_cell("Placements", 3, "virtual_school_consulted", "  ")
    assert only(school_filler, tmp_path) == [
        ("R050", "Placements", 3, "SEND officer consulted", school_cell(school_filler, "send_officer_consulted", 3)),
        ("R051", "Placements", 3, "Virtual School consulted", school_cell(school_filler, "virtual_school_consulted", 3)),
    ]


def test_r052_sla_missing_and_risk_assessment_late(school_filler, tmp_path):
    school_filler.set_cell("Placements", 2, "sla_agreed", None)
    school_filler.set_cell("Placements", 2, "risk_assessment", "03/09/2024")
    assert only(school_filler, tmp_path) == [
        ("R052", "Placements", 2, "SLA agreed", school_cell(school_filler, "sla_agreed", 2)),
        ("R052", "Placements", 2, "Risk assessment", school_cell(school_filler, "risk_assessment", 2)),
    ]


def test_r053_no_reintegration_plan_is_a_query(school_filler, tmp_path):
    school_filler.set_cell("Placements", 2, "reintegration_plan", "n")
    report, issues = found(school_filler, tmp_path)
    assert issues == [("R053", "Placements", 2, "Reintegration plan", school_cell(school_filler, "reintegration_plan", 2))]
    assert report.status == "accepted"


def test_r054_unregistered_hours(school_filler, tmp_path):
    school_filler.set_cell("Placements", 3, "hours_at_school", 9)
    school_filler.add_row("Placements", placement(upn=make_upn(12), provider_registered="N", provider_urn=None,
                                                  ap_setting_type="OTH", hours_at_provider=19, hours_at_school=20))
    school_filler.add_row("Placements", placement(upn=make_upn(13), hours_at_provider=25, hours_at_school=0))
    assert only(school_filler, tmp_path) == [
        ("R054", "Placements", 3, "Hours per week at school", school_cell(school_filler, "hours_at_school", 3)),
        ("R054", "Placements", 4, "Hours per week at provider", school_cell(school_filler, "hours_at_provider", 4)),
    ]


def test_r055_last_visit_counts_school_weeks(school_filler, tmp_path):
    # Autumn 2024's last teaching day is Friday 20/12; six school weeks before is 08/11.
    school_filler.set_cell("Placements", 2, "last_visit", date(2024, 11, 7))
    school_filler.add_row("Placements", placement(upn=make_upn(14), start_date=date(2024, 12, 2), last_visit=None))
    school_filler.add_row("Placements", placement(upn=make_upn(15), last_visit=None))
    school_filler.add_row("Placements", placement(upn=make_upn(16), last_visit=date(2024, 11, 8)))
    assert only(school_filler, tmp_path) == [
        ("R055", "Placements", 2, "Last visit", school_cell(school_filler, "last_visit", 2)),
        ("R055", "Placements", 5, "Last visit", school_cell(school_filler, "last_visit", 5)),
    ]


def test_r055_summer_holiday_is_not_school_weeks(school_filler, tmp_path):
    school_filler.set("School", "term", "Summer")
    school_filler.set("School", "date_completed", date(2025, 7, 25))
    for row, upn in ((2, None), (3, None)):
        school_filler.set_cell("Placements", row, "start_date", date(2025, 4, 22))
        school_filler.set_cell("Placements", row, "planned_end_date", date(2025, 7, 22))
        school_filler.set_cell("Placements", row, "end_date", None)
        school_filler.set_cell("Placements", row, "final_report_received", None)
        school_filler.set_cell("Placements", row, "destination", None)
    school_filler.set_cell("Placements", 2, "last_visit", date(2025, 6, 12))  # 6 school weeks before 22/07 is 10/06
    school_filler.set_cell("Placements", 3, "last_visit", date(2025, 6, 9))
    assert only(school_filler, tmp_path) == [
        ("R055", "Placements", 3, "Last visit", school_cell(school_filler, "last_visit", 3))]


def test_r056_ended_placement_records(school_filler, tmp_path):
    school_filler.set_cell("Placements", 3, "final_report_received", "N")
    school_filler.set_cell("Placements", 3, "destination", None)
    assert only(school_filler, tmp_path) == [
        ("R056", "Placements", 3, "Final report received", school_cell(school_filler, "final_report_received", 3)),
        ("R056", "Placements", 3, "Destination", school_cell(school_filler, "destination", 3)),
    ]


def test_r057_dbs_not_confirmed(school_filler, tmp_path):
    school_filler.set_cell("Placements", 2, "dbs_confirmed", "No")
    assert only(school_filler, tmp_path) == [
        ("R057", "Placements", 2, "DBS confirmed", school_cell(school_filler, "dbs_confirmed", 2))]


def test_r011_on_a_log_a_child_may_be_at_two_providers_at_once(school_filler, tmp_path):
    school_filler.add_row("Placements", placement(provider_name="Green Shoots Farm", provider_id="AP-0012",
                                                  provider_registered="N", provider_urn=None, ap_setting_type="OTH",
                                                  hours_at_provider=6, hours_at_school=19))
    assert only(school_filler, tmp_path) == []


def test_placement_log_shares_the_child_rules(school_filler, tmp_path):
    school_filler.add_row("Placements", placement(start_date=date(2024, 10, 1)))  # R011 with row 2
    school_filler.set_cell("Placements", 3, "nc_year", 8)  # R020
    issues = only(school_filler, tmp_path)
    assert issues == [
        ("R020", "Placements", 3, "NC year", school_cell(school_filler, "nc_year", 3)),
        ("R011", "Placements", 4, "UPN", "A4"),
    ]
