"""Planting: change one value of a workbook's records and record where it went (a mistake the
checker must find, or a quirk it must accept), and the gaps the reconciliation must show."""

from __future__ import annotations

from typing import NamedTuple

from ..spec import KINDS, Layout
from ..terms import Term
from .data import FIRST_FORM_ROW, FIRST_TABLE_ROW, PROVIDERS
from .making import Placement, _next_weekday
from .records import WorkbookPlan, provider_file, school_file


class Planted(NamedTuple):
    """A value planted on purpose: where it is, and the rule that must report it (None: none)."""

    file: str  # path inside the demo folder
    sheet: str
    row: int  # Excel row
    column: str  # column header
    code: str | None
    value: object
    note: str


class Gap(NamedTuple):
    """A difference between provider returns and school logs the reconciliation should show."""

    code: str  # X001, X002, X004, X006
    upn: str | None  # None for X006: about a provider
    provider_id: str
    school: str
    note: str


# =====================================================================================
# Planting: change one value and record where it went
# =====================================================================================
class _Planter:
    def __init__(self, plans: dict[str, WorkbookPlan]):
        self.plans = plans
        self.mistakes: list[Planted] = []
        self.quirks: list[Planted] = []

    def row_of(self, file: str, sheet: str, match) -> int:
        """Index of the first row on a table sheet for which match(record) is true."""
        return next(i for i, r in enumerate(self.plans[file].records[sheet]) if match(r))

    def put(
        self, file: str, sheet: str, key: str, value, code: str | None, note: str, row_index: int | None = None
    ) -> None:
        plan = self.plans[file]
        spec = KINDS[plan.kind].sheet(sheet)
        if spec.layout is Layout.FORM:
            plan.records[sheet][key] = value
            row = FIRST_FORM_ROW + [c.key for c in spec.data_columns].index(key)
        else:
            plan.records[sheet][row_index][key] = value
            row = FIRST_TABLE_ROW + row_index
        found = Planted(file, sheet, row, spec.column(key).header, code, value, note)
        (self.mistakes if code else self.quirks).append(found)

    def on_child(self, file: str, sheet: str, upn: str, key: str, value, code: str | None, note: str):
        self.put(file, sheet, key, value, code, note, self.row_of(file, sheet, lambda r: r["upn"] == upn))


def _transposed_upn(upn: str) -> str:
    """The UPN with two neighbouring different digits swapped: a typing slip the check letter catches."""
    for i in range(5, 12):
        if upn[i] != upn[i + 1]:
            return upn[:i] + upn[i + 1] + upn[i] + upn[i + 2 :]
    raise ValueError(upn)


def _plant(planter: _Planter, term: Term, tagged: dict[str, Placement]) -> None:
    """The mistakes users really make, and values typed oddly that are fine."""

    def pfile(pid):
        return provider_file(next(p for p in PROVIDERS if p.id == pid), term)

    def sfile(tag):
        return school_file(tagged[tag].child.school, term)

    def upn(tag):
        return tagged[tag].child.upn

    # Meadowgate: rejected (R010, R003, R012).
    f = pfile("AP-0001")
    planter.on_child(
        f,
        "Pupils",
        upn("bad-upn"),
        "upn",
        _transposed_upn(upn("bad-upn")),
        "R010",
        "two digits of the UPN swapped, so the check letter is wrong",
    )
    planter.on_child(f, "Pupils", upn("no-ethnicity"), "ethnicity", None, "R003", "ethnicity left blank")
    pc = tagged["bad-postcode"].child.postcode  # e.g. UB10 0HJ typed with a letter O
    planter.on_child(
        f,
        "Pupils",
        upn("bad-postcode"),
        "postcode",
        pc[:-3] + "O" + pc[-2:],
        "R012",
        "letter O typed for the zero in the postcode",
    )
    # Second Round Boxing: rejected (R001, R002).
    f = pfile("AP-0012")
    planter.put(f, "Provider", "cp_training_date", f"31/02/{term.start_year}", "R001", "a date that does not exist")
    planter.on_child(
        f,
        "Pupils",
        upn("wrong-code"),
        "placement_reason",
        "Behaviour",
        "R002",
        "free text instead of a placement reason from the list",
    )
    # Grand Union Construction: rejected (R030), unregistered and 22 hours a week.
    planter.on_child(
        pfile("AP-0015"),
        "Pupils",
        upn("22-hours"),
        "hours_per_week",
        22,
        "R030",
        "unregistered provider timetabling 22 hours a week",
    )
    # Accepted returns with queries: a late notification (R040), no destination (R042).
    f = pfile("AP-0004")
    i = planter.row_of(
        f, "Notifications", lambda r: r["upn"] == upn("late-council-notice") and r["event_type"] == "Suspension"
    )
    told = _next_weekday(planter.plans[f].records["Notifications"][i]["event_date"], 2)
    planter.put(
        f, "Notifications", "council_notified", told, "R040", "council told of a suspension two working days late", i
    )
    f = pfile("AP-0018")
    i = planter.row_of(
        f, "Notifications", lambda r: r["upn"] == upn("late-parent-notice") and r["event_type"] == "Serious incident"
    )
    told = _next_weekday(planter.plans[f].records["Notifications"][i]["event_date"], 1)
    planter.put(
        f, "Notifications", "parents_notified", told, "R040", "parents told of a serious incident the next day", i
    )
    planter.on_child(
        pfile("AP-0009"),
        "Pupils",
        upn("no-destination"),
        "destination",
        None,
        "R042",
        "placement ended, destination not recorded",
    )
    # Values typed oddly that the checker accepts.
    start = tagged["text-date"].start
    planter.on_child(
        pfile("AP-0003"),
        "Pupils",
        upn("text-date"),
        "start_date",
        start.strftime("%d/%m/%Y"),
        None,
        "start date typed as text, UK order",
    )
    planter.on_child(
        pfile("AP-0007"), "Pupils", upn("spaced-sen"), "sen", " e ", None, "SEN code in lower case with stray spaces"
    )
    pc = tagged["lower-case-postcode"].child.postcode
    planter.on_child(
        pfile("AP-0010"),
        "Pupils",
        upn("lower-case-postcode"),
        "postcode",
        pc.replace(" ", "").lower(),
        None,
        "postcode in lower case without its space",
    )
    planter.on_child(
        pfile("AP-0018"), "Pupils", upn("yes-for-looked-after"), "looked_after", "Yes", None, "'Yes' typed for Y"
    )
    # School logs: two rejected (R050, R052), one accepted with a query (R053).
    planter.on_child(
        sfile("no-send-officer"),
        "Placements",
        upn("no-send-officer"),
        "send_officer_consulted",
        None,
        "R050",
        "EHC plan pupil, SEND officer not consulted",
    )
    planter.on_child(
        sfile("no-risk-assessment"),
        "Placements",
        upn("no-risk-assessment"),
        "risk_assessment",
        None,
        "R052",
        "no risk assessment date",
    )
    planter.on_child(
        sfile("no-reintegration-plan"),
        "Placements",
        upn("no-reintegration-plan"),
        "reintegration_plan",
        "N",
        "R053",
        "no reintegration plan",
    )
    # Rejected (R054) where a school placed a child full time at the unregistered setting that
    # sent no return (X006 adds them up across the schools).
    for tag in sorted(t for t in tagged if t.startswith("unregistered-")):
        planter.on_child(
            sfile(tag),
            "Placements",
            upn(tag),
            "hours_at_provider",
            tagged[tag].hours,
            "R054",
            "full time (20 hours a week) at an unregistered setting",
        )


def _gap(code: str, p: Placement, note: str) -> Gap:
    return Gap(code, p.child.upn, p.provider.id, p.child.school.name, note)
