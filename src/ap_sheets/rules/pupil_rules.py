"""Rules about a child's row that apply alike to a provider's Pupils and a school's
Placements: R011 duplicate UPN, R015 temporary UPN, R020 NC year, R021 age, R022 dates."""

from __future__ import annotations

from datetime import date

from ..spec import ERROR, QUERY, Kind
from ..spec.codes import nc_year_number
from ..terms import age_on, compulsory_school_age_end, expected_nc_year
from ..values import is_date, is_temporary_upn, upn_problem
from .common import rows
from .declare import rule

CHILD_SHEETS = ((Kind.PROVIDER_RETURN, "Pupils"), (Kind.SCHOOL_LOG, "Placements"))


def on_child_sheets(declared):
    """Attach one check to both child-level sheets (it gets the sheet's table)."""

    def attach(fn):
        for kind, sheet in CHILD_SHEETS:
            declared.check(kind, sheet)(_bound(fn, sheet))
        return fn

    return attach


def _bound(fn, sheet):
    def bound(ret):
        return fn(ret, ret.table(sheet))

    bound.__name__, bound.__doc__ = fn.__name__, fn.__doc__
    return bound


R011 = rule(
    "R011",
    ERROR,
    "UPN",
    title="The same UPN twice in one sheet with overlapping placement dates",
    message="This UPN is also on row {other_row}{where} with placement dates that overlap. Keep one row per "
    "placement, or correct the dates.",
)


@on_child_sheets(R011)
def duplicate_upn_overlapping(ret, table):
    """The same UPN on two rows whose placements overlap: one child counted twice.

    On a school's log a child may be at two providers at once (part-time placements can
    make up full time, §8.15), so there a duplicate is the same UPN at the same provider.
    """
    by_provider = "provider_id" in table
    seen: dict[tuple, list[tuple[object, date, date]]] = {}
    keys = ("upn", "start_date", "end_date") + (("provider_id",) if by_provider else ())
    for idx, r in rows(table, *keys):
        upn = r["upn"]
        if not isinstance(upn, str):
            continue
        key = (upn, str(r["provider_id"] or "").casefold()) if by_provider else (upn,)
        start = r["start_date"] if is_date(r["start_date"]) else date.min
        end = r["end_date"] if is_date(r["end_date"]) else date.max
        for other_idx, o_start, o_end in seen.get(key, []):
            if start <= o_end and o_start <= end:
                yield R011.hit(
                    idx, "upn", value=upn, other_row=other_idx, where=" at the same provider" if by_provider else ""
                )
                break
        seen.setdefault(key, []).append((idx, start, end))


R015 = rule(
    "R015",
    QUERY,
    "UPN",
    title="A temporary UPN: cannot be matched across returns",
    message="This is a temporary UPN (it ends in a letter). Use the pupil's permanent UPN as soon as the school has "
    "it: a temporary UPN cannot be matched with the pupil's other returns.",
)


@on_child_sheets(R015)
def temporary_upn(ret, table):
    """A UPN that passes R010 and ends in a letter (a UPN R010 rejects is not also queried)."""
    for idx, r in rows(table, "upn"):
        upn = r["upn"]
        if isinstance(upn, str) and upn_problem(upn) is None and is_temporary_upn(upn):
            yield R015.hit(idx, "upn", value=upn)


R020 = rule(
    "R020",
    QUERY,
    "DOB/NC year",
    title="NC year differs from the one the date of birth gives",
    message="NC year {nc} does not match the date of birth, which gives {want} in {year}. Check both; if the "
    "pupil is taught out of their year group, say so when you send the return.",
)
_NC_CODES = {"R"} | {str(n) for n in range(1, 15)}  # not X: National Curriculum not followed


@on_child_sheets(R020)
def nc_year_matches_birth_date(ret, table):
    if ret.term is None:
        return
    for idx, r in rows(table, "date_of_birth", "nc_year"):
        born, nc = r["date_of_birth"], r["nc_year"]
        if not is_date(born) or not isinstance(nc, str) or nc not in _NC_CODES:
            continue
        expected = expected_nc_year(born, ret.term.start_year)
        if not 0 <= expected <= 14 or nc_year_number(nc) == expected:
            continue
        want = "Reception" if expected == 0 else f"Year {expected}"
        yield R020.hit(idx, "nc_year", value=nc, nc=nc, want=want, year=ret.term.academic_year)


R021 = rule(
    "R021",
    ERROR,
    "DOB",
    title="Age at term start below 4 or above 25 (query: over compulsory school age on the first day of term "
    "without an EHC plan)",
    messages={
        "range": "The date of birth makes the pupil {age} at the start of term; AP is for ages 4 to 25. Check the "
        "date of birth (day first, e.g. 15/09/2011).",
        "over-school-age": "The date of birth makes the pupil over compulsory school age on the first day of "
        "term, and they have no EHC plan. Check the date of birth and SEN provision.",
    },
)


@on_child_sheets(R021)
def age_in_range(ret, table):
    if ret.term is None:
        return
    for idx, r in rows(table, "date_of_birth", "sen"):
        born = r["date_of_birth"]
        if not is_date(born):
            continue
        age = age_on(born, ret.term.start)
        if age < 4 or age > 25:
            yield R021.hit(idx, "date_of_birth", "range", value=born, age=age)
        elif ret.term.start > compulsory_school_age_end(born) and r["sen"] in ("K", "N"):
            yield R021.hit(idx, "date_of_birth", "over-school-age", value=born, severity=QUERY)


R022 = rule(
    "R022",
    ERROR,
    "dates",
    title="End date before start date, or start date after the term's end",
    messages={
        "before-start": "{label} {when} is before the start date {start}. Check both dates (day first).",
        "after-term": "Start date {start} is after the end of the {term} term ({end}). Only placements in this "
        "term belong on this return.",
    },
)


@on_child_sheets(R022)
def dates_in_order(ret, table):
    for idx, r in rows(table, "start_date", "planned_end_date", "end_date"):
        start = r["start_date"]
        if not is_date(start):
            continue
        for key, label in (("planned_end_date", "Planned end date"), ("end_date", "End date")):
            when = r[key]
            if is_date(when) and when < start:
                yield R022.hit(idx, key, "before-start", value=when, label=label, when=when, start=start)
        if ret.term is not None and start > ret.term.end:
            yield R022.hit(
                idx, "start_date", "after-term", value=start, start=start, term=ret.term.label, end=ret.term.end
            )


# ---- Tests -------------------------------------------------------------------------------------
# Run by pytest. Each starts from a clean return built in memory (`ap_sheets.testing`), changes
# what a user gets wrong, and asserts the exact findings and their messages. The rules apply alike
# to a provider's Pupils and a school's Placements.


def test_r011_same_upn_with_overlapping_dates():
    from ap_sheets.testing import found, provider_return, pupil, said

    b = provider_return()
    b.add_row("Pupils", pupil(start_date=date(2024, 11, 1)))  # row 2's pupil again
    assert found(b) == [("R011", "Pupils", 5, "UPN", "A5")]
    assert said(b) == [
        "This UPN is also on row 2 with placement dates that overlap. Keep one row per placement, or correct the dates."
    ]


def test_r011_same_upn_in_turn_is_fine():
    from ap_sheets.testing import found, provider_return, pupil

    b = provider_return()
    b.set_cell("Pupils", 2, "end_date", date(2024, 10, 4))
    b.set_cell("Pupils", 2, "destination", "Another AP")
    b.add_row("Pupils", pupil(start_date=date(2024, 11, 4)))
    assert found(b) == []


def test_r011_on_a_log_a_child_may_be_at_two_providers_at_once():
    from ap_sheets.testing import found, placement, school_log

    b = school_log()
    b.add_row(
        "Placements",
        placement(
            provider_name="Green Shoots Farm",
            provider_id="AP-0012",
            provider_registered="N",
            provider_urn=None,
            ap_setting_type="OTH",
            hours_at_provider=6,
            hours_at_school=19,
        ),
    )
    assert found(b) == []


def test_r011_r020_a_placement_log_shares_the_child_rules():
    from ap_sheets.testing import found, placement, said, school_log

    b = school_log()
    b.add_row("Placements", placement(start_date=date(2024, 10, 1)))  # R011 with row 2
    b.set_cell("Placements", 3, "nc_year", 8)  # R020
    assert found(b) == [
        ("R020", "Placements", 3, "NC year", b.cell("Placements", 3, "nc_year")),
        ("R011", "Placements", 4, "UPN", "A4"),
    ]
    assert said(b) == [
        "NC year 8 does not match the date of birth, which gives Year 10 in 2024/25. Check both; if the pupil is "
        "taught out of their year group, say so when you send the return.",
        "This UPN is also on row 2 at the same provider with placement dates that overlap. Keep one row per "
        "placement, or correct the dates.",
    ]


def test_r020_nc_year_across_the_1_september_cut_off():
    from ap_sheets.testing import found, provider_return

    for born, nc, ok in [
        (date(2011, 8, 31), 9, True),  # born the day before the cut-off: Year 9 in 2024/25
        (date(2011, 9, 1), 8, True),  # born on the cut-off: a year below
        (date(2011, 9, 1), 9, False),
        (date(2011, 8, 31), 8, False),
    ]:
        b = provider_return()
        b.set_cell("Pupils", 2, "date_of_birth", born)
        b.set_cell("Pupils", 2, "nc_year", nc)
        expected = [] if ok else [("R020", "Pupils", 2, "NC year", b.cell("Pupils", 2, "nc_year"))]
        assert found(b) == expected, (born, nc)


def test_r020_is_a_query_so_the_return_is_accepted():
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    b.set_cell("Pupils", 2, "nc_year", "10")
    report = check(b)
    assert [(f.code, f.severity) for f in report.issues] == [("R020", "query")] and report.status == "accepted"
    assert report.issues[0].message == (
        "NC year 10 does not match the date of birth, which gives Year 9 in 2024/25. Check both; if the pupil is "
        "taught out of their year group, say so when you send the return."
    )


def test_r021_too_young_is_an_error():
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    b.set_cell("Pupils", 2, "date_of_birth", date(2021, 1, 1))
    b.set_cell("Pupils", 2, "nc_year", "R")
    report = check(b)
    assert [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues] == [
        ("R021", "Pupils", 2, "Date of birth", "D2")
    ]
    assert report.issues[0].severity == "error"
    assert report.issues[0].message == (
        "The date of birth makes the pupil 3 at the start of term; AP is for ages 4 to 25. Check the date of "
        "birth (day first, e.g. 15/09/2011)."
    )


def test_r021_over_school_age_without_ehcp_is_a_query():
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    b.set_cell("Pupils", 4, "sen", "K")
    report = check(b)
    assert [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues] == [
        ("R021", "Pupils", 4, "Date of birth", "D4")
    ]
    assert report.issues[0].severity == "query"
    assert report.issues[0].message == (
        "The date of birth makes the pupil over compulsory school age on the first "
        "day of term, and they have no EHC plan. Check the date of birth and SEN "
        "provision."
    )


def test_r022_end_before_start_and_start_after_term():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    b.set_cell("Pupils", 2, "planned_end_date", date(2024, 8, 1))
    b.set_cell("Pupils", 3, "start_date", date(2025, 1, 6))
    assert found(b) == [
        ("R022", "Pupils", 2, "Planned end date", b.cell("Pupils", 2, "planned_end_date")),
        ("R022", "Pupils", 3, "Start date", b.cell("Pupils", 3, "start_date")),
        ("R022", "Pupils", 3, "End date", b.cell("Pupils", 3, "end_date")),
    ]
    assert said(b) == [
        "Planned end date 01/08/2024 is before the start date 02/09/2024. Check both dates (day first).",
        "Start date 06/01/2025 is after the end of the 2024/25 Autumn term (31/12/2024). Only placements in this "
        "term belong on this return.",
        "End date 29/11/2024 is before the start date 06/01/2025. Check both dates (day first).",
    ]


# ---- Tests: issue 10 (R015, R020 and NC year X, R021 on compulsory school age) -------------
# Each builds a return in memory (ap_sheets.testing) and asserts exact findings.
def _temporary_upn(serial: int) -> str:
    from ap_sheets.values import upn_check_letter

    body = f"8012000{serial:04d}A"  # LA 801, then digits, then a letter: a temporary UPN
    return upn_check_letter("A" + body) + body


def test_r015_temporary_upn_is_a_query_on_returns_and_logs():
    from ap_sheets.testing import check, found, placement, provider_return, pupil, school_log

    upn = _temporary_upn(42)
    assert upn_problem(upn) is None and is_temporary_upn(upn)
    b = provider_return()
    row = b.add_row("Pupils", pupil(upn=upn))
    report = check(b)
    assert found(b) == [("R015", "Pupils", row, "UPN", b.cell("Pupils", row, "upn"))]
    assert report.status == "accepted" and report.issues[0].severity == "query"
    assert report.issues[0].message == R015.say() and upn not in report.issues[0].message
    log = school_log()
    row = log.add_row("Placements", placement(upn=upn))
    assert found(log) == [("R015", "Placements", row, "UPN", log.cell("Placements", row, "upn"))]


def test_r015_not_for_a_permanent_upn_nor_one_r010_rejects():
    from ap_sheets.testing import found, provider_return, pupil

    b = provider_return()
    bad = _temporary_upn(43)
    bad = ("B" if bad[0] != "B" else "C") + bad[1:]  # wrong check letter
    row = b.add_row("Pupils", pupil(upn=bad))
    assert found(b) == [("R010", "Pupils", row, "UPN", b.cell("Pupils", row, "upn"))]


def test_r020_nc_year_x_is_accepted_and_never_compared_with_the_date_of_birth():
    from ap_sheets.testing import found, make_upn, provider_return, pupil, school_log

    b = provider_return()
    b.add_row("Pupils", pupil(upn=make_upn(44), nc_year="X"))
    assert found(b) == []
    log = school_log()
    log.set_cell("Placements", 2, "nc_year", "x")
    assert found(log) == []
    log.set_cell("Placements", 2, "nc_year", "7")  # a real mismatch is still a query
    assert [f[0] for f in found(log)] == ["R020"]


def test_r021_over_compulsory_school_age_is_judged_on_the_first_day_of_term():
    from ap_sheets.testing import check, make_upn, provider_return, pupil

    b = provider_return()
    # Turned 16 on 15/08/2024: compulsory school age ended on Friday 28/06/2024: over it on 01/09/2024.
    over = b.add_row(
        "Pupils",
        pupil(upn=make_upn(45), date_of_birth=date(2008, 8, 15), nc_year=12, sen="K", sexual_orientation="Not asked"),
    )
    # Turns 16 on 15/09/2024, in Year 11: of compulsory school age until Friday 27/06/2025.
    b.add_row("Pupils", pupil(upn=make_upn(46), date_of_birth=date(2008, 9, 15), nc_year=11, sen="N"))
    # Over it, but with an EHC plan: no query.
    b.add_row(
        "Pupils",
        pupil(upn=make_upn(47), date_of_birth=date(2008, 8, 15), nc_year=12, sen="E", sexual_orientation="Not asked"),
    )
    report = check(b)
    assert [(f.code, f.row, f.severity) for f in report.issues] == [("R021", over, "query")]
    assert report.issues[0].message == R021.say("over-school-age")
    b.set("Provider", "term", "Summer")  # 01/04/2025: the Year 11 pupil is still of compulsory school age
    assert [(f.code, f.row) for f in check(b).issues if f.code == "R021"] == [("R021", over)]
