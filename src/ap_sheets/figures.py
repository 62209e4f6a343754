"""The figures of one return: what the Summary button shows, as plain JSON-able numbers.

`return_figures(ret)` takes a normalised `Return` and gives a dict of counts keyed by clear
names, the same for every return of a kind, so the council's batch report can add returns
up. No child-level data leaves here: only counts, totals and percentages.

Counting conventions:
- "children" are counted once each by UPN; a row with no UPN counts as one child.
- A value that is blank or not one of its codes is counted under NOT_RECORDED.
- A placement has "ended" when its End date is a date on or before the term's end (the
  same test as the rules on open placements); with no term, any End date counts.
- Notifications are "on time" when rule R040 finds nothing on their row: the rule itself
  decides, so the figure and the Validation list always agree.
"""
from __future__ import annotations

from collections import Counter

import pandas as pd

from .checks.common import is_date, is_num
from .checks.notification_rules import notified_same_day
from .normalise import Return
from .spec import codes as C

NOT_RECORDED = "Not recorded"


def return_figures(ret: Return) -> dict:
    """Figures of a provider return or a school placement log (keys documented per kind)."""
    if ret.kind.kind == "provider-return":
        return provider_figures(ret)
    if ret.kind.kind == "school-log":
        return school_figures(ret)
    raise ValueError(f"no figures for a {ret.kind.kind!r}")


def provider_figures(ret: Return) -> dict:
    rec = ret.record
    pupils = ret.frame("Pupils")
    ended = _ended(pupils, ret)
    return {
        "kind": ret.kind.kind,
        "term": ret.term.label if ret.term else None,
        "provider_name": _text(rec.get("provider_name")),
        "provider_id": _text(rec.get("provider_id")),
        "pupil_rows": len(pupils),
        "children": _children(pupils),
        "with_ehcp": _children(pupils[pupils["sen"] == "E"]),
        "looked_after": _children(pupils[pupils["looked_after"] == "Y"]),
        "by_commissioner_type": _by_code(pupils["commissioner_type"], C.COMMISSIONER_TYPE),
        "by_placement_reason": _by_code(pupils["placement_reason"], C.PLACEMENT_REASON),
        "attendance": _sessions(pupils),
        "ratings": {
            "engagement": _by_code(pupils["engagement"], C.ENGAGEMENT),
            "progress_towards_outcomes": _by_code(pupils["progress_outcomes"], C.PROGRESS),
            "progress_in_learning": _by_code(pupils["progress_learning"], C.PROGRESS),
        },
        "ended_placements": len(ended),
        "destinations": _by_code(ended["destination"], C.DESTINATION),
        "notifications": _notifications(ret),
    }


def school_figures(ret: Return) -> dict:
    rec = ret.record
    placements = ret.frame("Placements")
    ended = _ended(placements, ret)
    registered = Counter(_yn(v) for v in placements["provider_registered"])
    return {
        "kind": ret.kind.kind,
        "term": ret.term.label if ret.term else None,
        "school_name": _text(rec.get("school_name")),
        "school_urn": _text(rec.get("school_urn")),
        "placements": len(placements),
        "children": _children(placements),
        "with_ehcp": _children(placements[placements["sen"] == "E"]),
        "looked_after": _children(placements[placements["looked_after"] == "Y"]),
        "by_provider": _by_provider(placements),
        "provider_registered": {"registered": registered["Y"], "unregistered": registered["N"],
                                NOT_RECORDED: registered[None]},
        "by_placement_reason": _by_code(placements["placement_reason"], C.PLACEMENT_REASON),
        "attendance": _attendance_pct(placements),
        "progress": _by_code(placements["progress"], C.PROGRESS),
        "ended_placements": len(ended),
        "destinations": _by_code(ended["destination"], C.DESTINATION),
    }


# ---------------------------------------------------------------- helpers

def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def _yn(value) -> str | None:
    return value if value in ("Y", "N") else None


def _children(frame: pd.DataFrame) -> int:
    """Distinct children: by UPN, each row without a UPN as one more."""
    keys = {upn if isinstance(upn, str) else ("row", idx) for idx, upn in frame["upn"].items()}
    return len(keys)


def _by_code(series: pd.Series, codes: C.CodeList) -> dict[str, int]:
    """Count of each code in list order (zeros kept, so charts and sums line up), then
    NOT_RECORDED for blanks and values not on the list, when there are any."""
    known = [int(c) if codes.numeric else c for c in codes.codes]
    counts = Counter(v if v in known else None for v in series)
    out = {str(code): counts[code] for code in known}
    if counts[None]:
        out[NOT_RECORDED] = counts[None]
    return out


def _ended(frame: pd.DataFrame, ret: Return) -> pd.DataFrame:
    def ended(end) -> bool:
        return is_date(end) and (ret.term is None or end <= ret.term.end)

    return frame[frame["end_date"].map(ended).astype(bool)]


def _sessions(pupils: pd.DataFrame) -> dict:
    """Sessions summed over rows whose three counts are numbers of 0 or more."""
    keys = ("sessions_possible", "sessions_attended", "sessions_authorised")
    totals = dict.fromkeys(keys, 0)
    for _, row in pupils[list(keys)].iterrows():
        if all(is_num(row[k]) and row[k] >= 0 for k in keys):
            for k in keys:
                totals[k] += row[k]
    possible, attended = totals["sessions_possible"], totals["sessions_attended"]
    return {
        "sessions_possible": totals["sessions_possible"],
        "sessions_attended": attended,
        "sessions_authorised_absence": totals["sessions_authorised"],
        "attendance_pct": round(100 * attended / possible, 1) if possible else None,
    }


def _attendance_pct(placements: pd.DataFrame) -> dict:
    """The school log records a percentage per placement: how many gave one, and their mean."""
    given = [v for v in placements["attendance_pct"] if is_num(v) and 0 <= v <= 100]
    return {
        "placements_with_attendance": len(given),
        "average_attendance_pct": round(sum(given) / len(given), 1) if given else None,
    }


def _by_provider(placements: pd.DataFrame) -> dict[str, int]:
    """Placements per provider name, most first (ties by name); blank names as NOT_RECORDED."""
    counts = Counter(v if isinstance(v, str) else NOT_RECORDED for v in placements["provider_name"])
    return dict(sorted(counts.items(), key=lambda kv: (kv[0] == NOT_RECORDED, -kv[1], kv[0])))


def _notifications(ret: Return) -> dict:
    frame = ret.frame("Notifications")
    late = {hit.index for hit in notified_same_day(ret)}
    return {
        "total": len(frame),
        "on_time": sum(1 for idx in frame.index if idx not in late),
        "late_or_missing": sum(1 for idx in frame.index if idx in late),
        "by_event_type": _by_code(frame["event_type"], C.EVENT_TYPE),
    }
