"""The three standard workbooks: their sheets and the data items in each (DATA-SPEC.md).

This is the single description of what a return holds. The template builder lays out
sheets from it, the reader finds columns by these headers, the schemas check values by
these types and code lists, and the report names things with these headers.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from . import codes as C
from .codes import CodeList
from .enums import Kind

# Template versions are per kind (WorkbookKind.version is the one templates are made at;
# WorkbookKind.reads the ones this release reads; any other is rejected, R004). A column
# added in a later version (Column.since) counts as blank on a workbook of an earlier one.
# Kept for callers that build in-memory workbooks of the first version (read by every kind).
TEMPLATE_VERSION = "1.0"
META_SHEET = "_ap_sheets"  # very hidden sheet carrying kind and template version
LISTS_SHEET = "Lists"  # hidden sheet carrying the dropdown lists
START_SHEET = "Start here"  # the first sheet: instructions and the buttons


class ValueType(Enum):
    TEXT = "text"
    DATE = "date"
    WHOLE = "whole number"  # 0, 1, 2 ...
    NUMBER = "number"  # 0 or more, decimals allowed (hours, days)
    YN = "Y/N"
    CODE = "code"
    UPN = "UPN"
    POSTCODE = "postcode"
    EMAIL = "email"
    URN = "URN"  # 6 digits
    UKPRN = "UKPRN"  # 8 digits (UK provider reference number); R016 judges it, not R001
    ACADEMIC_YEAR = "academic year"  # 2024/25
    PERCENT = "percentage"


class Need(Enum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    CONDITIONAL = "conditional"  # a named rule judges when it is needed


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    type: ValueType
    need: Need = Need.REQUIRED
    codes: CodeList | None = None
    help: str = ""
    width: int = 14
    computed: str | None = None  # Excel formula template for a computed helper column
    since: str = "1.0"  # the template version that added this column

    @property
    def required(self) -> bool:
        return self.need is Need.REQUIRED

    def in_version(self, version: str | None) -> bool:
        """Whether a workbook of this template version has the column (unknown: the latest)."""
        return version is None or version_key(self.since) <= version_key(version)


def version_key(version: str) -> tuple[int, ...]:
    """'2.0' -> (2, 0), so versions compare as numbers ('10.0' after '9.0')."""
    try:
        return tuple(int(part) for part in str(version).split("."))
    except ValueError:
        return (0,)


class Layout(Enum):
    FORM = "form"  # one record: labels down column A, answers in column B
    TABLE = "table"  # one row per record under a header row


@dataclass(frozen=True)
class Sheet:
    name: str
    layout: Layout
    columns: tuple[Column, ...]
    purpose: str
    may_be_empty: bool = False

    @property
    def data_columns(self) -> tuple[Column, ...]:
        """Columns a user fills in (computed helper columns are never read)."""
        return tuple(c for c in self.columns if c.computed is None)

    def __reduce__(self):
        # Pickled by name (returns travel between worker processes): the one spec object
        # stays the one spec object, so caches keyed on it keep working.
        return (sheet_named, (self.name,))

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


@dataclass(frozen=True)
class WorkbookKind:
    kind: Kind  # stored in the workbook, e.g. "provider-return"
    title: str
    filename: str
    sheets: tuple[Sheet, ...]
    record_sheet: str  # the one-record sheet that names the return and its term
    version: str = "1.0"  # the current template version: new templates are made at it
    reads: tuple[str, ...] = ("1.0",)  # versions this release reads (current first)

    def __reduce__(self):
        return (kind_named, (self.kind,))

    def sheet(self, name: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)


R, O, X = Need.REQUIRED, Need.OPTIONAL, Need.CONDITIONAL
T = ValueType


def col(header, key, vtype, need=R, codes=None, help="", width=14, computed=None, since="1.0") -> Column:
    return Column(header, key, vtype, need, codes, help, width, computed, since)


def _code(header, key, codes, need=R, help="", width=16, since="1.0") -> Column:
    return Column(header, key, T.CODE, need, codes, help, width, since=since)


# ---- shared pupil identity columns ----
def _pupil_identity(with_demographics: bool) -> tuple[Column, ...]:
    cols = [
        col("UPN", "upn", T.UPN, help="13 characters from the pupil's school record, e.g. B801200005001.", width=16),
        col("Surname", "surname", T.TEXT, width=16),
        col("Forename", "forename", T.TEXT, width=16),
        col("Date of birth", "date_of_birth", T.DATE, help="A date, e.g. 15/09/2011.", width=13),
    ]
    if with_demographics:
        cols += [
            _code("Sex", "sex", C.SEX, width=8),
            _code("Ethnicity", "ethnicity", C.ETHNICITY, help="DfE ethnicity code.", width=12),
            _code(
                "Sexual orientation",
                "sexual_orientation",
                C.SEXUAL_ORIENTATION,
                need=X,
                help="Needed for pupils aged 16 and over; leave blank under 16.",
                width=18,
            ),
            _code("Religion", "religion", C.RELIGION, width=16),
            col("Postcode", "postcode", T.POSTCODE, help="Home postcode, e.g. UB8 1UW.", width=11),
        ]
    return tuple(cols)


PROVIDER_SHEET = Sheet(
    "Provider",
    Layout.FORM,
    purpose="About your provision this term (one record).",
    columns=(
        col("Provider name", "provider_name", T.TEXT, width=40),
        col("Provider ID", "provider_id", T.TEXT, help="Your ID in the council's AP directory."),
        col("Academic year", "academic_year", T.ACADEMIC_YEAR, help="e.g. 2024/25"),
        _code("Term", "term", C.TERM),
        col("Registered school", "registered_school", T.YN, help="Y if registered with the DfE as a school."),
        col("DfE URN", "dfe_urn", T.URN, need=X, help="6 digits. Needed if you are a registered school."),
        _code("Ofsted judgement", "ofsted_judgement", C.OFSTED_JUDGEMENT),
        col("Ofsted report date", "ofsted_report_date", T.DATE, need=X, help="Leave blank if Not inspected."),
        col("In council AP directory", "in_directory", T.YN),
        col(
            "Last LA QA visit",
            "last_qa_visit",
            T.DATE,
            need=X,
            help="Date of the council's last quality assurance visit (§10.4).",
        ),
        col("All staff enhanced DBS checked", "all_staff_dbs", T.YN, help="§8.4"),
        col(
            "Child protection training date",
            "cp_training_date",
            T.DATE,
            help="When staff last had child protection training (§8.11).",
        ),
        col("Insurance expiry date", "insurance_expiry", T.DATE, help="§8.8"),
        col("New or changed sites this term", "new_sites", T.YN, help="§14.3"),
        col(
            "Joint working summary",
            "joint_working",
            T.TEXT,
            need=O,
            help="Work with other services this term (§14.1n).",
        ),
        col("Contact name", "contact_name", T.TEXT),
        col("Contact email", "contact_email", T.EMAIL),
        col("Completed by", "completed_by", T.TEXT),
        col("Date completed", "date_completed", T.DATE),
    ),
)

PUPILS_SHEET = Sheet(
    "Pupils",
    Layout.TABLE,
    purpose="One row for each child placed with you at any time this term.",
    columns=(
        *_pupil_identity(with_demographics=True),
        _code(
            "NC year",
            "nc_year",
            C.NC_YEAR,
            help="National curriculum year: R, 1 to 14, or X if the National Curriculum is not followed.",
            width=9,
        ),
        _code("SEN provision", "sen", C.SEN_PROVISION, help="E = EHC plan, K = SEN support, N = none."),
        col("Looked after", "looked_after", T.YN, width=10),
        _code(
            "Commissioner type", "commissioner_type", C.COMMISSIONER_TYPE, help="Who placed the child (§5).", width=24
        ),
        col("Commissioner name", "commissioner_name", T.TEXT, width=24),
        col(
            "Commissioner URN",
            "commissioner_urn",
            T.URN,
            need=X,
            help="The school's 6-digit URN, when a school placed the child.",
        ),
        _code("Placement reason", "placement_reason", C.PLACEMENT_REASON, width=22),
        _code("Tier", "tier", C.TIER, need=O, width=10),
        col("Start date", "start_date", T.DATE, width=12),
        col("Planned end date", "planned_end_date", T.DATE, width=12),
        col("End date", "end_date", T.DATE, need=O, help="Only if the placement has ended.", width=12),
        col("Timetabled hours per week", "hours_per_week", T.NUMBER, width=12),
        col("Sessions possible", "sessions_possible", T.WHOLE, help="Half-day sessions this term.", width=11),
        col("Sessions attended", "sessions_attended", T.WHOLE, width=11),
        col("Sessions authorised absence", "sessions_authorised", T.WHOLE, width=12),
        col(
            "Attendance %",
            "attendance_pct",
            T.PERCENT,
            need=O,
            width=11,
            computed='=IF(AND(ISNUMBER({possible}),{possible}>0),{attended}/{possible},"")',
        ),
        _code("Engagement", "engagement", C.ENGAGEMENT, help="1 Not engaged to 4 Fully engaged (§14.1d)."),
        _code(
            "Progress towards outcomes", "progress_outcomes", C.PROGRESS, help="1 Not on track to 4 On track or better."
        ),
        _code("Progress in learning", "progress_learning", C.PROGRESS),
        col("Qualifications entered", "quals_entered", T.WHOLE, width=12),
        col("Qualifications achieved", "quals_achieved", T.WHOLE, width=12),
        col("Suspensions this term", "suspensions", T.WHOLE, width=12),
        col("Safeguarding concerns", "safeguarding_concerns", T.WHOLE, width=12),
        col("Behaviour incidents", "behaviour_incidents", T.WHOLE, width=12),
        _code("Pupil satisfaction", "pupil_satisfaction", C.SATISFACTION, need=O, help="1 to 5"),
        _code("Parent satisfaction", "parent_satisfaction", C.SATISFACTION, need=O, help="1 to 5"),
        col("Barriers to progress", "barriers", T.TEXT, need=O, width=30),
        col("Impact of actions", "impact", T.TEXT, need=O, width=30),
        col("Reintegration plan", "reintegration_plan", T.YN, width=12),
        _code(
            "Destination",
            "destination",
            C.DESTINATION,
            need=X,
            help="Where the pupil went when the placement ended.",
            width=24,
        ),
    ),
)

NOTIFICATIONS_SHEET = Sheet(
    "Notifications",
    Layout.TABLE,
    may_be_empty=True,
    purpose="One row for each event you had to report (§13.17, §14.7). Notify on the same day.",
    columns=(
        col("UPN", "upn", T.UPN, width=16),
        _code("Event type", "event_type", C.EVENT_TYPE, width=22),
        col("Event date", "event_date", T.DATE, width=12),
        col("Referrer notified", "referrer_notified", T.DATE, need=X, width=12),
        col("School notified", "school_notified", T.DATE, need=X, width=12),
        col("Council notified", "council_notified", T.DATE, need=X, width=12),
        col("Parents notified", "parents_notified", T.DATE, need=X, width=12),
    ),
)

COMPLAINTS_SHEET = Sheet(
    "Complaints",
    Layout.TABLE,
    may_be_empty=True,
    purpose="Complaints and compliments received this term (§14.8).",
    columns=(
        col("Date received", "date_received", T.DATE, width=12),
        _code("Kind", "kind", C.COMPLAINT_KIND, width=12),
        col("Category", "category", T.TEXT, width=24),
        col("Date resolved", "date_resolved", T.DATE, need=O, help="Leave blank while still open.", width=12),
        col("Outcome", "outcome", T.TEXT, need=O, width=30),
    ),
)

SCHOOL_SHEET = Sheet(
    "School",
    Layout.FORM,
    purpose="About your school (one record).",
    columns=(
        col("School name", "school_name", T.TEXT, width=40),
        col("School URN", "school_urn", T.URN, help="6 digits."),
        col("Academic year", "academic_year", T.ACADEMIC_YEAR, help="e.g. 2024/25"),
        _code("Term", "term", C.TERM),
        col("Designated safeguarding lead", "dsl", T.TEXT),
        col("Completed by", "completed_by", T.TEXT),
        col("Date completed", "date_completed", T.DATE),
    ),
)

PLACEMENTS_SHEET = Sheet(
    "Placements",
    Layout.TABLE,
    purpose="One row for each AP placement your school has made (§6.1d).",
    columns=(
        *_pupil_identity(with_demographics=False),
        _code("NC year", "nc_year", C.NC_YEAR, width=9),
        _code("SEN provision", "sen", C.SEN_PROVISION),
        col("Looked after", "looked_after", T.YN, width=10),
        col("Provider name", "provider_name", T.TEXT, width=24),
        col("Provider ID", "provider_id", T.TEXT, help="The provider's ID in the council's AP directory."),
        col("Provider registered", "provider_registered", T.YN, width=11),
        col("Provider URN", "provider_urn", T.URN, need=X, help="6 digits, if the provider is a registered school."),
        col(
            "Provider UKPRN",
            "provider_ukprn",
            T.UKPRN,
            need=X,
            since="2.0",
            width=12,
            help="8 digits: the provider's UK provider reference number, if it has one and no URN.",
        ),
        _code(
            "AP setting type",
            "ap_setting_type",
            C.AP_SETTING_TYPE,
            need=X,
            since="2.0",
            width=14,
            help="For a provider with no URN or UKPRN, as in the DfE school census.",
        ),
        _code("Placement reason", "placement_reason", C.PLACEMENT_REASON, width=22),
        col("Start date", "start_date", T.DATE, width=12),
        col("Planned end date", "planned_end_date", T.DATE, width=12),
        col("End date", "end_date", T.DATE, need=O, width=12),
        col("Days per week at provider", "days_at_provider", T.NUMBER, width=11),
        col("Hours per week at provider", "hours_at_provider", T.NUMBER, width=11),
        col("Hours per week at school", "hours_at_school", T.NUMBER, width=11),
        col(
            "SLA agreed",
            "sla_agreed",
            T.DATE,
            need=X,
            help="Date the service level agreement was agreed (§6.1a).",
            width=12,
        ),
        col("Risk assessment", "risk_assessment", T.DATE, need=X, help="Date of the risk assessment (§8.3).", width=12),
        col("QA check", "qa_check", T.DATE, help="Date of your quality assurance check (§8.2).", width=12),
        col("DBS confirmed", "dbs_confirmed", T.YN, width=10),
        col(
            "SEND officer consulted",
            "send_officer_consulted",
            T.DATE,
            need=X,
            help="Needed for EHC plan pupils (§6.2).",
            width=12,
        ),
        col(
            "Virtual School consulted",
            "virtual_school_consulted",
            T.DATE,
            need=X,
            help="Needed for looked-after pupils (§6.3).",
            width=12,
        ),
        col("Reintegration plan", "reintegration_plan", T.YN, width=12),
        col("Planned return date", "planned_return_date", T.DATE, need=O, width=12),
        col(
            "Last visit",
            "last_visit",
            T.DATE,
            need=X,
            help="Your last visit to the pupil at the provider (§7.2).",
            width=12,
        ),
        col("Attendance %", "attendance_pct", T.PERCENT, need=O, width=11),
        _code("Progress", "progress", C.PROGRESS, need=O),
        col("Achievements", "achievements", T.TEXT, need=O, width=30),
        col("Pupil view", "pupil_view", T.TEXT, need=O, width=30),
        col("Final report received", "final_report_received", T.YN, need=X, width=12),
        _code("Destination", "destination", C.DESTINATION, need=X, width=24),
    ),
)

ABOUT_SHEET = Sheet(
    "About",
    Layout.FORM,
    purpose="About this directory (one record): the date it is correct at.",
    columns=(
        col("Council name", "council_name", T.TEXT, width=40),
        col("Directory date", "directory_date", T.DATE, help="The date the directory is correct at."),
        col("Completed by", "completed_by", T.TEXT),
    ),
)

DIRECTORY_SHEET = Sheet(
    "Directory",
    Layout.TABLE,
    purpose="One row for each provider the council has checked (§10), with its QA history.",
    columns=(
        col("Provider ID", "provider_id", T.TEXT, help="The council's ID for the provider, e.g. AP-0007.", width=12),
        col("Provider name", "provider_name", T.TEXT, width=30),
        col("Address", "address", T.TEXT, width=30),
        col("Postcode", "provider_postcode", T.POSTCODE, help="The provider's postcode, e.g. UB8 1UW.", width=11),
        col("Registered school", "registered_school", T.YN, help="Y if registered with the DfE as a school.", width=11),
        col("DfE URN", "dfe_urn", T.URN, need=X, help="6 digits. Needed for a registered school.", width=10),
        col(
            "UKPRN",
            "ukprn",
            T.UKPRN,
            need=O,
            help="8 digits: the UK provider reference number, if it has one.",
            width=11,
        ),
        _code(
            "AP setting type",
            "ap_setting_type",
            C.AP_SETTING_TYPE,
            need=X,
            help="For a provider that is not a registered school and has no UKPRN.",
            width=14,
        ),
        _code("Directory status", "directory_status", C.DIRECTORY_STATUS, width=12),
        col("Listed since", "listed_since", T.DATE, help="When the provider was first listed.", width=12),
        col(
            "Initial QA visit",
            "initial_qa_visit",
            T.DATE,
            need=X,
            help="The QA visit before the provider was added (§10.4). Needed for a listed provider.",
            width=12,
        ),
        col(
            "Last QA visit",
            "last_qa_visit",
            T.DATE,
            need=X,
            help="The latest QA visit (§10.4: at least once a year).",
            width=12,
        ),
        _code("QA outcome", "qa_outcome", C.QA_OUTCOME, need=X, help="The outcome of the last QA visit.", width=14),
        col("Safeguarding policy checked", "safeguarding_checked", T.DATE, help="§8.9", width=13),
        col("Insurance expiry date", "insurance_expiry", T.DATE, help="§8.8", width=12),
        _code("Ofsted judgement", "ofsted_judgement", C.OFSTED_JUDGEMENT),
        col("Ofsted report date", "ofsted_report_date", T.DATE, need=X, help="Leave blank if Not inspected.", width=12),
        _code("Delivery", "delivery", C.DELIVERY, width=10),
        col("Specialisms", "specialisms", T.TEXT, need=O, width=30),
        col("Standard fee", "standard_fee", T.NUMBER, need=O, help="In pounds, e.g. 85 (§12.8).", width=10),
        _code("Fee basis", "fee_basis", C.FEE_BASIS, need=X, help="Needed when a fee is given.", width=10),
        col("Contact email", "contact_email", T.EMAIL, width=28),
    ),
)

PROVIDER_RETURN = WorkbookKind(
    kind=Kind.PROVIDER_RETURN,
    title="AP provider termly return",
    filename="provider_return.xlsm",
    sheets=(PROVIDER_SHEET, PUPILS_SHEET, NOTIFICATIONS_SHEET, COMPLAINTS_SHEET),
    record_sheet="Provider",
)
SCHOOL_LOG = WorkbookKind(
    kind=Kind.SCHOOL_LOG,
    title="School AP placement log",
    filename="school_placement_log.xlsm",
    sheets=(SCHOOL_SHEET, PLACEMENTS_SHEET),
    record_sheet="School",
    version="2.0",
    reads=("2.0", "1.0"),  # v2 added Provider UKPRN and AP setting type
)
AP_DIRECTORY = WorkbookKind(
    kind=Kind.AP_DIRECTORY,
    title="AP Directory",
    filename="ap_directory.xlsm",  # the spec's ap_directory.xlsx, with the Validate button's macros
    sheets=(ABOUT_SHEET, DIRECTORY_SHEET),
    record_sheet="About",
)
KINDS: dict[str, WorkbookKind] = {k.kind: k for k in (PROVIDER_RETURN, SCHOOL_LOG, AP_DIRECTORY)}
# Every version some kind reads (each kind checks its own: WorkbookKind.reads).
SUPPORTED_VERSIONS = tuple(sorted({v for k in KINDS.values() for v in k.reads}, key=version_key))
SHEETS = {s.name: s for k in KINDS.values() for s in k.sheets}  # sheet names are unique


def kind_named(kind: str) -> WorkbookKind:
    return KINDS[kind]


def sheet_named(name: str) -> Sheet:
    return SHEETS[name]
