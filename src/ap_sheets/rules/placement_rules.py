"""Rules on a school's placement log (R050-R057, §6-§9 of the Hillingdon guidance; R016, the DfE
census's provider identifiers, on v2 logs)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..findings import display_value
from ..spec import ERROR, QUERY, Kind
from ..values import is_date, is_num, is_ukprn
from .common import hours, rows
from .declare import rule

KIND, SHEET = Kind.SCHOOL_LOG, "Placements"
VISIT_WEEKS = 6  # §7.2: visit pupils at their provision regularly


def _rows(ret, *keys):
    return rows(ret.table(SHEET), *keys)


R050 = rule(
    "R050",
    ERROR,
    "Placements",
    title="EHC plan pupil and no SEND officer consulted date (§6.2)",
    message="The pupil has an EHC plan but no date is given for consulting their SEND officer, which must happen "
    "before placing them (§6.2).",
)


@R050.check(KIND, SHEET)
def send_officer_for_ehcp(ret):
    for idx, r in _rows(ret, "sen", "send_officer_consulted"):
        if r["sen"] == "E" and r["send_officer_consulted"] is None:
            yield R050.hit(idx, "send_officer_consulted")


R051 = rule(
    "R051",
    ERROR,
    "Placements",
    title="Looked-after pupil and no Virtual School consulted date (§6.3)",
    message="The pupil is looked after but no date is given for consulting the Virtual School, which must happen "
    "before placing them (§6.3).",
)


@R051.check(KIND, SHEET)
def virtual_school_for_looked_after(ret):
    for idx, r in _rows(ret, "looked_after", "virtual_school_consulted"):
        if r["looked_after"] == "Y" and r["virtual_school_consulted"] is None:
            yield R051.hit(idx, "virtual_school_consulted")


R052 = rule(
    "R052",
    ERROR,
    "Placements",
    title="SLA or risk assessment missing, or dated after the start date (§6.1a, §8.3)",
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
    "R053",
    QUERY,
    "Placements",
    title="No reintegration plan (§9.2)",
    message="There is no reintegration plan. Plan the pupil's return from the start of the placement (§9.2), or "
    "explain why not.",
)


@R053.check(KIND, SHEET)
def reintegration_plan(ret):
    for idx, r in _rows(ret, "reintegration_plan"):
        if r["reintegration_plan"] == "N":
            yield R053.hit(idx, "reintegration_plan", value="N")


R054 = rule(
    "R054",
    ERROR,
    "Placements",
    title="Unregistered providers: full-time hours, or not fewer hours than at school and registered providers "
    "(§3.5, §8.15)",
    messages={
        "full-time": "The pupil has {at_provider} hours a week at unregistered providers{together}: that is full-time "
        "education (more than {limit} hours, the DfE's guidance, §3.3), which an unregistered provider "
        "may not give. Most of their education must come from school or a registered provider (§3.5).",
        "most-at-provider": "The pupil has {at_provider} hours a week at unregistered providers{together}, and only "
        "{elsewhere} at school{and_registered}. Most of their education must come from school "
        "or a registered provider (§3.5, §8.15).",
    },
    settings=("full_time_hours",),
)


def _when(v, default):
    return v if is_date(v) else default


def _hours_or_0(v) -> float:
    return v if is_num(v) else 0


@R054.check(KIND, SHEET)
def unregistered_hours(ret, *, full_time_hours):
    """Per pupil (by UPN), over their placements on the log that are open at the same time:
    the hours at unregistered providers added up, against `full_time_hours` and against the
    hours at school (the largest given on those rows) plus the hours at registered providers.
    Reported on each of the pupil's unregistered placements in such a set (once per row: the
    full-time finding first). A row without a UPN is judged alone."""
    placements: dict[object, list[dict]] = {}
    keys = ("upn", "provider_registered", "hours_at_provider", "hours_at_school", "start_date", "end_date")
    for idx, r in _rows(ret, *keys):
        r["row"] = idx
        r["from"], r["to"] = _when(r["start_date"], date.min), _when(r["end_date"], date.max)
        pupil = r["upn"] if isinstance(r["upn"], str) and r["upn"] else ("row", idx)
        placements.setdefault(pupil, []).append(r)
    found: dict[int, tuple[str, dict[str, Any]]] = {}
    for group in placements.values():
        if not any(r["provider_registered"] == "N" for r in group):
            continue
        for moment in sorted({r["from"] for r in group}):  # the most at once is at some start
            open_ = [r for r in group if r["from"] <= moment <= r["to"]]
            unregistered = [r for r in open_ if r["provider_registered"] == "N"]
            if not unregistered:
                continue
            at_provider = sum(_hours_or_0(r["hours_at_provider"]) for r in unregistered)
            registered = sum(_hours_or_0(r["hours_at_provider"]) for r in open_ if r["provider_registered"] == "Y")
            given = [r["hours_at_school"] for r in open_ if is_num(r["hours_at_school"])]
            at_school = max(given, default=0)
            if at_provider > full_time_hours:
                key = "full-time"
            elif at_provider > 0 and given and at_provider >= at_school + registered:  # blanks: R003 says
                key = "most-at-provider"
            else:
                continue
            together = (
                f" (rows {', '.join(str(r['row']) for r in unregistered)} together)" if len(unregistered) > 1 else ""
            )
            fields: dict[str, Any] = {
                "at_provider": hours(at_provider),
                "together": together,
                "limit": hours(full_time_hours),
                "elsewhere": hours(at_school),
                "and_registered": f" and {hours(registered)} at registered providers" if registered else "",
            }
            for r in unregistered:
                if r["row"] not in found or (key == "full-time" and found[r["row"]][0] != "full-time"):
                    found[r["row"]] = (key, fields)
    rows_by_index = {r["row"]: r for group in placements.values() for r in group}
    for idx in sorted(found):
        key, fields = found[idx]
        r = rows_by_index[idx]
        column = "hours_at_provider" if key == "full-time" else "hours_at_school"
        yield R054.hit(idx, column, key, value=r[column], **fields)


R016 = rule(
    "R016",
    QUERY,
    "Placements",
    title="(v2) Provider UKPRN or AP setting type missing for an unregistered provider, not 8 digits, or more "
    "than one of URN, UKPRN and AP setting type",
    messages={
        "missing": "The provider is not registered, and neither its UKPRN nor an AP setting type is given. Give the "
        "provider's UKPRN if it has one, else its AP setting type, as in your school census.",
        "ukprn": "Provider UKPRN {shown} is not 8 digits. Check it on the UK Register of Learning Providers, or "
        "leave it blank and give the AP setting type.",
        "more-than-one": "{given} are all given for this provider. The school census takes exactly one: the URN "
        "for a registered school, else the UKPRN, else the AP setting type. Clear the others.",
    },
)
_IDENTIFIERS = (
    ("provider_urn", "Provider URN"),
    ("provider_ukprn", "Provider UKPRN"),
    ("ap_setting_type", "AP setting type"),
)


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


@R016.check(KIND, SHEET, versions=("2.0",))
def census_provider_identifier(ret):
    """The DfE census's AP placement module: a provider is named by exactly one of URN,
    UKPRN (8 digits) or AP setting type (v2 logs only; a v1 log has neither column)."""
    for idx, r in _rows(ret, "provider_registered", *(k for k, _ in _IDENTIFIERS)):
        given = [(k, header) for k, header in _IDENTIFIERS if r[k] is not None]
        ukprn = r["provider_ukprn"]
        if ukprn is not None and not (isinstance(ukprn, str) and is_ukprn(ukprn)):
            yield R016.hit(idx, "provider_ukprn", "ukprn", value=ukprn, shown=f"'{display_value(ukprn)}'")
        if r["provider_registered"] == "N" and r["provider_ukprn"] is None and r["ap_setting_type"] is None:
            yield R016.hit(idx, "ap_setting_type", "missing")
        if len(given) > 1:
            key = given[-1][0]
            yield R016.hit(idx, key, "more-than-one", value=r[key], given=_listed([h for _, h in given]))


R055 = rule(
    "R055",
    QUERY,
    "Placements",
    title="Last visit over 6 school weeks before term end for an open placement (§7.2)",
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
            yield R055.hit(
                idx,
                "last_visit",
                "old",
                value=visit,
                visit=visit,
                weeks=VISIT_WEEKS,
                last_day=ret.term.last_teaching_day,
            )


R056 = rule(
    "R056",
    QUERY,
    "Placements",
    title="Ended placement without final report or destination (§6.1g, §6.1j)",
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
    "R057",
    ERROR,
    "Placements",
    title="DBS not confirmed (§8.4)",
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
        ("R053", "Placements", 2, "Reintegration plan", log.cell("Placements", 2, "reintegration_plan"))
    ]
    assert report.status == "accepted"
    assert (
        report.issues[0].message
        == R053.say()
        == (
            "There is no reintegration plan. Plan the pupil's return from the start of the placement (§9.2), or "
            "explain why not."
        )
    )


def test_r054_unregistered_hours():
    from ap_sheets.testing import found, make_upn, placement, said, school_log

    log = school_log()
    log.set_cell("Placements", 3, "hours_at_school", 9)  # 10 at the unregistered provider
    log.add_row(
        "Placements",
        placement(
            upn=make_upn(12),
            provider_registered="N",
            provider_urn=None,
            ap_setting_type="OTH",
            hours_at_provider=19,
            hours_at_school=20,
        ),
    )
    log.add_row("Placements", placement(upn=make_upn(13), hours_at_provider=25, hours_at_school=0))  # registered
    assert found(log) == [
        ("R054", "Placements", 3, "Hours per week at school", log.cell("Placements", 3, "hours_at_school")),
        ("R054", "Placements", 4, "Hours per week at provider", log.cell("Placements", 4, "hours_at_provider")),
    ]
    assert said(log) == [
        "The pupil has 10 hours a week at unregistered providers, and only 9 at school. Most of their education "
        "must come from school or a registered provider (§3.5, §8.15).",
        "The pupil has 19 hours a week at unregistered providers: that is full-time education (more than 18 hours, "
        "the DfE's guidance, §3.3), which an unregistered provider may not give. Most of their education must come "
        "from school or a registered provider (§3.5).",
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
    assert said(log) == [
        "The last visit (09/06/2025) was more than 6 school weeks before the end of term (about "
        "22/07/2025). Visit pupils regularly (§7.2)."
    ]


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
    assert said(log) == [
        "DBS checks are not confirmed for this provider. Every adult in contact with the pupil must "
        "be checked before the placement (§8.4)."
    ]


# ---- Tests: issue 10 (R054 per pupil, R016 on v2 logs) -------------------------------------
def _one_pupil_log(version, *placements):
    """A log with only the given placements of one pupil (UPN 21), on template `version`."""
    from ap_sheets.testing import SCHOOL, ReturnBuilder, make_upn, placement

    b = ReturnBuilder("school-log", version)
    b.fill_form("School", SCHOOL)
    for changes in placements:
        b.add_row("Placements", placement(upn=make_upn(21), **changes))
    return b


_REGISTERED = {"provider_registered": "Y", "provider_urn": "145678"}
_UNREGISTERED = {
    "provider_registered": "N",
    "provider_urn": None,
    "ap_setting_type": "OTH",
    "provider_name": "Green Shoots Farm",
    "provider_id": "AP-0012",
}
_UNREGISTERED_2 = {
    **_UNREGISTERED,
    "provider_name": "Riverside Boxing",
    "provider_id": "AP-0031",
    "ap_setting_type": "OOT",
}


def _r054(b, settings=None):
    from ap_sheets.testing import check

    return [f for f in check(b, settings).issues if f.code == "R054"]


def test_r054_vector_mostly_at_a_registered_provider_passes():
    """15 hours at a registered AP, 10 at an unregistered one, none at school: most of the
    education is at a registered provider (§3.5), so no R054 (it fired when rows were judged alone)."""
    for version in ("1.0", "2.0"):
        b = _one_pupil_log(
            version,
            dict(_REGISTERED, hours_at_provider=15, hours_at_school=0),
            dict(_UNREGISTERED, hours_at_provider=10, hours_at_school=0),
        )
        assert _r054(b) == [], version


def test_r054_vector_two_unregistered_providers_12_hours_each_is_full_time():
    """12 + 12 hours at two unregistered providers, 12 at school: 24 unregistered hours is
    full time; reported on each unregistered placement (it passed when rows were judged alone)."""
    for version in ("1.0", "2.0"):
        b = _one_pupil_log(
            version,
            dict(_UNREGISTERED, hours_at_provider=12, hours_at_school=12),
            dict(_UNREGISTERED_2, hours_at_provider=12, hours_at_school=12),
        )
        found = _r054(b)
        assert [(f.row, f.column, f.cell) for f in found] == [
            (2, "Hours per week at provider", b.cell("Placements", 2, "hours_at_provider")),
            (3, "Hours per week at provider", b.cell("Placements", 3, "hours_at_provider")),
        ], version
        assert found[0].message == R054.say(
            "full-time",
            at_provider="24",
            together=" (rows 2, 3 together)",
            limit="18",
            elsewhere="12",
            and_registered="",
        )
        assert found[0].message == found[1].message


def test_r054_not_fewer_than_school_plus_registered_hours():
    """Unregistered hours equal to school + registered hours is not fewer: R054. The hours at
    school are the largest given on the pupil's rows."""
    b = _one_pupil_log(
        "2.0",
        dict(_REGISTERED, hours_at_provider=4, hours_at_school=2),
        dict(_UNREGISTERED, hours_at_provider=10, hours_at_school=6),
    )
    found = _r054(b)
    assert [(f.row, f.column) for f in found] == [(3, "Hours per week at school")]
    assert found[0].message == R054.say(
        "most-at-provider",
        at_provider="10",
        together="",
        elsewhere="6",
        and_registered=" and 4 at registered providers",
    )
    b.set_cell("Placements", 2, "hours_at_school", 7)  # 10 < 7 + 4
    assert _r054(b) == []


def test_r054_placements_at_different_times_are_not_added_up():
    from datetime import date

    b = _one_pupil_log(
        "2.0",
        dict(
            _UNREGISTERED,
            hours_at_provider=12,
            hours_at_school=13,
            end_date=date(2024, 10, 11),
            final_report_received="Y",
            destination="Another AP",
        ),
        dict(_UNREGISTERED_2, hours_at_provider=12, hours_at_school=13, start_date=date(2024, 10, 14)),
    )
    assert _r054(b) == []
    b.set_cell("Placements", 3, "start_date", date(2024, 10, 11))  # one day together: 24 hours
    assert [f.row for f in _r054(b)] == [2, 3]


def test_r054_not_when_hours_are_not_given():
    b = _one_pupil_log("2.0", dict(_UNREGISTERED, hours_at_provider=None, hours_at_school=0))
    assert _r054(b) == []
    b = _one_pupil_log("2.0", dict(_UNREGISTERED, hours_at_provider=6, hours_at_school=None))
    assert _r054(b) == []


def test_r054_full_time_hours_setting_and_other_pupils_apart():
    from ap_sheets.settings import Settings
    from ap_sheets.testing import make_upn

    b = _one_pupil_log("2.0", dict(_UNREGISTERED, hours_at_provider=19, hours_at_school=20))
    b.add_row("Placements", dict(b.tables["Placements"][2], upn=make_upn(22), provider_id="AP-0031"))
    assert [f.row for f in _r054(b)] == [2, 3]  # each pupil judged alone: 19 > 18 for both
    assert _r054(b, Settings(full_time_hours=19)) == []


def test_r016_unregistered_provider_needs_a_ukprn_or_ap_setting_type():
    from ap_sheets.testing import found

    b = _one_pupil_log("2.0", dict(_UNREGISTERED, ap_setting_type=None, hours_at_provider=6, hours_at_school=20))
    assert found(b) == [("R016", "Placements", 2, "AP setting type", b.cell("Placements", 2, "ap_setting_type"))]
    b.set_cell("Placements", 2, "provider_ukprn", "10012345")
    assert found(b) == []
    b.set_cell("Placements", 2, "provider_ukprn", None)
    b.set_cell("Placements", 2, "ap_setting_type", "wbp")
    assert found(b) == []


def test_r016_ukprn_not_8_digits():
    from ap_sheets.testing import check

    b = _one_pupil_log(
        "2.0",
        dict(_UNREGISTERED, ap_setting_type=None, provider_ukprn="1001234", hours_at_provider=6, hours_at_school=20),
    )
    report = check(b)
    assert [(f.code, f.row, f.column, f.severity) for f in report.issues] == [("R016", 2, "Provider UKPRN", "query")]
    assert report.issues[0].message == R016.say("ukprn", shown="'1001234'")
    assert report.status == "accepted"


def test_r016_more_than_one_of_urn_ukprn_and_setting_type():
    from ap_sheets.testing import check, found

    b = _one_pupil_log("2.0", dict(_REGISTERED, provider_ukprn="10012345"))
    assert found(b) == [("R016", "Placements", 2, "Provider UKPRN", b.cell("Placements", 2, "provider_ukprn"))]
    b.set_cell("Placements", 2, "ap_setting_type", "NFE")
    (issue,) = check(b).issues
    assert (issue.column, issue.message) == (
        "AP setting type",
        R016.say("more-than-one", given="Provider URN, Provider UKPRN and AP setting type"),
    )


def test_r016_not_on_v1_logs():
    from ap_sheets.testing import found

    b = _one_pupil_log("1.0", dict(_UNREGISTERED, ap_setting_type=None, hours_at_provider=6, hours_at_school=20))
    assert found(b) == []
