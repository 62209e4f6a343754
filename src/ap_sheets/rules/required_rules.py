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
    "R003",
    ERROR,
    "any",
    title="A required value is missing",
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
        "fee_basis": "Fee basis is missing. A standard fee is given: say whether it is per Hour, Day or Week.",
        "ap_setting_type": "AP setting type is missing. The provider is not a registered school and has no UKPRN: "
        "give its AP setting type, as in the DfE school census.",
        "qa_outcome": "QA outcome is missing. Give the outcome of the last QA visit: Met, Met with actions or Not met.",
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
    for idx, r in rows(
        ret.table("Pupils"), "date_of_birth", "sexual_orientation", "commissioner_type", "commissioner_urn"
    ):
        born = r["date_of_birth"]
        if (
            ret.term is not None
            and is_date(born)
            and age_on(born, ret.term.start) >= 16
            and r["sexual_orientation"] is None
        ):
            yield R003.hit(idx, "sexual_orientation", "sexual_orientation")
        if r["commissioner_type"] == "School" and r["commissioner_urn"] is None:
            yield R003.hit(idx, "commissioner_urn", "commissioner_urn")


@R003.check(Kind.SCHOOL_LOG, "Placements")
def provider_urn_for_registered(ret):
    for idx, r in rows(ret.table("Placements"), "provider_registered", "provider_urn"):
        if r["provider_registered"] == "Y" and r["provider_urn"] is None:
            yield R003.hit(idx, "provider_urn", "provider_urn")


# ---- Tests -------------------------------------------------------------------------------------
# Run by pytest. Each starts from a clean return built in memory (`ap_sheets.testing`), changes
# what a user gets wrong, and asserts the exact findings and their messages.


def test_r003_required_value_missing():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    b.set_cell("Pupils", 3, "surname", "   ")  # only spaces: blank
    assert found(b) == [("R003", "Pupils", 3, "Surname", "B3")]
    assert said(b) == ["Surname is missing. Please fill it in."]


def test_r003_conditional_values():
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    b.set_cell("Pupils", 4, "sexual_orientation", None)  # 16 at term start
    b.set_cell("Pupils", 2, "commissioner_urn", None)  # a school commissioned
    r = b.set("Provider", "ofsted_report_date", None)  # judged Good
    assert [(f.code, f.sheet, f.row, f.column, f.cell, f.message) for f in check(b).issues] == [
        ("R003", "Provider", r, "Ofsted report date", f"B{r}", R003.messages["ofsted_report_date"]),
        (
            "R003",
            "Pupils",
            2,
            "Commissioner URN",
            b.cell("Pupils", 2, "commissioner_urn"),
            "Commissioner URN is missing. When a school placed the pupil, give the school's 6-digit URN.",
        ),
        (
            "R003",
            "Pupils",
            4,
            "Sexual orientation",
            b.cell("Pupils", 4, "sexual_orientation"),
            "Sexual orientation is missing. It is needed for pupils aged 16 and over; choose 'Not asked' or "
            "'Prefer not to say' if that is the answer.",
        ),
    ]
    assert R003.messages["ofsted_report_date"] == (
        "Ofsted report date is missing. Give the date of the report that made the judgement, or choose 'Not inspected'."
    )


def test_r003_sexual_orientation_may_be_blank_under_16():
    from ap_sheets.testing import found, provider_return

    b = provider_return()
    b.set_cell("Pupils", 2, "sexual_orientation", None)
    assert found(b) == []


def test_r003_provider_urn_for_registered_provider():
    from ap_sheets.testing import found, said, school_log

    b = school_log()
    b.set_cell("Placements", 2, "provider_urn", None)
    assert found(b) == [("R003", "Placements", 2, "Provider URN", b.cell("Placements", 2, "provider_urn"))]
    assert said(b) == [
        "Provider URN is missing. For a registered provider, give its 6-digit URN (find it on Get "
        "Information about Schools)."
    ]


def test_r003_blank_rows_inside_and_after_the_table_are_not_records():
    from datetime import date

    from ap_sheets.testing import found, make_upn, provider_return, pupil

    b = provider_return()
    row = b.add_row("Pupils", pupil(upn=make_upn(40), start_date=date(2024, 9, 3)), blank_rows_before=3)
    assert row == 8
    b.add_row("Pupils", {}, blank_rows_before=2)  # and blank rows after it
    assert found(b) == []
