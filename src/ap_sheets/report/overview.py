"""The Overview's rows (headline figures, KPIs, destinations) and `summary.json`: shared by
both workbooks so the restricted and shareable reports and the JSON always agree."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..findings import ACCEPTED, REJECTED, UNREADABLE
from . import measures as M

X_CODES = ("X001", "X002", "X003", "X004", "X005")


def term_note(batch) -> str:
    if batch.term is None:
        return "No return gave a term that could be read, so there are no figures: see Data quality."
    how = {"given": "as asked", "latest held": "the latest term in the register database"}.get(
        batch.term_source, "the term most returns are for")
    others = Counter(r.term.label for r in batch.other_term_files)
    tail = ""
    if others:
        tail = " Returns for other terms (" + ", ".join(f"{t}: {n}" for t, n in sorted(others.items())) + \
               ") are left out of these figures and used only in Trends."
    return f"Term: {batch.term.label} ({how}).{tail}"


def headline_rows(batch, summary: M.TermMeasures) -> list[tuple]:
    """(label, value, note, kind) for the Overview's headline table."""
    m = summary.overall
    statuses = Counter(r.status for r in batch.results)
    school_only = sum(1 for e in M.register(batch) if not e.placements)
    x = Counter(f.code for f in batch.cross)
    rows = [
        ("Children in AP (on accepted provider returns)", m.children, "once each, by UPN", "int"),
        ("  with an EHC plan", m.with_ehcp, "§14.4a", "int"),
        ("  with SEN support", m.sen_support, None, "int"),
        ("  looked after", m.looked_after, "§14.4a", "int"),
        ("Placements", m.placements, "rows on provider returns", "int"),
        ("Providers (returns in the figures)", summary.providers, None, "int"),
        ("Schools (placement logs in the figures)", summary.schools, None, "int"),
        ("Placements open this term on school logs", summary.school_log_placements, None, "int"),
        ("Children only on school logs", school_only, "see Register and X002", "int"),
        ("Attendance", m.attendance, "sessions attended / possible", "pct"),
        ("Ended placements", m.ended, None, "int"),
        ("Qualifications entered", m.quals_entered, "§14.1g", "int"),
        ("Qualifications achieved", m.quals_achieved, "§14.1g", "int"),
        ("Suspensions (total this term)", m.suspensions, None, "int"),
        ("Safeguarding concerns", m.safeguarding_concerns, "§14.1k", "int"),
        ("Behaviour incidents", m.behaviour_incidents, "§14.1l", "int"),
        ("Notifications", summary.notifications, "§13.17, §14.7", "int"),
        ("Notifications made on time", summary.notifications_on_time_rate, "same day", "pct"),
        ("Complaints", summary.complaints, "§14.8", "int"),
        ("  still open", summary.complaints_open, None, "int"),
        ("Compliments", summary.compliments, "§14.1j", "int"),
        ("Files accepted", statuses.get(ACCEPTED, 0), "see Data quality", "int"),
        ("Files rejected", statuses.get(REJECTED, 0), "errors to fix", "int"),
        ("Files unreadable", statuses.get(UNREADABLE, 0), None, "int"),
    ]
    rows += [(f"Reconciliation {code}", x.get(code, 0), "see Reconciliation", "int") for code in X_CODES]
    return rows


@dataclass
class KPI:
    key: str
    label: str
    value: float | None  # fraction
    target: float | None  # fraction
    higher_is_better: bool
    basis: str
    numerator: int | None = None
    denominator: int | None = None

    @property
    def difference(self) -> float | None:
        if self.value is None or self.target is None:
            return None
        return round((self.value - self.target) * 100, 1)

    @property
    def status(self) -> str:
        if self.value is None:
            return "No data"
        if self.target is None:
            return "No target set"
        met = self.value >= self.target if self.higher_is_better else self.value <= self.target
        return "Met" if met else "Not met"


def _pct(v) -> float | None:
    return None if v is None else v / 100


def kpi_rows(summary: M.TermMeasures, cfg) -> list[KPI]:
    m = summary.overall
    return [
        KPI("attendance", "Attendance", m.attendance, _pct(cfg.national_attendance_pct), True,
            f"Sessions attended / possible. Comparator: {cfg.national_attendance_label}.",
            m.sessions_attended, m.sessions_possible),
        KPI("zero_suspensions", "Children with zero suspensions", m.zero_suspensions_rate,
            _pct(cfg.zero_suspensions_target_pct), True, "H&F target: 85% of pupils receive zero suspensions.",
            m.zero_suspensions, m.children_with_suspension_counts),
        KPI("zero_permanent_exclusions", "Children with zero permanent exclusions", m.zero_permanent_exclusions_rate,
            _pct(cfg.zero_permanent_exclusions_target_pct), True,
            "H&F target: 95% receive zero permanent exclusions (from Notifications).",
            m.zero_permanent_exclusions, m.children),
        KPI("reintegration", "Ended placements: back to mainstream", m.reintegration_rate,
            _pct(cfg.reintegration_target_pct), True,
            "Returned to home school or new mainstream school, of all ended placements.",
            m.reintegrated, m.ended),
        KPI("neet", "Ended placements: NEET", m.neet_rate, _pct(cfg.neet_max_pct), False,
            "Destination NEET, of all ended placements (target is a maximum).", m.neet, m.ended),
        KPI("outcomes_on_track", f"Placements on track for outcomes ({cfg.on_track_min_rating}-4)", m.on_track_rate,
            _pct(cfg.outcomes_on_track_target_pct), True,
            "Progress towards outcomes rated Mostly or better, of placements with a rating.",
            m.on_track, m.outcomes_rated),
        KPI("engaged", "Placements mostly or fully engaged (3-4)", m.engaged_rate, None, True,
            "Engagement rated 3 or 4, of placements with a rating.", m.engaged, m.engagement_rated),
        KPI("notifications_on_time", "Notifications made on time", summary.notifications_on_time_rate, None, True,
            "Same-day duty (§13.17, §14.7): notifications with no R040 query.",
            summary.notifications_on_time, summary.notifications),
    ]


def destination_rows(m: M.Measures) -> list[tuple]:
    total = m.ended
    return [(d, n, (n / total) if total else None) for d, n in m.destinations.items()]


def _round_pct(v) -> float | None:
    return None if v is None else round(v * 100, 1)


def build_summary(batch) -> dict:
    """`summary.json`: the contract's keys first, then extra detail for scripts."""
    cfg = batch.config
    tm = M.batch_term_measures(batch)
    m = tm.overall
    statuses = Counter(r.status for r in batch.results)
    issues = Counter(f.code for r in batch.results for f in r.report.issues)
    x = Counter(f.code for f in batch.cross)
    kpis = kpi_rows(tm, cfg)
    other_terms = Counter(r.term.label for r in batch.other_term_files)
    return {
        "term": batch.term.label if batch.term else None,
        "files": {"accepted": statuses.get(ACCEPTED, 0), "rejected": statuses.get(REJECTED, 0),
                  "unreadable": statuses.get(UNREADABLE, 0)},
        "children": m.children,
        "with_ehcp": m.with_ehcp,
        "looked_after": m.looked_after,
        "providers": tm.providers,
        "issues_by_code": dict(sorted(issues.items())),
        "reconciliation": {code: x.get(code, 0) for code in X_CODES},
        # ---- more detail ----
        "term_chosen": batch.term_source,
        "schools": tm.schools,
        "placements": m.placements,
        "sen_support": m.sen_support,
        "attendance_pct": _round_pct(m.attendance),
        "national_attendance_pct": cfg.national_attendance_pct,
        "ended_placements": m.ended,
        "destinations": dict(m.destinations),
        "kpis": {k.key: {"value_pct": _round_pct(k.value), "target_pct": _round_pct(k.target),
                         "status": k.status, "numerator": k.numerator, "denominator": k.denominator}
                 for k in kpis},
        "files_detail": {
            "total": len(batch.results),
            "in_figures": len(batch.accepted),
            "other_terms": dict(sorted(other_terms.items())),
            "superseded": [{"file": f, "instead_used": used} for f, used in sorted(batch.superseded.items())],
            "rejected": [r.file for r in batch.results if r.status == REJECTED],
            "unreadable": [r.file for r in batch.results if r.status == UNREADABLE],
        },
        "suppress_below": cfg.suppress_below,
        "outputs": ["council_report.xlsx", "council_report_shareable.xlsx", "summary.json"],
    }
