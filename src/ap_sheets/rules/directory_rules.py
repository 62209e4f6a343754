"""Rules on the council's AP Directory (DATA-SPEC "Workbook 3"): D001-D004, and the values it
needs only in some cases (R003, R014). Kept by the council's AP quality-assurance officer (§10),
so the messages are written for them. Dates are judged at the Directory date (About sheet).
"""

from __future__ import annotations

from ..spec import ERROR, QUERY, Kind
from ..values import is_date, is_num
from .common import rows, years_before
from .declare import rule
from .provider_rules import R014
from .required_rules import R003

KIND, SHEET = Kind.AP_DIRECTORY, "Directory"
LISTED = "Listed"


def directory_date(ret):
    """The date the directory is correct at (About), or None when not given as a date."""
    day = ret.record.get("directory_date")
    return day if is_date(day) else None


D001 = rule(
    "D001",
    ERROR,
    "Directory",
    title="The same Provider ID twice",
    message="Provider ID {provider_id} is also used in row {first}. Each provider has one row and its own ID: "
    "merge the two rows, or correct the ID.",
)


@D001.check(KIND, SHEET)
def provider_id_once(ret):
    seen: dict[str, int] = {}
    for idx, r in rows(ret.table(SHEET), "provider_id"):
        pid = r["provider_id"]
        if pid is None:
            continue
        key = str(pid).strip().casefold()
        if key in seen:
            yield D001.hit(idx, "provider_id", value=pid, provider_id=pid, first=seen[key])
        else:
            seen[key] = idx


D002 = rule(
    "D002",
    ERROR,
    "Directory",
    title="Listed without an Initial QA visit date (§10.4)",
    message="The provider is Listed but no Initial QA visit date is given. A provider is quality assured before "
    "it is added (§10.4): give the date of that visit, or change its Directory status.",
)


@D002.check(KIND, SHEET)
def initial_qa_before_listing(ret):
    for idx, r in rows(ret.table(SHEET), "directory_status", "initial_qa_visit"):
        if r["directory_status"] == LISTED and r["initial_qa_visit"] is None:
            yield D002.hit(idx, "initial_qa_visit")


D003 = rule(
    "D003",
    QUERY,
    "Directory",
    title="Listed, and the Last QA visit more than 12 months before the Directory date, or missing (§10.4)",
    messages={
        "overdue": "The last QA visit ({visit}) was more than 12 months before the Directory date ({day}). Listed "
        "providers are visited every year (§10.4): arrange a visit, or give the date of a later one.",
        "missing": "The provider is Listed but no Last QA visit date is given. Listed providers are visited every "
        "year (§10.4): give the date of the latest visit.",
    },
)


@D003.check(KIND, SHEET)
def annual_qa_visit(ret):
    day = directory_date(ret)
    for idx, r in rows(ret.table(SHEET), "directory_status", "last_qa_visit"):
        if r["directory_status"] != LISTED:
            continue
        visit = r["last_qa_visit"]
        if visit is None:
            yield D003.hit(idx, "last_qa_visit", "missing")
        elif day is not None and is_date(visit) and visit < years_before(day, 1):
            yield D003.hit(idx, "last_qa_visit", "overdue", value=visit, visit=visit, day=day)


D004 = rule(
    "D004",
    QUERY,
    "Directory",
    title="Listed, and insurance expired at the Directory date (§8.8)",
    message="The provider is Listed but its insurance expired on {expiry}, before the Directory date ({day}). Ask "
    "for the renewed certificate (§8.8) and give the new expiry date, or suspend the listing.",
)


@D004.check(KIND, SHEET)
def insurance_in_date(ret):
    day = directory_date(ret)
    if day is None:
        return
    for idx, r in rows(ret.table(SHEET), "directory_status", "insurance_expiry"):
        expiry = r["insurance_expiry"]
        if r["directory_status"] == LISTED and is_date(expiry) and expiry < day:
            yield D004.hit(idx, "insurance_expiry", value=expiry, expiry=expiry, day=day)


# ---- values the directory needs only in some cases (R003, R014: declared in their modules) ----
JUDGED = ("Outstanding", "Good", "Requires improvement", "Inadequate")


@R003.check(KIND, SHEET)
def directory_values_needed_sometimes(ret):
    """Ofsted report date unless Not inspected; Fee basis when a fee is given; AP setting type
    for a provider that is not a registered school and has no UKPRN; QA outcome of a visit."""
    keys = (
        "ofsted_judgement",
        "ofsted_report_date",
        "standard_fee",
        "fee_basis",
        "registered_school",
        "ukprn",
        "ap_setting_type",
        "last_qa_visit",
        "qa_outcome",
    )
    for idx, r in rows(ret.table(SHEET), *keys):
        if r["ofsted_judgement"] in JUDGED and r["ofsted_report_date"] is None:
            yield R003.hit(idx, "ofsted_report_date", "ofsted_report_date")
        if r["registered_school"] == "N" and r["ukprn"] is None and r["ap_setting_type"] is None:
            yield R003.hit(idx, "ap_setting_type", "ap_setting_type")
        if r["last_qa_visit"] is not None and r["qa_outcome"] is None:
            yield R003.hit(idx, "qa_outcome", "qa_outcome")
        if r["standard_fee"] is not None and is_num(r["standard_fee"]) and r["fee_basis"] is None:
            yield R003.hit(idx, "fee_basis", "fee_basis")


@R014.check(KIND, SHEET)
def directory_dfe_urn_for_registered_school(ret):
    for idx, r in rows(ret.table(SHEET), "registered_school", "dfe_urn"):
        if r["registered_school"] == "Y" and r["dfe_urn"] is None:
            yield R014.hit(idx, "dfe_urn", "missing")


# ---- Tests -------------------------------------------------------------------------------------
# Each starts from the clean directory built in memory (`ap_sheets.testing.ap_directory`: dated
# 1 December 2024, rows 2-4), changes what a QA officer gets wrong, and asserts the exact findings.


def test_d000_the_clean_directory_has_no_findings():
    from ap_sheets.testing import ap_directory, check

    report = check(ap_directory())
    assert (report.kind, report.status, report.issues) == ("ap-directory", "accepted", [])


def test_d001_the_same_provider_id_twice():
    from ap_sheets.testing import ap_directory, directory_row, found, said

    b = ap_directory()
    row = b.add_row("Directory", directory_row(provider_id="ap-0012 ", provider_name="Green Shoots (Hayes)"))
    assert row == 5
    assert found(b) == [("D001", "Directory", 5, "Provider ID", "A5")]
    assert said(b) == [
        "Provider ID ap-0012 is also used in row 3. Each provider has one row and its own ID: merge the two rows, "
        "or correct the ID."
    ]


def test_d001_different_ids_and_blank_ids_are_not_duplicates():
    from ap_sheets.testing import ap_directory, directory_row, found

    b = ap_directory()
    b.add_row("Directory", directory_row(provider_id="AP-0030"))
    assert found(b) == []
    b.add_row("Directory", directory_row(provider_id=None))
    b.add_row("Directory", directory_row(provider_id=None))
    assert [f[0] for f in found(b)] == ["R003", "R003"]  # blank IDs are missing, not duplicates


def test_d002_listed_without_an_initial_qa_visit():
    from ap_sheets.testing import ap_directory, found, said

    b = ap_directory()
    b.set_cell("Directory", 3, "initial_qa_visit", None)
    assert found(b) == [("D002", "Directory", 3, "Initial QA visit", "K3")]
    assert said(b) == [D002.messages["default"]]


def test_d002_not_for_a_removed_or_suspended_provider():
    from ap_sheets.testing import ap_directory, found

    b = ap_directory()  # row 4 is Removed with no Initial QA visit
    b.set_cell("Directory", 3, "directory_status", "Suspended")
    b.set_cell("Directory", 3, "initial_qa_visit", None)
    assert found(b) == []


def test_d003_last_qa_visit_more_than_12_months_before_the_directory_date():
    from datetime import date

    from ap_sheets.testing import ap_directory, found, said

    b = ap_directory()
    b.set_cell("Directory", 2, "last_qa_visit", date(2023, 11, 30))
    b.set_cell("Directory", 3, "last_qa_visit", date(2023, 12, 1))  # exactly 12 months: not overdue
    assert found(b) == [("D003", "Directory", 2, "Last QA visit", "L2")]
    assert said(b) == [
        "The last QA visit (30/11/2023) was more than 12 months before the Directory date (01/12/2024). Listed "
        "providers are visited every year (§10.4): arrange a visit, or give the date of a later one."
    ]
    assert [f.severity for f in __import__("ap_sheets.testing").testing.check(b).issues] == ["query"]


def test_d003_missing_last_qa_visit_and_not_for_a_removed_provider():
    from ap_sheets.testing import ap_directory, found, said

    b = ap_directory()
    b.set_cell("Directory", 2, "last_qa_visit", None)
    b.set_cell("Directory", 4, "last_qa_visit", None)  # Removed: no visit expected
    assert found(b) == [("D003", "Directory", 2, "Last QA visit", "L2")]
    assert said(b) == [D003.messages["missing"]]


def test_d004_listed_and_insurance_expired_at_the_directory_date():
    from datetime import date

    from ap_sheets.testing import ap_directory, found, said

    b = ap_directory()  # row 4 (Removed) has expired insurance: not asked about
    b.set_cell("Directory", 2, "insurance_expiry", date(2024, 11, 30))
    b.set_cell("Directory", 3, "insurance_expiry", date(2024, 12, 1))  # still in force that day
    assert found(b) == [("D004", "Directory", 2, "Insurance expiry date", "O2")]
    assert said(b) == [
        "The provider is Listed but its insurance expired on 30/11/2024, before the Directory date (01/12/2024). "
        "Ask for the renewed certificate (§8.8) and give the new expiry date, or suspend the listing."
    ]


def test_d004_no_directory_date_is_missing_not_a_guess():
    from datetime import date

    from ap_sheets.testing import ap_directory, found

    b = ap_directory()
    r = b.set("About", "directory_date", None)
    b.set_cell("Directory", 2, "insurance_expiry", date(2020, 1, 1))
    assert found(b) == [("R003", "About", r, "Directory date", f"B{r}")]


def test_r003_directory_values_needed_sometimes():
    from ap_sheets.testing import ap_directory, found, said

    b = ap_directory()
    b.set_cell("Directory", 2, "ofsted_report_date", None)  # judged Good
    b.set_cell("Directory", 2, "fee_basis", None)  # a fee of 85
    b.set_cell("Directory", 3, "ap_setting_type", None)  # not registered, no UKPRN
    b.set_cell("Directory", 3, "qa_outcome", None)  # visited
    assert found(b) == [
        ("R003", "Directory", 2, "Ofsted report date", "Q2"),
        ("R003", "Directory", 2, "Fee basis", "U2"),
        ("R003", "Directory", 3, "AP setting type", "H3"),
        ("R003", "Directory", 3, "QA outcome", "M3"),
    ]
    assert said(b) == [
        R003.messages["ofsted_report_date"],
        "Fee basis is missing. A standard fee is given: say whether it is per Hour, Day or Week.",
        "AP setting type is missing. The provider is not a registered school and has no UKPRN: give its AP "
        "setting type, as in the DfE school census.",
        "QA outcome is missing. Give the outcome of the last QA visit: Met, Met with actions or Not met.",
    ]


def test_r003_directory_not_needed_when_not_inspected_no_fee_or_a_ukprn():
    from ap_sheets.testing import ap_directory, found

    b = ap_directory()  # row 3: Not inspected, no fee; row 4: a UKPRN and no AP setting type
    b.set_cell("Directory", 3, "ofsted_report_date", None)
    assert found(b) == []


def test_r014_directory_dfe_urn_for_a_registered_school():
    from ap_sheets.testing import ap_directory, found, said

    b = ap_directory()
    b.set_cell("Directory", 2, "dfe_urn", None)
    b.set_cell("Directory", 3, "dfe_urn", "14567")  # not 6 digits
    assert found(b) == [("R014", "Directory", 2, "DfE URN", "F2"), ("R014", "Directory", 3, "DfE URN", "F3")]
    assert said(b) == [
        "DfE URN is missing. A registered school must give its 6-digit DfE URN.",
        "DfE URN '14567' is not 6 digits. Check it on Get Information about Schools.",
    ]


def test_r001_r002_r012_r013_on_the_directory():
    from ap_sheets.testing import ap_directory, found, said

    b = ap_directory()
    b.set_cell("Directory", 2, "ukprn", "1234")
    b.set_cell("Directory", 2, "directory_status", "Active")
    b.set_cell("Directory", 3, "provider_postcode", "UB9")
    b.set_cell("Directory", 3, "contact_email", "hello at farm")
    b.set_cell("Directory", 4, "standard_fee", "forty")
    assert [f[:2] + f[3:] for f in found(b)] == [
        ("R001", "Directory", "UKPRN", "G2"),
        ("R002", "Directory", "Directory status", "I2"),
        ("R012", "Directory", "Postcode", "D3"),
        ("R013", "Directory", "Contact email", "V3"),
        ("R001", "Directory", "Standard fee", "T4"),
    ]
    assert said(b)[0] == (
        "'1234' in UKPRN is not a UKPRN: 8 digits, e.g. 10012345. Check it on the UK Register of Learning Providers."
    )
