"""The council report's figures from the consolidated batch: per term, provider, commissioner
and child, each worked out once per batch.

Every count is defined once, in `figures` (`measure`, and its definitions, which the
Overview sheet prints): this module only chooses which placements go into each figure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from ..figures import (  # noqa: F401 (sheets use M.*)
    COMMISSIONER_TYPES,
    DESTINATIONS,
    NOT_RECORDED,
    Measures,
    measure,
    permanently_excluded_upns_of,
    rate,
)
from ..rules.cross_rules import overlaps_term, provider_key, school_key
from ..spec import Kind, Status
from ..terms import Term
from ..values import is_num

COMPLIANCE_CODES = ("R030", "R031", "R032", "R033", "R034", "R035")


def cached(batch, key, compute):
    """Work a figure out once per batch (several sheets and the summary share it)."""
    store = batch.__dict__.setdefault("_measures_cache", {})
    if key not in store:
        store[key] = compute()
    return store[key]


def permanently_excluded_upns(providers) -> set[str]:
    """UPNs with a Permanent exclusion event on any of these returns' Notifications."""
    return {upn for p in providers for upn in permanently_excluded_upns_of(p.notifications)}


@dataclass
class TermMeasures:
    term: Term | None
    providers: int
    schools: int
    overall: Measures
    notifications: int = 0
    notifications_on_time: int = 0
    complaints: int = 0
    compliments: int = 0
    complaints_open: int = 0
    school_log_placements: int = 0  # placements open in the term on accepted school logs

    @property
    def notifications_on_time_rate(self) -> float | None:
        return rate(self.notifications_on_time, self.notifications)


def batch_term_measures(batch, term: Term | None = None) -> TermMeasures:
    """The figures of one term of the batch (default: the report's term), worked out once."""
    term = batch.term if term is None else term
    accepted = batch.accepted if term == batch.term else batch.trend_terms.get(term, [])
    return cached(batch, ("term", term), lambda: term_measures(accepted, term, batch.config.on_track_min_rating))


def term_measures(accepted: list, term: Term | None, on_track_min: int = 3) -> TermMeasures:
    providers = [r for r in accepted if r.kind == Kind.PROVIDER_RETURN]
    schools = [r for r in accepted if r.kind == Kind.SCHOOL_LOG]
    rows = [row for p in providers for row in p.rows]
    tm = TermMeasures(
        term, len(providers), len(schools), measure(rows, term, permanently_excluded_upns(providers), on_track_min)
    )
    for p in providers:
        tm.notifications += len(p.notifications)
        tm.notifications_on_time += sum(n.on_time for n in p.notifications)
        complaints, compliments, still_open = p.complaints
        tm.complaints += complaints
        tm.compliments += compliments
        tm.complaints_open += still_open
    tm.school_log_placements = sum(1 for s in schools for row in s.rows if overlaps_term(row, term))
    return tm


# ---- per provider -----------------------------------------------------------------------
@dataclass
class ProviderLine:
    name: str | None
    provider_id: str | None
    file: str | None
    status: str  # accepted / rejected / superseded / no return received
    registered: str | None = None
    ofsted: str | None = None
    in_directory: str | None = None
    measures: Measures | None = None  # only for returns in the figures
    notifications: int | None = None
    notifications_on_time: int | None = None
    complaints: int | None = None
    compliments: int | None = None
    compliance: dict = field(default_factory=dict)  # code -> number of findings
    errors: int | None = None
    queries: int | None = None
    on_school_logs: int = 0  # placements with this provider on accepted school logs


def provider_lines(batch) -> list[ProviderLine]:
    """One line per provider return for the term (in the figures, rejected or superseded),
    then providers that schools name on their logs but that sent no return."""
    return cached(batch, "providers", lambda: _provider_lines(batch))


def _provider_lines(batch) -> list[ProviderLine]:
    term = batch.term
    cfg = batch.config
    on_logs: Counter = Counter()
    named_on_logs: dict[str, str | None] = {}
    for s in batch.schools:
        for row in s.rows:
            key = provider_key(row.provider_id)
            if key and overlaps_term(row, term):
                on_logs[key] += 1
                named_on_logs.setdefault(key, row.provider_name if isinstance(row.provider_name, str) else None)
    pex = permanently_excluded_upns(batch.providers)
    lines = []
    seen = set()
    term_files = [
        r
        for r in batch.results
        if r.kind == Kind.PROVIDER_RETURN and r.readable and r.term == term and term is not None
    ]
    for r in term_files:
        rec = r.record
        key = provider_key(rec.get("provider_id"))
        seen.add(key)
        in_figures = batch.decisions.get(r.file) == "Yes"
        status = "superseded (X005)" if r.file in batch.superseded else r.status
        counts = r.report.counts_by_code()
        line = ProviderLine(
            _text(rec.get("provider_name")),
            _text(rec.get("provider_id")),
            r.file,
            status,
            registered=_text(rec.get("registered_school")),
            ofsted=_text(rec.get("ofsted_judgement")),
            in_directory=_text(rec.get("in_directory")),
            compliance={c: counts.get(c, 0) for c in COMPLIANCE_CODES},
            errors=len(r.report.errors),
            queries=len(r.report.queries),
            on_school_logs=on_logs.get(key, 0) if key else 0,
        )
        if in_figures:
            line.measures = measure(r.rows, term, pex, cfg.on_track_min_rating)
            line.notifications = len(r.notifications)
            line.notifications_on_time = sum(n.on_time for n in r.notifications)
            line.complaints, line.compliments, _ = r.complaints
        lines.append(line)
    for key in sorted(k for k in on_logs if k not in seen):
        lines.append(ProviderLine(named_on_logs.get(key), key, None, "no return received", on_school_logs=on_logs[key]))
    lines.sort(
        key=lambda ln: (
            ln.status == "no return received",
            (ln.name or "").casefold(),
            ln.provider_id or "",
            ln.file or "",
        )
    )
    return lines


def _text(v) -> str | None:
    return v if isinstance(v, str) else None


# ---- per commissioner -------------------------------------------------------------------
@dataclass
class SchoolLine:
    name: str | None
    urn: str | None
    log_file: str | None
    log_status: str  # accepted / rejected / superseded / no log received
    measures: Measures  # placements this school commissioned, on accepted provider returns
    log_placements: int = 0  # open in the term, on the school's own log (if accepted)
    x001: int = 0
    x002: int = 0


def commissioner_type_measures(batch) -> dict[str, Measures]:
    return cached(batch, "commissioner types", lambda: _commissioner_type_measures(batch))


def _commissioner_type_measures(batch) -> dict[str, Measures]:
    term, cfg = batch.term, batch.config
    pex = permanently_excluded_upns(batch.providers)
    by_type: dict[str, list] = defaultdict(list)
    for p in batch.providers:
        for row in p.rows:
            ctype = row.commissioner_type if row.commissioner_type in COMMISSIONER_TYPES else NOT_RECORDED
            by_type[ctype].append(row)
    order = list(COMMISSIONER_TYPES) + ([NOT_RECORDED] if NOT_RECORDED in by_type else [])
    return {t: measure(by_type.get(t, []), term, pex, cfg.on_track_min_rating) for t in order}


def school_lines(batch) -> list[SchoolLine]:
    """Schools that commissioned placements (on accepted provider returns) or sent a log."""
    return cached(batch, "schools", lambda: _school_lines(batch))


def _school_lines(batch) -> list[SchoolLine]:
    term, cfg = batch.term, batch.config
    pex = permanently_excluded_upns(batch.providers)
    rows_by_school: dict[str, list] = defaultdict(list)
    names: dict[str, str | None] = {}
    for p in batch.providers:
        for row in p.rows:
            if row.commissioner_type != "School":
                continue
            key = school_key(row.commissioner_urn) or f"name:{(row.commissioner_name or '').casefold()}"
            rows_by_school[key].append(row)
            if isinstance(row.commissioner_name, str):
                names.setdefault(key, row.commissioner_name)
    logs: dict[str, object] = {}
    log_status: dict[str, str] = {}
    term_logs = [
        r for r in batch.results if r.kind == Kind.SCHOOL_LOG and r.readable and r.term == term and term is not None
    ]
    for r in term_logs:
        key = school_key(r.record.get("school_urn"))
        if not key:
            continue
        if r.file in batch.superseded:
            continue
        logs[key] = r
        log_status[key] = r.status
        if isinstance(r.record.get("school_name"), str):
            names[key] = r.record["school_name"]
    x001: Counter = Counter()
    x002: Counter = Counter()
    pupil_at = {(p.file, row.row): row for p in batch.chosen if p.kind == Kind.PROVIDER_RETURN for row in p.rows}
    log_key = {r.file: k for k, r in logs.items()}
    for f in batch.cross:
        if f.code == "X001":
            row = pupil_at.get((f.file, f.row))
            if row is not None:
                x001[school_key(row.commissioner_urn) or f"name:{(row.commissioner_name or '').casefold()}"] += 1
        elif f.code == "X002" and f.file in log_key:
            x002[log_key[f.file]] += 1
    lines = []
    for key in set(rows_by_school) | set(logs):
        log = logs.get(key)
        urn = None if key.startswith("name:") else key
        lines.append(
            SchoolLine(
                names.get(key),
                urn,
                log.file if log else None,
                log_status.get(key, "no log received"),
                measure(rows_by_school.get(key, []), term, pex, cfg.on_track_min_rating),
                log_placements=(
                    sum(1 for row in log.rows if overlaps_term(row, term))
                    if log is not None and log.status == Status.ACCEPTED
                    else 0
                ),
                x001=x001.get(key, 0),
                x002=x002.get(key, 0),
            )
        )
    lines.sort(key=lambda ln: ((ln.name or "").casefold(), ln.urn or ""))
    return lines


# ---- the register -------------------------------------------------------------------------
@dataclass
class Placement:
    """One placement of a child, as the register shows it."""

    provider: str | None
    provider_id: str | None
    commissioner: str | None
    start: object
    end: object
    attendance: float | None  # fraction, from the provider's sessions
    destination: object
    file: str
    row: int


@dataclass
class RegisterEntry:
    upn: str
    surname: object
    forename: object
    date_of_birth: object
    nc_year: object
    sex: object
    ethnicity: object
    sen: object
    looked_after: object
    placements: list = field(default_factory=list)  # Placement, from provider returns
    school_placements: list = field(default_factory=list)  # (school name, file, PlacementRow)
    sessions_possible: int = 0
    sessions_attended: int = 0
    suspensions: int | None = None
    progress: object = None
    permanently_excluded: bool = False
    source: str = ""
    queries: tuple = ()  # X codes about this child
    postcode: object = None  # for the pseudonymised register's postcode sector only
    in_figures: bool = False  # on an accepted provider return (so in the term's figures)

    @property
    def attendance(self) -> float | None:
        return rate(self.sessions_attended, self.sessions_possible)


def register(batch) -> list[RegisterEntry]:
    """Every child in AP this term, once (§11.5; the spec's `children_on_register`): children on
    accepted provider returns, then children on the term's other readable returns and logs
    (rejected provider returns, school logs accepted or not) who are on no accepted provider
    return. Only the first group is in the figures (`RegisterEntry.in_figures`).
    Worked out once per batch (the Overview, Register and summary all use it)."""
    return cached(batch, "register", lambda: _register(batch))


def _register(batch) -> list[RegisterEntry]:
    term = batch.term
    pex = permanently_excluded_upns(batch.providers)
    entries: dict[str, RegisterEntry] = {}
    latest: dict[str, object] = {}
    rejected = [r for r in batch.chosen if r.kind == Kind.PROVIDER_RETURN and r.status != Status.ACCEPTED]
    accepted_upns = {row.upn for p in batch.providers for row in p.rows if isinstance(row.upn, str)}
    for p in list(batch.providers) + rejected:
        rec = p.record
        in_figures = p.status == Status.ACCEPTED
        for row in p.rows:
            if not isinstance(row.upn, str) or (not in_figures and row.upn in accepted_upns):
                continue
            e = entries.get(row.upn)
            if e is None:
                e = entries[row.upn] = RegisterEntry(row.upn, None, None, None, None, None, None, None, None)
                e.in_figures = in_figures
            start = row.start_date if isinstance(row.start_date, date) else date.min
            if row.upn not in latest or start >= latest[row.upn]:  # identity from the latest placement
                latest[row.upn] = start
                e.surname, e.forename, e.date_of_birth = row.surname, row.forename, row.date_of_birth
                e.nc_year, e.sex, e.ethnicity = row.nc_year, row.sex, row.ethnicity
                e.postcode = row.postcode
                e.progress = row.progress_outcomes
            if row.sen == "E" or e.sen is None or (row.sen == "K" and e.sen == "N"):
                e.sen = row.sen
            if row.looked_after == "Y" or e.looked_after is None:
                e.looked_after = row.looked_after
            possible, attended = row.sessions_possible, row.sessions_attended
            if is_num(possible) and is_num(attended) and possible >= 0 and attended >= 0:
                e.sessions_possible += possible
                e.sessions_attended += attended
            if is_num(row.suspensions):
                e.suspensions = (e.suspensions or 0) + row.suspensions
            commissioner = row.commissioner_name if isinstance(row.commissioner_name, str) else None
            if isinstance(row.commissioner_type, str) and row.commissioner_type != "School":
                commissioner = f"{row.commissioner_type}" + (f": {commissioner}" if commissioner else "")
            e.placements.append(
                Placement(
                    _text(rec.get("provider_name")),
                    _text(rec.get("provider_id")),
                    commissioner,
                    row.start_date,
                    row.end_date,
                    rate(attended, possible) if is_num(possible) and is_num(attended) and possible > 0 else None,
                    row.destination,
                    p.file,
                    row.row,
                )
            )
    on_logs: dict[str, list] = defaultdict(list)
    for s in (r for r in batch.chosen if r.kind == Kind.SCHOOL_LOG):  # accepted or not
        for row in s.rows:
            if isinstance(row.upn, str) and overlaps_term(row, term):
                on_logs[row.upn].append((s, row))
    rejected_upns = {row.upn for r in rejected for row in r.rows}
    for upn, placed in on_logs.items():
        e = entries.get(upn)
        if e is None:
            s, row = placed[0]
            e = entries[upn] = RegisterEntry(
                upn, row.surname, row.forename, row.date_of_birth, row.nc_year, None, None, row.sen, row.looked_after
            )
            e.source = (
                "School log only (the provider's return was rejected)" if upn in rejected_upns else "School log only"
            )
        e.school_placements = [(_text(s.record.get("school_name")), s.file, row) for s, row in placed]
    queries: dict[str, set] = defaultdict(set)
    for f in batch.cross:
        if f.upn:
            queries[f.upn].add(f.code)
    for upn, e in entries.items():
        if not e.source:
            what = "Provider return" if e.in_figures else "Rejected provider return"
            e.source = f"{what} and school log" if e.school_placements else what
        e.permanently_excluded = upn in pex
        e.placements.sort(key=lambda pl: (pl.start if isinstance(pl.start, date) else date.min, pl.file))
        e.queries = tuple(sorted(queries.get(upn, ())))
    return sorted(
        entries.values(), key=lambda e: (str(e.surname or "").casefold(), str(e.forename or "").casefold(), e.upn)
    )
