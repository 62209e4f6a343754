"""The pseudonymised register: one row per child for analysts, with personal data degraded
as `privacy.TREATMENTS` declares (salted hash of the UPN, birth month, postcode sector; names,
religion, sexual orientation and free text dropped). Written as CSV, every text cell made
safe against formula injection. The salt is the council's secret and is never written.
"""

from __future__ import annotations

import csv
from datetime import date

from ..privacy import pseudonymise_register, safe_row
from . import measures as M

PSEUDONYMISED_NAME = "register_pseudonymised.csv"
# The register's own, non-personal columns that the pseudonymised file keeps.
REPORT_COLUMNS = (
    "term",
    "placements",
    "provider_ids",
    "first_start",
    "last_end",
    "ended",
    "destination",
    "attendance_pct",
    "progress",
    "permanently_excluded",
    "source",
)


def register_records(batch) -> list[dict]:
    """The register as plain records keyed by the spec's column keys (plus REPORT_COLUMNS)."""
    term = batch.term.label if batch.term else None
    out = []
    for e in M.register(batch):
        starts = [p.start for p in e.placements if isinstance(p.start, date)]
        ends = [p.end for p in e.placements if isinstance(p.end, date)]
        last = e.placements[-1] if e.placements else None
        out.append(
            {
                "upn": e.upn,
                "date_of_birth": e.date_of_birth,
                "postcode": e.postcode,
                "sex": e.sex,
                "ethnicity": e.ethnicity,
                "nc_year": e.nc_year,
                "sen": e.sen,
                "looked_after": e.looked_after,
                "suspensions": e.suspensions,
                "term": term,
                "placements": len(e.placements) or len(e.school_placements),
                "provider_ids": ";".join(sorted({p.provider_id for p in e.placements if p.provider_id})),
                "first_start": min(starts).isoformat() if starts else None,
                "last_end": max(ends).isoformat() if ends else None,
                "ended": bool(last and isinstance(last.end, date) and batch.term and last.end <= batch.term.end),
                "destination": last.destination if last else None,
                "attendance_pct": round(100 * e.attendance, 1) if e.attendance is not None else None,
                "progress": e.progress,
                "permanently_excluded": e.permanently_excluded,
                "source": e.source,
            }
        )
    return out


def write_pseudonymised_register(batch, path, salt) -> None:
    rows = pseudonymise_register(register_records(batch), salt, keep=REPORT_COLUMNS)
    columns = list(rows[0]) if rows else []
    with open(path, "w", newline="", encoding="utf-8-sig") as f:  # BOM: Excel reads UTF-8 right
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(safe_row([_cell(row[c], c) for c in columns]))


def _cell(value, column: str):
    if column == "birth_month" and isinstance(value, date):
        return value.strftime("%Y-%m")  # month only: a day of 01 would read as a real date of birth
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Y" if value else "N"
    return "" if value is None else value
