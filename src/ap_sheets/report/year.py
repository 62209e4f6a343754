"""The restricted report's Year sheet: the register database's `year` figures with their
definitions (only with --db or `register report`; see `ap_sheets.db.year`)."""
from __future__ import annotations

from .xlsx import Col, sheet_setup, title_block, write_table

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
    sheet_setup(ws, marking)
    terms = ", ".join(year.get("terms") or []) or "none"
    notes = [f"The academic year {year.get('academic_year')}, from the register database: every term of the year "
             f"held, not only this report's term. Terms held: {terms}.",
             "Only returns that count: accepted, and not replaced by a corrected return."]
    if year.get("children_purged"):
        notes.append(f"{year['children_purged']} of these children's personal data has been deleted under the "
                     "council's retention schedule; they are still counted.")
    r = title_block(ws, styles, f"The year so far: {year.get('academic_year')}", mline, notes)
    rows = year_rows(year)
    write_table(ws, styles, r, 0, "tblYear", YEAR_COLS, rows)
    median = year.get("median_placement_weeks")
    if median is not None:  # weeks to one decimal, not a whole count
        ws.write_number(r + len(rows), 1, median, styles.num)
