"""R003: a required value is missing.

Every column the specification marks required is checked by the engine (a Pandera
not-null check over every return at once). Values needed only in some cases are declared
here too, each with the condition and its own words.
"""
from __future__ import annotations

from ..spec import ERROR, Kind
from ..terms import age_on
from ..values import is_date
from .common import rows
from .declare import rule

R003 = rule(
    "R003", ERROR, "any", title="A required value is missing",
    messages={
        "default": "{header} is missing. Please fill it in.",
        "ofsted_report_date": "Ofsted report date is missing. Give the date of the report that made the "
                              "judgement, or choose 'Not inspected'.",
        "sexual_orientation": "Sexual orientation is missing. It is needed for pupils aged 16 and over; choose "
                              "'Not asked' or 'Prefer not to say' if that is the answer.",
        "commissioner_urn": "Commissioner URN is missing. When a school placed the pupil, give the school's "
                            "6-digit URN.",
        "provider_urn": "Provider URN is missing. For a registered provider, give its 6-digit URN (find it on "
                        "Get Information about Schools).",
    },
)

JUDGED = ("Outstanding", "Good", "Requires improvement", "Inadequate")


@R003.check(Kind.PROVIDER_RETURN, "Provider")
def ofsted_report_date_when_judged(ret):
    rec = ret.record
    if rec.get("ofsted_judgement") in JUDGED and rec.get("ofsted_report_date") is None:
        yield R003.hit(0, "ofsted_report_date", "ofsted_report_date")


@R003.check(Kind.PROVIDER_RETURN, "Pupils")
def pupil_values_needed_sometimes(ret):
    """Sexual orientation at 16 and over (at the start of term); the URN of a commissioning school."""
    for idx, r in rows(ret.frame("Pupils"), "date_of_birth", "sexual_orientation", "commissioner_type",
                       "commissioner_urn"):
        born = r["date_of_birth"]
        if (ret.term is not None and is_date(born) and age_on(born, ret.term.start) >= 16
                and r["sexual_orientation"] is None):
            yield R003.hit(idx, "sexual_orientation", "sexual_orientation")
        if r["commissioner_type"] == "School" and r["commissioner_urn"] is None:
            yield R003.hit(idx, "commissioner_urn", "commissioner_urn")


@R003.check(Kind.SCHOOL_LOG, "Placements")
def provider_urn_for_registered(ret):
    for idx, r in rows(ret.frame("Placements"), "provider_registered", "provider_urn"):
        if r["provider_registered"] == "Y" and r["provider_urn"] is None:
            yield R003.hit(idx, "provider_urn", "provider_urn")
