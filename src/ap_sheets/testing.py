"""Build returns in memory, as the reader would give them from a filled-in workbook, and check
them: fast rule tests with no xlsx round trip (`ap_sheets.rules` modules end with theirs).

    b = provider_return()                      # a clean return, as tests/conftest.py fills it
    b.set_cell("Pupils", 3, "hours_per_week", 20)
    assert found(b) == [("R030", "Pupils", 3, "Timetabled hours per week", "V3")]
    assert said(b) == ["20 hours a week is full-time education, ..."]

A builder changes what users change: `set` (a form item), `set_cell`, `add_row`,
`rename_header`, `swap_columns`, `drop_sheet`, `version`; and carries what the reader reports
about the file itself: `vba_digest` (its macros), `cut` (text cut to a cell's limit),
`outside` (data outside the area read). For the cross rules (X001-X005), `provider_result`
and `school_result` give returns as the batch keeps them, with `pupil_row`/`placement_row`.

The layout is the standard workbook's (`templates`): a form sheet has its items in column A
from row 2, answers in column B; a table sheet has every header in row 1 in the
specification's order and records from row 2. Values come out as python-calamine gives
them from a real file: numbers as floats, dates as dates, blanks as "". Tests with real
workbooks (tests/conftest.py `ReturnFiller`) check that this gives the same findings.

Every check made here also checks the privacy promise: no message may repeat a pupil's
UPN, name, date of birth or postcode (`check` raises AssertionError naming the rule).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from datetime import date

from .findings import FileReport, display_value, status_for
from .normalise import NotAReturn, to_return
from .read import CutText, OutsideData, RawSheet, RawWorkbook
from .return_rows import PlacementRow, PupilRow
from .rules.engine import check_return, not_a_return
from .settings import Settings
from .spec import KINDS, META_SHEET, Layout
from .terms import Term
from .values import upn_check_letter

__all__ = [
    "AUTUMN_2024",
    "COMPLAINTS",
    "DIRECTORY_ABOUT",
    "DIRECTORY_ROWS",
    "NOTIFICATIONS",
    "PLACEMENTS",
    "PROVIDER",
    "PUPILS",
    "SCHOOL",
    "UPN1",
    "UPN2",
    "UPN3",
    "ReturnBuilder",
    "TermReturn",
    "ap_directory",
    "check",
    "directory_row",
    "found",
    "make_upn",
    "placement",
    "placement_row",
    "provider_result",
    "provider_return",
    "pupil",
    "pupil_row",
    "said",
    "school_log",
    "school_result",
]


class ReturnBuilder:
    """A return of one kind, built record by record the way a user fills the workbook."""

    def __init__(self, kind: str, version: str | None = None):
        self.kind = KINDS[kind]
        self.version = version or self.kind.version
        self.forms: dict[str, dict[str, object]] = {s.name: {} for s in self.kind.sheets if s.layout is Layout.FORM}
        self.tables: dict[str, dict[int, dict[str, object]]] = {
            s.name: {} for s in self.kind.sheets if s.layout is Layout.TABLE
        }
        self.renamed: dict[tuple[str, str], str] = {}
        self.dropped: builtins.set[str] = builtins.set()
        self.order: dict[str, list[str]] = {}  # a table's columns where a user moved them
        self.vba_digest: str | None = None  # the macros' digest, as the reader gives it (None: no macros)
        self.cut: list[CutText] = []  # cells whose text the reader cut to what a cell holds
        self.outside: list[OutsideData] = []  # data the reader found outside the area it reads
        self._next_row: dict[str, int] = {}

    # -- form sheets (Provider, School): one record --
    def form_row(self, sheet: str, key: str) -> int:
        """The Excel row of an item on a form sheet (items from row 2, in the spec's order)."""
        columns = [c for c in self.kind.sheet(sheet).data_columns if c.in_version(self.version)]
        return 2 + [c.key for c in columns].index(key)

    def set(self, sheet: str, key: str, value) -> int:
        """Answer one item on a form sheet; returns its Excel row."""
        self.forms[sheet][key] = value
        return self.form_row(sheet, key)

    def fill_form(self, sheet: str, record: dict) -> None:
        for key, value in record.items():
            self.set(sheet, key, value)

    # -- table sheets --
    def add_row(self, sheet: str, record: dict, blank_rows_before: int = 0) -> int:
        """Write one record under the header (after earlier ones); returns its Excel row."""
        r = self._next_row.get(sheet, 2) + blank_rows_before
        self.tables[sheet][r] = dict(record)
        self._next_row[sheet] = r + 1
        return r

    def set_cell(self, sheet: str, row: int, key: str, value) -> None:
        self.tables[sheet].setdefault(row, {})[key] = value
        self._next_row[sheet] = max(self._next_row.get(sheet, 2), row + 1)

    def cell(self, sheet: str, row: int, key: str) -> str:
        """The A1 reference of a column's cell on a table sheet."""
        from .cells import cell_ref

        return cell_ref(row, self.columns(sheet).index(key) + 1)

    def columns(self, sheet: str) -> list[str]:
        """A table's column keys, left to right."""
        return self.order.get(sheet) or [c.key for c in self.kind.sheet(sheet).columns if c.in_version(self.version)]

    def swap_columns(self, sheet: str, a: str, b: str) -> None:
        """Swap two columns of a table, headers and values, as a user dragging them would."""
        keys = self.columns(sheet)
        i, j = keys.index(a), keys.index(b)
        keys[i], keys[j] = keys[j], keys[i]
        self.order[sheet] = keys

    # -- structure --
    def rename_header(self, sheet: str, key: str, new: str) -> None:
        self.renamed[(sheet, key)] = new

    def drop_sheet(self, sheet: str) -> None:
        self.dropped.add(sheet)

    # -- what the reader would give --
    def raw(self, source: str = "return.xlsm") -> RawWorkbook:
        sheets = {META_SHEET: RawSheet(META_SHEET, [["kind", str(self.kind.kind)], ["template_version", self.version]])}
        for spec in self.kind.sheets:
            if spec.name in self.dropped:
                continue
            columns = [c for c in spec.columns if c.in_version(self.version)]
            header = lambda c: self.renamed.get((spec.name, c.key), c.header)  # noqa: B023 (called at once)
            if spec.layout is Layout.FORM:
                record = self.forms[spec.name]
                rows = [["Item", "Your answer", "Notes"]] + [
                    [header(c), _as_read(record.get(c.key)), ""] for c in columns if c.computed is None
                ]
            else:
                by_key = {c.key: c for c in columns}
                columns = [by_key[k] for k in self.columns(spec.name)]
                rows = [[header(c) for c in columns]]
                table = self.tables[spec.name]
                for r in range(2, max(table, default=1) + 1):
                    record = table.get(r, {})
                    rows.append([_as_read(record.get(c.key)) for c in columns])
            sheets[spec.name] = RawSheet(spec.name, rows)
        return RawWorkbook(
            source,
            sheets,
            meta={"kind": str(self.kind.kind), "template_version": self.version},
            vba_digest=self.vba_digest,
            cut=list(self.cut),
            outside=list(self.outside),
        )

    def personal_values(self) -> builtins.set[str]:
        """Every pupil's UPN, name, date of birth and postcode, as a message might show them."""
        out: builtins.set[str] = builtins.set()
        for table in self.tables.values():
            for record in table.values():
                for key in ("upn", "surname", "forename", "postcode"):
                    v = record.get(key)
                    if isinstance(v, str) and len(v.strip()) >= 3:
                        out.add(v.strip())
                born = record.get("date_of_birth")
                if isinstance(born, date):
                    out |= {display_value(born), born.isoformat()}
        return out


def _as_read(value):
    """A value as python-calamine reads it back from the cell openpyxl wrote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def check(builder: ReturnBuilder, settings: Settings | None = None) -> FileReport:
    """Check a built return with every rule, as `validate` checks a file (the same engine,
    without reading a file); and check no message repeats a pupil's UPN, name, date of
    birth or postcode."""
    raw = builder.raw()
    try:
        ret = to_return(raw)
    except NotAReturn as exc:
        report = FileReport(raw.source, exc.kind, status_for([f := not_a_return(exc)]), [f])
    else:
        issues = check_return(ret, settings)
        report = FileReport(raw.source, ret.kind.kind, status_for(issues), issues)
    personal = builder.personal_values()
    for f in report.issues:
        leaked = sorted(v for v in personal if v in f.message)
        if leaked:
            raise AssertionError(f"{f.code} message repeats a pupil's personal data: {f.message!r}")
    return report


def found(builder: ReturnBuilder, settings: Settings | None = None) -> list[tuple]:
    """(code, sheet, row, column, cell) of every finding, in the engine's order."""
    return [(f.code, f.sheet, f.row, f.column, f.cell) for f in check(builder, settings).issues]


def said(builder: ReturnBuilder, settings: Settings | None = None) -> list[str]:
    """The message of every finding, in the engine's order."""
    return [f.message for f in check(builder, settings).issues]


def provider_return() -> ReturnBuilder:
    """A clean provider return for 2024/25 Autumn (three pupils, two notifications, a compliment)."""
    b = ReturnBuilder("provider-return")
    b.fill_form("Provider", PROVIDER)
    for p in PUPILS:
        b.add_row("Pupils", p)
    for n in NOTIFICATIONS:
        b.add_row("Notifications", n)
    for c in COMPLAINTS:
        b.add_row("Complaints", c)
    return b


def school_log(version: str | None = None) -> ReturnBuilder:
    """A clean school placement log for 2024/25 Autumn (two placements)."""
    b = ReturnBuilder("school-log", version)
    b.fill_form("School", SCHOOL)
    for p in PLACEMENTS:
        b.add_row("Placements", p)
    return b


def ap_directory() -> ReturnBuilder:
    """A clean AP Directory dated 1 December 2024: the providers of the clean provider return
    and school log (AP-0007 registered, AP-0012 not), and one provider Removed."""
    b = ReturnBuilder("ap-directory")
    b.fill_form("About", DIRECTORY_ABOUT)
    for r in DIRECTORY_ROWS:
        b.add_row("Directory", r)
    return b


def make_upn(serial: int, la: str = "801", school: str = "2000") -> str:
    """A valid permanent UPN: check letter + LA (3) + school (4) + year (2) + serial (3)."""
    body = f"{la}{school}{serial:05d}"
    return upn_check_letter("A" + body) + body


# ---- a clean provider return for 2024/25 Autumn (the same data tests/conftest.py fills into the real template) ----
UPN1, UPN2, UPN3 = "B801200005001", make_upn(2), make_upn(3)

PROVIDER = {
    "provider_name": "Bright Futures Learning",
    "provider_id": "AP-0007",
    "academic_year": "2024/25",
    "term": "Autumn",
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
    "joint_working": "Weekly CAMHS drop-in.",
    "contact_name": "Sam Patel",
    "contact_email": "sam.patel@brightfutures.org.uk",
    "completed_by": "Sam Patel",
    "date_completed": date(2025, 1, 6),
}


def pupil(**changes) -> dict:
    base = {
        "upn": UPN1,
        "surname": "Okafor",
        "forename": "Daniel",
        "date_of_birth": date(2011, 3, 4),
        "sex": "M",
        "ethnicity": "BAFR",
        "religion": "Christian",
        "postcode": "UB8 1UW",
        "nc_year": 9,
        "sen": "N",
        "looked_after": "N",
        "commissioner_type": "School",
        "commissioner_name": "Northwood High School",
        "commissioner_urn": 102345,
        "placement_reason": "Suspension",
        "tier": 2,
        "start_date": date(2024, 9, 2),
        "planned_end_date": date(2024, 12, 20),
        "hours_per_week": 12,
        "sessions_possible": 120,
        "sessions_attended": 100,
        "sessions_authorised": 10,
        "engagement": 3,
        "progress_outcomes": 3,
        "progress_learning": 2,
        "quals_entered": 1,
        "quals_achieved": 0,
        "suspensions": 0,
        "safeguarding_concerns": 0,
        "behaviour_incidents": 2,
        "pupil_satisfaction": 4,
        "parent_satisfaction": 5,
        "barriers": "Anxiety about return",
        "impact": "Mentoring weekly",
        "reintegration_plan": "Y",
    }
    base.update(changes)
    return base


PUPILS = [
    pupil(),
    pupil(
        upn=UPN2,
        surname="Nowak",
        forename="Zofia",
        date_of_birth=date(2009, 11, 20),
        sex="F",
        ethnicity="WOTH",
        religion="No religion",
        postcode="UB3 4QT",
        nc_year=10,
        sen="E",
        looked_after="Y",
        commissioner_type="LA Virtual School",
        commissioner_name="Hillingdon Virtual School",
        commissioner_urn=None,
        placement_reason="EHCP interim",
        tier=3,
        start_date=date(2024, 9, 9),
        planned_end_date=date(2025, 7, 18),
        end_date=date(2024, 11, 29),
        destination="Special school",
        hours_per_week=15,
        sessions_possible=100,
        sessions_attended=70,
        sessions_authorised=20,
    ),
    pupil(
        upn=UPN3,
        surname="Begum",
        forename="Amira",
        date_of_birth=date(2008, 5, 10),
        sex="F",
        ethnicity="ABAN",
        religion="Muslim",
        postcode="HA4 9LT",
        nc_year=12,
        sen="E",
        sexual_orientation="Prefer not to say",
        commissioner_type="LA SEND",
        commissioner_name="Hillingdon SEND",
        commissioner_urn=None,
        placement_reason="Medical or mental health",
        tier=3,
        hours_per_week=20,
    ),
]

NOTIFICATIONS = [
    {
        "upn": UPN2,
        "event_type": "Placement ended",
        "event_date": date(2024, 11, 29),
        "referrer_notified": date(2024, 11, 29),
        "school_notified": date(2024, 11, 29),
        "council_notified": date(2024, 11, 29),
        "parents_notified": date(2024, 11, 29),
    },
    {
        "upn": UPN1,
        "event_type": "Non-attendance",
        "event_date": date(2024, 10, 3),
        "referrer_notified": date(2024, 10, 3),
        "school_notified": date(2024, 10, 3),
    },
]
COMPLAINTS = [
    {
        "date_received": date(2024, 10, 14),
        "kind": "Compliment",
        "category": "Teaching",
        "date_resolved": date(2024, 10, 15),
        "outcome": "Shared with staff",
    },
]


# ---- a clean school placement log ----
SCHOOL = {
    "school_name": "Northwood High School",
    "school_urn": "102345",
    "academic_year": "2024/25",
    "term": "Autumn",
    "dsl": "Helen Marsh",
    "completed_by": "Office Manager",
    "date_completed": date(2025, 1, 8),
}


def placement(**changes) -> dict:
    base = {
        "upn": UPN1,
        "surname": "Okafor",
        "forename": "Daniel",
        "date_of_birth": date(2011, 3, 4),
        "nc_year": 9,
        "sen": "N",
        "looked_after": "N",
        "provider_name": "Bright Futures Learning",
        "provider_id": "AP-0007",
        "provider_registered": "Y",
        "provider_urn": "145678",
        "placement_reason": "Suspension",
        "start_date": date(2024, 9, 2),
        "planned_end_date": date(2024, 12, 20),
        "days_at_provider": 2,
        "hours_at_provider": 12,
        "hours_at_school": 13,
        "sla_agreed": date(2024, 8, 20),
        "risk_assessment": date(2024, 8, 28),
        "qa_check": date(2024, 8, 15),
        "dbs_confirmed": "Y",
        "reintegration_plan": "Y",
        "planned_return_date": date(2025, 1, 6),
        "last_visit": date(2024, 12, 2),
        "attendance_pct": 0.83,
        "progress": 3,
        "achievements": "Functional skills maths L1 entered",
        "pupil_view": "Likes the small groups",
    }
    base.update(changes)
    return base


PLACEMENTS = [
    placement(),
    placement(
        upn=make_upn(11),
        surname="Hughes",
        forename="Callum",
        date_of_birth=date(2010, 1, 15),
        nc_year=10,
        sen="E",
        looked_after="Y",
        provider_name="Green Shoots Farm",
        provider_id="AP-0012",
        provider_registered="N",
        provider_urn=None,
        ap_setting_type="OTH",
        placement_reason="At risk of exclusion",
        days_at_provider=2,
        hours_at_provider=10,
        hours_at_school=15,
        send_officer_consulted=date(2024, 8, 30),
        virtual_school_consulted=date(2024, 8, 29),
        end_date=date(2024, 11, 15),
        final_report_received="Y",
        destination="Returned to home school",
        last_visit=date(2024, 11, 1),
    ),
]


# ---- returns as the batch keeps them for the cross rules (X001-X005) ----
AUTUMN_2024 = Term(2024, "Autumn")


@dataclass
class TermReturn:
    """One return of a term as the cross rules read it: the attributes the batch's
    FileResult gives them (file, kind, status, record, record_rows, mtime, rows)."""

    file: str
    kind: str
    status: str = "accepted"
    record: dict = field(default_factory=dict)
    record_rows: dict = field(default_factory=dict)
    mtime: float = 0.0
    rows: list = field(default_factory=list)


def pupil_row(row: int, n: int, **changes) -> PupilRow:
    """A provider's Pupils row `row` for the pupil with UPN `make_upn(n)`."""
    base = dict(
        row=row,
        upn=make_upn(n),
        surname="Smith",
        forename="Jo",
        date_of_birth=date(2010, 3, 4),
        sex="F",
        ethnicity="WBRI",
        nc_year="10",
        sen="N",
        looked_after="N",
        commissioner_type="School",
        commissioner_name="School One",
        commissioner_urn="100001",
        placement_reason="Suspension",
        tier=2,
        start_date=date(2024, 9, 9),
        planned_end_date=date(2025, 1, 31),
        end_date=None,
        hours_per_week=12,
        sessions_possible=100,
        sessions_attended=80,
        sessions_authorised=10,
        engagement=3,
        progress_outcomes=3,
        progress_learning=3,
        quals_entered=0,
        quals_achieved=0,
        suspensions=0,
        safeguarding_concerns=0,
        behaviour_incidents=0,
        reintegration_plan="Y",
        destination=None,
        postcode="UB8 1UW",
    )
    base.update(changes)
    return PupilRow(**base)  # type: ignore[arg-type]


def placement_row(row: int, n: int, pid: str = "AP-1", **changes) -> PlacementRow:
    """A school's Placements row `row` for the pupil with UPN `make_upn(n)`, at provider `pid`."""
    base = dict(
        row=row,
        upn=make_upn(n),
        surname="Smith",
        forename="Jo",
        date_of_birth=date(2010, 3, 4),
        nc_year="10",
        sen="N",
        looked_after="N",
        provider_name="Alpha",
        provider_id=pid,
        provider_registered="Y",
        placement_reason="Suspension",
        start_date=date(2024, 9, 9),
        planned_end_date=date(2025, 1, 31),
        end_date=None,
        hours_at_provider=12,
        hours_at_school=13,
        reintegration_plan="Y",
        planned_return_date=None,
        attendance_pct=80.0,
        progress=3,
        final_report_received=None,
        destination=None,
    )
    base.update(changes)
    return PlacementRow(**base)  # type: ignore[arg-type]


def provider_result(
    file: str, pid: str, rows, status: str = "accepted", completed: date = date(2024, 12, 16), mtime: float = 0.0
) -> TermReturn:
    """Provider `pid`'s return in `file` (its Provider ID on Provider row 3)."""
    return TermReturn(
        file,
        "provider-return",
        status,
        record={"provider_name": f"Provider {pid}", "provider_id": pid, "date_completed": completed},
        record_rows={"provider_id": 3},
        mtime=mtime,
        rows=list(rows),
    )


def school_result(
    file: str, urn: str, rows, status: str = "accepted", completed: date = date(2024, 12, 16), mtime: float = 0.0
) -> TermReturn:
    """School `urn`'s placement log in `file` (its URN on School row 3)."""
    return TermReturn(
        file,
        "school-log",
        status,
        record={"school_name": f"School {urn}", "school_urn": urn, "date_completed": completed},
        record_rows={"school_urn": 3},
        mtime=mtime,
        rows=list(rows),
    )


# ---- a clean AP Directory (the council's, DATA-SPEC "Workbook 3") ----
DIRECTORY_ABOUT = {
    "council_name": "London Borough of Hillingdon",
    "directory_date": date(2024, 12, 1),
    "completed_by": "Priya Shah",
}


def directory_row(**changes) -> dict:
    base = {
        "provider_id": "AP-0007",
        "provider_name": "Bright Futures Learning",
        "address": "12 High Street, Uxbridge",
        "provider_postcode": "UB8 1JN",
        "registered_school": "Y",
        "dfe_urn": "145678",
        "directory_status": "Listed",
        "listed_since": date(2021, 9, 1),
        "initial_qa_visit": date(2021, 7, 12),
        "last_qa_visit": date(2024, 6, 10),
        "qa_outcome": "Met",
        "safeguarding_checked": date(2024, 6, 10),
        "insurance_expiry": date(2025, 8, 31),
        "ofsted_judgement": "Good",
        "ofsted_report_date": date(2023, 3, 14),
        "delivery": "On site",
        "specialisms": "SEMH; Key stage 4 English and maths",
        "standard_fee": 85,
        "fee_basis": "Day",
        "contact_email": "office@brightfutures.org.uk",
    }
    base.update(changes)
    return base


DIRECTORY_ROWS = [
    directory_row(),
    directory_row(
        provider_id="AP-0012",
        provider_name="Green Shoots Farm",
        address="Hill End Farm, Harefield",
        provider_postcode="UB9 6JX",
        registered_school="N",
        dfe_urn=None,
        ap_setting_type="OTH",
        listed_since=date(2023, 1, 9),
        initial_qa_visit=date(2022, 11, 30),
        last_qa_visit=date(2024, 2, 20),
        qa_outcome="Met with actions",
        ofsted_judgement="Not inspected",
        ofsted_report_date=None,
        delivery="Both",
        specialisms="Outdoor learning",
        standard_fee=None,
        fee_basis=None,
        contact_email="hello@greenshootsfarm.org.uk",
    ),
    directory_row(
        provider_id="AP-0020",
        provider_name="Northside Tuition",
        address="4 Station Road, Hayes",
        provider_postcode="UB3 4BX",
        registered_school="N",
        dfe_urn=None,
        ukprn="10054321",
        directory_status="Removed",
        listed_since=date(2019, 4, 1),
        initial_qa_visit=None,
        last_qa_visit=date(2022, 5, 3),
        qa_outcome="Not met",
        insurance_expiry=date(2023, 3, 31),
        ofsted_judgement="Not inspected",
        ofsted_report_date=None,
        delivery="Online",
        specialisms=None,
        standard_fee=40,
        fee_basis="Hour",
        contact_email="admin@northsidetuition.co.uk",
    ),
]
