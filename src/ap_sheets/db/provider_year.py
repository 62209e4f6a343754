"""The year per provider, from the register database: the table councils are asked for in
freedom-of-information requests (issue 14).

For the academic year of the term reported, over the provider returns that count (accepted,
not superseded), one row per provider:
- `registered`: Registered school (Y/N) on its latest return of the year;
- `children`: distinct children (UPNs) placed with it in the year;
- `placements`: distinct placements (one child, this provider, one start date), and of them
  `full_time` (more than `full_time_hours` a week on the latest return showing it, as X006
  reads full time) and `part_time` (hours given, no more than that); hours not given: neither;
- `placements_ended`: its placements that ended in the year;
- `average_placement_weeks`: the mean length, start to end date in weeks (one decimal), of its
  placements that ended in the year; None when none did.
Cost estimates need the directory's standard fee in the database (not yet stored).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.engine import Engine

from ..terms import TERM_ORDER, Term
from . import schema as S
from .load import PROVIDER, counting


def provider_year(engine: Engine, term: Term, full_time_hours: float = 18.0) -> list[dict]:
    """One row per provider for the academic year of `term` (see the module doc), by Provider ID."""
    r, p = S.returns.c, S.placements.c
    year = term.start_year
    first, last = date(year, 9, 1), date(year + 1, 8, 31)
    with engine.connect() as conn:
        rows = conn.execute(
            select(p.child_id, p.provider_key, p.start_date, p.end_date, p.hours_per_week, r.term)
            .join(S.returns, r.id == p.return_id)
            .where(and_(counting(), r.term_year == year, r.kind == PROVIDER))
        ).all()
        returns = conn.execute(
            select(r.org_key, r.org_name, r.term, r.record).where(
                and_(counting(), r.term_year == year, r.kind == PROVIDER)
            )
        ).all()
    latest: dict[tuple, tuple] = {}  # placement -> (term order, end, hours) on its latest return
    for child, provider, start, end, hours, term_name in rows:
        if provider is None:
            continue
        seen = (TERM_ORDER.get(term_name, -1), end, hours)
        key = (child, provider, start)
        if key not in latest or seen[0] > latest[key][0]:
            latest[key] = seen
    about: dict[str, tuple] = {}  # provider -> (term order, name, registered) of its latest return
    for key, name, term_name, record in returns:
        order = TERM_ORDER.get(term_name, -1)
        if key and (key not in about or order > about[key][0]):
            about[key] = (order, name, (record or {}).get("registered_school"))
    by_provider: dict[str, list] = defaultdict(list)
    for (child, provider, start), (_, end, hours) in latest.items():
        by_provider[provider].append((child, start, end, hours))
    out = []
    for provider in sorted(set(by_provider) | set(about)):
        placed = by_provider.get(provider, [])
        weeks = [(end - start).days / 7 for _, start, end, _ in placed if start and end and first <= end <= last]
        _, name, registered = about.get(provider, (None, None, None))
        out.append(
            {
                "provider_id": provider,
                "provider_name": name,
                "registered": registered,
                "children": len({child for child, *_ in placed}),
                "placements": len(placed),
                "full_time": sum(1 for *_, h in placed if h is not None and h > full_time_hours),
                "part_time": sum(1 for *_, h in placed if h is not None and h <= full_time_hours),
                "placements_ended": len(weeks),
                "average_placement_weeks": round(sum(weeks) / len(weeks), 1) if weeks else None,
            }
        )
    return out
