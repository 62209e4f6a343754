"""Shared test helpers: fill the real committed templates the way users do, with openpyxl.

`ReturnFiller` opens `workbook_templates/<kind>.xlsm`, writes values by column header (form
sheets: the answer beside the label; table sheets: a row under the headers), and saves a
copy. Values go in as a user would leave them: typed dates, text dates, stray spaces, blanks.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from ap_sheets.spec import KINDS, Layout
from ap_sheets.values import upn_check_letter

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "workbook_templates"


def make_upn(serial: int, la: str = "801", school: str = "2000") -> str:
    """A valid permanent UPN: check letter + LA (3) + school (4) + year (2) + serial (3)."""
    body = f"{la}{school}{serial:05d}"
    return upn_check_letter("A" + body) + body


class ReturnFiller:
    def __init__(self, kind: str):
        self.kind = KINDS[kind]
        self.book = openpyxl.load_workbook(TEMPLATES / self.kind.filename, keep_vba=True)
        self._next_row: dict[str, int] = {}

    # -- form sheets (Provider, School) --
    def form_row(self, sheet: str, header: str) -> int:
        ws = self.book[sheet]
        for r in range(1, ws.max_row + 1):
            if ws.cell(r, 1).value == header:
                return r
        raise KeyError(header)

    def set(self, sheet: str, key: str, value) -> int:
        """Answer one item on a form sheet; returns its Excel row."""
        header = self.kind.sheet(sheet).column(key).header
        r = self.form_row(sheet, header)
        self.book[sheet].cell(r, 2).value = value
        return r

    def fill_form(self, sheet: str, record: dict) -> None:
        for key, value in record.items():
            self.set(sheet, key, value)

    # -- table sheets --
    def col_index(self, sheet: str, key: str) -> int:
        header = self.kind.sheet(sheet).column(key).header
        for c, cell in enumerate(self.book[sheet][1], start=1):
            if cell.value == header:
                return c
        raise KeyError(header)

    def add_row(self, sheet: str, record: dict, blank_rows_before: int = 0) -> int:
        """Write one record under the header (after earlier ones); returns its Excel row."""
        r = self._next_row.get(sheet, 2) + blank_rows_before
        for key, value in record.items():
            self.book[sheet].cell(r, self.col_index(sheet, key)).value = value
        self._next_row[sheet] = r + 1
        return r

    def set_cell(self, sheet: str, row: int, key: str, value) -> None:
        self.book[sheet].cell(row, self.col_index(sheet, key)).value = value

    def rename_header(self, sheet: str, key: str, new: str) -> None:
        spec = self.kind.sheet(sheet)
        if spec.layout is Layout.FORM:
            self.book[sheet].cell(self.form_row(sheet, spec.column(key).header), 1).value = new
        else:
            self.book[sheet].cell(1, self.col_index(sheet, key)).value = new

    def save(self, path: Path) -> Path:
        self.book.save(path)
        return path


# ---------- a clean provider return for 2024/25 Autumn ----------
UPN1, UPN2, UPN3 = "B801200005001", make_upn(2), make_upn(3)

PROVIDER = {
    "provider_name": "Bright Futures Learning", "provider_id": "AP-0007", "academic_year": "2024/25",
    "term": "Autumn", "registered_school": "Y", "dfe_urn": "145678", "ofsted_judgement": "Good",
    "ofsted_report_date": date(2023, 3, 14), "in_directory": "Y", "last_qa_visit": date(2024, 6, 10),
    "all_staff_dbs": "Y", "cp_training_date": date(2023, 9, 1), "insurance_expiry": date(2025, 8, 31),
    "new_sites": "N", "joint_working": "Weekly CAMHS drop-in.", "contact_name": "Sam Patel",
    "contact_email": "sam.patel@brightfutures.org.uk", "completed_by": "Sam Patel",
    "date_completed": date(2025, 1, 6),
}


def pupil(**changes) -> dict:
    base = {
        "upn": UPN1, "surname": "Okafor", "forename": "Daniel", "date_of_birth": date(2011, 3, 4),
        "sex": "M", "ethnicity": "BAFR", "religion": "Christian", "postcode": "UB8 1UW", "nc_year": 9,
        "sen": "N", "looked_after": "N", "commissioner_type": "School",
        "commissioner_name": "Northwood High School", "commissioner_urn": 102345,
        "placement_reason": "Suspension", "tier": 2, "start_date": date(2024, 9, 2),
        "planned_end_date": date(2024, 12, 20), "hours_per_week": 12, "sessions_possible": 120,
        "sessions_attended": 100, "sessions_authorised": 10, "engagement": 3, "progress_outcomes": 3,
        "progress_learning": 2, "quals_entered": 1, "quals_achieved": 0, "suspensions": 0,
        "safeguarding_concerns": 0, "behaviour_incidents": 2, "pupil_satisfaction": 4,
        "parent_satisfaction": 5, "barriers": "Anxiety about return", "impact": "Mentoring weekly",
        "reintegration_plan": "Y",
    }
    base.update(changes)
    return base


PUPILS = [
    pupil(),
    pupil(upn=UPN2, surname="Nowak", forename="Zofia", date_of_birth=date(2009, 11, 20), sex="F",
          ethnicity="WOTH", religion="No religion", postcode="UB3 4QT", nc_year=10, sen="E",
          looked_after="Y", commissioner_type="LA Virtual School", commissioner_name="Hillingdon Virtual School",
          commissioner_urn=None, placement_reason="EHCP interim", tier=3, start_date=date(2024, 9, 9),
          planned_end_date=date(2025, 7, 18), end_date=date(2024, 11, 29), destination="Special school",
          hours_per_week=15, sessions_possible=100, sessions_attended=70, sessions_authorised=20),
    pupil(upn=UPN3, surname="Begum", forename="Amira", date_of_birth=date(2008, 5, 10), sex="F",
          ethnicity="ABAN", religion="Muslim", postcode="HA4 9LT", nc_year=12, sen="E",
          sexual_orientation="Prefer not to say", commissioner_type="LA SEND", commissioner_name="Hillingdon SEND",
          commissioner_urn=None, placement_reason="Medical or mental health", tier=3, hours_per_week=20),
]

NOTIFICATIONS = [
    {"upn": UPN2, "event_type": "Placement ended", "event_date": date(2024, 11, 29),
     "referrer_notified": date(2024, 11, 29), "school_notified": date(2024, 11, 29),
     "council_notified": date(2024, 11, 29), "parents_notified": date(2024, 11, 29)},
    {"upn": UPN1, "event_type": "Non-attendance", "event_date": date(2024, 10, 3),
     "referrer_notified": date(2024, 10, 3), "school_notified": date(2024, 10, 3)},
]
COMPLAINTS = [
    {"date_received": date(2024, 10, 14), "kind": "Compliment", "category": "Teaching",
     "date_resolved": date(2024, 10, 15), "outcome": "Shared with staff"},
]


def provider_return() -> ReturnFiller:
    f = ReturnFiller("provider-return")
    f.fill_form("Provider", PROVIDER)
    for p in PUPILS:
        f.add_row("Pupils", p)
    for n in NOTIFICATIONS:
        f.add_row("Notifications", n)
    for c in COMPLAINTS:
        f.add_row("Complaints", c)
    return f


# ---------- a clean school placement log ----------
SCHOOL = {
    "school_name": "Northwood High School", "school_urn": "102345", "academic_year": "2024/25",
    "term": "Autumn", "dsl": "Helen Marsh", "completed_by": "Office Manager", "date_completed": date(2025, 1, 8),
}


def placement(**changes) -> dict:
    base = {
        "upn": UPN1, "surname": "Okafor", "forename": "Daniel", "date_of_birth": date(2011, 3, 4),
        "nc_year": 9, "sen": "N", "looked_after": "N", "provider_name": "Bright Futures Learning",
        "provider_id": "AP-0007", "provider_registered": "Y", "provider_urn": "145678",
        "placement_reason": "Suspension", "start_date": date(2024, 9, 2), "planned_end_date": date(2024, 12, 20),
        "days_at_provider": 2, "hours_at_provider": 12, "hours_at_school": 13,
        "sla_agreed": date(2024, 8, 20), "risk_assessment": date(2024, 8, 28), "qa_check": date(2024, 8, 15),
        "dbs_confirmed": "Y", "reintegration_plan": "Y", "planned_return_date": date(2025, 1, 6),
        "last_visit": date(2024, 12, 2), "attendance_pct": 0.83, "progress": 3,
        "achievements": "Functional skills maths L1 entered", "pupil_view": "Likes the small groups",
    }
    base.update(changes)
    return base


PLACEMENTS = [
    placement(),
    placement(upn=make_upn(11), surname="Hughes", forename="Callum", date_of_birth=date(2010, 1, 15), nc_year=10,
              sen="E", looked_after="Y", provider_name="Green Shoots Farm", provider_id="AP-0012",
              provider_registered="N", provider_urn=None, placement_reason="At risk of exclusion",
              days_at_provider=2, hours_at_provider=10, hours_at_school=15,
              send_officer_consulted=date(2024, 8, 30), virtual_school_consulted=date(2024, 8, 29),
              end_date=date(2024, 11, 15), final_report_received="Y", destination="Returned to home school",
              last_visit=date(2024, 11, 1)),
]


def school_log() -> ReturnFiller:
    f = ReturnFiller("school-log")
    f.fill_form("School", SCHOOL)
    for p in PLACEMENTS:
        f.add_row("Placements", p)
    return f


@pytest.fixture
def provider_filler() -> ReturnFiller:
    return provider_return()


@pytest.fixture
def school_filler() -> ReturnFiller:
    return school_log()


@pytest.fixture(scope="session")
def pg():
    """A throwaway PostgreSQL server for the register database's tests (tests/pg_server.py)."""
    from pg_server import PgServer, pg_bin

    if pg_bin("initdb") is None or pg_bin("pg_ctl") is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
    server = PgServer()
    yield server
    server.stop()
