"""One row of each sheet from a placement, and where each workbook is written."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from ..terms import Term
from .data import (
    ACHIEVEMENTS,
    COMPLAINT_TOPICS,
    COMPLIMENT_TOPICS,
    FULL_WEEK_HOURS,
    LA_COMMISSIONERS,
    PUPIL_VIEWS,
    Provider,
    School,
)
from .making import Placement, _adult_name, _email, _next_weekday, _school_day


@dataclass
class WorkbookPlan:
    """One file to write: where, which kind, and the records for the template builder."""

    path: str
    kind: str
    records: dict


def term_file_label(term: Term) -> str:
    """'2024/25 Autumn' as it can appear in a file name: '2024-25 Autumn'."""
    return f"{term.academic_year.replace('/', '-')} {term.term}"


def provider_file(provider: Provider, term: Term) -> str:
    return f"providers/{provider.id} {provider.name} - {term_file_label(term)}.xlsm"


def school_file(school: School, term: Term) -> str:
    return f"schools/{school.name} - {term_file_label(term)}.xlsm"


# =====================================================================================
# One row of each sheet
# =====================================================================================
def pupil_record(p: Placement) -> dict:
    """A row of a provider's Pupils sheet."""
    c = p.child
    return {
        "upn": c.upn,
        "surname": c.surname,
        "forename": c.forename,
        "date_of_birth": c.born,
        "sex": c.sex,
        "ethnicity": c.ethnicity,
        "sexual_orientation": c.sexual_orientation,
        "religion": c.religion,
        "postcode": c.postcode,
        "nc_year": c.nc_year,
        "sen": c.sen,
        "looked_after": c.looked_after,
        "commissioner_type": c.commissioner,
        "commissioner_name": c.school.name if c.school else LA_COMMISSIONERS[c.commissioner],
        "commissioner_urn": c.school.urn if c.school else None,
        "placement_reason": p.reason,
        "tier": p.tier,
        "start_date": p.start,
        "planned_end_date": p.planned_end,
        "end_date": p.end,
        "hours_per_week": p.hours,
        "sessions_possible": p.sessions_possible,
        "sessions_attended": p.sessions_attended,
        "sessions_authorised": p.sessions_authorised,
        "engagement": p.engagement,
        "progress_outcomes": p.progress_outcomes,
        "progress_learning": p.progress_learning,
        "quals_entered": p.quals_entered,
        "quals_achieved": p.quals_achieved,
        "suspensions": p.suspensions,
        "safeguarding_concerns": p.safeguarding,
        "behaviour_incidents": p.incidents,
        **p.extras,
        "reintegration_plan": p.reintegration_plan,
        "destination": p.destination,
    }


def notification_records(rng: random.Random, term: Term, placements: list[Placement]) -> list[dict]:
    """The events a provider had to report this term, each reported on the same day."""
    events = []
    for p in placements:
        first = max(p.start, term.start)
        last = min(p.end or term.end - timedelta(10), term.end - timedelta(10))
        everyone = ("referrer_notified", "school_notified", "council_notified", "parents_notified")
        happened = []
        happened += [("Suspension", everyone)] * p.suspensions
        if p.attendance < 0.72:
            happened.append(("Non-attendance", ("referrer_notified", "school_notified", "parents_notified")))
        if p.incidents >= 6:
            happened.append(("Serious incident", ("referrer_notified", "school_notified", "parents_notified")))
        happened += [("Safeguarding concern", ("referrer_notified", "school_notified"))] * p.safeguarding
        used: set[date] = set()
        for event, told in happened:
            day = _school_day(rng, first, last)
            for _ in range(10):  # one event a day for a child
                if day not in used:
                    break
                day = _school_day(rng, first, last)
            used.add(day)
            events.append({"upn": p.child.upn, "event_type": event, "event_date": day, **{who: day for who in told}})
        if p.end:
            events.append(
                {
                    "upn": p.child.upn,
                    "event_type": "Placement ended",
                    "event_date": p.end,
                    **{who: p.end for who in everyone},
                }
            )
    return sorted(events, key=lambda e: (e["event_date"], e["upn"], e["event_type"]))


def complaint_records(rng: random.Random, term: Term) -> list[dict]:
    rows = []
    for _ in range(rng.choices((0, 1, 2, 3), (20, 35, 30, 15))[0]):
        received = _school_day(rng, term.start + timedelta(7), term.end - timedelta(12))
        if rng.random() < 0.6:
            category, outcome = rng.choice(COMPLIMENT_TOPICS)
            rows.append(
                {
                    "date_received": received,
                    "kind": "Compliment",
                    "category": category,
                    "date_resolved": None,
                    "outcome": outcome,
                }
            )
        else:
            category, outcomes = rng.choice(COMPLAINT_TOPICS)
            still_open = rng.random() < 0.2
            rows.append(
                {
                    "date_received": received,
                    "kind": "Complaint",
                    "category": category,
                    "date_resolved": None if still_open else _next_weekday(received, rng.randint(2, 12)),
                    "outcome": None if still_open else rng.choice(outcomes),
                }
            )
    return sorted(rows, key=lambda r: r["date_received"])


def provider_record(rng: random.Random, term: Term, provider: Provider) -> dict:
    """The Provider sheet."""
    completed = _school_day(rng, term.end + timedelta(4), term.end + timedelta(12))
    return {
        "provider_name": provider.name,
        "provider_id": provider.id,
        "academic_year": term.academic_year,
        "term": term.term,
        "registered_school": "Y" if provider.registered else "N",
        "dfe_urn": provider.urn,
        "ofsted_judgement": provider.ofsted,
        "ofsted_report_date": None
        if provider.ofsted == "Not inspected"
        else _school_day(rng, term.start - timedelta(1300), term.start - timedelta(150)),
        "in_directory": "Y" if provider.in_directory else "N",
        "last_qa_visit": _school_day(rng, term.end - timedelta(320), term.end - timedelta(40))
        if provider.in_directory
        else None,
        "all_staff_dbs": "Y",
        "cp_training_date": _school_day(rng, term.end - timedelta(800), term.end - timedelta(60)),
        "insurance_expiry": rng.choice(
            (date(term.end.year + 1, 3, 31), date(term.end.year + 1, 7, 31), date(term.end.year + 1, 9, 30))
        ),
        "new_sites": "Y" if rng.random() < 0.15 else "N",
        "joint_working": provider.joint_working or None,
        "contact_name": provider.contact,
        "contact_email": _email(provider.contact, provider.domain),
        "completed_by": provider.contact if rng.random() < 0.7 else _adult_name(rng),
        "date_completed": completed,
    }


def placement_record(rng: random.Random, term: Term, p: Placement) -> dict:
    """A row of the commissioning school's Placements sheet, as the school keeps it."""
    c, prov = p.child, p.provider
    due_since = term.end - timedelta(38)
    if p.end:
        visit = _school_day(rng, p.start, p.end)
    elif p.start + timedelta(3) > term.end - timedelta(12):
        visit = None  # started in the last weeks of term: not yet visited
    else:
        visit = _school_day(rng, max(p.start + timedelta(3), due_since), term.end - timedelta(12))
    attendance = min(1.0, max(0.0, p.attendance + rng.uniform(-0.03, 0.03)))
    if c.tag == "attendance-differs":
        attendance = p.attendance + 0.21  # the school copied a figure from before half term
    return {
        "upn": c.upn,
        "surname": c.surname,
        "forename": c.forename,
        "date_of_birth": c.born,
        "nc_year": c.nc_year,
        "sen": c.sen,
        "looked_after": c.looked_after,
        "provider_name": prov.name,
        "provider_id": prov.id,
        "provider_registered": "Y" if prov.registered else "N",
        "provider_urn": prov.urn,
        # v2: as the school census names a provider with no URN: its UKPRN, else its setting type
        "provider_ukprn": None if prov.registered else prov.ukprn,
        "ap_setting_type": None if prov.registered or prov.ukprn else prov.setting_type,
        "placement_reason": p.reason,
        "start_date": p.start,
        "planned_end_date": p.planned_end,
        "end_date": p.end,
        "days_at_provider": p.days,
        "hours_at_provider": p.hours,
        "hours_at_school": 0 if p.hours >= 22 else FULL_WEEK_HOURS - p.hours,
        "sla_agreed": _school_day(rng, p.start - timedelta(25), p.start - timedelta(5)),
        "risk_assessment": _school_day(rng, p.start - timedelta(10), p.start - timedelta(1)),
        "qa_check": _school_day(rng, p.start - timedelta(45), p.start - timedelta(10)),
        "dbs_confirmed": "Y",
        "send_officer_consulted": _school_day(rng, p.start - timedelta(50), p.start - timedelta(14))
        if c.sen == "E"
        else None,
        "virtual_school_consulted": _school_day(rng, p.start - timedelta(30), p.start - timedelta(7))
        if c.looked_after == "Y"
        else None,
        "reintegration_plan": p.reintegration_plan,
        "planned_return_date": p.planned_end if p.tier == 2 and not p.end else None,
        "last_visit": visit,
        "attendance_pct": round(attendance, 3),
        "progress": p.progress_outcomes if rng.random() < 0.85 else None,
        "achievements": rng.choice(ACHIEVEMENTS) if rng.random() < 0.4 else None,
        "pupil_view": rng.choice(PUPIL_VIEWS) if rng.random() < 0.4 else None,
        "final_report_received": "Y" if p.end else None,
        "destination": p.destination,
    }


def school_record(rng: random.Random, term: Term, school: School) -> dict:
    return {
        "school_name": school.name,
        "school_urn": school.urn,
        "academic_year": term.academic_year,
        "term": term.term,
        "dsl": school.dsl,
        "completed_by": school.completed_by,
        "date_completed": _school_day(rng, term.end + timedelta(5), term.end + timedelta(14)),
    }
