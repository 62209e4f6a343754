"""The council's AP Directory that goes with a demo term (`ap_directory.xlsm`), dated a few days
before the term ends, and the differences X007-X009 must find in it.

The directory lists the providers that say on their returns they are in it, with their own
registration, Ofsted and insurance details and last QA visit. Four things are planted:
one provider is Suspended (X007), one has an old DfE URN in the directory (X008), one's last
QA visit is 14 months before the term's end (X009, and D003 on the directory itself), and the
unregistered setting the schools use is not in it (X007), like the two providers whose returns
say so. Its own random numbers (from the seed and term), so the returns stay as they were.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from ..spec import Kind
from ..terms import Term
from .data import FIRST_TABLE_ROW, PROVIDERS, UNREGISTERED_SETTING, Provider
from .making import _school_day
from .planting import Gap, Planted
from .records import WorkbookPlan, provider_file

DIRECTORY_FILE = "ap_directory.xlsm"
SUSPENDED, OLD_URN, OVERDUE = "AP-0010", "AP-0003", "AP-0004"
FEES = {  # provider ID -> (standard fee in £, fee basis), §12.8; none agreed for the rest
    "AP-0001": (95, "Day"),
    "AP-0003": (110, "Day"),
    "AP-0004": (185, "Day"),
    "AP-0007": (45, "Hour"),
    "AP-0009": (350, "Week"),
    "AP-0012": (30, "Hour"),
}
ADDRESSES = {
    "AP-0001": ("Meadowgate Lane, Uxbridge", "UB8 2PX"),
    "AP-0003": ("40 Park Road, Hayes", "UB4 8JA"),
    "AP-0004": ("Riverside Walk, Yiewsley", "UB7 8DL"),
    "AP-0007": ("Hillingdon Hospital Site, Pield Heath Road", "UB8 3NN"),
    "AP-0009": ("Unit 4, Stockley Close, West Drayton", "UB7 9BL"),
    "AP-0010": ("Frays Valley Nature Reserve, Harefield Road", "UB8 1PW"),
    "AP-0012": ("The Old Drill Hall, Ruislip", "HA4 7AE"),
}


def directory_plan(term: Term, seed: int, returns: dict[str, WorkbookPlan]) -> tuple[WorkbookPlan, list, list]:
    """The directory's records, its planted D003 (mistakes), and the gaps X007-X009 must show."""
    rng = random.Random(f"{seed} directory {term.label}")
    day = term.end - timedelta(7)
    rows, mistakes, gaps = [], [], []
    for provider in sorted((p for p in PROVIDERS if p.in_directory), key=lambda p: p.id):
        own = returns[provider_file(provider, term)].records["Provider"]
        row = _row(rng, term, provider, own)
        if provider.id == SUSPENDED:
            row["directory_status"] = "Suspended"
            gaps.append(Gap("X007", None, provider.id, "", "Suspended in the directory after a safeguarding concern"))
        if provider.id == OLD_URN:
            row["dfe_urn"] = str(int(own["dfe_urn"]) - 11000)  # its URN from before it became an academy
            gaps.append(
                Gap("X008", None, provider.id, "", "the directory still has its DfE URN from before it converted")
            )
        if provider.id == OVERDUE:
            row["last_qa_visit"] = _school_day(rng, _months_before(term.end, 15), _months_before(term.end, 14))
            gaps.append(Gap("X009", None, provider.id, "", "last QA visit 14 to 15 months before the term's end"))
            mistakes.append(
                Planted(
                    DIRECTORY_FILE,
                    "Directory",
                    FIRST_TABLE_ROW + len(rows),
                    "Last QA visit",
                    "D003",
                    row["last_qa_visit"],
                    "annual QA visit overdue at the Directory date",
                )
            )
        rows.append(row)
    for provider in (p for p in PROVIDERS if not p.in_directory):
        gaps.append(Gap("X007", None, provider.id, "", "not in the directory, as its own return says"))
    gaps.append(
        Gap(
            "X007",
            None,
            UNREGISTERED_SETTING.id,
            "",
            "an unregistered setting schools use that is not in the directory",
        )
    )
    about = {"council_name": "London Borough of Hillingdon", "directory_date": day, "completed_by": "Priya Shah"}
    return WorkbookPlan(DIRECTORY_FILE, Kind.AP_DIRECTORY, {"About": about, "Directory": rows}), mistakes, gaps


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, min(day.day, 28))


def _row(rng: random.Random, term: Term, provider: Provider, own: dict) -> dict:
    listed = _school_day(rng, date(term.start_year - 5, 9, 1), date(term.start_year - 1, 7, 20))
    fee, basis = FEES.get(provider.id, (None, None))
    address, postcode = ADDRESSES[provider.id]
    visit = own["last_qa_visit"]
    return {
        "provider_id": provider.id,
        "provider_name": provider.name,
        "address": address,
        "provider_postcode": postcode,
        "registered_school": "Y" if provider.registered else "N",
        "dfe_urn": provider.urn,
        "ukprn": provider.ukprn,
        "ap_setting_type": None if provider.registered or provider.ukprn else provider.setting_type,
        "directory_status": "Listed",
        "listed_since": listed,
        "initial_qa_visit": listed - timedelta(rng.randint(20, 60)),
        "last_qa_visit": visit,
        "qa_outcome": rng.choice(("Met", "Met", "Met", "Met with actions")),
        "safeguarding_checked": visit,
        "insurance_expiry": own["insurance_expiry"],
        "ofsted_judgement": own["ofsted_judgement"],
        "ofsted_report_date": own["ofsted_report_date"],
        "delivery": "On site",
        "specialisms": None,
        "standard_fee": fee,
        "fee_basis": basis,
        "contact_email": own["contact_email"],
    }
