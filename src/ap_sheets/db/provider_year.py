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
- `sessions_possible`: half-day sessions the provider offered its placements in the year (the
  sum over its returns that count: each term's return gives that term's);
- `standard_fee`, `fee_basis`, `estimated_cost`: with a directory held for the year (the latest
  dated on or before the year's end), its standard fee (§12.8) and an estimate of the year's
  cost from the sessions offered: Day = fee x sessions / 2; Week = fee x sessions / 10;
  Hour = fee x sessions / 10 x the placements' hours a week (their mean). An estimate: what
  was commissioned, not what was invoiced. None without a fee.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.engine import Engine

from ..terms import TERM_ORDER, Term
from . import schema as S
from .directory import directory_at
from .load import PROVIDER, counting


def provider_year(engine: Engine, term: Term, full_time_hours: float = 18.0) -> list[dict]:
    """One row per provider for the academic year of `term` (see the module doc), by Provider ID."""
    r, p = S.returns.c, S.placements.c
    year = term.start_year
    first, last = date(year, 9, 1), date(year + 1, 8, 31)
    with engine.connect() as conn:
        rows = conn.execute(
            select(p.child_id, p.provider_key, p.start_date, p.end_date, p.hours_per_week, r.term, p.sessions_possible)
            .join(S.returns, r.id == p.return_id)
            .where(and_(counting(), r.term_year == year, r.kind == PROVIDER))
        ).all()
        returns = conn.execute(
            select(r.org_key, r.org_name, r.term, r.record).where(
                and_(counting(), r.term_year == year, r.kind == PROVIDER)
            )
        ).all()
    latest: dict[tuple, tuple] = {}  # placement -> (term order, end, hours) on its latest return
    sessions: dict[str, int] = defaultdict(int)
    for child, provider, start, end, hours, term_name, possible in rows:
        if provider is None:
            continue
        if isinstance(possible, int) and possible > 0:
            sessions[provider] += possible
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
    held = directory_at(engine, last)
    fees = held.listings if held is not None else {}
    out = []
    for provider in sorted(set(by_provider) | set(about)):
        placed = by_provider.get(provider, [])
        weeks = [(end - start).days / 7 for _, start, end, _ in placed if start and end and first <= end <= last]
        _, name, registered = about.get(provider, (None, None, None))
        listing = fees.get(provider)
        hours_given = [h for *_, h in placed if h is not None and h > 0]
        cost = estimated_cost(listing, sessions.get(provider, 0), hours_given)
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
                "sessions_possible": sessions.get(provider, 0),
                "standard_fee": listing.standard_fee if listing else None,
                "fee_basis": listing.fee_basis if listing else None,
                "estimated_cost": cost,
            }
        )
    return out


def estimated_cost(listing, sessions: int, hours_a_week: list[float]) -> float | None:
    """The year's cost from the directory's standard fee and the sessions offered (see the
    module doc); None without a fee, a basis or any session."""
    if listing is None or listing.standard_fee is None or listing.fee_basis is None or sessions <= 0:
        return None
    days = sessions / 2
    if listing.fee_basis == "Day":
        units = days
    elif listing.fee_basis == "Week":
        units = days / 5
    elif listing.fee_basis == "Hour" and hours_a_week:
        units = days / 5 * (sum(hours_a_week) / len(hours_a_week))
    else:
        return None
    return round(listing.standard_fee * units, 2)
