"""Every figure ap-sheets shows, defined once: a return's Summary and the council's report.

`measure(rows, term)` works out the figures of any set of provider-return placements (one
return, one provider, one commissioner, a whole term); `return_figures(ret)` gives the
figures of one return as plain JSON-able numbers for the Summary button, built on
`measure` for everything the council report also shows, so a provider's row in the
report is the same as its own Summary. No child-level data leaves here: only counts,
totals and rates. The Overview sheet prints these definitions too:

- Children: distinct UPNs (a row with no UPN counts as one more child).
- With an EHC plan / looked after: children with SEN provision E / Looked after = Y on
  any of their rows.
- Attendance: sessions attended / sessions possible, summed over placements whose three
  session counts are numbers of 0 or more (the DfE's overall rate, weighted by sessions).
- Zero suspensions: children whose suspensions this term, over all their placements, are 0.
- Zero permanent exclusions: children with no "Permanent exclusion" notification.
- Ended placement: an End date on or before the end of the term (with no term, any End
  date). Reintegration: ended placements whose destination is "Returned to home school" or
  "New mainstream school"; NEET: destination NEET. Both as a share of ended placements.
- On track: progress towards outcomes rated at least `on_track_min_rating` (default 3,
  "Mostly"), of the placements that have a rating; "fully on track" is rating 4.
- A value that is blank or not one of its codes is counted under NOT_RECORDED.
- Notifications are "on time" when rule R040 finds nothing on their row (the rule itself
  decides, so the figure and the Validation list always agree).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .normalise import Return
from .return_rows import NotificationRow, complaint_counts, table_rows
from .rules.notification_rules import notified_same_day
from .spec import Kind
from .spec import codes as C
from .table import Table
from .terms import Term
from .values import is_num

# ---------------------------------------------------------------- any set of placements
NOT_RECORDED = "Not recorded"
REINTEGRATION = ("Returned to home school", "New mainstream school")
DESTINATIONS = C.DESTINATION.codes
COMMISSIONER_TYPES = C.COMMISSIONER_TYPE.codes
PLACEMENT_REASONS = C.PLACEMENT_REASON.codes


def has_ended(end, term: Term | None) -> bool:
    """A placement has ended when its End date is on or before the term's end (any date, with no term)."""
    return isinstance(end, date) and (term is None or end <= term.end)


def rate(numerator, denominator) -> float | None:
    """A fraction (0-1), or None when there is nothing to divide by."""
    if not denominator:
        return None
    return numerator / denominator


@dataclass
class Measures:
    """Figures for a set of placements on provider returns (a provider, a commissioner, a term)."""

    placements: int = 0
    children: int = 0
    with_ehcp: int = 0
    sen_support: int = 0
    looked_after: int = 0
    sessions_possible: int = 0
    sessions_attended: int = 0
    sessions_authorised: int = 0
    children_with_suspension_counts: int = 0
    zero_suspensions: int = 0
    suspensions: int = 0
    permanently_excluded: int = 0
    ended: int = 0
    destinations: dict = field(default_factory=dict)  # every destination code + NOT_RECORDED
    reintegrated: int = 0
    neet: int = 0
    outcomes_rated: int = 0
    on_track: int = 0
    fully_on_track: int = 0
    engagement_rated: int = 0
    engaged: int = 0
    quals_entered: int = 0
    quals_achieved: int = 0
    safeguarding_concerns: int = 0
    behaviour_incidents: int = 0
    commissioner_placements: dict = field(default_factory=dict)
    commissioner_children: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)

    @property
    def attendance(self) -> float | None:
        return rate(self.sessions_attended, self.sessions_possible)

    @property
    def zero_suspensions_rate(self) -> float | None:
        return rate(self.zero_suspensions, self.children_with_suspension_counts)

    @property
    def zero_permanent_exclusions(self) -> int:
        return self.children - self.permanently_excluded

    @property
    def zero_permanent_exclusions_rate(self) -> float | None:
        return rate(self.zero_permanent_exclusions, self.children)

    @property
    def reintegration_rate(self) -> float | None:
        return rate(self.reintegrated, self.ended)

    @property
    def neet_rate(self) -> float | None:
        return rate(self.neet, self.ended)

    @property
    def on_track_rate(self) -> float | None:
        return rate(self.on_track, self.outcomes_rated)

    @property
    def engaged_rate(self) -> float | None:
        return rate(self.engaged, self.engagement_rated)


def measure(
    rows: list, term: Term | None, excluded_upns: set | frozenset = frozenset(), on_track_min: int = 3
) -> Measures:
    """Figures of provider-return rows (`return_rows.PupilRow`). One pass, plain loops:
    it runs over every placement of the term several times (term, providers, commissioners)."""
    m = Measures()
    m.placements = len(rows)
    ehcp, sen_k, lac = set(), set(), set()
    suspensions: dict = {}
    children = set()
    comm_children: dict[str, set] = defaultdict(set)
    comm_rows: Counter = Counter()
    reasons: Counter = Counter()
    destinations: Counter = Counter()
    possible_sum = attended_sum = authorised_sum = 0
    quals_e = quals_a = safeguarding = incidents = total_susp = 0
    ended = rated = on_track = fully = eng_rated = engaged = 0
    for n, row in enumerate(rows):
        upn = row.upn
        key = upn if upn.__class__ is str else ("row", n)
        children.add(key)
        sen = row.sen
        if sen == "E":
            ehcp.add(key)
        elif sen == "K":
            sen_k.add(key)
        if row.looked_after == "Y":
            lac.add(key)
        possible, attended, authorised = row.sessions_possible, row.sessions_attended, row.sessions_authorised
        if _nonneg(possible) and _nonneg(attended) and _nonneg(authorised):
            possible_sum += possible
            attended_sum += attended
            authorised_sum += authorised
        susp = row.suspensions
        if _nonneg(susp):
            suspensions[key] = suspensions.get(key, 0) + susp
            total_susp += susp
        ctype = row.commissioner_type if row.commissioner_type in _COMMISSIONER_SET else NOT_RECORDED
        comm_rows[ctype] += 1
        comm_children[ctype].add(key)
        reasons[row.placement_reason if row.placement_reason in _REASON_SET else NOT_RECORDED] += 1
        if has_ended(row.end_date, term):
            ended += 1
            destinations[row.destination if row.destination in _DESTINATION_SET else NOT_RECORDED] += 1
        rating = row.progress_outcomes
        if rating.__class__ is int:
            rated += 1
            on_track += rating >= on_track_min
            fully += rating == 4
        rating = row.engagement
        if rating.__class__ is int:
            eng_rated += 1
            engaged += rating >= 3
        if _nonneg(row.quals_entered):
            quals_e += row.quals_entered
        if _nonneg(row.quals_achieved):
            quals_a += row.quals_achieved
        if _nonneg(row.safeguarding_concerns):
            safeguarding += row.safeguarding_concerns
        if _nonneg(row.behaviour_incidents):
            incidents += row.behaviour_incidents
    m.sessions_possible, m.sessions_attended, m.sessions_authorised = possible_sum, attended_sum, authorised_sum
    m.quals_entered, m.quals_achieved = quals_e, quals_a
    m.safeguarding_concerns, m.behaviour_incidents, m.suspensions = safeguarding, incidents, total_susp
    m.ended, m.outcomes_rated, m.on_track, m.fully_on_track = ended, rated, on_track, fully
    m.engagement_rated, m.engaged = eng_rated, engaged
    m.children = len(children)
    m.with_ehcp = len(ehcp)
    m.sen_support = len(sen_k - ehcp)
    m.looked_after = len(lac)
    m.children_with_suspension_counts = len(suspensions)
    m.zero_suspensions = sum(1 for v in suspensions.values() if v == 0)
    m.permanently_excluded = len({k for k in children if k in excluded_upns})
    m.destinations = {d: destinations.get(d, 0) for d in DESTINATIONS}
    if destinations.get(NOT_RECORDED):
        m.destinations[NOT_RECORDED] = destinations[NOT_RECORDED]
    m.reintegrated = sum(destinations.get(d, 0) for d in REINTEGRATION)
    m.neet = destinations.get("NEET", 0)
    order = [*list(COMMISSIONER_TYPES), NOT_RECORDED]
    m.commissioner_placements = {t: comm_rows.get(t, 0) for t in order if t in COMMISSIONER_TYPES or comm_rows.get(t)}
    m.commissioner_children = {t: len(comm_children.get(t, ())) for t in m.commissioner_placements}
    m.reasons = {
        r: reasons.get(r, 0)
        for r in [*list(PLACEMENT_REASONS), NOT_RECORDED]
        if r in PLACEMENT_REASONS or reasons.get(r)
    }
    return m


_COMMISSIONER_SET = frozenset(COMMISSIONER_TYPES)
_REASON_SET = frozenset(PLACEMENT_REASONS)
_DESTINATION_SET = frozenset(DESTINATIONS)


def _nonneg(v) -> bool:
    """A count that can be added: a number of 0 or more (bools are not counts)."""
    cls = v.__class__
    return (cls is int or cls is float) and v >= 0


# ---------------------------------------------------------------- one return (Summary button)
def return_figures(ret: Return) -> dict:
    """Figures of a provider return or a school placement log (keys documented per kind)."""
    if ret.kind.kind == Kind.PROVIDER_RETURN:
        return provider_figures(ret)
    if ret.kind.kind == Kind.SCHOOL_LOG:
        return school_figures(ret)
    raise ValueError(f"no figures for a {ret.kind.kind!r}")


def provider_figures(ret: Return) -> dict:
    rec = ret.record
    rows = table_rows(ret)
    notes = notification_rows(ret)
    m = measure(rows, ret.term, permanently_excluded_upns_of(notes))
    complaints, compliments, still_open = complaint_counts(ret)
    return {
        "kind": ret.kind.kind,
        "term": ret.term.label if ret.term else None,
        "provider_name": _text(rec.get("provider_name")),
        "provider_id": _text(rec.get("provider_id")),
        "pupil_rows": m.placements,
        "children": m.children,
        "with_ehcp": m.with_ehcp,
        "looked_after": m.looked_after,
        "by_commissioner_type": m.commissioner_placements,
        "by_placement_reason": m.reasons,
        "attendance": {
            "sessions_possible": m.sessions_possible,
            "sessions_attended": m.sessions_attended,
            "sessions_authorised_absence": m.sessions_authorised,
            "attendance_pct": round(100 * m.attendance, 1) if m.attendance is not None else None,
        },
        "ratings": {
            "engagement": _by_code([r.engagement for r in rows], C.ENGAGEMENT),
            "progress_towards_outcomes": _by_code([r.progress_outcomes for r in rows], C.PROGRESS),
            "progress_in_learning": _by_code([r.progress_learning for r in rows], C.PROGRESS),
        },
        "ended_placements": m.ended,
        "destinations": m.destinations,
        "notifications": {
            "total": len(notes),
            "on_time": sum(n.on_time for n in notes),
            "late_or_missing": sum(not n.on_time for n in notes),
            "by_event_type": _by_code([n.event_type for n in notes], C.EVENT_TYPE),
        },
        "complaints": {"complaints": complaints, "compliments": compliments, "complaints_open": still_open},
    }


def notification_rows(ret: Return) -> list[NotificationRow]:
    """A provider return's Notifications; `on_time` is decided by rule R040 itself, so the
    figure and the Validation list always agree."""
    late = {hit.index for hit in notified_same_day(ret)}
    notes = ret.table("Notifications")
    return [
        NotificationRow(idx, upn, event, when, idx not in late)
        for idx, upn, event, when in zip(notes.index, notes["upn"], notes["event_type"], notes["event_date"])
    ]


def permanently_excluded_upns_of(notifications) -> set[str]:
    """UPNs with a Permanent exclusion event among these notifications."""
    return {n.upn for n in notifications if n.event_type == "Permanent exclusion" and isinstance(n.upn, str)}


def school_figures(ret: Return) -> dict:
    """A school log's figures: from the school's own records of its placements (the council
    report counts placements from the providers' returns; these are the school's view)."""
    rec = ret.record
    placements = ret.table("Placements")
    ended = [d for d, end in zip(placements["destination"], placements["end_date"]) if has_ended(end, ret.term)]
    registered = Counter(_yn(v) for v in placements["provider_registered"])
    upns = list(zip(placements.index, placements["upn"]))
    return {
        "kind": ret.kind.kind,
        "term": ret.term.label if ret.term else None,
        "school_name": _text(rec.get("school_name")),
        "school_urn": _text(rec.get("school_urn")),
        "placements": len(placements),
        "children": _children(upns),
        "with_ehcp": _children(u for u, sen in zip(upns, placements["sen"]) if sen == "E"),
        "looked_after": _children(u for u, lac in zip(upns, placements["looked_after"]) if lac == "Y"),
        "by_provider": _by_provider(placements),
        "provider_registered": {
            "registered": registered["Y"],
            "unregistered": registered["N"],
            NOT_RECORDED: registered[None],
        },
        "by_placement_reason": _by_code(placements["placement_reason"], C.PLACEMENT_REASON),
        "attendance": _attendance_pct(placements),
        "progress": _by_code(placements["progress"], C.PROGRESS),
        "ended_placements": len(ended),
        "destinations": _by_code(ended, C.DESTINATION),
    }


# ---------------------------------------------------------------- helpers


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def _yn(value) -> str | None:
    return value if value in ("Y", "N") else None


def _children(rows: Iterable[tuple[int, object]]) -> int:
    """Distinct children among (Excel row, UPN) pairs: by UPN, each row without a UPN as one more."""
    return len({upn if isinstance(upn, str) else ("row", idx) for idx, upn in rows})


def _by_code(values: Iterable, codes: C.CodeList) -> dict[str, int]:
    """Count of each code in list order (zeros kept, so charts and sums line up), then
    NOT_RECORDED for blanks and values not on the list, when there are any."""
    known = [int(c) if codes.numeric else c for c in codes.codes]
    counts = Counter(v if v in known else None for v in values)
    out = {str(code): counts[code] for code in known}
    if counts[None]:
        out[NOT_RECORDED] = counts[None]
    return out


def _attendance_pct(placements: Table) -> dict:
    """The school log records a percentage per placement: how many gave one, and their mean."""
    given = [v for v in placements["attendance_pct"] if is_num(v) and 0 <= v <= 100]
    return {
        "placements_with_attendance": len(given),
        "average_attendance_pct": round(sum(given) / len(given), 1) if given else None,
    }


def _by_provider(placements: Table) -> dict[str, int]:
    """Placements per provider name, most first (ties by name); blank names as NOT_RECORDED."""
    counts = Counter(v if isinstance(v, str) else NOT_RECORDED for v in placements["provider_name"])
    return dict(sorted(counts.items(), key=lambda kv: (kv[0] == NOT_RECORDED, -kv[1], kv[0])))
