"""Rules on a school's placement log (R050-R057, §6-§9 of the Hillingdon guidance)."""
from __future__ import annotations

from ..spec import ERROR, QUERY, Kind
from ..values import is_date, is_num
from .common import hours, rows
from .declare import rule

KIND, SHEET = Kind.SCHOOL_LOG, "Placements"
FULL_TIME_HOURS = 18
VISIT_WEEKS = 6  # §7.2: visit pupils at their provision regularly


def _rows(ret, *keys):
    return rows(ret.frame(SHEET), *keys)


R050 = rule(
    "R050", ERROR, "Placements", title="EHC plan pupil and no SEND officer consulted date (§6.2)",
    message="The pupil has an EHC plan but no date is given for consulting their SEND officer, which must happen "
            "before placing them (§6.2).",
)


@R050.check(KIND, SHEET)
def send_officer_for_ehcp(ret):
    for idx, r in _rows(ret, "sen", "send_officer_consulted"):
        if r["sen"] == "E" and r["send_officer_consulted"] is None:
            yield R050.hit(idx, "send_officer_consulted")


R051 = rule(
    "R051", ERROR, "Placements", title="Looked-after pupil and no Virtual School consulted date (§6.3)",
    message="The pupil is looked after but no date is given for consulting the Virtual School, which must happen "
            "before placing them (§6.3).",
)


@R051.check(KIND, SHEET)
def virtual_school_for_looked_after(ret):
    for idx, r in _rows(ret, "looked_after", "virtual_school_consulted"):
        if r["looked_after"] == "Y" and r["virtual_school_consulted"] is None:
            yield R051.hit(idx, "virtual_school_consulted")


R052 = rule(
    "R052", ERROR, "Placements", title="SLA or risk assessment missing, or dated after the start date (§6.1a, §8.3)",
    messages={
        "missing": "No date for the {document}. It must be in place before the placement starts ({section}).",
        "late": "The {document} ({when}) is dated after the placement started ({start}). It must be in place before "
                "the start ({section}).",
    },
)


@R052.check(KIND, SHEET)
def sla_and_risk_assessment_first(ret):
    what = {"sla_agreed": ("service level agreement", "§6.1a"), "risk_assessment": ("risk assessment", "§8.3")}
    for idx, r in _rows(ret, "start_date", *what):
        start = r["start_date"]
        for key, (name, section) in what.items():
            when = r[key]
            if when is None:
                yield R052.hit(idx, key, "missing", document=name, section=section)
            elif is_date(when) and is_date(start) and when > start:
                yield R052.hit(idx, key, "late", value=when, document=name, when=when, start=start, section=section)


R053 = rule(
    "R053", QUERY, "Placements", title="No reintegration plan (§9.2)",
    message="There is no reintegration plan. Plan the pupil's return from the start of the placement (§9.2), or "
            "explain why not.",
)


@R053.check(KIND, SHEET)
def reintegration_plan(ret):
    for idx, r in _rows(ret, "reintegration_plan"):
        if r["reintegration_plan"] == "N":
            yield R053.hit(idx, "reintegration_plan", value="N")


R054 = rule(
    "R054", ERROR, "Placements",
    title="Unregistered provider: over 18 hours, or fewer hours at school than at the provider (§3.5, §8.15)",
    messages={
        "full-time": "{hours} hours a week at an unregistered provider is full-time education, which it may not "
                     "give: no more than {limit} hours (§3.3, §3.5).",
        "most-at-provider": "The pupil has fewer hours at school ({at_school}) than at an unregistered provider "
                            "({at_provider}). Most of their education must come from school or a registered "
                            "provider (§3.5, §8.15).",
    },
)


@R054.check(KIND, SHEET)
def unregistered_hours(ret):
    for idx, r in _rows(ret, "provider_registered", "hours_at_provider", "hours_at_school"):
        if r["provider_registered"] != "N":
            continue
        at_provider, at_school = r["hours_at_provider"], r["hours_at_school"]
        if is_num(at_provider) and at_provider > FULL_TIME_HOURS:
            yield R054.hit(idx, "hours_at_provider", "full-time", value=at_provider, hours=hours(at_provider),
                           limit=FULL_TIME_HOURS)
        elif is_num(at_provider) and is_num(at_school) and at_school < at_provider:
            yield R054.hit(idx, "hours_at_school", "most-at-provider", value=at_school, at_school=hours(at_school),
                           at_provider=hours(at_provider))


R055 = rule(
    "R055", QUERY, "Placements", title="Last visit over 6 school weeks before term end for an open placement (§7.2)",
    messages={
        "missing": "No date for your last visit to the pupil at the provider. Visit pupils regularly (§7.2): at "
                   "least every 6 school weeks.",
        "old": "The last visit ({visit}) was more than {weeks} school weeks before the end of term (about "
               "{last_day}). Visit pupils regularly (§7.2).",
    },
)


@R055.check(KIND, SHEET)
def visited_recently(ret):
    """Open placements need a visit in the last 6 school weeks of term (counted back from
    the last teaching day, so holidays don't count); one that started within those weeks
    is not yet due a visit."""
    if ret.term is None:
        return
    due_since = ret.term.school_weeks_before_end(VISIT_WEEKS)
    for idx, r in _rows(ret, "start_date", "end_date", "last_visit"):
        end, visit, start = r["end_date"], r["last_visit"], r["start_date"]
        if is_date(end) and end <= ret.term.end:
            continue  # ended: not open
        if visit is None:
            if not (is_date(start) and start > due_since):
                yield R055.hit(idx, "last_visit", "missing")
        elif is_date(visit) and visit < due_since:
            yield R055.hit(idx, "last_visit", "old", value=visit, visit=visit, weeks=VISIT_WEEKS,
                           last_day=ret.term.last_teaching_day)


R056 = rule(
    "R056", QUERY, "Placements", title="Ended placement without final report or destination (§6.1g, §6.1j)",
    messages={
        "final-report": "The placement ended on {end} but the provider's final report has not been received. Ask "
                        "the provider for it (§6.1g).",
        "destination": "The placement ended on {end} but no destination is given. Record where the pupil went "
                       "next (§6.1j).",
    },
)


@R056.check(KIND, SHEET)
def ended_placement_records(ret):
    if ret.term is None:
        return
    for idx, r in _rows(ret, "end_date", "final_report_received", "destination"):
        end = r["end_date"]
        if not (is_date(end) and end <= ret.term.end):
            continue
        if r["final_report_received"] != "Y":
            yield R056.hit(idx, "final_report_received", "final-report", value=r["final_report_received"], end=end)
        if r["destination"] is None:
            yield R056.hit(idx, "destination", "destination", end=end)


R057 = rule(
    "R057", ERROR, "Placements", title="DBS not confirmed (§8.4)",
    message="DBS checks are not confirmed for this provider. Every adult in contact with the pupil must be checked "
            "before the placement (§8.4).",
)


@R057.check(KIND, SHEET)
def dbs_confirmed(ret):
    for idx, r in _rows(ret, "dbs_confirmed"):
        if r["dbs_confirmed"] == "N":
            yield R057.hit(idx, "dbs_confirmed", value="N")


# ---- Tests -------------------------------------------------------------------------------------
# Run by pytest. Each starts from a clean log built in memory (`ap_sheets.testing`: two placements,
# row 2 at a registered provider, row 3 at an unregistered one, ended 15/11/2024), changes what a
# school gets wrong, and asserts the exact findings and their messages.

def test_r050_r051_consultations():
    from ap_sheets.testing import found, said, school_log

    log = school_log()
    log.set_cell("Placements", 3, "send_officer_consulted", None)
    log.set_cell("Placements", 3, "virtual_school_consulted", "  ")
    assert found(log) == [
        ("R050", "Placements", 3, "SEND officer consulted", log.cell("Placements", 3, "send_officer_consulted")),
        ("R051", "Placements", 3, "Virtual School consulted", log.cell("Placements", 3, "virtual_school_consulted")),
    ]
    assert said(log) == [
        "The pupil has an EHC plan but no date is given for consulting their SEND officer, which must happen "
        "before placing them (§6.2).",
        "The pupil is looked after but no date is given for consulting the Virtual School, which must happen "
        "before placing them (§6.3).",
    ]


def test_r052_sla_missing_and_risk_assessment_late():
    from ap_sheets.testing import found, said, school_log

    log = school_log()
    log.set_cell("Placements", 2, "sla_agreed", None)
    log.set_cell("Placements", 2, "risk_assessment", "03/09/2024")  # typed as text, the day after the start
    assert found(log) == [
        ("R052", "Placements", 2, "SLA agreed", log.cell("Placements", 2, "sla_agreed")),
        ("R052", "Placements", 2, "Risk assessment", log.cell("Placements", 2, "risk_assessment")),
    ]
    assert said(log) == [
        "No date for the service level agreement. It must be in place before the placement starts (§6.1a).",
        "The risk assessment (03/09/2024) is dated after the placement started (02/09/2024). It must be in place "
        "before the start (§8.3).",
    ]


def test_r053_no_reintegration_plan_is_a_query():
    from ap_sheets.testing import check, school_log

    log = school_log()
    log.set_cell("Placements", 2, "reintegration_plan", "n")
    report = check(log)
    assert [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues] == [
        ("R053", "Placements", 2, "Reintegration plan", log.cell("Placements", 2, "reintegration_plan"))]
    assert report.status == "accepted"
    assert report.issues[0].message == R053.say() == (
        "There is no reintegration plan. Plan the pupil's return from the start of the placement (§9.2), or "
        "explain why not.")


def test_r054_unregistered_hours():
    from ap_sheets.testing import found, make_upn, placement, said, school_log

    log = school_log()
    log.set_cell("Placements", 3, "hours_at_school", 9)  # 10 at the unregistered provider
    log.add_row("Placements", placement(upn=make_upn(12), provider_registered="N", provider_urn=None,
                                        hours_at_provider=19, hours_at_school=20))
    log.add_row("Placements", placement(upn=make_upn(13), hours_at_provider=25, hours_at_school=0))  # registered
    assert found(log) == [
        ("R054", "Placements", 3, "Hours per week at school", log.cell("Placements", 3, "hours_at_school")),
        ("R054", "Placements", 4, "Hours per week at provider", log.cell("Placements", 4, "hours_at_provider")),
    ]
    assert said(log) == [
        "The pupil has fewer hours at school (9) than at an unregistered provider (10). Most of their education "
        "must come from school or a registered provider (§3.5, §8.15).",
        "19 hours a week at an unregistered provider is full-time education, which it may not give: no more than "
        "18 hours (§3.3, §3.5).",
    ]


def test_r055_last_visit_counts_school_weeks():
    from datetime import date

    from ap_sheets.testing import found, make_upn, placement, said, school_log

    # Autumn 2024's last teaching day is Friday 20/12; six school weeks before is 08/11.
    log = school_log()
    log.set_cell("Placements", 2, "last_visit", date(2024, 11, 7))
    log.add_row("Placements", placement(upn=make_upn(14), start_date=date(2024, 12, 2), last_visit=None))
    log.add_row("Placements", placement(upn=make_upn(15), last_visit=None))
    log.add_row("Placements", placement(upn=make_upn(16), last_visit=date(2024, 11, 8)))
    assert found(log) == [
        ("R055", "Placements", 2, "Last visit", log.cell("Placements", 2, "last_visit")),
        ("R055", "Placements", 5, "Last visit", log.cell("Placements", 5, "last_visit")),
    ]
    assert said(log) == [
        "The last visit (07/11/2024) was more than 6 school weeks before the end of term (about 20/12/2024). "
        "Visit pupils regularly (§7.2).",
        "No date for your last visit to the pupil at the provider. Visit pupils regularly (§7.2): at least every "
        "6 school weeks.",
    ]


def test_r055_summer_holiday_is_not_school_weeks():
    from datetime import date

    from ap_sheets.testing import found, said, school_log

    log = school_log()
    log.set("School", "term", "Summer")
    log.set("School", "date_completed", date(2025, 7, 25))
    for row in (2, 3):
        log.set_cell("Placements", row, "start_date", date(2025, 4, 22))
        log.set_cell("Placements", row, "planned_end_date", date(2025, 7, 22))
        log.set_cell("Placements", row, "end_date", None)
        log.set_cell("Placements", row, "final_report_received", None)
        log.set_cell("Placements", row, "destination", None)
    log.set_cell("Placements", 2, "last_visit", date(2025, 6, 12))  # 6 school weeks before 22/07 is 10/06
    log.set_cell("Placements", 3, "last_visit", date(2025, 6, 9))
    assert found(log) == [("R055", "Placements", 3, "Last visit", log.cell("Placements", 3, "last_visit"))]
    assert said(log) == ["The last visit (09/06/2025) was more than 6 school weeks before the end of term (about "
                         "22/07/2025). Visit pupils regularly (§7.2)."]


def test_r056_ended_placement_records():
    from ap_sheets.testing import found, said, school_log

    log = school_log()
    log.set_cell("Placements", 3, "final_report_received", "N")
    log.set_cell("Placements", 3, "destination", None)
    assert found(log) == [
        ("R056", "Placements", 3, "Final report received", log.cell("Placements", 3, "final_report_received")),
        ("R056", "Placements", 3, "Destination", log.cell("Placements", 3, "destination")),
    ]
    assert said(log) == [
        "The placement ended on 15/11/2024 but the provider's final report has not been received. Ask the provider "
        "for it (§6.1g).",
        "The placement ended on 15/11/2024 but no destination is given. Record where the pupil went next (§6.1j).",
    ]


def test_r057_dbs_not_confirmed():
    from ap_sheets.testing import found, said, school_log

    log = school_log()
    log.set_cell("Placements", 2, "dbs_confirmed", "No")
    assert found(log) == [("R057", "Placements", 2, "DBS confirmed", log.cell("Placements", 2, "dbs_confirmed"))]
    assert said(log) == ["DBS checks are not confirmed for this provider. Every adult in contact with the pupil must "
                         "be checked before the placement (§8.4)."]
