"""The `year` figures of summary.json, from the register database (spec: "The register database").

Definitions (the academic year of the term reported, 1 September to 31 August; only returns
that count: accepted, not superseded by a corrected return):

- `terms`: the terms of that year for which the database holds a return that counts, in order.
- `children`: distinct children (UPNs) on the year's provider returns.
- `placements`: distinct placements on the year's provider returns; a placement is one child
  at one provider (Provider ID) from one start date, however many termly returns show it.
- `children_placed_more_than_once`: children with two or more of those placements.
- `returned_to_mainstream`: children with one of those placements ended in the year (end date
  from 1 September to 31 August) with destination "Returned to home school" or "New mainstream
  school". A placement's end date and destination are taken from its latest return.
- `back_in_ap`: of those, children with a placement starting after that end date (their first
  such end date in the year), on any return that counts held in the database (provider return
  or school log, any term).
- `median_placement_weeks`: the median length, start to end date in weeks (one decimal), of
  the placements that ended in the year; null when none did.
- `children_purged`: children of the year whose personal data was purged since (still counted).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import median

from sqlalchemy import and_, select
from sqlalchemy.engine import Engine

from ..figures import REINTEGRATION
from ..terms import TERM_ORDER, Term
from . import schema as S
from .load import PROVIDER, counting

DEFINITIONS = {
    "terms": "The terms of the academic year for which the database holds a return that counts "
    "(accepted, not superseded by a corrected return).",
    "children": "Distinct children (by UPN) on the year's provider returns that count.",
    "placements": "Distinct placements on the year's provider returns: one child at one provider from one "
    "start date, however many termly returns show it.",
    "children_placed_more_than_once": "Children with two or more placements in the year.",
    "returned_to_mainstream": "Children with a placement that ended in the year (1 September to 31 August) "
    "with destination Returned to home school or New mainstream school.",
    "back_in_ap": "Of the children returned to mainstream, those with a placement starting after that end "
    "date on any later return or school log held.",
    "median_placement_weeks": "The median length, start to end date in weeks, of the placements that ended "
    "in the year (blank when none did).",
}


def held_terms(engine: Engine) -> list[Term]:
    """Every term with a return that counts, in order."""
    t = S.returns.c
    with engine.connect() as conn:
        found = conn.execute(select(t.term_year, t.term).where(counting()).distinct()).all()
    return sorted(Term(y, name) for y, name in found if name in TERM_ORDER)


def year_figures(engine: Engine, term: Term) -> dict:
    """The `year` block for the academic year of `term` (see the module doc)."""
    y = _year(engine, term)
    weeks = [(end - start).days / 7 for (_, _, start), (_, end, _) in y.ended.items() if start is not None]
    return {
        "academic_year": term.academic_year,
        "terms": y.terms,
        "children": len(y.per_child),
        "placements": len(y.placements),
        "children_placed_more_than_once": sum(1 for n in y.per_child.values() if n >= 2),
        "returned_to_mainstream": len(y.returned),
        "back_in_ap": len(y.back),
        "median_placement_weeks": round(median(weeks), 1) if weeks else None,
        "children_purged": len(set(y.per_child) & y.purged),
    }


@dataclass
class _Year:
    terms: list[str]
    placements: dict  # (child, provider, start) -> (term order, end, destination)
    per_child: dict  # child -> placements in the year
    ended: dict  # the placements that ended in the year
    returned: dict  # child -> first end date back to mainstream in the year
    back: set  # children back in AP after that
    purged: set
    rows: list


def _year(engine: Engine, term: Term) -> _Year:
    r, p = S.returns.c, S.placements.c
    year = term.start_year
    first, last = date(year, 9, 1), date(year + 1, 8, 31)
    with engine.connect() as conn:
        terms = conn.execute(select(r.term).where(and_(counting(), r.term_year == year)).distinct()).scalars().all()
        rows = conn.execute(
            select(
                p.child_id,
                p.provider_key,
                p.start_date,
                p.end_date,
                p.destination,
                r.term,
                p.provider_name,
                p.identity_id,
            )
            .join(S.returns, r.id == p.return_id)
            .where(and_(counting(), r.term_year == year, r.kind == PROVIDER))
        ).all()
        starts = conn.execute(
            select(p.child_id, p.start_date)
            .join(S.returns, r.id == p.return_id)
            .where(and_(counting(), p.start_date.is_not(None)))
        ).all()
        purged = {c for (c,) in conn.execute(select(S.children.c.id).where(S.children.c.upn.is_(None))).all()}
    placements: dict[tuple, tuple] = {}
    for child, provider, start, end, destination, term_name, *_ in rows:
        key = (child, provider, start)
        seen = (TERM_ORDER.get(term_name, -1), end, destination)
        if (
            key not in placements
            or seen[:1] > placements[key][:1]
            or (seen[0] == placements[key][0] and end is not None and placements[key][1] is None)
        ):
            placements[key] = seen
    per_child = defaultdict(int)
    for child, _, _ in placements:
        per_child[child] += 1
    ended = {k: v for k, v in placements.items() if v[1] is not None and first <= v[1] <= last}
    returned: dict[int, date] = {}
    for (child, _, _), (_, end, destination) in ended.items():
        if destination in REINTEGRATION and (child not in returned or end < returned[child]):
            returned[child] = end
    later_starts = defaultdict(list)
    for child, start in starts:
        if child in returned:
            later_starts[child].append(start)
    back = {c for c, end in returned.items() if any(s > end for s in later_starts[c])}
    labels = [f"{term.academic_year} {name}" for name in sorted(terms, key=lambda n: TERM_ORDER.get(n, 9))]
    return _Year(labels, placements, dict(per_child), ended, returned, back, purged, rows)


def year_register(engine: Engine, term: Term) -> list[dict]:
    """Every child in AP in the academic year of `term`, once, from every term held (the
    Year sheet's register; restricted: names, UPNs and dates of birth)."""
    y = _year(engine, term)
    ids = {row.identity_id for row in y.rows if row.identity_id is not None}
    c, i = S.children.c, S.identities.c
    with engine.connect() as conn:
        upns = dict(conn.execute(select(c.id, c.upn).where(c.id.in_(list(y.per_child)))).all()) if y.per_child else {}
        names = {}
        idlist = sorted(ids)
        for k in range(0, len(idlist), 500):
            for row in conn.execute(
                select(i.id, i.surname, i.forename, i.date_of_birth).where(i.id.in_(idlist[k : k + 500]))
            ).all():
                names[row.id] = (row.surname, row.forename, row.date_of_birth)
    by_child = defaultdict(list)
    for row in y.rows:
        by_child[row.child_id].append(row)
    out = []
    for child, rows in by_child.items():
        latest = max(rows, key=lambda row: (TERM_ORDER.get(row.term, -1), row.identity_id or 0))  # newest name
        surname, forename, born = names.get(latest.identity_id, (None, None, None))
        mine = {k: v for k, v in y.placements.items() if k[0] == child}
        ends = [v[1] for v in mine.values()]
        done = [(v[1], v[2]) for v in mine.values() if v[1] is not None]
        out.append(
            {
                "upn": upns.get(child) or "(deleted)",
                "surname": surname,
                "forename": forename,
                "date_of_birth": born,
                "placements": len(mine),
                "providers": "; ".join(sorted({row.provider_name or row.provider_key or "?" for row in rows})),
                "first_start": min((k[2] for k in mine if k[2] is not None), default=None),
                "open": any(e is None for e in ends),
                "last_end": max(done)[0] if done and all(e is not None for e in ends) else None,
                "latest_destination": max(done)[1] if done else None,
                "returned_to_mainstream": child in y.returned,
                "back_in_ap": child in y.back,
                "terms": ", ".join(t for t in ("Autumn", "Spring", "Summer") if any(row.term == t for row in rows)),
                "names_held": len({row.identity_id for row in rows}),
            }
        )
    out.sort(key=lambda e: (str(e["surname"] or "~"), str(e["forename"] or ""), e["upn"]))
    return out
