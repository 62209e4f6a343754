"""Batch consolidation end to end: a generated term with known totals and planted gaps.

The folder (built with the real template builder):

  providers/AP-0101.xlsm         accepted   5 pupils: c1 c2 c3 c4 c5
  providers/AP-0102.xlsm         accepted   3 pupils: c1 (moved here) c6 c7      (completed 16/12)
  providers/AP-0102 old.xlsm     accepted   an earlier copy (completed 02/12), c10   -> X005, left out
  providers/AP-0103.xlsm         rejected   bad postcode; pupil c11                  -> not counted
  providers/AP-0101 summer.xlsm  accepted   2023/24 Summer: for Trends only
  schools/100001.xlsm            accepted   c1@0101 c1@0102 c5@0101 c8@0102 c9@0101 (ended last year)
  schools/100002.xlsm            accepted   c4@0101 c6@0102 c11@0103
  notes.csv, scan.pdf, broken.xlsm         unreadable
  budget.xlsx                    rejected   a workbook that is not a return (R004)
  ~$AP-0101.xlsm                 skipped    Excel lock file

Planted gaps, each exactly once: X001 c2 (school-commissioned, on no log); X002 c8 (on
school 100001's log with AP-0102, not on its return); X003 c5 (date of birth differs);
X004 c4 (provider 50%, school 75%); X005 the two AP-0102 returns.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from ap_sheets.batch import REPORT_NAME, SHAREABLE_NAME, SUMMARY_NAME, consolidate
from ap_sheets.templates import build_workbook
from ap_sheets.values import upn_check_letter

EPOCH = "1735689600"  # 2025-01-01: reports are reproducible with SOURCE_DATE_EPOCH


def upn(n: int) -> str:
    body = f"31220240{n:03d}0"
    return upn_check_letter("A" + body) + body


C = {i: upn(i) for i in range(1, 13)}
DOB = date(2010, 3, 4)  # NC year 10 in 2024/25


def provider_record(pid: str, name: str, completed=date(2024, 12, 16), year="2024/25", term="Autumn") -> dict:
    return {
        "provider_name": name,
        "provider_id": pid,
        "academic_year": year,
        "term": term,
        "registered_school": "Y",
        "dfe_urn": "145678",
        "ofsted_judgement": "Good",
        "ofsted_report_date": date(2023, 3, 14),
        "in_directory": "Y",
        "last_qa_visit": date(2024, 6, 10),
        "all_staff_dbs": "Y",
        "cp_training_date": date(2023, 9, 1),
        "insurance_expiry": date(2025, 8, 31),
        "new_sites": "N",
        "contact_name": "Sam Patel",
        "contact_email": "sam.patel@provider.org.uk",
        "completed_by": "Sam Patel",
        "date_completed": completed,
    }


def pupil(n: int, **changes) -> dict:
    base = {
        "upn": C[n],
        "surname": f"Surname{n}",
        "forename": f"Child{n}",
        "date_of_birth": DOB,
        "sex": "F" if n % 2 else "M",
        "ethnicity": "WBRI",
        "religion": "No religion",
        "postcode": "UB8 1UW",
        "nc_year": "10",
        "sen": "N",
        "looked_after": "N",
        "commissioner_type": "School",
        "commissioner_name": "School One",
        "commissioner_urn": "100001",
        "placement_reason": "Suspension",
        "tier": 2,
        "start_date": date(2024, 9, 9),
        "planned_end_date": date(2025, 2, 14),
        "hours_per_week": 12,
        "sessions_possible": 100,
        "sessions_attended": 80,
        "sessions_authorised": 10,
        "engagement": 3,
        "progress_outcomes": 3,
        "progress_learning": 3,
        "quals_entered": 1,
        "quals_achieved": 0,
        "suspensions": 0,
        "safeguarding_concerns": 0,
        "behaviour_incidents": 1,
        "reintegration_plan": "Y",
    }
    base.update(changes)
    return base


def school_record(urn: str, name: str) -> dict:
    return {
        "school_name": name,
        "school_urn": urn,
        "academic_year": "2024/25",
        "term": "Autumn",
        "dsl": "Helen Marsh",
        "completed_by": "Office Manager",
        "date_completed": date(2024, 12, 17),
    }


def placement(n: int, pid: str, pname: str, attendance: float = 80.0, **changes) -> dict:
    base = {
        "upn": C[n],
        "surname": f"Surname{n}",
        "forename": f"Child{n}",
        "date_of_birth": DOB,
        "nc_year": "10",
        "sen": "N",
        "looked_after": "N",
        "provider_name": pname,
        "provider_id": pid,
        "provider_registered": "Y",
        "provider_urn": "145678",
        "placement_reason": "Suspension",
        "start_date": date(2024, 9, 9),
        "planned_end_date": date(2025, 2, 14),
        "days_at_provider": 2,
        "hours_at_provider": 12,
        "hours_at_school": 13,
        "sla_agreed": date(2024, 8, 20),
        "risk_assessment": date(2024, 8, 28),
        "qa_check": date(2024, 8, 15),
        "dbs_confirmed": "Y",
        "reintegration_plan": "Y",
        "last_visit": date(2024, 12, 2),
        "attendance_pct": attendance,
    }
    base.update(changes)
    return base


# Sessions per pupil (possible, attended) on the accepted Autumn provider returns.
P1_PUPILS = [
    pupil(1),
    pupil(2, suspensions=1),  # X001: school-commissioned, on no log
    pupil(
        3,
        sen="E",
        commissioner_type="LA SEND",
        commissioner_name="SEND team",
        commissioner_urn=None,
        end_date=date(2024, 11, 29),
        destination="Returned to home school",
    ),
    pupil(4, commissioner_name="School Two", commissioner_urn="100002", sessions_attended=50),  # X004
    pupil(5),  # X003: the school log has another date of birth
]
P2_PUPILS = [
    pupil(1, start_date=date(2024, 11, 4), sessions_possible=60, sessions_attended=30, sessions_authorised=0),
    pupil(
        6,
        sen="E",
        commissioner_name="School Two",
        commissioner_urn="100002",
        surname='=HYPERLINK("http://evil.example","x")',
        forename="+SUM(1,2)",
    ),
    pupil(
        7,
        looked_after="Y",
        commissioner_type="Parent",
        commissioner_name="Parent",
        commissioner_urn=None,
        end_date=date(2024, 12, 6),
        destination="NEET",
    ),
]
P1_NOTIFICATIONS = [
    {
        "upn": C[4],
        "event_type": "Permanent exclusion",
        "event_date": date(2024, 10, 7),
        "referrer_notified": date(2024, 10, 7),
        "school_notified": date(2024, 10, 7),
        "council_notified": date(2024, 10, 7),
        "parents_notified": date(2024, 10, 7),
    },
    {
        "upn": C[1],
        "event_type": "Non-attendance",
        "event_date": date(2024, 10, 3),
        "referrer_notified": date(2024, 10, 4),
        "school_notified": date(2024, 10, 3),
    },  # late: R040
]
P1_COMPLAINTS = [
    {"date_received": date(2024, 10, 14), "kind": "Complaint", "category": "Transport"},
    {
        "date_received": date(2024, 11, 1),
        "kind": "Compliment",
        "category": "Teaching",
        "date_resolved": date(2024, 11, 2),
        "outcome": "Shared",
    },
]

EXPECTED = {
    "children": 7,  # c1..c7 (c1 on two returns)
    "with_ehcp": 2,  # c3, c6
    "looked_after": 1,  # c7
    "providers": 2,
    "placements": 8,
    "sessions_possible": 100 * 7 + 60,
    "sessions_attended": 80 * 5 + 50 + 30 + 80,
}


def write_term(root: Path) -> Path:
    (root / "providers").mkdir(parents=True)
    (root / "schools").mkdir()
    build_workbook(
        "provider-return",
        root / "providers/AP-0101.xlsm",
        {
            "Provider": provider_record("AP-0101", "Alpha Provision"),
            "Pupils": P1_PUPILS,
            "Notifications": P1_NOTIFICATIONS,
            "Complaints": P1_COMPLAINTS,
        },
    )
    build_workbook(
        "provider-return",
        root / "providers/AP-0102.xlsm",
        {"Provider": provider_record("AP-0102", "Beta Learning"), "Pupils": P2_PUPILS},
    )
    build_workbook(
        "provider-return",
        root / "providers/AP-0102 old.xlsm",
        {
            "Provider": provider_record("AP-0102", "Beta Learning", completed=date(2024, 12, 2)),
            "Pupils": [pupil(10, commissioner_type="Parent", commissioner_name="Parent", commissioner_urn=None)],
        },
    )
    build_workbook(
        "provider-return",
        root / "providers/AP-0103.xlsm",
        {
            "Provider": provider_record("AP-0103", "Gamma Centre"),
            "Pupils": [pupil(11, postcode="NOT A POSTCODE", commissioner_name="School Two", commissioner_urn="100002")],
        },
    )
    build_workbook(
        "provider-return",
        root / "providers/AP-0101 summer.xlsm",
        {
            "Provider": provider_record(
                "AP-0101", "Alpha Provision", completed=date(2024, 7, 19), year="2023/24", term="Summer"
            ),
            "Pupils": [
                pupil(12, nc_year="9", start_date=date(2024, 4, 15), planned_end_date=date(2024, 7, 19)),
                pupil(1, nc_year="9", start_date=date(2024, 4, 15), planned_end_date=date(2024, 7, 19)),
            ],
        },
    )
    build_workbook(
        "school-log",
        root / "schools/100001.xlsm",
        {
            "School": school_record("100001", "School One"),
            "Placements": [
                placement(1, "AP-0101", "Alpha Provision"),
                placement(1, "AP-0102", "Beta Learning", attendance=50.0, start_date=date(2024, 11, 4)),
                placement(5, "AP-0101", "Alpha Provision", date_of_birth=date(2010, 4, 3)),  # X003
                placement(8, "AP-0102", "Beta Learning"),  # X002
                placement(
                    9,
                    "AP-0101",
                    "Alpha Provision",
                    start_date=date(2024, 1, 8),  # ended before the term
                    end_date=date(2024, 3, 22),
                    final_report_received="Y",
                    destination="Returned to home school",
                    sla_agreed=date(2024, 1, 2),
                    risk_assessment=date(2024, 1, 2),
                ),
            ],
        },
    )
    build_workbook(
        "school-log",
        root / "schools/100002.xlsm",
        {
            "School": school_record("100002", "School Two"),
            "Placements": [
                placement(4, "AP-0101", "Alpha Provision", attendance=75.0),  # X004: provider says 50%
                placement(
                    6,
                    "AP-0102",
                    "Beta Learning",
                    sen="E",
                    send_officer_consulted=date(2024, 9, 1),
                    surname='=HYPERLINK("http://evil.example","x")',
                    forename="+SUM(1,2)",
                ),
                placement(11, "AP-0103", "Gamma Centre"),
            ],
        },
    )
    (root / "notes.csv").write_text("UPN,Name\nA123,Someone\n")
    (root / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    (root / "broken.xlsm").write_bytes(b"PK\x03\x04 this is not really a zip")
    (root / "~$AP-0101.xlsm").write_bytes(b"lock")
    wb = xlsxwriter.Workbook(str(root / "budget.xlsx"))
    wb.add_worksheet("Budget").write_string(0, 0, "Not a return")
    wb.close()
    return root


def snapshot(root: Path) -> dict:
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def term_dir(tmp_path_factory) -> Path:
    return write_term(tmp_path_factory.mktemp("returns"))


@pytest.fixture(scope="module")
def run(term_dir, tmp_path_factory):
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        before = snapshot(term_dir)
        out = tmp_path_factory.mktemp("out")
        outcome = consolidate(term_dir, out, progress=False)
        assert snapshot(term_dir) == before, "inputs must never be written to"
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    return outcome


def sheet_rows(path: Path, sheet: str, header: str) -> list[dict]:
    """Rows of the table whose header row starts with `header`, as dicts."""
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r and r[0] == header)
    heads = rows[top]
    out = []
    for r in rows[top + 1 :]:
        if r[0] is None:
            break
        out.append({h: v for h, v in zip(heads, r) if h is not None})
    return out


# ---- summary.json ----------------------------------------------------------------------
def test_summary_json_has_the_contract_keys_and_exact_figures(run):
    s = json.loads(run.outputs["summary"].read_text())
    assert s["term"] == "2024/25 Autumn"
    assert s["files"] == {"accepted": 6, "rejected": 2, "unreadable": 3}
    for key in ("children", "with_ehcp", "looked_after", "providers", "placements"):
        assert s[key] == EXPECTED[key], key
    assert s["reconciliation"] == {"X001": 1, "X002": 1, "X003": 1, "X004": 1, "X005": 1, "X006": 0}
    assert (s["registration_test"], s["full_time_hours"]) == ("guidance-2024", 18.0)
    assert s["issues_by_code"]["R012"] == 1  # the rejected provider's postcode
    assert s["issues_by_code"]["R004"] == 1  # budget.xlsx
    assert s["issues_by_code"]["R040"] == 1  # a late notification
    assert s["attendance_pct"] == round(100 * EXPECTED["sessions_attended"] / EXPECTED["sessions_possible"], 1)
    kpis = s["kpis"]
    assert (kpis["zero_suspensions"]["numerator"], kpis["zero_suspensions"]["denominator"]) == (6, 7)
    assert (kpis["zero_permanent_exclusions"]["numerator"], kpis["zero_permanent_exclusions"]["denominator"]) == (6, 7)
    assert (kpis["reintegration"]["numerator"], kpis["reintegration"]["denominator"]) == (1, 2)
    assert (kpis["neet"]["numerator"], kpis["neet"]["denominator"]) == (1, 2)
    assert s["files_detail"]["other_terms"] == {"2023/24 Summer": 1}
    assert s["files_detail"]["superseded"] == [
        {"file": "providers/AP-0102 old.xlsm", "instead_used": "providers/AP-0102.xlsm"}
    ]
    assert sorted(s["files_detail"]["unreadable"]) == ["broken.xlsm", "notes.csv", "scan.pdf"]
    assert sorted(s["files_detail"]["rejected"]) == ["budget.xlsx", "providers/AP-0103.xlsm"]


# ---- the register --------------------------------------------------------------------------
def test_register_lists_each_child_once(run):
    rows = sheet_rows(run.outputs["report"], "Register", "UPN")
    upns = [r["UPN"] for r in rows]
    assert len(upns) == len(set(upns))
    # c1-c7 from accepted provider returns; c11 on a rejected return (and a school log); c8 only
    # on a school log; not c9 (ended before the term), c10 (superseded return) or c12 (another term).
    assert set(upns) == {C[i] for i in (1, 2, 3, 4, 5, 6, 7, 8, 11)}
    c1 = next(r for r in rows if r["UPN"] == C[1])
    assert c1["Placements"] == 2
    assert "Alpha Provision" in c1["Providers"] and "Beta Learning" in c1["Providers"]
    by_upn = {r["UPN"]: r for r in rows}
    assert by_upn[C[11]]["Source"] == "Rejected provider return and school log"
    assert by_upn[C[1]]["Source"] == "Provider return and school log"
    assert by_upn[C[8]]["Source"] == "School log only"
    assert by_upn[C[8]]["Reconciliation queries"] == "X002"


# ---- reconciliation --------------------------------------------------------------------------
def test_each_cross_rule_fires_exactly_where_planted(run):
    found = {(f.code, f.upn, f.file, f.row, f.other_file, f.other_row) for f in run.consolidation.cross}
    assert found == {
        ("X001", C[2], "providers/AP-0101.xlsm", 3, "schools/100001.xlsm", None),
        ("X002", C[8], "schools/100001.xlsm", 5, "providers/AP-0102.xlsm", None),
        ("X003", C[5], "schools/100001.xlsm", 4, "providers/AP-0101.xlsm", 6),
        ("X004", C[4], "providers/AP-0101.xlsm", 5, "schools/100002.xlsm", 2),
        ("X005", None, "providers/AP-0102 old.xlsm", 3, "providers/AP-0102.xlsm", 3),
    }
    x005 = next(f for f in run.consolidation.cross if f.code == "X005")
    assert "providers/AP-0102.xlsm" in x005.message and "AP-0102 old.xlsm" in x005.message
    assert "completed later" in x005.message
    sheet = sheet_rows(run.outputs["report"], "Reconciliation", "Code")
    assert sorted(r["Code"] for r in sheet) == ["X001", "X002", "X003", "X004", "X005"]


def test_rejected_unreadable_and_superseded_files_are_listed_and_left_out(run):
    files = {r["File"]: r for r in sheet_rows(run.outputs["report"], "Data quality", "File")}
    assert "~$AP-0101.xlsm" not in files  # lock file skipped
    assert files["notes.csv"]["Status"] == "unreadable" and files["notes.csv"]["Why unreadable"]
    assert files["scan.pdf"]["Status"] == "unreadable"
    assert files["budget.xlsx"]["Status"] == "rejected"
    assert files["providers/AP-0103.xlsm"]["Status"] == "rejected"
    assert files["providers/AP-0103.xlsm"]["In the figures"].startswith("No: rejected")
    assert files["providers/AP-0102 old.xlsm"]["In the figures"].startswith("No: another return")
    assert files["providers/AP-0101 summer.xlsm"]["In the figures"] == "No: return for 2023/24 Summer (used in Trends)"
    assert files["providers/AP-0101.xlsm"]["In the figures"] == "Yes"
    providers = {r["Provider ID"]: r for r in sheet_rows(run.outputs["report"], "Providers", "Provider")}
    assert providers["AP-0103"]["Return status"] == "rejected" and providers["AP-0103"]["Children"] is None
    assert providers["AP-0101"]["Children"] == 5 and providers["AP-0102"]["Children"] == 3
    findings = sheet_rows(run.outputs["report"], "Findings", "File")
    assert any(f["Code"] == "R012" and f["File"] == "providers/AP-0103.xlsm" for f in findings)


def test_trends_has_a_row_per_term(run):
    rows = sheet_rows(run.outputs["report"], "Trends", "Term")
    assert [r["Term"] for r in rows] == ["2023/24 Summer", "2024/25 Autumn (this report)"]
    assert [r["Children"] for r in rows] == [2, 7]


# ---- the workbooks --------------------------------------------------------------------------
RESTRICTED_SHEETS = [
    "Overview",
    "Providers",
    "Commissioners",
    "Register",
    "Reconciliation",
    "Data quality",
    "Findings",
    "Trends",
    "Definitions",
]
SHAREABLE_SHEETS = ["Overview", "Providers", "Commissioners", "Trends", "Data quality", "Definitions"]


def test_workbooks_open_with_sheets_tables_charts_and_marking(run):
    for path, sheets, marking in (
        (run.outputs["report"], RESTRICTED_SHEETS, "OFFICIAL-SENSITIVE"),
        (run.outputs["shareable"], SHAREABLE_SHEETS, "OFFICIAL"),
    ):
        wb = openpyxl.load_workbook(path)
        assert wb.sheetnames == sheets
        assert wb.properties.category == marking
        for ws in wb.worksheets:
            assert ws.tables, f"{ws.title} has no Excel table"
            assert marking in ws.oddHeader.center.text
        assert wb["Overview"]._charts and wb["Trends"]._charts
        with zipfile.ZipFile(path) as z:
            assert any(n.startswith("xl/charts/chart") for n in z.namelist())
            custom = z.read("docProps/custom.xml").decode()
            assert marking in custom
    assert openpyxl.load_workbook(run.outputs["report"])["Register"].freeze_panes


def test_text_from_returns_never_becomes_a_formula(run):
    for path in (run.outputs["report"], run.outputs["shareable"]):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    assert "<f>" not in z.read(name).decode(), f"{path.name} {name} holds a formula"
    rows = sheet_rows(run.outputs["report"], "Register", "UPN")
    c6 = next(r for r in rows if r["UPN"] == C[6])
    assert c6["Surname"].startswith("=HYPERLINK") and c6["Forename"] == "+SUM(1,2)"


def test_shareable_report_has_no_child_level_data(run):
    wb = openpyxl.load_workbook(run.outputs["shareable"], read_only=True)
    text = " ".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    )
    for i, u in C.items():
        assert u not in text
        assert f"Surname{i}" not in text and f"Child{i}" not in text
    assert "UB8" not in text and "2010" not in text  # postcodes, dates of birth
    assert "HYPERLINK" not in text
    assert not re.search(r"\.(xlsm|xlsx|csv|pdf)\b", text)  # no file names


def test_shareable_report_suppresses_small_counts(run):
    rows = {r["Measure"].strip(): r["Value"] for r in sheet_rows(run.outputs["shareable"], "Overview", "Measure")}
    assert rows["Children on the register"] == 9
    # 7 on accepted returns, 2 (c8, c11) not: the 2 is hidden, and so the 7 (else 9 - 7 gives it).
    assert rows["only on school logs or rejected returns"] == "c"
    assert rows["on accepted provider returns"] == "c"
    assert rows["With an EHC plan"] == "c"  # 2
    assert rows["Looked after"] == "c"  # 1
    # SEN: E 2 (c), K 0, N 5 add up to the 7 on accepted returns. That total is hidden too, so
    # the 5 can be shown: 2 could only be worked out from the 7.
    assert rows["With no SEN"] == 5
    # Counts of files are not about children: shown as they are.
    assert rows["Returns received"] == 11 and rows["rejected"] == 2
    kpis = {r["Indicator"]: r for r in sheet_rows(run.outputs["shareable"], "Overview", "Indicator")}
    assert kpis["Children with no suspensions"]["Value"] == "c"  # 6 of 7: 1 child had one
    assert kpis["Children with no suspensions"]["Status"] == "Not shown"


def test_a_second_run_gives_the_same_report(run, term_dir, tmp_path):
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        again = consolidate(term_dir, tmp_path, progress=False)
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    for name in (REPORT_NAME, SHAREABLE_NAME):
        a = openpyxl.load_workbook(run.outputs["report"].parent / name)
        b = openpyxl.load_workbook(again.outputs["report"].parent / name)
        assert a.sheetnames == b.sheetnames
        for ws in a.worksheets:
            assert [[c.value for c in r] for r in ws.iter_rows()] == [
                [c.value for c in r] for r in b[ws.title].iter_rows()
            ], f"{name} {ws.title}"
    assert run.outputs["summary"].read_bytes() == (tmp_path / SUMMARY_NAME).read_bytes()
    # With SOURCE_DATE_EPOCH set, the workbooks are byte for byte the same too.
    for name in (REPORT_NAME, SHAREABLE_NAME):
        assert (run.outputs["report"].parent / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_term_can_be_chosen_and_outputs_replace_old_ones(term_dir, tmp_path):
    (tmp_path / SUMMARY_NAME).write_text("old")
    outcome = consolidate(term_dir, tmp_path, term="2023/24 Summer", progress=False)
    s = json.loads((tmp_path / SUMMARY_NAME).read_text())
    assert s["term"] == "2023/24 Summer" and s["term_chosen"] == "given"
    assert s["children"] == 2 and s["providers"] == 1
    assert s["reconciliation"]["X005"] == 0
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert outcome.consolidation.decisions["providers/AP-0101.xlsm"] == "No: return for 2024/25 Autumn (used in Trends)"


def test_output_folder_inside_the_input_folder_is_not_read(term_dir, tmp_path):
    import shutil

    copy = tmp_path / "in"
    shutil.copytree(term_dir, copy)
    first = consolidate(copy, copy / "report", progress=False)
    second = consolidate(copy, copy / "report", progress=False)
    assert first.summary["files"] == second.summary["files"]


def test_batch_verdicts_match_validate(term_dir, run):
    """The batch checks files in chunks; each verdict must be what `validate` gives alone."""
    from ap_sheets.validate import check_file

    for res in run.consolidation.results:
        alone = check_file(term_dir / res.file, res.file).report
        assert (res.report.status, res.report.kind) == (alone.status, alone.kind), res.file
        assert res.report.issues == alone.issues, res.file


def test_provider_figures_agree_with_the_summary_button(term_dir, run):
    """A provider's row in the report matches `figures.return_figures` for its return."""
    from ap_sheets.figures import return_figures
    from ap_sheets.report import measures as M
    from ap_sheets.validate import check_file

    lines = {ln.file: ln for ln in M.provider_lines(run.consolidation)}
    for res in run.consolidation.providers:
        fig = return_figures(check_file(term_dir / res.file).ret)
        m = lines[res.file].measures
        assert (m.children, m.with_ehcp, m.looked_after) == (fig["children"], fig["with_ehcp"], fig["looked_after"])
        assert (m.sessions_possible, m.sessions_attended) == (
            fig["attendance"]["sessions_possible"],
            fig["attendance"]["sessions_attended"],
        )
        assert m.ended == fig["ended_placements"]
        assert {k: v for k, v in m.destinations.items() if v} == {k: v for k, v in fig["destinations"].items() if v}
        assert (lines[res.file].notifications, lines[res.file].notifications_on_time) == (
            fig["notifications"]["total"],
            fig["notifications"]["on_time"],
        )
        assert (lines[res.file].complaints, lines[res.file].compliments) == (
            fig["complaints"]["complaints"],
            fig["complaints"]["compliments"],
        )


def test_notifications_on_time_are_exactly_those_without_an_r040_finding(run):
    """The figure and the Validation list cannot disagree: the same rule decides both."""
    checked = 0
    for res in run.consolidation.providers:
        late_rows = {f.row for f in res.report.issues if f.code == "R040"}
        for note in res.notifications:
            assert note.on_time == (note.row not in late_rows), (res.file, note.row)
            checked += 1
    assert checked >= 2 and any(not n.on_time for r in run.consolidation.providers for n in r.notifications)


def test_outcome_times_each_step(run):
    assert list(run.phases) == [
        "find files",
        "check files",
        "reconcile",
        "write the two reports",
        "write the other outputs",
    ]
    assert all(s >= 0 for s in run.phases.values())
    assert sum(run.phases.values()) <= run.seconds
