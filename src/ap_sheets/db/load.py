"""Loading a consolidated term into the register database, in one transaction.

`load_term(engine, batch)` takes the `Consolidation` that `consolidate` builds and logs every
file in it (each once, by the SHA-256 of its content: the same file twice changes nothing),
with its status and findings. The rows of accepted returns become children (one per UPN),
identities (every different name or date of birth for a UPN: X003 kept) and placements;
so do the rows of rejected returns whose UPN is valid (on the term's Register, never counted).
Then, for each provider or school and term touched, the return that counts is chosen as
the report's X005 does (an accepted return over a rejected one, then the later Date
completed, then the later-saved file, then the later loaded); the others point at it
(`superseded_by`). Everything happens in one transaction holding the register's write lock
(`store.lock`): a run that is killed leaves the database as it was, and a second run waits.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.engine import Connection, Engine

from ..findings import ACCEPTED, json_value
from ..rules.cross_rules import provider_key, school_key, valid_upn
from ..spec import Kind
from . import schema as S
from .store import lock

PROVIDER, SCHOOL = Kind.PROVIDER_RETURN, Kind.SCHOOL_LOG
CHUNK = 500  # values per IN (...) list


@dataclass
class LoadResult:
    """What a load did: files newly logged, files already held (same content), files that
    could not be read again to load, and the returns now superseded by a newer one."""

    loaded: list[str] = field(default_factory=list)
    already_held: list[str] = field(default_factory=list)
    not_loaded: dict[str, str] = field(default_factory=dict)  # file -> why (no pupil data)
    superseded: list[str] = field(default_factory=list)  # files no longer counting
    placements: int = 0


def content_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_term(engine: Engine, batch, now: datetime | None = None) -> LoadResult:
    """Load every file of `batch` (a `consolidate.Consolidation`) into the register."""
    result = LoadResult()
    root = Path(batch.root)
    hashed = []
    for r in batch.results:  # read before the transaction: the lock is held only to write
        if r.kind == Kind.AP_DIRECTORY:  # not a return: directories have their own table
            result.not_loaded[r.file] = "an AP Directory: load it with ap-sheets directory load FILE --db DB"
            continue
        try:
            hashed.append((content_hash(root / r.file), r))
        except OSError as exc:
            result.not_loaded[r.file] = f"it could not be read again to load it ({exc.strerror or 'unreadable'})"
    now = (now or batch.produced or datetime.now()).replace(microsecond=0)
    with engine.begin() as conn:
        lock(conn)
        held = _held_hashes(conn, [h for h, _ in hashed])
        new = []
        for h, r in hashed:
            if h in held:
                result.already_held.append(r.file)
            else:
                held.add(h)  # two copies of one file in the folder: logged once
                new.append((h, r))
        ids = _insert_returns(conn, new, now)
        result.loaded = [r.file for _, r in new]
        readable = [r for _, r in new if r.readable and r.rows]
        result.placements = _insert_rows(conn, readable, ids)
        _organisations(conn, [r for _, r in new])
        groups = {
            (r.kind, _org_key(r), r.term.start_year, r.term.term) for _, r in new if _org_key(r) and r.term is not None
        }
        result.superseded = _choose(conn, groups)
    return result


def _held_hashes(conn: Connection, hashes: list[str]) -> set[str]:
    out = set()
    for i in range(0, len(hashes), CHUNK):
        part = hashes[i : i + CHUNK]
        out.update(conn.scalars(select(S.returns.c.content_hash).where(S.returns.c.content_hash.in_(part))))
    return out


def _org_key(r) -> str | None:
    if r.kind == PROVIDER:
        return provider_key(r.record.get("provider_id"))
    if r.kind == SCHOOL:
        return school_key(r.record.get("school_urn"))
    return None


def _org_name(r):
    return _text(r.record.get("provider_name" if r.kind == PROVIDER else "school_name"))


def _finding(f) -> dict:
    """A finding as held: where and what, never the cell's value (it can be a pupil's data)."""
    return {
        "sheet": f.sheet,
        "row": f.row,
        "column": f.column,
        "cell": f.cell,
        "code": f.code,
        "severity": f.severity,
        "message": f.message,
    }


def _insert_returns(conn: Connection, new: list[tuple[str, object]], now: datetime) -> dict[str, int]:
    """Log the new files; file -> its id in the returns log."""
    if not new:
        return {}
    stmt = S.returns.insert().returning(S.returns.c.id, sort_by_parameter_order=True)
    found = conn.execute(stmt, [_return_values(digest, r, now) for digest, r in new]).scalars().all()
    return {r.file: rid for (_, r), rid in zip(new, found)}


def _return_values(digest: str, r, now: datetime) -> dict:
    report = r.report
    values = dict(
        content_hash=digest,
        file=r.file,
        kind=r.kind if r.kind in (PROVIDER, SCHOOL) else None,
        org_key=_org_key(r),
        org_name=_org_name(r),
        term_year=r.term.start_year if r.term else None,
        term=r.term.term if r.term else None,
        status=r.status,
        has_data=bool(r.has_data),
        errors=len(report.errors),
        queries=len(report.queries),
        findings=[_finding(f) for f in report.issues],
        reason=report.reason,
        date_completed=_date(r.record.get("date_completed")),
        file_mtime=r.mtime or None,
        loaded_at=now,
        record={k: json_value(v) for k, v in r.record.items()} if r.record else None,
        complaints=list(r.complaints) if r.kind == PROVIDER and r.has_data else None,
    )
    return values


def _insert_rows(conn: Connection, readable: list, ids: dict[str, int]) -> int:
    """Children, identities, placements and notifications from the rows of readable returns:
    every row of an accepted return; the rows of a rejected one whose UPN is valid (they are
    on the term's Register, but never count: see `counting`)."""
    rows = [
        (r, row)
        for r in readable
        for row in r.rows
        if isinstance(row.upn, str) and row.upn and (r.status == ACCEPTED or valid_upn(row.upn))
    ]
    upns = sorted({row.upn for _, row in rows})
    held = _children(conn, upns)  # UPN -> (id, sex, ethnicity)
    child_ids = {u: h[0] for u, h in held.items()}
    missing = [u for u in upns if u not in child_ids]
    latest: dict[str, tuple] = {}  # UPN -> (sex, ethnicity) from the latest term's provider return
    for r, row in sorted(rows, key=lambda item: (item[0].term, item[0].file)):
        if r.kind == PROVIDER and r.status == ACCEPTED:
            latest[row.upn] = (_text(row.sex), _text(row.ethnicity))
    if missing:
        conn.execute(
            S.children.insert(),
            [
                {"upn": u, "sex": latest.get(u, (None, None))[0], "ethnicity": latest.get(u, (None, None))[1]}
                for u in missing
            ],
        )
        child_ids.update((u, h[0]) for u, h in _children(conn, missing).items())
    changed = [
        {"cid": held[u][0], "sex": sex, "ethnicity": ethnicity}
        for u, (sex, ethnicity) in latest.items()
        if u in held and held[u][1:] != (sex, ethnicity)
    ]
    if changed:  # the latest loaded: what the Register shows
        conn.execute(
            update(S.children)
            .where(S.children.c.id == bindparam("cid"))
            .values(sex=bindparam("sex"), ethnicity=bindparam("ethnicity")),
            changed,
        )
    known = _identities(conn, [child_ids[u] for u in upns])
    new_identities = {}
    for r, row in rows:
        ident = _identity(child_ids[row.upn], row)
        if ident not in known and ident not in new_identities:
            new_identities[ident] = {
                "child_id": ident[0],
                "surname": ident[1],
                "forename": ident[2],
                "date_of_birth": ident[3],
                "return_id": ids[r.file],
            }
    if new_identities:
        conn.execute(S.identities.insert(), list(new_identities.values()))
        known = _identities(conn, sorted({i[0] for i in new_identities}), known)
    placements = [
        _placement(r, row, ids[r.file], child_ids[row.upn], known[_identity(child_ids[row.upn], row)])
        for r, row in rows
    ]
    if placements:
        conn.execute(S.placements.insert(), placements)
    notes = [
        {
            "return_id": ids[r.file],
            "child_id": child_ids.get(n.upn),
            "row": n.row,
            "event_type": _text(n.event_type),
            "event_date": _date(n.event_date),
            "on_time": bool(n.on_time),
        }
        for r in readable
        for n in r.notifications
    ]
    if notes:
        conn.execute(S.notifications.insert(), notes)
    return len(placements)


def _identity(child_id: int, row) -> tuple:
    return (child_id, _text(row.surname), _text(row.forename), _date(row.date_of_birth))


def _children(conn: Connection, upns: list[str]) -> dict[str, tuple]:
    out = {}
    c = S.children.c
    for i in range(0, len(upns), CHUNK):
        part = upns[i : i + CHUNK]
        for upn, *rest in conn.execute(select(c.upn, c.id, c.sex, c.ethnicity).where(c.upn.in_(part))).all():
            out[upn] = tuple(rest)
    return out


def _identities(conn: Connection, child_ids: list[int], into: dict | None = None) -> dict[tuple, int]:
    """(child, surname, forename, date of birth) -> identity id, for these children."""
    out = dict(into or {})
    t = S.identities.c
    for i in range(0, len(child_ids), CHUNK):
        part = child_ids[i : i + CHUNK]
        for ident_id, *key in conn.execute(
            select(t.id, t.child_id, t.surname, t.forename, t.date_of_birth).where(t.child_id.in_(part))
        ).all():
            out.setdefault(tuple(key), ident_id)
    return out


_EMPTY = {c.name: None for c in S.placements.columns if c.name != "id"}


def _placement(r, row, return_id: int, child_id: int, identity_id: int) -> dict:
    common = dict(
        return_id=return_id,
        child_id=child_id,
        identity_id=identity_id,
        row=row.row,
        nc_year=_text(row.nc_year),
        sen=_text(row.sen),
        looked_after=_text(row.looked_after),
        placement_reason=_text(row.placement_reason),
        start_date=_date(row.start_date),
        planned_end_date=_date(row.planned_end_date),
        end_date=_date(row.end_date),
        reintegration_plan=_text(row.reintegration_plan),
        destination=_text(row.destination),
    )
    empty = _EMPTY
    if r.kind == PROVIDER:
        return {
            **empty,
            **common,
            "provider_key": _org_key(r),
            "provider_name": _org_name(r),
            "school_urn": school_key(_text(row.commissioner_urn)),
            "commissioner_type": _text(row.commissioner_type),
            "commissioner_name": _text(row.commissioner_name),
            "tier": _int(row.tier),
            "hours_per_week": _num(row.hours_per_week),
            "sessions_possible": _int(row.sessions_possible),
            "sessions_attended": _int(row.sessions_attended),
            "sessions_authorised": _int(row.sessions_authorised),
            "engagement": _int(row.engagement),
            "progress_outcomes": _int(row.progress_outcomes),
            "progress_learning": _int(row.progress_learning),
            "quals_entered": _int(row.quals_entered),
            "quals_achieved": _int(row.quals_achieved),
            "suspensions": _int(row.suspensions),
            "safeguarding_concerns": _int(row.safeguarding_concerns),
            "behaviour_incidents": _int(row.behaviour_incidents),
        }
    return {
        **empty,
        **common,
        "provider_key": provider_key(_text(row.provider_id)),
        "provider_name": _text(row.provider_name),
        "provider_registered": _text(row.provider_registered),
        "school_urn": _org_key(r),
        "commissioner_type": "School",
        "commissioner_name": _org_name(r),
        "hours_per_week": _num(row.hours_at_provider),
        "hours_at_school": _num(row.hours_at_school),
        "attendance_pct": _num(row.attendance_pct),
        "progress": _int(row.progress),
        "planned_return_date": _date(row.planned_return_date),
        "final_report_received": _text(row.final_report_received),
    }


def _organisations(conn: Connection, results: list) -> None:
    """Each provider and school seen, with the name on its latest return."""
    latest: dict[tuple, str | None] = {}
    # no term first (e.g. an AP Directory among the returns), then by term and file
    for r in sorted(results, key=lambda r: (r.term is not None, r.term or _NO_TERM, r.file)):
        key = _org_key(r)
        if key:
            kind = "provider" if r.kind == PROVIDER else "school"
            latest[(kind, key)] = _org_name(r) or latest.get((kind, key))
    t = S.organisations
    held = {(kind, key): (oid, name) for oid, kind, key, name in conn.execute(select(t)).all()}
    new = [
        {"kind": kind, "key": key, "name": name}
        for (kind, key), name in sorted(latest.items())
        if (kind, key) not in held
    ]
    renamed = [
        {"oid": held[k][0], "name": name}
        for k, name in sorted(latest.items())
        if k in held and name and held[k][1] != name
    ]
    if new:
        conn.execute(t.insert(), new)
    if renamed:
        conn.execute(update(t).where(t.c.id == bindparam("oid")).values(name=bindparam("name")), renamed)


class _NoTerm:
    def __lt__(self, other):
        return not isinstance(other, _NoTerm)

    def __gt__(self, other):
        return False


_NO_TERM = _NoTerm()


def _choose(conn: Connection, groups: set[tuple]) -> list[str]:
    """For each (kind, provider/school, term), the return that counts; the rest superseded."""
    t = S.returns.c
    superseded = []
    keys = sorted({g[1] for g in groups})
    by_group = defaultdict(list)
    for i in range(0, len(keys), CHUNK):
        for h in conn.execute(
            select(
                t.id,
                t.file,
                t.status,
                t.date_completed,
                t.file_mtime,
                t.superseded_by,
                t.kind,
                t.org_key,
                t.term_year,
                t.term,
            ).where(t.org_key.in_(keys[i : i + CHUNK]))
        ):
            by_group[(h.kind, h.org_key, h.term_year, h.term)].append(h)
    for group in sorted(groups):
        held = by_group[group]
        winner = max(
            held, key=lambda h: (h.status == ACCEPTED, h.date_completed or date.min, h.file_mtime or 0.0, h.id)
        )
        for h in held:
            wanted = None if h.id == winner.id else winner.id
            if h.superseded_by != wanted:
                conn.execute(update(S.returns).where(t.id == h.id).values(superseded_by=wanted))
                if wanted is not None:
                    superseded.append(h.file)
    return sorted(superseded)


def counting():
    """The condition for a return that counts: accepted, for a term, not superseded."""
    t = S.returns.c
    return and_(t.status == ACCEPTED, t.superseded_by.is_(None), t.term_year.is_not(None))


# ---- typed values as held ----------------------------------------------------------------
def _text(v):
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s or None


def _date(v):
    if isinstance(v, datetime):
        return v.date()
    return v if isinstance(v, date) else None


def _num(v):
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _int(v):
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


__all__ = ["LoadResult", "content_hash", "counting", "load_term"]
