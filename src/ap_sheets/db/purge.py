"""Retention: deleting the personal data of children whose last placement ended before a date.

A child is purged when every placement held for them on a return not replaced by a corrected
one (accepted or rejected) has an end date before the date given: none is open or undated. Purging deletes the
child's UPN,
sex, ethnicity and every name and date of birth held (identities), and clears from their
placements everything but what the figures count (provider, school, term, start and end
dates, destination). The child stays as an anonymous record, so the `year` figures of past
years still add up; a later return with the same UPN starts a new record. Each purge is
logged (when, the date given, how many children and placements; nothing about them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.engine import Engine

from . import schema as S
from .load import CHUNK
from .store import lock

# kept on a purged child's placements: what the year figures count, nothing about the child
KEPT = {
    "id",
    "return_id",
    "child_id",
    "row",
    "provider_key",
    "provider_name",
    "school_urn",
    "commissioner_type",
    "start_date",
    "end_date",
    "destination",
}


@dataclass
class PurgePlan:
    ended_before: date
    children: int
    placements: int
    identities: int


def _due(conn, ended_before: date) -> list[int]:
    p, c, r = S.placements.c, S.children.c, S.returns.c
    current = select(r.id).where(r.superseded_by.is_(None))  # a replaced return's rows are out of date
    open_or_late = select(p.child_id).where(
        and_(p.return_id.in_(current), (p.end_date.is_(None)) | (p.end_date >= ended_before))
    )
    return list(
        conn.scalars(
            select(c.id).where(and_(c.upn.is_not(None), c.id.not_in(open_or_late), c.id.in_(select(p.child_id))))
        )
    )


def plan_purge(engine: Engine, ended_before: date) -> PurgePlan:
    """What `purge` would delete, without deleting it."""
    with engine.connect() as conn:
        ids = _due(conn, ended_before)
        return PurgePlan(ended_before, len(ids), *_counts(conn, ids))


def _counts(conn, ids: list[int]) -> tuple[int, int]:
    placements = identities = 0
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        placements += conn.scalar(
            select(func.count()).select_from(S.placements).where(S.placements.c.child_id.in_(part))
        )
        identities += conn.scalar(
            select(func.count()).select_from(S.identities).where(S.identities.c.child_id.in_(part))
        )
    return placements, identities


def purge(engine: Engine, ended_before: date, today: date | None = None) -> PurgePlan:
    """Delete the personal data of the children due (see the module doc), in one transaction."""
    today = today or date.today()
    cleared = {col.name: None for col in S.placements.columns if col.name not in KEPT}
    with engine.begin() as conn:
        lock(conn)
        ids = _due(conn, ended_before)
        done = PurgePlan(ended_before, len(ids), *_counts(conn, ids))
        for i in range(0, len(ids), CHUNK):
            part = ids[i : i + CHUNK]
            conn.execute(update(S.placements).where(S.placements.c.child_id.in_(part)).values(**cleared))
            conn.execute(delete(S.identities).where(S.identities.c.child_id.in_(part)))
            conn.execute(
                update(S.children)
                .where(S.children.c.id.in_(part))
                .values(upn=None, sex=None, ethnicity=None, purged_on=today)
            )
        conn.execute(
            S.purges.insert().values(
                purged_at=datetime.now().replace(microsecond=0),
                ended_before=ended_before,
                children=done.children,
                placements=done.placements,
            )
        )
    return done
