"""`council_report_shareable.xlsx`: aggregate figures only, small counts suppressed.

What is left out, by design: the Register and every other per-child row; UPNs, names,
dates of birth and postcodes; finding messages and values (they quote UPNs and cells);
file names (a sender may name a file after a child). Providers and schools are named:
they are organisations.

Suppression (see `suppression`): every count of children, placements, qualifications,
events, or reconciliation findings at one school, from 1 to `suppress_below - 1` is shown as
`c`, with secondary
suppression along each table's columns (against the "All" row) and along each
breakdown that adds up to a total (commissioner types to placements, destinations to
ended placements, SEN to children). Rates are hidden when their denominator is small or
when the numerator or its complement is a small count. Counts of files, and of findings by
rule over all files (Data quality), count problems in files, not children: they are shown
as they are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from ..findings import ACCEPTED, REJECTED, UNREADABLE
from ..rules import RULES
from ..spec import KINDS, Kind
from . import measures as M
from .overview import X_CODES, definition_rows, headline_rows, kpi_rows, term_note
from .overview_sheet import write_definitions, write_overview
from .restricted import SHORT_COMMISSIONER
from .suppression import SUPPRESSED, Line, is_small, rate_hidden, suppress
from .xlsx import Col, Styles, add_trend_line_chart, new_workbook, sheet_setup, title_block, write_table


class Suppressor:
    """Applies the workbook's threshold; shared by every sheet."""

    def __init__(self, threshold: int, zeros: bool):
        self.threshold, self.zeros = threshold, zeros

    def table(
        self,
        rows: list[list],
        count_cols: list[int],
        total: list | None = None,
        partitions: list[tuple[list[int], int]] = (),
    ) -> tuple[list[list], list | None]:
        """Suppress the count columns of `rows` (and the `total` row, if given).

        Each count column is a line (its cells add up to the total's cell). `partitions`
        are (member columns, total column) within a row: e.g. commissioner types adding up
        to placements. Returns the rows and total with hidden counts replaced by `c`.
        """
        values: dict = {}
        keys = list(range(len(rows))) + (["total"] if total is not None else [])
        data = {i: rows[i] for i in range(len(rows))}
        if total is not None:
            data["total"] = total
        for k in keys:
            for c in count_cols:
                v = data[k][c]
                values[(k, c)] = v if isinstance(v, (int, float)) and not isinstance(v, bool) else None
        lines = []
        for c in count_cols:
            lines.append(Line(tuple((i, c) for i in range(len(rows))), ("total", c) if total is not None else None))
        for members, tot in partitions:
            for k in keys:
                lines.append(Line(tuple((k, c) for c in members), (k, tot)))
        hidden = suppress(values, lines, self.threshold, self.zeros)
        out_rows = [[SUPPRESSED if (i, c) in hidden else v for c, v in enumerate(row)] for i, row in enumerate(rows)]
        out_total = (
            None if total is None else [SUPPRESSED if ("total", c) in hidden else v for c, v in enumerate(total)]
        )
        return out_rows, out_total

    def rate(self, value, numerator, denominator, numerator_hidden: bool = False):
        if value is None:
            return None
        return SUPPRESSED if rate_hidden(numerator, denominator, self.threshold, numerator_hidden) else value

    def count(self, v):
        return SUPPRESSED if is_small(v, self.threshold, self.zeros) else v

    def attendance(self, m: M.Measures, children_hidden: bool = False):
        """Attendance is a rate of sessions, not children: hidden when there are few children."""
        if m.attendance is None:
            return None
        return SUPPRESSED if children_hidden or m.children < self.threshold else m.attendance


def write_shareable_report(batch, path) -> None:
    cfg = batch.config
    marking = cfg.shareable_marking
    sup = Suppressor(cfg.suppress_below, cfg.suppress_zeros)
    wb = new_workbook(path)
    styles = Styles(wb)
    term_label = batch.term.label if batch.term else "no term"
    wb.set_properties(
        {
            "title": f"Alternative provision: termly figures, {term_label}",
            "subject": "Aggregate AP figures; small numbers suppressed",
            "author": "ap-sheets",
            "company": cfg.council_name,
            "category": marking,
            "keywords": f"{marking}, alternative provision, aggregate, suppressed",
            "comments": f"No child-level data. Counts below {cfg.suppress_below} are shown as c, with secondary "
            "suppression so they cannot be worked out from totals.",
            "created": batch.produced,
        }
    )
    wb.set_custom_property("Classification", marking)
    wb.set_custom_property("Contains personal data", False)
    mline = (
        f"{marking}. Aggregate figures only: no child-level data. Counts from 1 to {cfg.suppress_below - 1} "
        "are shown as c (and one more count where a total would give them away)."
    )
    summary = M.batch_term_measures(batch)
    kpis = _overview(wb, styles, batch, summary, sup, marking, mline)
    _providers(wb, styles, batch, summary, sup, marking, mline)
    _commissioners(wb, styles, batch, summary, sup, marking, mline)
    _trends(wb, styles, batch, sup, marking, mline)
    _data_quality(wb, styles, batch, sup, marking, mline)
    if getattr(batch, "year", None) and getattr(batch, "year_providers", None) is not None:  # with --db
        from .year import write_year_by_provider

        write_year_by_provider(wb, styles, batch, marking, mline, sup)
    write_definitions(
        wb,
        styles,
        marking=marking,
        mline=mline,
        council=cfg.council_name,
        rows=definition_rows(batch, kpis, shareable=True),
    )
    wb.close()


# Headline rows that are not counts of people or events: shown as they are.
NOT_SUPPRESSED = {"providers", "schools", "files", "accepted", "rejected", "unreadable", "differences"}


def suppressed_headline(batch, summary, sup: Suppressor) -> list:
    """The restricted report's headline rows, with small counts of children and events as `c`.

    Secondary suppression along the two breakdowns that add up: children on the register =
    on accepted returns + the others; on accepted returns = EHC plan + SEN support + no SEN."""
    rows = headline_rows(batch, summary, shareable=True)
    by_key = {h.key: h for h in rows}
    values = {h.key: h.value for h in rows if h.kind == "int" and h.key not in NOT_SUPPRESSED}
    lines = [
        Line(("in_figures", "not_in_figures"), "register"),
        Line(("with_ehcp", "sen_support", "no_sen"), "in_figures"),
    ]
    hidden = suppress(values, lines, sup.threshold, sup.zeros)
    m = summary.overall
    out = []
    for h in rows:
        value = h.value
        if h.key in hidden:
            value = SUPPRESSED
        elif h.key == "attendance":
            value = sup.attendance(m, children_hidden="in_figures" in hidden)
        elif h.key == "notifications_on_time":
            value = sup.rate(
                value, summary.notifications_on_time, summary.notifications, numerator_hidden="notifications" in hidden
            )
        out.append(replace(h, value=value))
    assert set(by_key) == {h.key for h in out}
    return out


def _overview(wb, styles, batch, summary, sup: Suppressor, marking, mline):
    cfg = batch.config
    term = batch.term.label if batch.term else "(no returns could be read)"
    m = summary.overall
    kpis = kpi_rows(summary, cfg)
    shown = []
    for k in kpis:
        value = sup.attendance(m) if k.key == "attendance" else sup.rate(k.value, k.numerator, k.denominator)
        hidden = value is SUPPRESSED
        status = k.status if not hidden or k.target is None else "Not shown"
        shown.append((k, value, None if hidden else k.difference, status))
    dests = list(m.destinations.items())
    d_rows, d_total = sup.table([[n] for _, n in dests], [0], total=[m.ended])
    destinations = [
        (d, row[0], None if row[0] is SUPPRESSED or not m.ended else n / m.ended) for (d, n), row in zip(dests, d_rows)
    ]
    comm = list(m.commissioner_placements.items())
    c_rows, c_total = sup.table([[n] for _, n in comm], [0], total=[m.placements])
    write_overview(
        wb,
        styles,
        title=f"Alternative provision: termly figures, {term}",
        marking=marking,
        mline=mline,
        notes=[
            term_note(batch),
            f"Produced {batch.produced:%d/%m/%Y %H:%M} by ap-sheets.",
            cfg.rule_settings_line("plain"),
        ],
        council=cfg.council_name,
        headline=suppressed_headline(batch, summary, sup),
        kpis=shown,
        destinations=destinations,
        destinations_total=("All ended placements", d_total[0], None),
        commissioners=[(SHORT_COMMISSIONER.get(t, t), row[0]) for (t, _), row in zip(comm, c_rows)]
        + [("All placements", c_total[0])],
        commissioner_cols=[Col("Commissioner type"), Col("Placements", "int")],
    )
    return kpis


PROVIDER_COUNT_HEADERS = (
    ["Children", "Placements", "EHC plan", "Looked after"]
    + [SHORT_COMMISSIONER[t] for t in M.COMMISSIONER_TYPES]
    + ["Ended placements"]
    + list(M.DESTINATIONS)
    + ["Destination not recorded", "Qualifications entered", "Qualifications achieved"]
)


def _provider_counts(m: M.Measures) -> list:
    return (
        [m.children, m.placements, m.with_ehcp, m.looked_after]
        + [m.commissioner_placements.get(t, 0) for t in M.COMMISSIONER_TYPES]
        + [m.ended]
        + [m.destinations.get(d, 0) for d in M.DESTINATIONS]
        + [m.destinations.get(M.NOT_RECORDED, 0), m.quals_entered, m.quals_achieved]
    )


def _partitions(offset: int) -> list[tuple[list[int], int]]:
    """Within a count row: commissioner types add up to placements, destinations to ended."""
    nt, nd = len(M.COMMISSIONER_TYPES), len(M.DESTINATIONS)
    comm = list(range(offset + 4, offset + 4 + nt))
    ended = offset + 4 + nt
    dests = list(range(ended + 1, ended + 1 + nd + 1))
    return [(comm, offset + 1), (dests, ended)]


def _providers(wb, styles, batch, summary, sup: Suppressor, marking, mline):
    ws = wb.add_worksheet("Providers")
    sheet_setup(ws, marking, council=batch.config.council_name, wide=True)
    r = title_block(
        ws,
        styles,
        batch.config.council_name,
        "Providers",
        mline,
        [
            "Providers whose return is in the figures, then the others with their return status only.",
        ],
    )
    lines = M.provider_lines(batch)
    in_fig = [ln for ln in lines if ln.measures is not None]
    others = [ln for ln in lines if ln.measures is None]
    lead = 3  # provider, ID, status
    counts = [[ln.name, ln.provider_id, ln.status, *_provider_counts(ln.measures)] for ln in in_fig]
    total = ["All providers in the figures", None, None, *_provider_counts(summary.overall)]
    ncount = len(PROVIDER_COUNT_HEADERS)
    count_cols = list(range(lead, lead + ncount))
    rows, total_row = sup.table(counts, count_cols, total=total, partitions=_partitions(lead))
    out = []
    for ln, row in zip(in_fig, rows):
        m = ln.measures
        out.append(
            row
            + [
                sup.attendance(m, children_hidden=row[lead] is SUPPRESSED),
                sup.rate(m.zero_suspensions_rate, m.zero_suspensions, m.children_with_suspension_counts),
                sup.rate(m.reintegration_rate, m.reintegrated, m.ended),
                sup.rate(m.on_track_rate, m.on_track, m.outcomes_rated),
                ln.registered,
                ln.ofsted,
            ]
            + [ln.compliance.get(c) for c in M.COMPLIANCE_CODES]
        )
    om = summary.overall
    for ln in others:  # rejected returns and providers only on school logs: no figures
        out.append(
            [ln.name, ln.provider_id, ln.status]
            + [None] * (ncount + 6)
            + [ln.compliance.get(c) if ln.compliance else None for c in M.COMPLIANCE_CODES]
        )
    om = summary.overall
    out.append(
        total_row
        + [  # the total, below every provider
            sup.attendance(om),
            sup.rate(om.zero_suspensions_rate, om.zero_suspensions, om.children_with_suspension_counts),
            sup.rate(om.reintegration_rate, om.reintegrated, om.ended),
            sup.rate(om.on_track_rate, om.on_track, om.outcomes_rated),
            None,
            None,
        ]
        + [None] * len(M.COMPLIANCE_CODES)
    )
    cols = [Col("Provider", "text", 40), Col("Provider ID", "text", 12), Col("Return status", "text", 16)]
    cols += [Col(h, "int", 11) for h in PROVIDER_COUNT_HEADERS]
    cols += [
        Col("Attendance", "pct", 11),
        Col("Zero suspensions", "pct", 11),
        Col("Reintegration", "pct", 11),
        Col("Outcomes on track (3-4)", "pct", 11),
        Col("Registered school", "text", 10),
        Col("Ofsted judgement", "text", 16),
    ]
    from .restricted import COMPLIANCE_HEADERS

    cols += [Col(COMPLIANCE_HEADERS[c], "int", 12) for c in M.COMPLIANCE_CODES]
    write_table(ws, styles, r, 0, "tblProviders", cols, out)
    ws.freeze_panes(r + 1, 1)
    ws.repeat_rows(r)
    ws.repeat_columns(0)  # each printed page names the providers
    ws.set_row(r, 45, styles.wrap)


def _commissioners(wb, styles, batch, summary, sup: Suppressor, marking, mline):
    ws = wb.add_worksheet("Commissioners")
    sheet_setup(ws, marking, council=batch.config.council_name, wide=True)
    r = title_block(
        ws,
        styles,
        batch.config.council_name,
        "Commissioners",
        mline,
        [
            "Left: by commissioner type. Right: by school that placed children or sent a placement log.",
        ],
    )
    types = M.commissioner_type_measures(batch)
    om = summary.overall
    rows = [
        [SHORT_COMMISSIONER.get(t, t), m.children, m.placements, m.with_ehcp, m.looked_after, m.ended, m.reintegrated]
        for t, m in types.items()
    ]
    total = ["All commissioners", om.children, om.placements, om.with_ehcp, om.looked_after, om.ended, om.reintegrated]
    rows, total = sup.table(rows, [1, 2, 3, 4, 5, 6], total=total)
    out = []
    for row, m in zip(rows, list(types.values())):
        out.append([*row, sup.attendance(m), sup.rate(m.reintegration_rate, m.reintegrated, m.ended)])
    out.append([*total, sup.attendance(om), sup.rate(om.reintegration_rate, om.reintegrated, om.ended)])
    tcols = [
        Col("Commissioner type", "text", 30),
        Col("Children", "int", 10),
        Col("Placements", "int", 10),
        Col("EHC plan", "int", 9),
        Col("Looked after", "int", 9),
        Col("Ended placements", "int", 10),
        Col("Reintegrated", "int", 11),
        Col("Attendance", "pct", 11),
        Col("Reintegration", "pct", 11),
    ]
    write_table(ws, styles, r, 0, "tblCommissionerTypes", tcols, out)
    schools = M.school_lines(batch)
    srows = [
        [
            s.name,
            s.urn,
            s.log_status,
            s.measures.children,
            s.measures.placements,
            s.measures.ended,
            s.measures.reintegrated,
            s.x001,
            s.x002,
        ]
        for s in schools
    ]
    stotal = [
        "All schools",
        None,
        None,
        sum(s.measures.children for s in schools),
        sum(s.measures.placements for s in schools),
        sum(s.measures.ended for s in schools),
        sum(s.measures.reintegrated for s in schools),
        sum(s.x001 for s in schools),
        sum(s.x002 for s in schools),
    ]
    srows, stotal = sup.table(srows, [3, 4, 5, 6, 7, 8], total=stotal)
    scols = [
        Col("School", "text", 40),
        Col("School URN", "text", 10),
        Col("Placement log", "text", 14),
        Col("Children placed", "int", 10),
        Col("Placements", "int", 10),
        Col("Ended placements", "int", 10),
        Col("Reintegrated", "int", 11),
        Col("X001 not on the school's log", "int", 12),
        Col("X002 not on a provider return", "int", 12),
    ]
    left = len(tcols) + 1
    write_table(ws, styles, r, left, "tblSchools", scols, [*srows, stotal])
    ws.set_column(len(tcols), len(tcols), 3)
    ws.freeze_panes(r + 1, 0)
    ws.repeat_rows(r)
    ws.set_row(r, 45, styles.wrap)


def _trends(wb, styles, batch, sup: Suppressor, marking, mline):
    cfg = batch.config
    ws = wb.add_worksheet("Trends")
    sheet_setup(ws, marking, council=batch.config.council_name)
    r = title_block(
        ws,
        styles,
        batch.config.council_name,
        "Trends: the headline figures term by term",
        mline,
        [
            "One row per term with accepted returns in the folder.",
        ],
    )
    rows = []
    for term in batch.trend_terms:
        tm = M.batch_term_measures(batch, term)
        m = tm.overall
        rows.append(
            [
                term.label,
                tm.providers,
                tm.schools,
                sup.count(m.children),
                sup.count(m.with_ehcp),
                sup.count(m.looked_after),
                sup.count(m.placements),
                sup.attendance(m),
                cfg.national_attendance_pct / 100,
                sup.rate(m.zero_suspensions_rate, m.zero_suspensions, m.children_with_suspension_counts),
                sup.rate(m.reintegration_rate, m.reintegrated, m.ended),
            ]
        )
    cols = [
        Col("Term", "text", 16),
        Col("Providers", "int", 10),
        Col("Schools", "int", 9),
        Col("Children", "int", 10),
        Col("EHC plan", "int", 9),
        Col("Looked after", "int", 9),
        Col("Placements", "int", 10),
        Col("Attendance", "pct", 11),
        Col("National comparator", "pct", 11),
        Col("Zero suspensions", "pct", 11),
        Col("Reintegration", "pct", 11),
    ]
    write_table(ws, styles, r, 0, "tblTrends", cols, rows)
    ws.freeze_panes(r + 1, 1)
    ws.repeat_rows(r)
    ws.set_row(r, 45, styles.wrap)
    n = max(len(rows), 1)
    add_trend_line_chart(wb, ws, r, n, cols)


def _data_quality(wb, styles, batch, sup: Suppressor, marking, mline):
    ws = wb.add_worksheet("Data quality")
    sheet_setup(ws, marking, council=batch.config.council_name, wide=True)
    statuses = Counter(r.status for r in batch.results)
    r = title_block(
        ws,
        styles,
        batch.config.council_name,
        "Data quality",
        mline,
        [
            f"{len(batch.results)} files: {statuses.get(ACCEPTED, 0)} accepted, {statuses.get(REJECTED, 0)} rejected, "
            f"{statuses.get(UNREADABLE, 0)} unreadable. Left: each return. Right: findings by rule, "
            "all files together.",
        ],
    )
    rows = []
    for res in batch.results:
        if res.kind == Kind.PROVIDER_RETURN:
            name, ident = res.record.get("provider_name"), res.record.get("provider_id")
        elif res.kind == Kind.SCHOOL_LOG:
            name, ident = res.record.get("school_name"), res.record.get("school_urn")
        else:
            name, ident = "(not a standard return)" if res.status != UNREADABLE else "(unreadable file)", None
        rows.append(
            [
                KINDS[res.kind].title if res.kind in KINDS else None,
                name if isinstance(name, str) else None,
                ident if isinstance(ident, str) else None,
                res.term.label if res.term else None,
                res.status,
                "Yes" if batch.decisions.get(res.file) == "Yes" else "No",
            ]
        )
    rows.sort(key=lambda row: (row[0] or "~", (row[1] or "").casefold(), row[2] or ""))
    fcols = [
        Col("Kind", "text", 24),
        Col("Provider or school", "text", 30),
        Col("ID or URN", "text", 10),
        Col("Term", "text", 15),
        Col("Status", "text", 10),
        Col("In the figures", "text", 10),
    ]
    write_table(ws, styles, r, 0, "tblReturns", fcols, rows)
    issues = Counter(f.code for res in batch.results for f in res.report.issues)
    files_with = Counter(code for res in batch.results for code in {f.code for f in res.report.issues})
    x = Counter(f.code for f in batch.cross)
    codes = [c for c in RULES if issues.get(c) or x.get(c)]
    # Findings count problems in files, not children: shown as they are.
    code_rows = [
        [
            c,
            RULES[c].severity,
            RULES[c].title,
            issues.get(c, 0) + x.get(c, 0),
            files_with.get(c) if c not in X_CODES else None,
        ]
        for c in codes
    ]
    ccols = [
        Col("Code", "text", 7),
        Col("Severity", "text", 8),
        Col("Rule", "wrap", 60),
        Col("Findings", "int", 9),
        Col("Files", "int", 7),
    ]
    left = len(fcols) + 1
    write_table(ws, styles, r, left, "tblRules", ccols, code_rows)
    ws.set_column(len(fcols), len(fcols), 3)
    ws.freeze_panes(r + 1, 0)
    ws.repeat_rows(r)
