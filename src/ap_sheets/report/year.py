"""The restricted report's Year sheet (the register database's `year` figures with their
definitions) and Year register sheet (every child of the year once, from every term held).
Only with --db or `register report`; see `ap_sheets.db.year`."""

from __future__ import annotations

from .suppression import SUPPRESSED
from .xlsx import Col, sheet_setup, title_block, write_table

REGISTER_COLS = [
    Col("UPN", "text", 15),
    Col("Surname", "text", 16),
    Col("Forename", "text", 14),
    Col("Date of birth", "date", 11),
    Col("Placements this year", "int", 10),
    Col("Providers", "wrap", 30),
    Col("First start", "date", 11),
    Col("Open", "text", 6),
    Col("Last end", "date", 11),
    Col("Latest destination", "text", 22),
    Col("Returned to mainstream", "text", 10),
    Col("Back in AP", "text", 8),
    Col("Terms", "text", 20),
    Col("Names held (X003)", "int", 9),
]
YEAR_COLS = [Col("Figure", "text", 34), Col("Value", "int", 12), Col("Definition", "wrap", 90)]
LABELS = {
    "children": "Children in AP",
    "placements": "Placements",
    "children_placed_more_than_once": "Children placed more than once",
    "returned_to_mainstream": "Returned to mainstream",
    "back_in_ap": "Back in AP after returning",
    "median_placement_weeks": "Median placement length (weeks)",
}


def year_rows(year: dict) -> list:
    from ..db.year import DEFINITIONS

    return [[label, year.get(key), DEFINITIONS[key]] for key, label in LABELS.items()]


def write_year_sheet(wb, styles, batch, marking, mline) -> None:
    year = batch.year
    ws = wb.add_worksheet("Year")
    council = batch.config.council_name if batch.config is not None else ""
    sheet_setup(ws, marking, council=council)
    terms = ", ".join(year.get("terms") or []) or "none"
    notes = [
        f"The academic year {year.get('academic_year')}, from the register database: every term of the year "
        f"held, not only this report's term. Terms held: {terms}.",
        "Only returns that count: accepted, and not replaced by a corrected return.",
    ]
    if year.get("children_purged"):
        notes.append(
            f"{year['children_purged']} of these children's personal data has been deleted under the "
            "council's retention schedule; they are still counted."
        )
    r = title_block(ws, styles, council, f"The year so far: {year.get('academic_year')}", mline, notes)
    rows = year_rows(year)
    write_table(ws, styles, r, 0, "tblYear", YEAR_COLS, rows)
    median = year.get("median_placement_weeks")
    if median is not None:  # weeks to one decimal, not a whole count
        ws.write_number(r + len(rows), 1, median, styles.num)
    children = getattr(batch, "year_register", None)
    if children is not None:
        _year_register(wb, styles, year, children, marking, mline, council)
    if getattr(batch, "year_providers", None) is not None:
        write_year_by_provider(wb, styles, batch, marking, mline)


PROVIDER_COLS = [
    Col("Provider ID", "text", 12),
    Col("Provider", "text", 34),
    Col("Registered school", "text", 10),
    Col("Children", "int", 10),
    Col("Placements", "int", 11),
    Col("Full time", "int", 10),
    Col("Part time", "int", 10),
    Col("Average placement length (weeks)", "num", 14),
    Col("Sessions offered", "int", 10),
    Col("Standard fee (£)", "num", 10),
    Col("Fee basis", "text", 8),
    Col("Estimated cost (£)", "num", 13),
]


def write_year_by_provider(wb, styles, batch, marking, mline, sup=None) -> None:
    """The Year by provider sheet (`ap_sheets.db.provider_year`). `sup`: the shareable report's
    Suppressor: its counts suppressed (full and part time add up to placements), and an average
    length hidden when fewer placements than the threshold ended."""
    from ..settings import Settings

    year, providers = batch.year, batch.year_providers
    council = batch.config.council_name if batch.config is not None else ""
    hours = (batch.config or Settings()).full_time_hours
    rows = [
        [
            p["provider_id"],
            p["provider_name"],
            p["registered"],
            p["children"],
            p["placements"],
            p["full_time"],
            p["part_time"],
            p["average_placement_weeks"],
            p.get("sessions_possible"),
            p.get("standard_fee"),
            p.get("fee_basis"),
            p.get("estimated_cost"),
        ]
        for p in providers
    ]
    if sup is not None:
        rows, _ = sup.table(rows, [3, 4, 5, 6], partitions=[([5, 6], 4)])
        for row, p in zip(rows, providers, strict=True):
            if row[7] is not None and p["placements_ended"] < sup.threshold:
                row[7] = SUPPRESSED
            if row[3] is SUPPRESSED:  # sessions and cost would tell how many children a small provider had
                row[8] = SUPPRESSED if row[8] is not None else None
                row[11] = SUPPRESSED if row[11] is not None else None
    ws = wb.add_worksheet("Year by provider")
    sheet_setup(ws, marking, council=council)
    r = title_block(
        ws,
        styles,
        council,
        f"Each provider's year: {year.get('academic_year')}",
        mline,
        [
            "From every term of the year held in the register database (returns that count only). A placement is "
            "one child at one provider from one start date. Full time: more than "
            f"{hours:g} hours a week (full_time_hours) on its latest return; part time: hours given, no more than "
            "that. Average length: start to end date of the placements that ended in the year. Registered "
            "school: as on the provider's latest return of the year. Estimated cost: the standard fee in the "
            "council's AP Directory held for the year x the sessions the provider offered (Day: sessions / 2; "
            "Week: sessions / 10; Hour: sessions / 10 x hours a week): what was commissioned, not invoiced (§12.8)."
            + (
                f" Counts from 1 to {sup.threshold - 1} are shown as c (and one more where a total would give them "
                f"away); an average length as c when fewer than {sup.threshold} placements ended."
                if sup is not None
                else ""
            ),
        ],
    )
    write_table(
        ws,
        styles,
        r,
        0,
        "tblYearProviders",
        PROVIDER_COLS,
        rows,
    )
    ws.freeze_panes(r + 1, 2)


def _year_register(wb, styles, year, children, marking, mline, council: str) -> None:
    ws = wb.add_worksheet("Year register")
    sheet_setup(ws, marking, wide=True, council=council)
    r = title_block(
        ws,
        styles,
        council,
        f"Every child in AP in {year.get('academic_year')}",
        mline,
        [
            "Each child once, from every term of the year held in the register database (returns that count only); "
            "names and date of birth as on their latest return. Names held: how many different names or dates of "
            "birth were returned for the UPN (X003).",
        ],
    )
    yn = {True: "Y", False: "N"}
    write_table(
        ws,
        styles,
        r,
        0,
        "tblYearRegister",
        REGISTER_COLS,
        (
            [
                e["upn"],
                e["surname"],
                e["forename"],
                e["date_of_birth"],
                e["placements"],
                e["providers"],
                e["first_start"],
                yn[e["open"]],
                e["last_end"],
                e["latest_destination"],
                yn[e["returned_to_mainstream"]],
                yn[e["back_in_ap"]],
                e["terms"],
                e["names_held"],
            ]
            for e in children
        ),
    )
    ws.freeze_panes(r + 1, 3)
    ws.repeat_rows(r)
