"""The restricted report's Directory sheet: the providers used in the term against the council's
AP Directory (`consolidate --directory`), the providers schools used that are not in it, and
the QA visits due by three months after the term's end (§10.4: a visit every year)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..rules.common import years_before
from ..rules.cross_rules import overlaps_term, provider_key, valid_upn
from .xlsx import Col, sheet_setup, title_block, write_table

USE_COLS = [
    Col("Provider ID", "text", 12),
    Col("Provider name", "text", 30),
    Col("Children this term", "int", 10),
    Col("Provider return", "text", 9),
    Col("Schools placing", "int", 9),
    Col("In the directory", "text", 10),
    Col("Status", "text", 10),
    Col("Registered school", "text", 10),
    Col("DfE URN", "text", 9),
    Col("Last QA visit", "date", 11),
    Col("Next visit due", "date", 11),
    Col("QA outcome", "text", 16),
]
OUTSIDE_COLS = [
    Col("Provider ID", "text", 12),
    Col("Provider name (as schools give it)", "text", 30),
    Col("Placements this term", "int", 10),
    Col("Schools", "wrap", 50),
]
DUE_COLS = [
    Col("Provider ID", "text", 12),
    Col("Provider name", "text", 30),
    Col("Last QA visit", "date", 11),
    Col("Next visit due", "date", 11),
    Col("Overdue at the term's end", "text", 10),
    Col("In use this term", "text", 8),
]
DUE_WITHIN_MONTHS = 3


def next_visit(last: date | None) -> date | None:
    """A year after the last visit (§10.4); None when there has been none."""
    return years_before(last, -1) if last else None


def months_after(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    first = date(day.year + y, m + 1, 1)
    nxt = date(first.year + (first.month // 12), first.month % 12 + 1, 1)
    return first.replace(day=min(day.day, (nxt - first).days))


@dataclass
class Use:
    """One provider used in the term, from its own return and the schools' logs."""

    provider_id: str
    name: str | None = None
    children: set = field(default_factory=set)
    own_return: bool = False
    schools: set = field(default_factory=set)
    placements: int = 0


def providers_used(batch) -> dict[str, Use]:
    """Provider key -> its use in the term (the term's chosen returns, accepted or rejected)."""
    used: dict[str, Use] = {}
    for r in batch.chosen:
        if r.kind == "provider-return":
            key = provider_key(r.record.get("provider_id"))
            rows = [row for row in r.rows if overlaps_term(row, batch.term)]
            if key is None or not rows:
                continue
            use = used.setdefault(key, Use(str(r.record.get("provider_id")).strip()))
            use.name = r.record.get("provider_name") or use.name
            use.own_return = True
            use.children |= {row.upn if valid_upn(row.upn) else (r.file, row.row) for row in rows}
        elif r.kind == "school-log":
            school = r.record.get("school_name") or r.file
            for row in r.rows:
                key = provider_key(row.provider_id)
                if key is None or not overlaps_term(row, batch.term):
                    continue
                use = used.setdefault(key, Use(str(row.provider_id).strip()))
                use.name = use.name or row.provider_name
                use.schools.add(school)
                use.placements += 1
                use.children.add(row.upn if valid_upn(row.upn) else (r.file, row.row))
    return used


def write_directory_sheet(wb, styles, batch, marking, mline) -> None:
    load = batch.directory
    directory = load.directory
    ws = wb.add_worksheet("Directory")
    council = batch.config.council_name if batch.config is not None else ""
    sheet_setup(ws, marking, council=council)
    used = providers_used(batch)
    term = batch.term
    dated = f" dated {directory.day:%d/%m/%Y}" if directory.day else ""
    horizon = months_after(term.end, DUE_WITHIN_MONTHS) if term else None
    notes = [
        f"Every provider used in {term.label if term else 'the term'} (on a provider return or a school's log), "
        f"against the council's AP Directory {directory.file}{dated}. The next visit is due a year after the "
        "last (§10.4). Findings on these providers (X007-X009) are on the Reconciliation sheet.",
    ]
    r = title_block(ws, styles, council, "Providers used this term, against the AP Directory", mline, notes)
    rows = []
    for key, use in sorted(used.items(), key=lambda kv: kv[1].provider_id):
        listing = directory.listings.get(key)
        rows.append(
            [
                use.provider_id,
                (listing.name if listing else None) or use.name,
                len(use.children),
                "Y" if use.own_return else "N",
                len(use.schools),
                "Y" if listing else "N",
                listing.status if listing else None,
                listing.registered if listing else None,
                listing.dfe_urn if listing else None,
                listing.last_qa_visit if listing else None,
                next_visit(listing.last_qa_visit) if listing else None,
                listing.qa_outcome if listing else None,
            ]
        )
    last = write_table(ws, styles, r, 0, "tblDirectoryUse", USE_COLS, rows)

    outside = [
        [use.provider_id, use.name, use.placements, ", ".join(sorted(use.schools))]
        for key, use in sorted(used.items(), key=lambda kv: kv[1].provider_id)
        if use.schools and key not in directory.listings
    ]
    r = last + 2
    ws.write_string(r, 0, "Used by schools, and not in the directory (a school must do its own QA, §8.2)", styles.bold)
    last = write_table(ws, styles, r + 1, 0, "tblNotInDirectory", OUTSIDE_COLS, outside, set_widths=False)

    due = []
    for key, listing in directory.listings.items():
        nxt = next_visit(listing.last_qa_visit)
        if listing.status != "Listed" or horizon is None:
            continue
        if nxt is None or nxt <= horizon:
            overdue = nxt is None or nxt < term.end
            due.append(
                [
                    listing.provider_id,
                    listing.name,
                    listing.last_qa_visit,
                    nxt,
                    "Y" if overdue else "N",
                    "Y" if key in used else "N",
                ]
            )
    due.sort(key=lambda row: (row[3] or date.min, row[0]))
    r = last + 2
    title = f"QA visits due by {horizon:%d/%m/%Y}, three months after the term's end" if horizon else "QA visits due"
    ws.write_string(r, 0, title, styles.bold)
    write_table(ws, styles, r + 1, 0, "tblVisitsDue", DUE_COLS, due, set_widths=False)
