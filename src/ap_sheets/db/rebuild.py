"""The batch back from the register database: `FileResult`s as `consolidate` would have made
them, so the report's writers draw on what is held (`register report`, Trends with --db).

Every return logged is given back with its status and findings (the cell values, never held,
are blank). Rows come back as held: every row of an accepted return, the rows of a rejected
one with a valid UPN (so a term rebuilt from the database can reconcile a little differently
from the folder when a rejected return had invalid UPNs), each with the name and date of birth it was returned with;
sex and ethnicity are the child's
latest. Postcodes are not held. A purged child's rows come back without name or date of
birth and with a stand-in UPN, `PURGED-<n>`, so old terms' counts still add up.
A file name logged more than once (a corrected return sent under the same name, or the same
name in different terms' folders) is shown with `(#n)`, the log's number, after it.
"""

from __future__ import annotations

import contextlib
from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..batch import FileResult, assemble
from ..findings import ACCEPTED, FileReport, Finding
from ..return_rows import NotificationRow, PlacementRow, PupilRow
from ..rules.cross_rules import choose_returns
from ..spec import KINDS
from ..terms import Term
from . import schema as S
from .load import CHUNK, PROVIDER, SCHOOL

PURGED = "PURGED-"


def _record_dates(kind: str) -> set[str]:
    spec = KINDS.get(kind)
    if spec is None:
        return set()
    sheet = next((s for s in spec.sheets if s.name == spec.record_sheet), None)
    return {c.key for c in (sheet.data_columns if sheet else ()) if getattr(c.type, "name", "") == "DATE"}


def _record(kind, record) -> dict:
    dates = _record_dates(kind)
    out = {}
    for k, v in (record or {}).items():
        if k in dates and isinstance(v, str):
            with contextlib.suppress(ValueError):
                v = date.fromisoformat(v)
        out[k] = v
    return out


def held_results(engine: Engine, terms: set[Term] | None = None, counting_only: bool = False) -> list[FileResult]:
    """Every return held (for `terms`, when given), rebuilt as the batch's FileResults."""
    r = S.returns.c
    with engine.connect() as conn:
        logged = conn.execute(select(S.returns).order_by(r.id)).all()
        names = Counter(x.file for x in logged)  # over the whole log: a file is named the same in every report
        if terms is not None:
            wanted = {(t.start_year, t.term) for t in terms}
            logged = [x for x in logged if (x.term_year, x.term) in wanted]
        if counting_only:
            logged = [x for x in logged if x.status == ACCEPTED and x.superseded_by is None and x.term_year]
        with_rows = [x.id for x in logged if x.status in (ACCEPTED, "rejected") and x.kind in (PROVIDER, SCHOOL)]
        rows, notes = _rows(conn, with_rows)
    out = []
    for x in logged:
        shown = x.file if names[x.file] == 1 else f"{x.file} (#{x.id})"
        issues = [
            Finding(f["sheet"], f["row"], f["column"], f["cell"], f["code"], f["severity"], f["message"])
            for f in x.findings or ()
        ]
        report = FileReport(shown, x.kind, x.status, issues, x.reason)
        term = Term(x.term_year, x.term) if x.term_year is not None and x.term else None
        out.append(
            FileResult(
                shown,
                report,
                kind=x.kind,
                term=term,
                record=_record(x.kind, x.record),
                mtime=x.file_mtime or 0.0,
                rows=rows.get(x.id, []),
                notifications=notes.get(x.id, []),
                complaints=tuple(x.complaints or (0, 0, 0)),
                has_data=x.has_data,
            )
        )
    return out


def _rows(conn, return_ids: list[int]) -> tuple[dict, dict]:
    p, i, c, n = S.placements.c, S.identities.c, S.children.c, S.notifications.c
    kinds = dict(conn.execute(select(S.returns.c.id, S.returns.c.kind)).all())
    rows, notes = defaultdict(list), defaultdict(list)
    for k in range(0, len(return_ids), CHUNK):
        part = return_ids[k : k + CHUNK]
        found = conn.execute(
            select(S.placements, i.surname, i.forename, i.date_of_birth, c.upn, c.sex, c.ethnicity)
            .join(S.children, c.id == p.child_id)
            .outerjoin(S.identities, i.id == p.identity_id)
            .where(p.return_id.in_(part))
            .order_by(p.return_id, p.row)
        ).all()
        for x in found:
            rows[x.return_id].append(_row(kinds[x.return_id], x))
        for x in conn.execute(
            select(S.notifications, c.upn)
            .outerjoin(S.children, c.id == n.child_id)
            .where(n.return_id.in_(part))
            .order_by(n.return_id, n.row)
        ).all():
            upn = x.upn or (f"{PURGED}{x.child_id}" if x.child_id is not None else None)
            notes[x.return_id].append(NotificationRow(x.row, upn, x.event_type, x.event_date, x.on_time))
    return rows, notes


def _row(kind: str, x):
    upn = x.upn or f"{PURGED}{x.child_id}"
    if kind == PROVIDER:
        return PupilRow(
            x.row,
            upn,
            x.surname,
            x.forename,
            x.date_of_birth,
            x.sex,
            x.ethnicity,
            x.nc_year,
            x.sen,
            x.looked_after,
            x.commissioner_type,
            x.commissioner_name,
            x.school_urn,
            x.placement_reason,
            x.tier,
            x.start_date,
            x.planned_end_date,
            x.end_date,
            x.hours_per_week,
            x.sessions_possible,
            x.sessions_attended,
            x.sessions_authorised,
            x.engagement,
            x.progress_outcomes,
            x.progress_learning,
            x.quals_entered,
            x.quals_achieved,
            x.suspensions,
            x.safeguarding_concerns,
            x.behaviour_incidents,
            x.reintegration_plan,
            x.destination,
            None,
        )
    return PlacementRow(
        x.row,
        upn,
        x.surname,
        x.forename,
        x.date_of_birth,
        x.nc_year,
        x.sen,
        x.looked_after,
        x.provider_name,
        x.provider_key,
        x.provider_registered,
        x.placement_reason,
        x.start_date,
        x.planned_end_date,
        x.end_date,
        x.hours_per_week,
        x.hours_at_school,
        x.reintegration_plan,
        x.planned_return_date,
        x.attendance_pct,
        x.progress,
        x.final_report_received,
        x.destination,
    )


def held_trend_terms(engine: Engine) -> dict[Term, list[FileResult]]:
    """Term -> the returns that count for it (one per provider or school), every term held."""
    by_term = defaultdict(list)
    for result in held_results(engine, counting_only=True):
        by_term[result.term].append(result)
    return {t: choose_returns(found)[0] for t, found in sorted(by_term.items())}


def register_batch(engine: Engine, term: Term | None = None, config=None, name: str = "the register database"):
    """The Consolidation for `term` (default: the latest term held) from the database alone:
    the term's returns as logged, reconciled as `consolidate` does; Trends from every term held."""
    from .provider_year import provider_year
    from .year import held_terms, year_figures, year_register

    terms = held_terms(engine)
    source = "given" if term is not None else "latest held"
    if term is None:
        if not terms:
            return None
        term = terms[-1]
    batch = assemble(held_results(engine, {term}), term, config)
    batch.term_source = source
    batch.root = name
    batch.trend_terms = {**held_trend_terms(engine), term: batch.trend_terms.get(term, [])}
    batch.trend_terms = dict(sorted(batch.trend_terms.items()))
    batch.year = year_figures(engine, term)
    batch.year_register = year_register(engine, term)
    batch.year_providers = provider_year(engine, term, _full_time_hours(batch))
    return batch


def _full_time_hours(batch) -> float:
    from ..settings import Settings

    return (batch.config or Settings()).full_time_hours
