"""Rules on a provider's return: the Provider record (R014, R031-R035), pupils' hours and
sessions (R023, R030), ended placements (R042). Policy sections are the Hillingdon guidance's.
"""

from __future__ import annotations

from datetime import date

from ..spec import ERROR, QUERY, Kind
from ..values import is_date, is_num, is_urn
from .common import (
    STATUTORY_TESTS,
    hours,
    meets_registration_test,
    of_compulsory_school_age,
    rows,
    vulnerable,
    years_before,
)
from .declare import rule
from .value_rules import value_fields

KIND = Kind.PROVIDER_RETURN


R014 = rule(
    "R014",
    ERROR,
    "DfE URN",
    title="DfE URN missing for a registered provider, or not 6 digits",
    messages={
        "format": "DfE URN {shown} is not 6 digits. Check it on Get Information about Schools.",
        "missing": "DfE URN is missing. A registered school must give its 6-digit DfE URN.",
    },
)
R014.value_check(lambda v: isinstance(v, str) and is_urn(v), columns=["dfe_urn"], message="format", fields=value_fields)


@R014.check(KIND, "Provider")
def dfe_urn_for_registered_school(ret):
    rec = ret.record
    if rec.get("registered_school") == "Y" and rec.get("dfe_urn") is None:
        yield R014.hit(0, "dfe_urn", "missing")


R023 = rule(
    "R023",
    ERROR,
    "sessions",
    title="Sessions attended plus authorised absence exceed sessions possible, or negative",
    messages={
        "negative": "{label} is negative ({count}). Sessions are counted 0 or more.",
        "too-many": "Sessions attended ({attended}) plus authorised absence ({authorised}) is more than sessions "
        "possible ({possible}). Check the three counts.",
    },
)


@R023.check(KIND, "Pupils")
def sessions_add_up(ret):
    keys = ("sessions_possible", "sessions_attended", "sessions_authorised")
    for idx, r in rows(ret.table("Pupils"), *keys):
        negative = [k for k in keys if is_num(r[k]) and r[k] < 0]
        for k in negative:
            yield R023.hit(idx, k, "negative", value=r[k], label=ret.sheets["Pupils"].header(k), count=r[k])
        if negative or not all(is_num(r[k]) for k in keys):
            continue
        if r["sessions_attended"] + r["sessions_authorised"] > r["sessions_possible"]:
            yield R023.hit(
                idx,
                "sessions_attended",
                "too-many",
                value=r["sessions_attended"],
                attended=r["sessions_attended"],
                authorised=r["sessions_authorised"],
                possible=r["sessions_possible"],
            )


R030 = rule(
    "R030",
    ERROR,
    "Pupils",
    title="Unregistered provider timetables full-time hours for a pupil of compulsory school age (§3.3)",
    message="{hours} hours a week is full-time education (more than {limit} hours, the DfE's guidance, §3.3), "
    "which an unregistered provider may not give a pupil of compulsory school age. Reduce the hours or "
    "talk to the council.",
    settings=("full_time_hours",),
)


@R030.check(KIND, "Pupils")
def unregistered_part_time_only(ret, *, full_time_hours):
    """Only pupils of compulsory school age on the first day of term: a Year 12 student at
    an unregistered provider is not a registration matter (§3.2, s.92)."""
    if ret.record.get("registered_school") != "N":
        return
    for idx, r in rows(ret.table("Pupils"), "hours_per_week", "date_of_birth"):
        h = r["hours_per_week"]
        if is_num(h) and h > full_time_hours and of_compulsory_school_age(r["date_of_birth"], ret.term):
            yield R030.hit(idx, "hours_per_week", value=h, hours=hours(h), limit=hours(full_time_hours))


_ONE_WHO = {
    "guidance-2024": "a pupil with an EHC plan or who is looked after",
    "act-2026": "a pupil who is looked after or has special educational needs",
}
R031 = rule(
    "R031",
    ERROR,
    "Provider",
    title="Unregistered provider gives full-time education that requires registration as a school (§3.2)",
    messages={
        "five-or-more-guidance": "You are not a registered school but give full-time education (more than {limit} "
        "hours a week) to {count} pupils of compulsory school age (Pupils rows {where}). "
        "Under the council's guidance (§3.2) you must register as an independent school. "
        "Talk to the council.",
        "one-guidance": "You are not a registered school but give full-time education (more than {limit} hours a "
        "week) to {who} (Pupils rows {where}). Under the council's guidance (§3.2) you must "
        "register as an independent school. Talk to the council.",
        "five-or-more-law": "You are not a registered school but give full-time education (more than {limit} hours "
        "a week, the DfE's guidance on full time, §3.3) to {count} pupils of compulsory school "
        "age (Pupils rows {where}). By law (Children's Wellbeing and Schools Act 2026 s.43) you "
        "must register as an independent school. Talk to the council.",
        "one-law": "You are not a registered school but give full-time education (more than {limit} hours a week, "
        "the DfE's guidance on full time, §3.3) to {who} (Pupils rows {where}). By law (Children's "
        "Wellbeing and Schools Act 2026 s.43) you must register as an independent school. Talk to the "
        "council.",
    },
    settings=("registration_test", "full_time_hours"),
)


def _rows_listed(indexes) -> str:
    indexes = list(indexes)
    return ", ".join(str(i) for i in indexes[:10]) + (" ..." if len(indexes) > 10 else "")


@R031.check(KIND, "Provider")
def must_register_as_school(ret, *, registration_test, full_time_hours):
    """The council's registration test (settings): full-time (more than `full_time_hours`)
    for 5+ pupils of compulsory school age, or for one the test names."""
    if ret.record.get("registered_school") != "N" or ret.term is None:
        return
    full_time = []
    for idx, r in rows(ret.table("Pupils"), "hours_per_week", "date_of_birth", "sen", "looked_after"):
        h = r["hours_per_week"]
        if is_num(h) and h > full_time_hours and of_compulsory_school_age(r["date_of_birth"], ret.term):
            full_time.append((idx, r))
    singled = [idx for idx, r in full_time if vulnerable(r["sen"], r["looked_after"], registration_test)]
    if not meets_registration_test(len(full_time), bool(singled)):
        return
    law = "law" if registration_test in STATUTORY_TESTS else "guidance"
    if len(full_time) >= 5:
        yield R031.hit(
            0,
            "registered_school",
            f"five-or-more-{law}",
            value="N",
            limit=hours(full_time_hours),
            count=len(full_time),
            where=_rows_listed(i for i, _ in full_time),
        )
    else:
        yield R031.hit(
            0,
            "registered_school",
            f"one-{law}",
            value="N",
            limit=hours(full_time_hours),
            who=_ONE_WHO[registration_test],
            where=_rows_listed(singled),
        )


R032 = rule(
    "R032",
    QUERY,
    "Provider",
    title="Ofsted judgement Requires improvement or Inadequate (§14.15)",
    message="Ofsted judged the provision '{judgement}'. Commissioners may move pupils (§14.15): send the council "
    "your improvement plan.",
)


@R032.check(KIND, "Provider")
def ofsted_concern(ret):
    judgement = ret.record.get("ofsted_judgement")
    if judgement in ("Requires improvement", "Inadequate"):
        yield R032.hit(0, "ofsted_judgement", value=judgement, judgement=judgement)


R033 = rule(
    "R033",
    QUERY,
    "Provider",
    title="Last LA QA visit over 12 months before term end, or missing for a directory provider (§10.4)",
    messages={
        "missing": "Last LA QA visit is missing. Providers in the council's AP directory have a QA visit every "
        "year (§10.4): give its date.",
        "old": "The last LA QA visit ({visit}) was more than 12 months before the end of term. Visits are annual "
        "(§10.4): ask the council to arrange one.",
    },
)


@R033.check(KIND, "Provider")
def qa_visit_due(ret):
    rec = ret.record
    visit = rec.get("last_qa_visit")
    if visit is None:
        if rec.get("in_directory") == "Y":
            yield R033.hit(0, "last_qa_visit", "missing")
        return
    if is_date(visit) and ret.term is not None and visit < years_before(ret.term.end, 1):
        yield R033.hit(0, "last_qa_visit", "old", value=visit, visit=visit)


R034 = rule(
    "R034",
    ERROR,
    "Provider",
    title="Not all staff have enhanced DBS checks (§8.4)",
    message="Not all staff have enhanced DBS checks. Every adult in contact with children must be checked "
    "(§8.4): tell the council now.",
)


@R034.check(KIND, "Provider")
def staff_dbs(ret):
    if ret.record.get("all_staff_dbs") == "N":
        yield R034.hit(0, "all_staff_dbs", value="N")


R035 = rule(
    "R035",
    QUERY,
    "Provider",
    title="Insurance expired, or child protection training older than 3 years",
    messages={
        "insurance": "Your insurance expired on {expiry}. Send the council your current certificate (§8.8).",
        "training": "Child protection training was last done on {trained}, more than 3 years ago. Staff need "
        "refresher training (§8.11).",
    },
)


def reference_date(ret):
    """The day the provider's certificates are judged at: term end, or completion if later."""
    days: list[date] = [
        x for x in (ret.term.end if ret.term else None, ret.record.get("date_completed")) if isinstance(x, date)
    ]
    return max(days) if days else None


@R035.check(KIND, "Provider")
def insurance_and_training(ret):
    rec = ret.record
    when = reference_date(ret)
    if when is None:
        return
    expiry = rec.get("insurance_expiry")
    if is_date(expiry) and expiry < when:
        yield R035.hit(0, "insurance_expiry", "insurance", value=expiry, expiry=expiry)
    trained = rec.get("cp_training_date")
    if is_date(trained) and trained < years_before(when, 3):
        yield R035.hit(0, "cp_training_date", "training", value=trained, trained=trained)


R042 = rule(
    "R042",
    QUERY,
    "Pupils",
    title="Placement ended in the term but no destination (§6.1j)",
    message="The placement ended on {end} but no destination is given. Record where the pupil went next (§6.1j).",
)


@R042.check(KIND, "Pupils")
def destination_when_ended(ret):
    if ret.term is None:
        return
    for idx, r in rows(ret.table("Pupils"), "end_date", "destination"):
        end = r["end_date"]
        if is_date(end) and ret.term.start <= end <= ret.term.end and r["destination"] is None:
            yield R042.hit(idx, "destination", end=end)


# ---- Tests -------------------------------------------------------------------------------------
# Run by pytest. Each starts from a clean return built in memory (`ap_sheets.testing`), changes
# what a provider gets wrong, and asserts the exact findings and their messages.


def test_r014_registered_without_urn():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    r = b.set("Provider", "dfe_urn", None)
    assert found(b) == [("R014", "Provider", r, "DfE URN", f"B{r}")]
    assert said(b) == ["DfE URN is missing. A registered school must give its 6-digit DfE URN."]


def test_r014_urn_not_six_digits():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    r = b.set("Provider", "dfe_urn", 14567)
    assert found(b) == [("R014", "Provider", r, "DfE URN", f"B{r}")]
    assert said(b) == ["DfE URN '14567' is not 6 digits. Check it on Get Information about Schools."]


def test_r023_sessions():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    b.set_cell("Pupils", 2, "sessions_attended", 115)
    b.set_cell("Pupils", 3, "sessions_authorised", -2)
    assert found(b) == [
        ("R023", "Pupils", 2, "Sessions attended", b.cell("Pupils", 2, "sessions_attended")),
        ("R023", "Pupils", 3, "Sessions authorised absence", b.cell("Pupils", 3, "sessions_authorised")),
    ]
    assert said(b) == [
        "Sessions attended (115) plus authorised absence (10) is more than sessions possible (120). Check the "
        "three counts.",
        "Sessions authorised absence is negative (-2). Sessions are counted 0 or more.",
    ]


def _unregistered(b):
    """The provider is not a registered school (and so has no URN or Ofsted judgement)."""
    b.set("Provider", "registered_school", "N")
    b.set("Provider", "dfe_urn", None)
    b.set("Provider", "ofsted_judgement", "Not inspected")
    b.set("Provider", "ofsted_report_date", None)


def test_r030_unregistered_over_18_hours():
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    _unregistered(b)
    b.set_cell("Pupils", 2, "hours_per_week", 18)  # exactly 18 is part-time
    b.set_cell("Pupils", 3, "hours_per_week", 18.5)
    b.set_cell("Pupils", 4, "hours_per_week", 12)
    issues = check(b).issues
    assert [(f.code, f.sheet, f.row, f.column, f.cell, f.message) for f in issues if f.code == "R030"] == [
        (
            "R030",
            "Pupils",
            3,
            "Timetabled hours per week",
            b.cell("Pupils", 3, "hours_per_week"),
            "18.5 hours a week is full-time education (more than 18 hours, the DfE's guidance, §3.3), which an "
            "unregistered provider may not give a pupil of compulsory school age. Reduce the hours or talk to the "
            "council.",
        )
    ]


def test_r031_unregistered_full_time_for_a_looked_after_child():
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    _unregistered(b)
    b.set_cell("Pupils", 4, "hours_per_week", 12)
    b.set_cell("Pupils", 3, "hours_per_week", 25)  # EHC plan and looked after
    r = b.form_row("Provider", "registered_school")
    issues = [
        (f.code, f.sheet, f.row, f.column, f.cell, f.message) for f in check(b).issues if f.code in ("R030", "R031")
    ]
    assert sorted(issues) == [
        (
            "R030",
            "Pupils",
            3,
            "Timetabled hours per week",
            b.cell("Pupils", 3, "hours_per_week"),
            "25 hours a week is full-time education (more than 18 hours, the DfE's guidance, §3.3), which an "
            "unregistered provider may not give a pupil of compulsory school age. Reduce the hours or talk to the "
            "council.",
        ),
        (
            "R031",
            "Provider",
            r,
            "Registered school",
            f"B{r}",
            "You are not a registered school but give full-time education (more than 18 hours a week) to a pupil with "
            "an EHC plan or who is looked after (Pupils rows 3). Under the council's guidance (§3.2) you must register "
            "as an independent school. Talk to the council.",
        ),
    ]


def test_r031_five_full_time_pupils_but_not_four():
    from ap_sheets.testing import check, found, make_upn, provider_return, pupil

    b = provider_return()
    _unregistered(b)
    for row in (2, 3, 4):
        b.set_cell("Pupils", row, "hours_per_week", 10)
    for n in range(4):
        b.add_row("Pupils", pupil(upn=make_upn(60 + n), hours_per_week=20))
    assert [i[0] for i in found(b)].count("R031") == 0
    b.add_row("Pupils", pupil(upn=make_upn(70), hours_per_week=20))
    issues = check(b).issues
    codes = [f.code for f in issues]
    assert codes.count("R031") == 1
    assert codes.count("R030") == 5
    (r031,) = [f for f in issues if f.code == "R031"]
    assert r031.message == (
        "You are not a registered school but give full-time education (more than 18 hours a "
        "week) to 5 pupils of compulsory school age (Pupils rows 5, 6, 7, 8, 9). Under the "
        "council's guidance (§3.2) you must register as an independent school. Talk to the "
        "council."
    )


def test_r032_ofsted_requires_improvement():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    r = b.set("Provider", "ofsted_judgement", "requires improvement")
    assert found(b) == [("R032", "Provider", r, "Ofsted judgement", f"B{r}")]
    assert said(b) == [
        "Ofsted judged the provision 'Requires improvement'. Commissioners may move pupils "
        "(§14.15): send the council your improvement plan."
    ]


def test_r033_qa_visit_over_a_year_before_term_end():
    from datetime import date

    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    r = b.set("Provider", "last_qa_visit", date(2023, 12, 30))
    assert found(b) == [("R033", "Provider", r, "Last LA QA visit", f"B{r}")]
    assert said(b) == [
        "The last LA QA visit (30/12/2023) was more than 12 months before the end of term. Visits "
        "are annual (§10.4): ask the council to arrange one."
    ]
    b.set("Provider", "last_qa_visit", date(2023, 12, 31))
    assert found(b) == []


def test_r033_missing_qa_visit_only_matters_in_the_directory():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    r = b.set("Provider", "last_qa_visit", None)
    assert found(b) == [("R033", "Provider", r, "Last LA QA visit", f"B{r}")]
    assert said(b) == [
        "Last LA QA visit is missing. Providers in the council's AP directory have a QA visit every "
        "year (§10.4): give its date."
    ]
    b.set("Provider", "in_directory", "N")
    assert found(b) == []


def test_r034_dbs():
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    r = b.set("Provider", "all_staff_dbs", "N")
    report = check(b)
    assert [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues] == [
        ("R034", "Provider", r, "All staff enhanced DBS checked", f"B{r}")
    ]
    assert report.issues[0].message == (
        "Not all staff have enhanced DBS checks. Every adult in contact with "
        "children must be checked (§8.4): tell the council now."
    )
    assert report.status == "rejected"


def test_r035_insurance_and_training():
    from datetime import date

    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    ri = b.set("Provider", "insurance_expiry", date(2024, 12, 1))
    rt = b.set("Provider", "cp_training_date", date(2021, 12, 1))
    assert found(b) == [
        ("R035", "Provider", rt, "Child protection training date", f"B{rt}"),
        ("R035", "Provider", ri, "Insurance expiry date", f"B{ri}"),
    ]
    assert said(b) == [
        "Child protection training was last done on 01/12/2021, more than 3 years ago. Staff need refresher "
        "training (§8.11).",
        "Your insurance expired on 01/12/2024. Send the council your current certificate (§8.8).",
    ]


def test_r042_ended_without_destination():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    b.set_cell("Pupils", 3, "destination", None)
    assert found(b) == [("R042", "Pupils", 3, "Destination", b.cell("Pupils", 3, "destination"))]
    assert said(b) == [
        "The placement ended on 29/11/2024 but no destination is given. Record where the pupil went next (§6.1j)."
    ]


# ---- Tests: issue 10 (R030, R031: compulsory school age, full_time_hours, registration_test) ----
def _unregistered_return():
    from ap_sheets.testing import provider_return

    b = provider_return()
    b.fill_form(
        "Provider",
        {"registered_school": "N", "dfe_urn": None, "ofsted_judgement": "Not inspected", "ofsted_report_date": None},
    )
    for row in (2, 3, 4):
        b.set_cell("Pupils", row, "hours_per_week", 10)
    return b


def _only(b, codes, settings=None):
    from ap_sheets.testing import check

    return [f for f in check(b, settings).issues if f.code in codes]


def test_r030_only_for_pupils_of_compulsory_school_age_on_the_first_day_of_term():
    from datetime import date

    from ap_sheets.testing import make_upn, pupil

    b = _unregistered_return()
    b.set_cell("Pupils", 4, "hours_per_week", 25)  # Year 12, 16 on 01/09/2024: not a registration matter
    # 16 on 15/08/2024, Year 12: over compulsory school age on 01/09/2024, no R030
    b.add_row(
        "Pupils",
        pupil(
            upn=make_upn(50),
            date_of_birth=date(2008, 8, 15),
            nc_year=12,
            sen="E",
            sexual_orientation="Not asked",
            hours_per_week=22,
        ),
    )
    # 16 on 15/09/2024, Year 11: of compulsory school age all year
    y11 = b.add_row("Pupils", pupil(upn=make_upn(51), date_of_birth=date(2008, 9, 15), nc_year=11, hours_per_week=22))
    found = _only(b, {"R030"})
    assert [(f.row, f.column, f.cell, f.value) for f in found] == [
        (y11, "Timetabled hours per week", b.cell("Pupils", y11, "hours_per_week"), 22)
    ]
    assert found[0].message == R030.say(hours="22", limit="18")
    assert "DfE's guidance" in found[0].message and "law" not in found[0].message


def test_r030_full_time_hours_setting():
    from ap_sheets.settings import Settings

    b = _unregistered_return()
    b.set_cell("Pupils", 2, "hours_per_week", 20)
    b.set_cell("Pupils", 3, "hours_per_week", 20.5)
    assert [f.row for f in _only(b, {"R030"})] == [2, 3]
    found = _only(b, {"R030"}, Settings(full_time_hours=20))
    assert [f.row for f in found] == [3]
    assert found[0].message == R030.say(hours="20.5", limit="20")


def test_r031_guidance_2024_one_pupil_with_an_ehc_plan_or_looked_after():
    from ap_sheets.settings import Settings

    b = _unregistered_return()
    b.set_cell("Pupils", 3, "hours_per_week", 25)  # EHC plan and looked after, age 14
    r = b.form_row("Provider", "registered_school")
    for settings in (None, Settings(registration_test="act-2026")):
        found = _only(b, {"R031"}, settings)
        assert [(f.sheet, f.row, f.column, f.cell) for f in found] == [("Provider", r, "Registered school", f"B{r}")]
    guidance, law = _only(b, {"R031"})[0].message, _only(b, {"R031"}, Settings(registration_test="act-2026"))[0].message
    assert guidance == R031.say(
        "one-guidance", limit="18", who="a pupil with an EHC plan or who is looked after", where="3"
    )
    assert "by law" not in guidance.lower() and "council's guidance (§3.2)" in guidance
    assert law == R031.say(
        "one-law", limit="18", who="a pupil who is looked after or has special educational needs", where="3"
    )
    assert "By law (Children's Wellbeing and Schools Act 2026 s.43)" in law


def test_r031_act_2026_any_special_educational_needs_guidance_only_an_ehc_plan():
    from ap_sheets.settings import Settings

    b = _unregistered_return()
    b.set_cell("Pupils", 2, "sen", "K")  # SEN support, not looked after, age 13
    b.set_cell("Pupils", 2, "hours_per_week", 20)
    assert _only(b, {"R031"}) == []
    found = _only(b, {"R031"}, Settings(registration_test="act-2026"))
    assert [(f.code, f.row) for f in found] == [("R031", b.form_row("Provider", "registered_school"))]
    assert "By law" in found[0].message and "(Pupils rows 2)" in found[0].message
    # 20 hours is not full time where full time is more than 20
    assert _only(b, {"R031"}, Settings(registration_test="act-2026", full_time_hours=20)) == []


def test_r031_five_pupils_of_compulsory_school_age_under_both_tests_but_not_four():
    from ap_sheets.settings import Settings
    from ap_sheets.testing import make_upn, pupil

    b = _unregistered_return()
    b.set_cell("Pupils", 4, "hours_per_week", 30)  # over compulsory school age: not counted
    for n in range(4):
        b.add_row("Pupils", pupil(upn=make_upn(60 + n), hours_per_week=20))
    for settings in (Settings(), Settings(registration_test="act-2026")):
        assert _only(b, {"R031"}, settings) == []
    b.add_row("Pupils", pupil(upn=make_upn(70), hours_per_week=20))
    guidance = _only(b, {"R031"})
    assert [f.message for f in guidance] == [
        R031.say("five-or-more-guidance", limit="18", count=5, where="5, 6, 7, 8, 9")
    ]
    law = _only(b, {"R031"}, Settings(registration_test="act-2026"))
    assert [f.message for f in law] == [R031.say("five-or-more-law", limit="18", count=5, where="5, 6, 7, 8, 9")]
