"""X001-X005 one rule at a time, on small in-memory returns (the end-to-end test with real
workbooks is in test_consolidate.py)."""
from __future__ import annotations

from datetime import date

from ap_sheets.batch import FileResult, PlacementRow, PupilRow
from ap_sheets.rules.cross_rules import (
    choose_returns, name_key, reconcile, x001_pupil_not_on_school_log, x002_placement_not_on_provider_return,
    x003_identity_differs, x004_attendance_differs, x005_duplicate_returns,
)
from ap_sheets.findings import FileReport
from ap_sheets.terms import Term
from ap_sheets.values import upn_check_letter

TERM = Term(2024, "Autumn")


def upn(n: int) -> str:
    body = f"80120000{n:03d}1"
    return upn_check_letter("A" + body) + body


def pupil(row: int, n: int, **kw) -> PupilRow:
    base = dict(row=row, upn=upn(n), surname="Smith", forename="Jo", date_of_birth=date(2010, 3, 4), sex="F",
                ethnicity="WBRI", nc_year="10", sen="N", looked_after="N", commissioner_type="School",
                commissioner_name="School One", commissioner_urn="100001", placement_reason="Suspension", tier=2,
                start_date=date(2024, 9, 9), planned_end_date=date(2025, 1, 31), end_date=None, hours_per_week=12,
                sessions_possible=100, sessions_attended=80, sessions_authorised=10, engagement=3,
                progress_outcomes=3, progress_learning=3, quals_entered=0, quals_achieved=0, suspensions=0,
                safeguarding_concerns=0, behaviour_incidents=0, reintegration_plan="Y", destination=None,
                postcode="UB8 1UW")
    base.update(kw)
    return PupilRow(**base)


def placed(row: int, n: int, pid: str = "AP-1", **kw) -> PlacementRow:
    base = dict(row=row, upn=upn(n), surname="Smith", forename="Jo", date_of_birth=date(2010, 3, 4), nc_year="10",
                sen="N", looked_after="N", provider_name="Alpha", provider_id=pid, provider_registered="Y",
                placement_reason="Suspension", start_date=date(2024, 9, 9), planned_end_date=date(2025, 1, 31),
                end_date=None, hours_at_provider=12, hours_at_school=13, reintegration_plan="Y",
                planned_return_date=None, attendance_pct=80.0, progress=3, final_report_received=None,
                destination=None)
    base.update(kw)
    return PlacementRow(**base)


def provider(file: str, pid: str, rows, status="accepted", completed=date(2024, 12, 16), mtime=0.0) -> FileResult:
    return FileResult(file, FileReport(file, "provider-return", status), kind="provider-return", term=TERM,
                      record={"provider_name": f"Provider {pid}", "provider_id": pid, "date_completed": completed},
                      record_rows={"provider_id": 3}, rows=list(rows), mtime=mtime, has_data=True)


def school(file: str, urn: str, rows, status="accepted", completed=date(2024, 12, 16)) -> FileResult:
    return FileResult(file, FileReport(file, "school-log", status), kind="school-log", term=TERM,
                      record={"school_name": f"School {urn}", "school_urn": urn, "date_completed": completed},
                      record_rows={"school_urn": 3}, rows=list(rows), has_data=True)


def test_x001_only_for_school_commissioned_pupils_missing_from_every_log():
    p = provider("p.xlsm", "AP-1", [pupil(2, 1), pupil(3, 2), pupil(4, 3, commissioner_type="LA SEND")])
    s = school("s.xlsm", "100001", [placed(2, 1)])
    found = x001_pupil_not_on_school_log([p], [s], TERM)
    assert [(f.upn, f.row, f.other_file) for f in found] == [(upn(2), 3, "s.xlsm")]


def test_x001_says_when_the_school_sent_no_log_and_when_the_provider_id_differs():
    p = provider("p.xlsm", "AP-1", [pupil(2, 1, commissioner_urn="100009"), pupil(3, 2)])
    s = school("s.xlsm", "100001", [placed(7, 2, pid="AP-9")])
    a, b = x001_pupil_not_on_school_log([p], [s], TERM)
    assert "No placement log was received" in a.message and a.other_file is None
    assert "provider ID AP-9" in b.message and (b.other_file, b.other_row) == ("s.xlsm", 7)


def test_x001_provider_ids_match_without_case_or_spaces():
    p = provider("p.xlsm", "AP-1", [pupil(2, 1)])
    s = school("s.xlsm", "100001", [placed(2, 1, pid=" ap-1 ")])
    assert x001_pupil_not_on_school_log([p], [s], TERM) == []


def test_x002_ignores_placements_outside_the_term():
    p = provider("p.xlsm", "AP-1", [pupil(2, 1)])
    s = school("s.xlsm", "100001", [
        placed(2, 1), placed(3, 2),  # X002
        placed(4, 3, start_date=date(2024, 1, 8), end_date=date(2024, 3, 1)),  # ended before the term
        placed(5, 4, start_date=date(2025, 1, 6)),  # starts after it
    ])
    found = x002_placement_not_on_provider_return([p], [s], TERM)
    assert [(f.upn, f.file, f.row, f.other_file) for f in found] == [(upn(2), "s.xlsm", 3, "p.xlsm")]


def test_x002_names_a_provider_that_sent_no_return():
    s = school("s.xlsm", "100001", [placed(2, 1, pid="AP-7")])
    (f,) = x002_placement_not_on_provider_return([], [s], TERM)
    assert "No return was received" in f.message and "AP-7" in f.message


def test_x003_reports_the_odd_one_out_against_the_common_identity():
    p1 = provider("p1.xlsm", "AP-1", [pupil(2, 1)])
    p2 = provider("p2.xlsm", "AP-2", [pupil(4, 1, date_of_birth=date(2010, 4, 3))])
    s = school("s.xlsm", "100001", [placed(6, 1), placed(7, 1, pid="AP-2")])
    (f,) = x003_identity_differs([p1, p2], [s], TERM)
    assert (f.file, f.row, f.other_file, f.other_row) == ("p2.xlsm", 4, "p1.xlsm", 2)
    # What differs is named; the dates of birth themselves never appear in a message (privacy).
    assert "date of birth" in f.message and "03/04/2010" not in f.message and "04/03/2010" not in f.message


def test_x003_ignores_case_accents_spaces_and_punctuation():
    p = provider("p.xlsm", "AP-1", [pupil(2, 1, surname="O'Brien", forename="Zoë")])
    s = school("s.xlsm", "100001", [placed(2, 1, surname=" obrien ", forename="ZOE")])
    assert x003_identity_differs([p], [s], TERM) == []
    assert name_key("Mary-Jane") == name_key("mary jane")
    s2 = school("s.xlsm", "100001", [placed(2, 1, surname="Brien")])
    assert len(x003_identity_differs([p], [s2], TERM)) == 1


def test_x003_only_across_files():
    p = provider("p.xlsm", "AP-1", [pupil(2, 1), pupil(3, 1, surname="Other")])
    assert x003_identity_differs([p], [], TERM) == []


def test_x004_more_than_ten_points_apart():
    p = provider("p.xlsm", "AP-1", [pupil(2, 1, sessions_attended=50), pupil(3, 2, sessions_attended=50),
                                    pupil(4, 3, sessions_possible=0)])
    s = school("s.xlsm", "100001", [placed(2, 1, attendance_pct=60.0),  # exactly 10: fine
                                    placed(3, 2, attendance_pct=60.5),  # 10.5: X004
                                    placed(4, 3, attendance_pct=90.0)])  # no sessions: nothing to compare
    found = x004_attendance_differs([p], [s], TERM)
    assert [(f.upn, f.row, f.other_row) for f in found] == [(upn(2), 3, 3)]


def test_x005_prefers_accepted_then_latest_completed():
    a = provider("a.xlsm", "AP-1", [], status="rejected", completed=date(2024, 12, 20))
    b = provider("b.xlsm", "AP-1", [], completed=date(2024, 12, 1))
    c = provider("c.xlsm", "AP-1", [], completed=date(2024, 12, 10))
    chosen, superseded = choose_returns([a, b, c])
    assert [r.file for r in chosen] == ["c.xlsm"]
    assert superseded == {"a.xlsm": "c.xlsm", "b.xlsm": "c.xlsm"}
    found = x005_duplicate_returns([a, b, c], TERM)
    assert [(f.file, f.other_file, f.severity) for f in found] == [("a.xlsm", "c.xlsm", "error"),
                                                                    ("b.xlsm", "c.xlsm", "error")]
    assert "it is accepted" in found[0].message and "completed later" in found[1].message


def test_x005_schools_by_urn_and_ties_broken_by_save_time():
    s1 = school("s1.xlsm", "100001", [])
    s2 = school("s2.xlsm", "100001", [])
    s2_later = FileResult(**{**s2.__dict__, "mtime": 5.0})
    chosen, superseded = choose_returns([s1, s2_later])
    assert superseded == {"s1.xlsm": "s2.xlsm"}


def test_reconcile_uses_only_the_chosen_return():
    old = provider("old.xlsm", "AP-1", [pupil(2, 9)], completed=date(2024, 12, 1))
    new = provider("new.xlsm", "AP-1", [pupil(2, 1)])
    s = school("s.xlsm", "100001", [placed(2, 1)])
    findings, chosen, superseded = reconcile([old, new, s], TERM)
    assert [f.code for f in findings] == ["X005"]  # the old return's pupil is not an X001
    assert {r.file for r in chosen} == {"new.xlsm", "s.xlsm"}
