"""`council_report.xlsx`: the AP team's full report, register included (OFFICIAL-SENSITIVE).

Sheets: Overview (headline figures, KPIs against targets, destinations, charts), Providers,
Commissioners, Register (every child once, §11.5), Reconciliation (X001-X006), Data
quality (every file), Findings (every finding in every file), Trends (term by term, chart).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from ..findings import display_value
from ..rules import RULES
from ..spec import KINDS, Kind
from . import measures as M
from .overview import (
    definition_rows,
    destination_rows,
    headline_rows,
    kpi_rows,
    term_note,
    x_codes,
)
from .overview_sheet import write_definitions, write_overview
from .xlsx import Col, Styles, add_trend_line_chart, new_workbook, sheet_setup, title_block, write_table

COMPLIANCE_HEADERS = {
    "R030": "R030 over 18 h (unregistered)",
    "R031": "R031 must register",
    "R032": "R032 Ofsted RI/Inadequate",
    "R033": "R033 QA visit due",
    "R034": "R034 staff DBS",
    "R035": "R035 insurance or CP training",
}
SHORT_COMMISSIONER = {
    "School": "By schools",
    "LA SEND": "LA SEND",
    "LA Virtual School": "LA Virtual School",
    "LA Exclusions and Reintegration": "LA Exclusions and Reintegration",
    "LA Medical Needs": "LA Medical Needs",
    "Parent": "Parents",
    M.NOT_RECORDED: "Commissioner not recorded",
}


def write_council_report(batch, path) -> None:
    cfg = batch.config
    marking = cfg.restricted_marking
    wb = new_workbook(path)
    styles = Styles(wb)
    term_label = batch.term.label if batch.term else "no term"
    wb.set_properties(
        {
            "title": f"Alternative provision: council termly report, {term_label}",
            "subject": "Consolidated AP returns: register, figures, reconciliation and data quality",
            "author": "ap-sheets",
            "company": cfg.council_name,
            "category": marking,
            "keywords": f"{marking}, alternative provision, termly report",
            "comments": f"{marking}: holds personal data about children (the Register). Do not share outside "
            "the council's AP team; share council_report_shareable.xlsx instead.",
            "created": batch.produced,
        }
    )
    wb.set_custom_property("Classification", marking)
    wb.set_custom_property("Contains personal data", True)
    summary = M.batch_term_measures(batch)
    mline = (
        f"{marking}: holds personal data about children. For the council's AP team only; share "
        "council_report_shareable.xlsx instead."
    )

    kpis = _overview(wb, styles, batch, summary, marking, mline)
    _providers(wb, styles, batch, marking, mline)
    _commissioners(wb, styles, batch, marking, mline)
    _register(wb, styles, batch, marking, mline)
    _reconciliation(wb, styles, batch, marking, mline)
    if getattr(getattr(batch, "directory", None), "directory", None) is not None:  # consolidate --directory
        from .directory import write_directory_sheet

        write_directory_sheet(wb, styles, batch, marking, mline)
    _data_quality(wb, styles, batch, marking, mline)
    _findings(wb, styles, batch, marking, mline)
    _trends(wb, styles, batch, marking, mline)
    if getattr(batch, "year", None):  # with the register database
        from .year import write_year_sheet

        write_year_sheet(wb, styles, batch, marking, mline)
    write_definitions(
        wb, styles, marking=marking, mline=mline, council=cfg.council_name, rows=definition_rows(batch, kpis)
    )
    wb.close()


# ---- Overview and Definitions ------------------------------------------------------------------
def _overview(wb, styles, batch, summary, marking, mline):
    cfg = batch.config
    term = batch.term.label if batch.term else "(no returns could be read)"
    kpis = kpi_rows(summary, cfg)
    om = summary.overall
    write_overview(
        wb,
        styles,
        title=f"Alternative provision: council termly report, {term}",
        marking=marking,
        mline=mline,
        notes=[
            term_note(batch),
            f"Produced {batch.produced:%d/%m/%Y %H:%M} by ap-sheets from "
            f"{len(batch.results)} file{'s' * (len(batch.results) != 1)}.",
            cfg.rule_settings_line("plain"),
        ],
        council=cfg.council_name,
        headline=headline_rows(batch, summary),
        kpis=[(k, k.value, k.difference, k.status) for k in kpis],
        destinations=destination_rows(om),
        destinations_total=("All ended placements", om.ended, None),
        commissioners=[
            (SHORT_COMMISSIONER.get(t, t), n, om.commissioner_children.get(t, 0))
            for t, n in om.commissioner_placements.items()
        ]
        + [("All placements", om.placements, om.children)],
        commissioner_cols=[Col("Commissioner type"), Col("Placements", "int"), Col("Children", "int_left")],
    )
    return kpis


# ---- Providers ------------------------------------------------------------------------------
PROVIDER_COLS = (
    [
        Col("Provider", "text", 40),
        Col("Provider ID", "text", 12),
        Col("Return status", "text", 16),
        Col("Registered school", "text", 10),
        Col("Ofsted judgement", "text", 16),
        Col("Children", "int", 10),
        Col("Placements", "int", 10),
        Col("EHC plan", "int", 9),
        Col("Looked after", "int", 9),
    ]
    + [Col(SHORT_COMMISSIONER[t], "int", 11) for t in M.COMMISSIONER_TYPES]
    + [
        Col("Attendance", "pct", 11),
        Col("Outcomes on track (3-4)", "pct", 11),
        Col("Fully on track (4)", "pct", 10),
        Col("Zero suspensions", "pct", 11),
        Col("Qualifications entered", "int", 11),
        Col("Qualifications achieved", "int", 11),
        Col("Ended placements", "int", 10),
    ]
    + [Col(d, "int", 11) for d in M.DESTINATIONS]
    + [
        Col("Destination not recorded", "int", 11),
        Col("Reintegration", "pct", 11),
        Col("Notifications", "int", 11),
        Col("Notified on time", "pct", 10),
        Col("Complaints", "int", 10),
        Col("Compliments", "int", 10),
    ]
    + [Col(COMPLIANCE_HEADERS[c], "int", 12) for c in M.COMPLIANCE_CODES]
    + [
        Col("Errors", "int", 8),
        Col("Queries", "int", 8),
        Col("Placements on school logs", "int", 11),
        Col("File", "text", 45),
    ]
)


def provider_row(line: M.ProviderLine) -> list:
    m = line.measures
    base = [line.name, line.provider_id, line.status, line.registered, line.ofsted]
    if m is None:
        figures = [None] * (4 + len(M.COMMISSIONER_TYPES) + 7 + len(M.DESTINATIONS) + 2 + 4)
    else:
        figures = [m.children, m.placements, m.with_ehcp, m.looked_after]
        figures += [m.commissioner_placements.get(t, 0) for t in M.COMMISSIONER_TYPES]
        figures += [
            m.attendance,
            m.on_track_rate,
            M.rate(m.fully_on_track, m.outcomes_rated),
            m.zero_suspensions_rate,
            m.quals_entered,
            m.quals_achieved,
            m.ended,
        ]
        figures += [m.destinations.get(d, 0) for d in M.DESTINATIONS]
        figures += [m.destinations.get(M.NOT_RECORDED, 0), m.reintegration_rate]
        figures += [
            line.notifications,
            M.rate(line.notifications_on_time, line.notifications),
            line.complaints,
            line.compliments,
        ]
    compliance = [line.compliance.get(c) if line.compliance else None for c in M.COMPLIANCE_CODES]
    tail = [line.errors, line.queries, line.on_school_logs, line.file]
    return base + figures + compliance + tail


def _providers(wb, styles, batch, marking, mline):
    ws = wb.add_worksheet("Providers")
    sheet_setup(ws, marking, council=batch.config.council_name, wide=True)
    r = title_block(
        ws,
        styles,
        batch.config.council_name,
        "Providers",
        mline,
        [
            "One row per provider return for the term. Figures only for returns in the figures (accepted, "
            "one per provider); compliance flags (R030-R035) and error counts for every return.",
            "Providers that schools name on their placement logs but that sent no return are listed last.",
        ],
    )
    lines = M.provider_lines(batch)
    last = write_table(ws, styles, r, 0, "tblProviders", PROVIDER_COLS, (provider_row(ln) for ln in lines))
    headers = [c.header for c in PROVIDER_COLS]
    first_flag = headers.index(COMPLIANCE_HEADERS["R030"])
    errors = headers.index("Errors")
    ws.conditional_format(
        r + 1,
        first_flag,
        last,
        errors,
        {  # compliance flags and errors stand out
            "type": "cell",
            "criteria": ">",
            "value": 0,
            "format": styles.bad,
        },
    )
    ws.freeze_panes(r + 1, 1)
    ws.repeat_rows(r)
    ws.repeat_columns(0)  # each printed page names the providers
    ws.set_row(r, 45, styles.wrap)


# ---- Commissioners -----------------------------------------------------------------------------
TYPE_COLS = [
    Col("Commissioner type", "text", 30),
    Col("Children", "int", 10),
    Col("Placements", "int", 10),
    Col("EHC plan", "int", 9),
    Col("Looked after", "int", 9),
    Col("Attendance", "pct", 11),
    Col("Zero suspensions", "pct", 11),
    Col("Outcomes on track (3-4)", "pct", 11),
    Col("Ended placements", "int", 10),
    Col("Reintegrated", "int", 11),
    Col("Reintegration", "pct", 11),
]
SCHOOL_COLS = [
    Col("School", "text", 40),
    Col("School URN", "text", 10),
    Col("Placement log", "text", 14),
    Col("Children placed", "int", 10),
    Col("Placements on provider returns", "int", 12),
    Col("EHC plan", "int", 9),
    Col("Looked after", "int", 9),
    Col("Attendance", "pct", 11),
    Col("Ended placements", "int", 10),
    Col("Reintegrated", "int", 11),
    Col("Placements on own log", "int", 11),
    Col("X001 not on the school's log", "int", 12),
    Col("X002 not on a provider return", "int", 12),
    Col("Log file", "text", 45),
]


def type_row(ctype: str, m: M.Measures) -> list:
    return [
        SHORT_COMMISSIONER.get(ctype, ctype),
        m.children,
        m.placements,
        m.with_ehcp,
        m.looked_after,
        m.attendance,
        m.zero_suspensions_rate,
        m.on_track_rate,
        m.ended,
        m.reintegrated,
        m.reintegration_rate,
    ]


def school_row(s: M.SchoolLine) -> list:
    m = s.measures
    return [
        s.name,
        s.urn,
        s.log_status,
        m.children,
        m.placements,
        m.with_ehcp,
        m.looked_after,
        m.attendance,
        m.ended,
        m.reintegrated,
        s.log_placements,
        s.x001,
        s.x002,
        s.log_file,
    ]


def _commissioners(wb, styles, batch, marking, mline):
    ws = wb.add_worksheet("Commissioners")
    sheet_setup(ws, marking, council=batch.config.council_name, wide=True)
    r = title_block(
        ws,
        styles,
        batch.config.council_name,
        "Commissioners",
        mline,
        [
            "Left: by commissioner type (schools and the council's teams, §5). Right: each school that placed "
            "children (Commissioner type School on provider returns) or sent a placement log.",
        ],
    )
    types = M.commissioner_type_measures(batch)
    write_table(ws, styles, r, 0, "tblCommissionerTypes", TYPE_COLS, (type_row(t, m) for t, m in types.items()))
    left = len(TYPE_COLS) + 1
    write_table(ws, styles, r, left, "tblSchools", SCHOOL_COLS, (school_row(s) for s in M.school_lines(batch)))
    ws.set_column(len(TYPE_COLS), len(TYPE_COLS), 3)
    ws.freeze_panes(r + 1, 0)
    ws.repeat_rows(r)
    ws.set_row(r, 45, styles.wrap)


# ---- Register ---------------------------------------------------------------------------------
REGISTER_COLS = [
    Col("UPN", "text", 15),
    Col("Surname", "text", 16),
    Col("Forename", "text", 14),
    Col("Date of birth", "date", 12),
    Col("NC year", "text", 8),
    Col("Sex", "text", 6),
    Col("Ethnicity", "text", 9),
    Col("SEN provision", "text", 9),
    Col("Looked after", "text", 8),
    Col("Placements", "int", 10),
    Col("Providers", "text", 30),
    Col("Placement details", "text", 70),
    Col("Commissioners", "text", 26),
    Col("First start", "date", 12),
    Col("Open placement", "text", 9),
    Col("Attendance", "pct", 11),
    Col("Suspensions", "int", 10),
    Col("Permanent exclusion", "text", 10),
    Col("Progress towards outcomes", "int", 10),
    Col("Destination", "text", 22),
    Col("On school logs", "text", 30),
    Col("Source", "text", 24),
    Col("Reconciliation queries", "text", 14),
]


def _d(v) -> str:
    return display_value(v) if isinstance(v, date) else (str(v) if v else "")


def placement_text(pl: M.Placement) -> str:
    when = f"from {_d(pl.start)}" + (f" to {_d(pl.end)}" if pl.end else " (open)")
    bits = [f"{pl.provider or 'provider'} ({pl.provider_id or '?'}) {when}"]
    if pl.attendance is not None:
        bits.append(f"attendance {pl.attendance:.0%}")
    if isinstance(pl.destination, str):
        bits.append(f"destination {pl.destination}")
    return ", ".join(bits)


def register_row(e: M.RegisterEntry, term) -> list:
    providers = sorted({pl.provider or pl.provider_id or "?" for pl in e.placements})
    commissioners = sorted({pl.commissioner for pl in e.placements if pl.commissioner})
    starts = [pl.start for pl in e.placements if isinstance(pl.start, date)]
    open_now = any(not isinstance(pl.end, date) or (term is not None and pl.end > term.end) for pl in e.placements)
    ended = [pl for pl in e.placements if isinstance(pl.end, date) and isinstance(pl.destination, str)]
    destination = max(ended, key=lambda pl: pl.end).destination if ended else None
    schools = sorted({name or "school" for name, _, _ in e.school_placements})
    if not e.placements:  # only on school logs
        providers = sorted({f"{row.provider_name or row.provider_id or '?'}" for _, _, row in e.school_placements})
        starts = [row.start_date for _, _, row in e.school_placements if isinstance(row.start_date, date)]
    return [
        e.upn,
        e.surname,
        e.forename,
        e.date_of_birth,
        e.nc_year,
        e.sex,
        e.ethnicity,
        e.sen,
        e.looked_after,
        len(e.placements) or len(e.school_placements),
        "; ".join(providers),
        "; ".join(placement_text(pl) for pl in e.placements),
        "; ".join(commissioners),
        min(starts) if starts else None,
        ("Y" if open_now else "N") if e.placements else None,
        e.attendance,
        e.suspensions,
        ("Y" if e.permanently_excluded else "N") if e.placements else None,
        e.progress,
        destination,
        "; ".join(schools),
        e.source,
        " ".join(e.queries),
    ]


def _register(wb, styles, batch, marking, mline):
    ws = wb.add_worksheet("Register")
    sheet_setup(ws, marking, council=batch.config.council_name, wide=True)
    entries = M.register(batch)
    r = title_block(
        ws,
        styles,
        batch.config.council_name,
        "Register of children in alternative provision",
        mline,
        [
            "Every child in AP this term, once (§11.5): from accepted provider returns, then children only on "
            "accepted school logs. Children on rejected returns appear once the return is corrected.",
        ],
    )
    write_table(ws, styles, r, 0, "tblRegister", REGISTER_COLS, (register_row(e, batch.term) for e in entries))
    ws.freeze_panes(r + 1, 3)
    ws.repeat_rows(r)
    ws.repeat_columns(0, 2)  # UPN and name on every printed page


# ---- Reconciliation ------------------------------------------------------------------------------
RECON_COLS = [
    Col("Code", "text", 7),
    Col("Severity", "text", 8),
    Col("UPN", "text", 15),
    Col("Message", "text", 70),
    Col("File", "text", 30),
    Col("Sheet", "text", 11),
    Col("Row", "int_left", 6),
    Col("Other file", "text", 30),
    Col("Other sheet", "text", 11),
    Col("Other row", "int_left", 7),
]


def _reconciliation(wb, styles, batch, marking, mline):
    ws = wb.add_worksheet("Reconciliation")
    sheet_setup(ws, marking, council=batch.config.council_name)  # one page wide: a row is one finding
    counts = {c: sum(f.code == c for f in batch.cross) for c in x_codes(batch)}
    r = title_block(
        ws,
        styles,
        batch.config.council_name,
        "Reconciliation of provider returns with school placement logs",
        mline,
        [
            "  ".join(f"{c}: {n}" for c, n in counts.items())
            + ".  "
            + "; ".join(f"{c} {RULES[c].title.lower()}" for c in counts),
            "Checked across the term's returns that could be read (accepted or rejected), one per provider or school.",
            *_directory_note(batch),
        ],
    )
    write_table(
        ws,
        styles,
        r,
        0,
        "tblReconciliation",
        RECON_COLS,
        (
            (f.code, f.severity, f.upn, f.message, f.file, f.sheet, f.row, f.other_file, f.other_sheet, f.other_row)
            for f in batch.cross
        ),
    )
    ws.freeze_panes(r + 1, 0)
    ws.repeat_rows(r)


def _directory_note(batch) -> list[str]:
    """What the AP Directory given was: used for X007-X009, or why not (none given: nothing)."""
    load = getattr(batch, "directory", None)
    if load is None:
        return []
    if load.directory is None:
        return [load.problem or f"The AP Directory {load.file} was not used."]
    day = load.directory.day
    dated = f" dated {day:%d/%m/%Y}" if day else ""
    return [f"Checked against the council's AP Directory {load.file}{dated} (X007-X009)."]


# ---- Data quality and Findings -----------------------------------------------------------------
def _codes_seen(batch) -> list[str]:
    seen = {f.code for r in batch.results for f in r.report.issues} | {f.code for f in batch.cross}
    return [c for c in RULES if c in seen] + sorted(seen - set(RULES))


def file_name_and_id(r) -> tuple:
    rec = r.record
    if r.kind == Kind.PROVIDER_RETURN:
        return rec.get("provider_name"), rec.get("provider_id")
    if r.kind == Kind.SCHOOL_LOG:
        return rec.get("school_name"), rec.get("school_urn")
    return None, None


def _data_quality(wb, styles, batch, marking, mline):
    ws = wb.add_worksheet("Data quality")
    sheet_setup(ws, marking, council=batch.config.council_name, wide=True)
    codes = _codes_seen(batch)
    statuses = {s: sum(r.status == s for r in batch.results) for s in ("accepted", "rejected", "unreadable")}
    r = title_block(
        ws,
        styles,
        batch.config.council_name,
        "Data quality: every file",
        mline,
        [
            f"{len(batch.results)} files: {statuses['accepted']} accepted, {statuses['rejected']} rejected, "
            f"{statuses['unreadable']} unreadable. Counts by rule code on the right (X codes against the file "
            "they are about); every finding is on the Findings sheet, every X finding on Reconciliation.",
        ],
    )
    cols = [
        Col("File", "text", 30),
        Col("Kind", "text", 22),
        Col("Name", "text", 26),
        Col("ID or URN", "text", 10),
        Col("Term", "text", 15),
        Col("Status", "text", 10),
        Col("In the figures", "text", 34),
        Col("Errors", "int", 7),
        Col("Queries", "int", 7),
        Col("Why unreadable", "text", 60),
    ]
    cols += [Col(c, "int", 7) for c in codes]

    cross = Counter((f.file, f.code) for f in batch.cross)  # X findings count against the file they are about

    def rows():
        for res in batch.results:
            name, ident = file_name_and_id(res)
            counts = res.report.counts_by_code()
            counts.update({code: n for (file, code), n in cross.items() if file == res.file})
            yield [
                res.file,
                KINDS[res.kind].title if res.kind in KINDS else None,
                name,
                ident,
                res.term.label if res.term else None,
                res.status,
                batch.decisions.get(res.file),
                len(res.report.errors),
                len(res.report.queries),
                res.report.reason,
            ] + [counts.get(c) for c in codes]

    write_table(ws, styles, r, 0, "tblFiles", cols, rows())
    ws.freeze_panes(r + 1, 1)
    ws.repeat_rows(r)
    ws.repeat_columns(0)


FINDING_COLS = [
    Col("File", "text", 30),
    Col("Status", "text", 10),
    Col("Sheet", "text", 12),
    Col("Row", "int_left", 6),
    Col("Column", "text", 22),
    Col("Cell", "text", 7),
    Col("Code", "text", 7),
    Col("Severity", "text", 8),
    Col("Message", "text", 70),
    Col("Value", "text", 20),
]


def _findings(wb, styles, batch, marking, mline):
    ws = wb.add_worksheet("Findings")
    sheet_setup(ws, marking, council=batch.config.council_name)  # one page wide: a row is one finding
    total = sum(len(r.report.issues) for r in batch.results)
    r = title_block(
        ws,
        styles,
        batch.config.council_name,
        "Every finding in every file",
        mline,
        [
            f"{total} findings. The same list `ap-sheets validate` and the workbook's Validate button give.",
        ],
    )

    def rows():
        for res in batch.results:
            for f in res.report.issues:
                yield [
                    res.file,
                    res.status,
                    f.sheet,
                    f.row,
                    f.column,
                    f.cell,
                    f.code,
                    f.severity,
                    f.message,
                    display_value(f.value) if f.value is not None else None,
                ]

    write_table(ws, styles, r, 0, "tblFindings", FINDING_COLS, rows())
    ws.freeze_panes(r + 1, 0)
    ws.repeat_rows(r)


# ---- Trends ------------------------------------------------------------------------------------
TREND_COLS = [
    Col("Term", "text", 27),
    Col("Returns in the figures", "int", 10),
    Col("Providers", "int", 10),
    Col("Schools", "int", 9),
    Col("Children", "int", 10),
    Col("EHC plan", "int", 9),
    Col("Looked after", "int", 9),
    Col("Placements", "int", 10),
    Col("Attendance", "pct", 11),
    Col("National comparator", "pct", 11),
    Col("Zero suspensions", "pct", 11),
    Col("Zero permanent exclusions", "pct", 11),
    Col("Ended placements", "int", 10),
    Col("Reintegration", "pct", 11),
    Col("NEET", "pct", 9),
    Col("Outcomes on track (3-4)", "pct", 11),
]


def trend_rows(batch) -> list:
    cfg = batch.config
    out = []
    for term, accepted in batch.trend_terms.items():
        tm = M.batch_term_measures(batch, term)
        m = tm.overall
        out.append(
            [
                term.label + (" (this report)" if term == batch.term else ""),
                len(accepted),
                tm.providers,
                tm.schools,
                m.children,
                m.with_ehcp,
                m.looked_after,
                m.placements,
                m.attendance,
                cfg.national_attendance_pct / 100,
                m.zero_suspensions_rate,
                m.zero_permanent_exclusions_rate,
                m.ended,
                m.reintegration_rate,
                m.neet_rate,
                m.on_track_rate,
            ]
        )
    return out


def _trends(wb, styles, batch, marking, mline):
    ws = wb.add_worksheet("Trends")
    sheet_setup(ws, marking, council=batch.config.council_name)
    r = title_block(
        ws,
        styles,
        batch.config.council_name,
        "Trends: the headline figures term by term",
        mline,
        [
            "One row per term with accepted returns in the folder (earlier terms' returns, when given). "
            "Same definitions as the Overview.",
        ],
    )
    rows = trend_rows(batch)
    write_table(ws, styles, r, 0, "tblTrends", TREND_COLS, rows)
    ws.freeze_panes(r + 1, 1)
    ws.repeat_rows(r)
    ws.set_row(r, 45, styles.wrap)
    n = max(len(rows), 1)
    add_trend_line_chart(wb, ws, r, n, TREND_COLS)
    col = wb.add_chart({"type": "column"})
    for c, name, colour in ((4, "Children", "#1F4E78"), (5, "EHC plan", "#2E75B6"), (6, "Looked after", "#9DC3E6")):
        col.add_series(
            {
                "name": name,
                "categories": ["Trends", r + 1, 0, r + n, 0],
                "values": ["Trends", r + 1, c, r + n, c],
                "fill": {"color": colour},
            }
        )
    col.set_title({"name": "Children in AP by term"})
    col.set_legend({"position": "bottom"})
    col.set_size({"width": 640, "height": 340})
    ws.insert_chart(r + n + 3, 8, col)
