"""Rules about a child's row that apply alike to a provider's Pupils and a school's Placements:
R011 duplicate UPN, R020 NC year, R021 age, R022 dates. Also R003 where a value is needed
only in some cases (sexual orientation at 16+, commissioner URN for a school commissioner).
"""
from __future__ import annotations

from datetime import date

from ..spec.codes import nc_year_number
from ..spec.rules import QUERY
from ..terms import age_on, expected_nc_year, school_age
from .common import d, is_date, rows
from .registry import Hit, rule

CHILD_SHEETS = (("provider-return", "Pupils"), ("school-log", "Placements"))


def for_child_sheets(code: str):
    """Register one rule for both child-level sheets."""
    def wrap(fn):
        for kind, sheet in CHILD_SHEETS:
            rule(code, kind, sheet)(_bind(fn, sheet))
        return fn
    return wrap


def _bind(fn, sheet):
    def bound(ret):
        return fn(ret, ret.frame(sheet))
    bound.__name__ = fn.__name__
    bound.__doc__ = fn.__doc__
    return bound


@for_child_sheets("R011")
def duplicate_upn_overlapping(ret, frame):
    """The same UPN on two rows whose placements overlap: one child counted twice.

    On a school's log a child may be at two providers at once (part-time placements can
    make up full time, §8.15), so there a duplicate is the same UPN at the same provider.
    """
    by_provider = "provider_id" in frame.columns
    seen: dict[tuple, list[tuple[object, date, date]]] = {}
    keys = ("upn", "start_date", "end_date") + (("provider_id",) if by_provider else ())
    for idx, r in rows(frame, *keys):
        upn = r["upn"]
        if not isinstance(upn, str):
            continue
        key = (upn, str(r["provider_id"] or "").casefold()) if by_provider else (upn,)
        start = r["start_date"] if is_date(r["start_date"]) else date.min
        end = r["end_date"] if is_date(r["end_date"]) else date.max
        for other_idx, o_start, o_end in seen.get(key, []):
            if start <= o_end and o_start <= end:
                where = " at the same provider" if by_provider else ""
                yield Hit(idx, "upn", f"This UPN is also on row {other_idx}{where} with placement dates "
                          "that overlap. Keep one row per placement, or correct the dates.", upn)
                break
        seen.setdefault(key, []).append((idx, start, end))


@for_child_sheets("R020")
def nc_year_matches_birth_date(ret, frame):
    if ret.term is None:
        return
    for idx, r in rows(frame, "date_of_birth", "nc_year"):
        born, nc = r["date_of_birth"], r["nc_year"]
        if not is_date(born) or not isinstance(nc, str) or nc not in _NC_CODES:
            continue
        expected = expected_nc_year(born, ret.term.start_year)
        if not 0 <= expected <= 14 or nc_year_number(nc) == expected:
            continue
        want = "Reception" if expected == 0 else f"Year {expected}"
        yield Hit(idx, "nc_year", f"NC year {nc} does not match the date of birth, which gives "
                  f"{want} in {ret.term.academic_year}. Check both; if the pupil is taught out of their "
                  "year group, say so when you send the return.", nc)


_NC_CODES = {"R"} | {str(n) for n in range(1, 15)}


@for_child_sheets("R021")
def age_in_range(ret, frame):
    if ret.term is None:
        return
    for idx, r in rows(frame, "date_of_birth", "sen"):
        born = r["date_of_birth"]
        if not is_date(born):
            continue
        age = age_on(born, ret.term.start)
        if age < 4 or age > 25:
            yield Hit(idx, "date_of_birth", f"The date of birth makes the pupil {age} at the start of term; "
                      "AP is for ages 4 to 25. Check the date of birth (day first, e.g. 15/09/2011).", born)
        elif school_age(born, ret.term.start_year) >= 16 and r["sen"] in ("K", "N"):
            yield Hit(idx, "date_of_birth", "The date of birth makes the pupil over compulsory school "
                      "age, and they have no EHC plan. Check the date of birth and SEN provision.",
                      born, severity=QUERY)


@for_child_sheets("R022")
def dates_in_order(ret, frame):
    for idx, r in rows(frame, "start_date", "planned_end_date", "end_date"):
        start = r["start_date"]
        if not is_date(start):
            continue
        for key, label in (("planned_end_date", "Planned end date"), ("end_date", "End date")):
            when = r[key]
            if is_date(when) and when < start:
                yield Hit(idx, key, f"{label} {d(when)} is before the start date {d(start)}. "
                          "Check both dates (day first).", when)
        if ret.term is not None and start > ret.term.end:
            yield Hit(idx, "start_date", f"Start date {d(start)} is after the end of the {ret.term.label} "
                      f"term ({d(ret.term.end)}). Only placements in this term belong on this return.", start)


@rule("R003", "provider-return", "Pupils")
def pupil_conditional_values(ret):
    """Values needed only sometimes: sexual orientation at 16+, URN of a commissioning school."""
    frame = ret.frame("Pupils")
    for idx, r in rows(frame, "date_of_birth", "sexual_orientation", "commissioner_type", "commissioner_urn"):
        born = r["date_of_birth"]
        if (ret.term is not None and is_date(born) and age_on(born, ret.term.start) >= 16
                and r["sexual_orientation"] is None):
            yield Hit(idx, "sexual_orientation", "Sexual orientation is missing. It is needed for pupils aged "
                      "16 and over; choose 'Not asked' or 'Prefer not to say' if that is the answer.")
        if r["commissioner_type"] == "School" and r["commissioner_urn"] is None:
            yield Hit(idx, "commissioner_urn", "Commissioner URN is missing. When a school placed the pupil, "
                      "give the school's 6-digit URN.")

