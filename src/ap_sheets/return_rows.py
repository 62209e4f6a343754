"""A return's rows as small typed tuples: what the figures, the batch and the report count.

The Summary button (`figures.return_figures`) and the council's batch (`batch`, then
`report`) both count from these rows with the same `figures.measure`, so a provider's
figures are the same wherever they are shown. Batch workers send these back instead of
frames or workbooks: small, and cheap to pickle.
"""

from __future__ import annotations

from typing import NamedTuple

from .normalise import Return
from .spec import Kind


class PupilRow(NamedTuple):
    """One row of a provider's Pupils sheet: the columns the report uses (typed values)."""

    row: int
    upn: object
    surname: object
    forename: object
    date_of_birth: object
    sex: object
    ethnicity: object
    nc_year: object
    sen: object
    looked_after: object
    commissioner_type: object
    commissioner_name: object
    commissioner_urn: object
    placement_reason: object
    tier: object
    start_date: object
    planned_end_date: object
    end_date: object
    hours_per_week: object
    sessions_possible: object
    sessions_attended: object
    sessions_authorised: object
    engagement: object
    progress_outcomes: object
    progress_learning: object
    quals_entered: object
    quals_achieved: object
    suspensions: object
    safeguarding_concerns: object
    behaviour_incidents: object
    reintegration_plan: object
    destination: object
    postcode: object  # only for the pseudonymised register's postcode sector


class PlacementRow(NamedTuple):
    """One row of a school's Placements sheet: the columns the report uses."""

    row: int
    upn: object
    surname: object
    forename: object
    date_of_birth: object
    nc_year: object
    sen: object
    looked_after: object
    provider_name: object
    provider_id: object
    provider_registered: object
    placement_reason: object
    start_date: object
    planned_end_date: object
    end_date: object
    hours_at_provider: object
    hours_at_school: object
    reintegration_plan: object
    planned_return_date: object
    attendance_pct: object
    progress: object
    final_report_received: object
    destination: object
    provider_urn: object = None  # last, with a default: rows rebuilt from the register database lack it


class NotificationRow(NamedTuple):
    row: int
    upn: object
    event_type: object
    event_date: object
    on_time: bool  # rule R040 finds nothing on the row


ROW_TYPES = {Kind.PROVIDER_RETURN: ("Pupils", PupilRow), Kind.SCHOOL_LOG: ("Placements", PlacementRow)}


def table_rows(ret: Return) -> list:
    """The Pupils rows of a provider return, or the Placements rows of a school log."""
    if ret.kind.kind not in ROW_TYPES:  # an AP Directory: no children's rows
        return []
    sheet_name, row_type = ROW_TYPES[ret.kind.kind]
    table = ret.table(sheet_name)
    return [row_type(idx, *vals) for idx, *vals in zip(table.index, *table.lists(row_type._fields[1:]))]


def complaint_counts(ret: Return) -> tuple[int, int, int]:
    """(complaints, compliments, complaints not yet resolved) on a provider return."""
    complaints = ret.table("Complaints")
    kinds = complaints["kind"]
    resolved = complaints["date_resolved"]
    return (
        sum(k == "Complaint" for k in kinds),
        sum(k == "Compliment" for k in kinds),
        sum(k == "Complaint" and r is None for k, r in zip(kinds, resolved)),
    )
