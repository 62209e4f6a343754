"""The Overview's rows (headline figures, KPIs, destinations) and `summary.json`: shared by
both workbooks so the restricted and shareable reports and the JSON always agree."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..findings import ACCEPTED, REJECTED, UNREADABLE
from ..spec import Kind
from . import measures as M

X_CODES = ("X001", "X002", "X003", "X004", "X005", "X006")
DIRECTORY_X_CODES = ("X007", "X008", "X009")  # only when an AP Directory was used


def x_codes(batch) -> tuple[str, ...]:
    """The X codes checked in this run: X007-X009 only when an AP Directory was used."""
    used = getattr(getattr(batch, "directory", None), "directory", None) is not None
    return X_CODES + DIRECTORY_X_CODES if used else X_CODES


def term_note(batch) -> str:
    if batch.term is None:
        return "No return gave a term that could be read, so there are no figures: see Data quality."
    how = {"given": "as asked", "latest held": "the latest term in the register database"}.get(
        batch.term_source, "the term most returns are for"
    )
    others = Counter(r.term.label for r in batch.other_term_files)
    tail = ""
    if others:
        tail = (
            " Returns for other terms ("
            + ", ".join(f"{t}: {n}" for t, n in sorted(others.items()))
            + ") are left out of these figures and used only in Trends."
        )
    return f"Term: {batch.term.label} ({how}).{tail}"


def definition_rows(batch, kpis: list[KPI], shareable: bool = False) -> list[tuple[str, str, str]]:
    """(term, what it means, where it comes from) for the Definitions sheet: the place for
    section references (§, the council's AP strategy), rule codes and settings."""
    from ..rules import RULES

    cfg = batch.config
    rows = [
        ("Registration test", cfg.rule_settings_line("full"), "settings: registration_test, full_time_hours"),
        (
            "Children on the register",
            "Every child in AP this term, once each by UPN: on any provider return or "
            "school placement log for the term that could be read, accepted or not.",
            "§11.5 (single register)",
        ),
        (
            "Children in the figures",
            "Children on accepted provider returns for the term. Only accepted returns "
            "are counted, one per provider and per school (a second return for the same term is X005).",
            "§14.4a",
        ),
        (
            "Only on school logs or rejected returns",
            "Children on the register who are on no accepted provider "
            "return: their provider's return was rejected or not sent, or the school's log names a placement the "
            "provider did not return (X002).",
            "X002; Data quality",
        ),
        (
            "EHC plan, SEN support, looked after",
            "SEN provision E (EHC plan) or K (SEN support), and Looked after = Y, on any of the child's rows.",
            "§14.4a",
        ),
        ("Ended placement", "A placement with an end date on or before the last day of term.", "§14.1"),
        ("Qualifications", "Qualifications entered and achieved this term, as providers record them.", "§14.1g"),
        ("Safeguarding concerns, behaviour incidents", "As providers record them for the term.", "§14.1k, §14.1l"),
        (
            "Notifications",
            "Events a provider must tell the council about on the same day (e.g. a permanent "
            "exclusion, a child missing education).",
            "§13.17, §14.7; R040 when late",
        ),
        ("Complaints and compliments", "As providers record them for the term.", "§14.8, §14.1j"),
    ]
    for k in kpis:
        target = k.target_words + (f" ({cfg.national_attendance_label})" if k.comparator else "")
        rows.append((k.label, f"{k.basis}. {target}.", k.source))
    rows.append(
        (
            "Rejected return",
            "A return with at least one error: listed in Data quality with its findings, "
            "left out of the figures until it is corrected and sent again.",
            "rules R001-R060",
        )
    )
    for code in X_CODES:
        if code in RULES:
            rows.append((f"Difference {code}", RULES[code].title, f"{code} ({RULES[code].severity})"))
    for code in ("R030", "R031", "R032", "R033", "R034", "R035"):
        if code in RULES:
            rows.append((f"Compliance flag {code}", RULES[code].title, f"{code} ({RULES[code].severity})"))
    if shareable:
        rows.append(
            (
                "c",
                f"A count from 1 to {cfg.suppress_below - 1} of children, placements or events is shown "
                "as c, and one more count where a total would give it away. A rate is not shown when it "
                "rests on a small count.",
                f"setting suppress_below ({cfg.suppress_below})",
            )
        )
    return rows


@dataclass(frozen=True)
class RegisterCounts:
    """Children on the Register and how many of them the figures count."""

    on_register: int
    in_figures: int  # on accepted provider returns
    on_rejected_returns: int  # on a rejected provider return, on no accepted one
    only_on_school_logs: int  # on no provider return that could be read

    @property
    def not_in_figures(self) -> int:
        return self.on_register - self.in_figures


def register_counts(batch) -> RegisterCounts:
    entries = M.register(batch)
    in_figures = sum(e.in_figures for e in entries)
    rejected = sum(1 for e in entries if not e.in_figures and e.placements)
    return RegisterCounts(len(entries), in_figures, rejected, len(entries) - in_figures - rejected)


def children_sentence(rc: RegisterCounts) -> str:
    """The headline child count said once, the same way everywhere (terminal, Overview notes)."""
    if rc.not_in_figures == 0:
        return f"{rc.on_register:,} children on the register, all on accepted provider returns"
    return (
        f"{rc.on_register:,} children on the register: {rc.in_figures:,} on accepted provider returns "
        f"(in the figures), {rc.not_in_figures:,} only on school logs or rejected returns (not in the figures)"
    )


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: object
    note: str
    kind: str = "int"  # int or pct


OF_FIGURES = "of the children on accepted provider returns"


def headline_rows(batch, summary: M.TermMeasures, shareable: bool = False) -> list[Headline]:
    """The Overview's headline figures, in plain words: the same rows in both workbooks (the
    shareable one suppresses small counts and points to no sheet it does not have).
    Definitions and sources are on Definitions."""
    m = summary.overall

    def see(sheet: str) -> str:
        return "" if shareable else f" (see {sheet})"

    rc = register_counts(batch)
    statuses = Counter(r.status for r in batch.results)
    H = Headline
    return [
        H(
            "register",
            "Children on the register",
            rc.on_register,
            "every child in AP this term, on any return or school log, once each",
        ),
        H(
            "in_figures",
            "  on accepted provider returns",
            m.children,
            "the figures on this page are about these children",
        ),
        H(
            "not_in_figures",
            "  only on school logs or rejected returns",
            rc.not_in_figures,
            "not in the figures until their provider's return is accepted" + see("Register"),
        ),
        H("with_ehcp", "With an EHC plan", m.with_ehcp, OF_FIGURES),
        H("sen_support", "With SEN support", m.sen_support, OF_FIGURES),
        H("no_sen", "With no SEN", m.children - m.with_ehcp - m.sen_support, OF_FIGURES),
        H("looked_after", "Looked after", m.looked_after, OF_FIGURES),
        H("placements", "Placements", m.placements, "on accepted provider returns"),
        H("providers", "Providers in the figures", summary.providers, "providers whose return was accepted"),
        H("schools", "Schools in the figures", summary.schools, "schools whose placement log was accepted"),
        H("attendance", "Attendance", m.attendance, "sessions attended, of sessions possible", "pct"),
        H("ended", "Ended placements", m.ended, "ended on or before the last day of term"),
        H("quals_entered", "Qualifications entered", m.quals_entered, "this term"),
        H("quals_achieved", "Qualifications achieved", m.quals_achieved, "this term"),
        H("suspensions", "Suspensions", m.suspensions, "all suspensions this term"),
        H("safeguarding", "Safeguarding concerns", m.safeguarding_concerns, "raised by providers this term"),
        H("behaviour", "Behaviour incidents", m.behaviour_incidents, "recorded by providers this term"),
        H(
            "notifications",
            "Notifications to the council",
            summary.notifications,
            "events a provider must report the same day, e.g. a permanent exclusion",
        ),
        H(
            "notifications_on_time",
            "  made on the same day",
            summary.notifications_on_time_rate,
            "of notifications",
            "pct",
        ),
        H("complaints", "Complaints", summary.complaints, "received by providers this term"),
        H("complaints_open", "  still open", summary.complaints_open, "at the end of term"),
        H("compliments", "Compliments", summary.compliments, "received by providers this term"),
        H("files", "Returns received", len(batch.results), "every file in the folder (see Data quality)"),
        H("accepted", "  accepted", statuses.get(ACCEPTED, 0), "in the figures unless for another term"),
        H("rejected", "  rejected", statuses.get(REJECTED, 0), "errors to fix before they count"),
        H("unreadable", "  unreadable", statuses.get(UNREADABLE, 0), "could not be opened or are not returns"),
        H(
            "differences",
            "Differences between provider returns and school logs",
            len(batch.cross),
            "children or returns to look into" + see("Reconciliation"),
        ),
    ]


@dataclass
class KPI:
    key: str
    label: str
    value: float | None  # fraction
    target: float | None  # fraction
    higher_is_better: bool
    basis: str  # what it measures, in plain words (no rule codes or section references)
    numerator: int | None = None
    denominator: int | None = None
    comparator: bool = False  # the target is a comparator (national figure), not a target
    source: str = ""  # for the Definitions sheet: where it comes from, the setting that sets it

    @property
    def difference(self) -> float | None:
        if self.value is None or self.target is None:
            return None
        return round((self.value - self.target) * 100, 1)

    @property
    def status(self) -> str:
        if self.target is None:
            return "No target set"
        if self.value is None:
            return "No data"
        if self.comparator:
            return "Above comparator" if self.value >= self.target else "Below comparator"
        met = self.value >= self.target if self.higher_is_better else self.value <= self.target
        return "Met" if met else "Not met"

    @property
    def target_words(self) -> str:
        if self.target is None:
            return "No target set"
        pct = f"{self.target * 100:g}%"
        if self.comparator:
            return f"Comparator: {pct}"
        return f"Target: at least {pct}" if self.higher_is_better else f"Target: at most {pct}"


def _pct(v) -> float | None:
    return None if v is None else v / 100


def kpi_rows(summary: M.TermMeasures, cfg) -> list[KPI]:
    """Every indicator, targets and wording from the council's settings. Indicators with a
    target come first, lower-is-better ones (NEET) last among them, so charts compare like
    with like."""
    m = summary.overall
    setting = "setting {}".format
    kpis = [
        KPI(
            "attendance",
            "Attendance",
            m.attendance,
            _pct(cfg.national_attendance_pct),
            True,
            "Sessions attended, of sessions possible, against the national figure",
            m.sessions_attended,
            m.sessions_possible,
            comparator=True,
            source="H&F priority 2; " + setting("national_attendance_pct"),
        ),
        KPI(
            "zero_suspensions",
            "Children with no suspensions",
            m.zero_suspensions_rate,
            _pct(cfg.zero_suspensions_target_pct),
            True,
            "Children with no suspension this term, over all their placements",
            m.zero_suspensions,
            m.children_with_suspension_counts,
            source="H&F priority 3; " + setting("zero_suspensions_target_pct"),
        ),
        KPI(
            "zero_permanent_exclusions",
            "Children with no permanent exclusion",
            m.zero_permanent_exclusions_rate,
            _pct(cfg.zero_permanent_exclusions_target_pct),
            True,
            "Children with no permanent exclusion notified this term",
            m.zero_permanent_exclusions,
            m.children,
            source="H&F priority 3; " + setting("zero_permanent_exclusions_target_pct"),
        ),
        KPI(
            "reintegration",
            "Ended placements: back to mainstream school",
            m.reintegration_rate,
            _pct(cfg.reintegration_target_pct),
            True,
            "Back in a mainstream school (their own or a new one), of ended placements",
            m.reintegrated,
            m.ended,
            source="H&F priority 4; " + setting("reintegration_target_pct"),
        ),
        KPI(
            "neet",
            "Ended placements: not in education, employment or training",
            m.neet_rate,
            _pct(cfg.neet_max_pct),
            False,
            "Ended placements with destination NEET (lower is better)",
            m.neet,
            m.ended,
            source=setting("neet_max_pct") + " (a maximum)",
        ),
        KPI(
            "outcomes_on_track",
            "Placements on track for their outcomes",
            m.on_track_rate,
            _pct(cfg.outcomes_on_track_target_pct),
            True,
            f"Progress towards outcomes rated {cfg.on_track_min_rating} or better (of 4), of rated placements",
            m.on_track,
            m.outcomes_rated,
            source=setting("outcomes_on_track_target_pct") + "; " + setting("on_track_min_rating"),
        ),
        KPI(
            "engaged",
            "Placements where the child is engaged",
            m.engaged_rate,
            None,
            True,
            "Engagement rated 3 or 4 (of 4), of rated placements",
            m.engaged,
            m.engagement_rated,
            source="§14.1; no setting",
        ),
        KPI(
            "notifications_on_time",
            "Notifications made on the same day",
            summary.notifications_on_time_rate,
            None,
            True,
            "Notifications the council had on the day of the event",
            summary.notifications_on_time,
            summary.notifications,
            source="§13.17, §14.7 (rule R040); no setting",
        ),
    ]
    with_target = [k for k in kpis if k.target is not None]
    return sorted(with_target, key=lambda k: not k.higher_is_better) + [k for k in kpis if k.target is None]


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
    # The returns: an AP Directory left in the folder is named apart, not counted as one.
    returns = [r for r in batch.results if r.kind != Kind.AP_DIRECTORY]
    statuses = Counter(r.status for r in returns)
    issues = Counter(f.code for r in returns for f in r.report.issues)
    x = Counter(f.code for f in batch.cross)
    kpis = kpi_rows(tm, cfg)
    rc = register_counts(batch)
    other_terms = Counter(r.term.label for r in batch.other_term_files)
    return {
        "term": batch.term.label if batch.term else None,
        "files": {
            "accepted": statuses.get(ACCEPTED, 0),
            "rejected": statuses.get(REJECTED, 0),
            "unreadable": statuses.get(UNREADABLE, 0),
        },
        "children": m.children,
        "children_on_register": rc.on_register,
        "with_ehcp": m.with_ehcp,
        "looked_after": m.looked_after,
        "providers": tm.providers,
        "issues_by_code": dict(sorted(issues.items())),
        "reconciliation": {code: x.get(code, 0) for code in x_codes(batch)},
        "directory": batch.directory.summary() if getattr(batch, "directory", None) is not None else None,
        # ---- more detail ----
        "registration_test": cfg.registration_test,
        "full_time_hours": cfg.full_time_hours,
        "term_chosen": batch.term_source,
        "children_not_in_figures": {
            "on_rejected_provider_returns": rc.on_rejected_returns,
            "only_on_school_logs": rc.only_on_school_logs,
        },
        "schools": tm.schools,
        "placements": m.placements,
        "sen_support": m.sen_support,
        "attendance_pct": _round_pct(m.attendance),
        "national_attendance_pct": cfg.national_attendance_pct,
        "ended_placements": m.ended,
        "destinations": dict(m.destinations),
        "kpis": {
            k.key: {
                "value_pct": _round_pct(k.value),
                "target_pct": _round_pct(k.target),
                "status": k.status,
                "numerator": k.numerator,
                "denominator": k.denominator,
            }
            for k in kpis
        },
        "files_detail": {
            "total": len(returns),
            "directories": [r.file for r in batch.results if r.kind == Kind.AP_DIRECTORY],
            "in_figures": len(batch.accepted),
            "other_terms": dict(sorted(other_terms.items())),
            "superseded": [{"file": f, "instead_used": used} for f, used in sorted(batch.superseded.items())],
            "rejected": [r.file for r in returns if r.status == REJECTED],
            "unreadable": [r.file for r in returns if r.status == UNREADABLE],
        },
        "suppress_below": cfg.suppress_below,
        "outputs": ["council_report.xlsx", "council_report_shareable.xlsx", "summary.json"],
    }
