"""The council report's figures, computed once from the consolidated returns.

Definitions (the Overview sheet prints them too). They follow `figures.py`, the per-return
figures behind the workbook's Summary button, so a provider's row in the report matches
what its own Summary shows:

- Children: distinct UPNs on the accepted provider returns (one per provider, X005).
- With an EHC plan / looked after: children with SEN provision E / Looked after = Y on
  any of their rows.
- Attendance: sessions attended / sessions possible, summed over placements whose three
  session counts are numbers (the DfE's overall rate, weighted by sessions).
- Zero suspensions: children whose suspensions this term, over all their placements, are 0.
- Zero permanent exclusions: children with no "Permanent exclusion" notification.
- Ended placement: an End date on or before the end of the term. Reintegration: ended
  placements whose destination is "Returned to home school" or "New mainstream school";
  NEET: destination NEET. Both as a share of all ended placements.
- On track: progress towards outcomes rated at least `on_track_min_rating` (default 3,
  "Mostly"), of the placements that have a rating; "fully on track" is rating 4.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from ..cross_rules import provider_key, school_key
from ..spec import codes as C
from ..terms import Term

NOT_RECORDED = "Not recorded"
REINTEGRATION = ("Returned to home school", "New mainstream school")
DESTINATIONS = C.DESTINATION.codes
COMMISSIONER_TYPES = C.COMMISSIONER_TYPE.codes
PLACEMENT_REASONS = C.PLACEMENT_REASON.codes
COMPLIANCE_CODES = ("R030", "R031", "R032", "R033", "R034", "R035")


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_ended(row, term: Term | None) -> bool:
    end = row.end_date
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


def _child_key(row, n: int):
    return row.upn if isinstance(row.upn, str) else ("row", n)


def measure(rows: list, term: Term | None, excluded_upns: set | frozenset = frozenset(),
            on_track_min: int = 3) -> Measures:
    """Measures of provider-return rows (`consolidate.PupilRow`). One pass, plain loops:
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
    term_end = term.end if term is not None else None
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
        end = row.end_date
        if isinstance(end, date) and (term_end is None or end <= term_end):
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
    order = list(COMMISSIONER_TYPES) + [NOT_RECORDED]
    m.commissioner_placements = {t: comm_rows.get(t, 0) for t in order if t in COMMISSIONER_TYPES or comm_rows.get(t)}
    m.commissioner_children = {t: len(comm_children.get(t, ())) for t in m.commissioner_placements}
    m.reasons = {r: reasons.get(r, 0) for r in list(PLACEMENT_REASONS) + [NOT_RECORDED]
                 if r in PLACEMENT_REASONS or reasons.get(r)}
    return m


_COMMISSIONER_SET = frozenset(COMMISSIONER_TYPES)
_REASON_SET = frozenset(PLACEMENT_REASONS)
_DESTINATION_SET = frozenset(DESTINATIONS)


def _nonneg(v) -> bool:
    """A count that can be added: a number of 0 or more (bools are not counts)."""
    cls = v.__class__
    return (cls is int or cls is float) and v >= 0


def cached(batch, key, compute):
    """Work a figure out once per batch (several sheets and the summary share it)."""
    store = batch.__dict__.setdefault("_measures_cache", {})
    if key not in store:
        store[key] = compute()
    return store[key]


def permanently_excluded_upns(providers) -> set[str]:
    """UPNs with a Permanent exclusion event on any of these returns' Notifications."""
    return {n.upn for p in providers for n in p.notifications
            if n.event_type == "Permanent exclusion" and isinstance(n.upn, str)}


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
    from ..cross_rules import overlaps_term

    providers = [r for r in accepted if r.kind == "provider-return"]
    schools = [r for r in accepted if r.kind == "school-log"]
    rows = [row for p in providers for row in p.rows]
    tm = TermMeasures(term, len(providers), len(schools),
                      measure(rows, term, permanently_excluded_upns(providers), on_track_min))
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
    from ..cross_rules import overlaps_term

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
    term_files = [r for r in batch.results if r.kind == "provider-return" and r.readable and r.term == term
                  and term is not None]
    for r in term_files:
        rec = r.record
        key = provider_key(rec.get("provider_id"))
        seen.add(key)
        in_figures = batch.decisions.get(r.file) == "Yes"
        status = "superseded (X005)" if r.file in batch.superseded else r.status
        counts = r.report.counts_by_code()
        line = ProviderLine(
            _text(rec.get("provider_name")), _text(rec.get("provider_id")), r.file, status,
            registered=_text(rec.get("registered_school")), ofsted=_text(rec.get("ofsted_judgement")),
            in_directory=_text(rec.get("in_directory")),
            compliance={c: counts.get(c, 0) for c in COMPLIANCE_CODES},
            errors=len(r.report.errors), queries=len(r.report.queries),
            on_school_logs=on_logs.get(key, 0) if key else 0,
        )
        if in_figures:
            line.measures = measure(r.rows, term, pex, cfg.on_track_min_rating)
            line.notifications = len(r.notifications)
            line.notifications_on_time = sum(n.on_time for n in r.notifications)
            line.complaints, line.compliments, _ = r.complaints
        lines.append(line)
    for key in sorted(k for k in on_logs if k not in seen):
        lines.append(ProviderLine(named_on_logs.get(key), key, None, "no return received",
                                  on_school_logs=on_logs[key]))
    lines.sort(key=lambda ln: (ln.status == "no return received", (ln.name or "").casefold(), ln.provider_id or "",
                              ln.file or ""))
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
    from ..cross_rules import overlaps_term

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
    term_logs = [r for r in batch.results if r.kind == "school-log" and r.readable and r.term == term
                 and term is not None]
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
    pupil_at = {(p.file, row.row): row for p in batch.chosen if p.kind == "provider-return" for row in p.rows}
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
        lines.append(SchoolLine(
            names.get(key), urn, log.file if log else None,
            log_status.get(key, "no log received"),
            measure(rows_by_school.get(key, []), term, pex, cfg.on_track_min_rating),
            log_placements=(sum(1 for row in log.rows if overlaps_term(row, term))
                            if log is not None and log.status == "accepted" else 0),
            x001=x001.get(key, 0), x002=x002.get(key, 0)))
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

    @property
    def attendance(self) -> float | None:
        return rate(self.sessions_attended, self.sessions_possible)


def register(batch) -> list[RegisterEntry]:
    """Every child in AP this term, once (§11.5): children on accepted provider returns,
    then children only on accepted school logs (placed, but on no accepted provider return).
    Worked out once per batch (the Overview, Register and summary all use it)."""
    return cached(batch, "register", lambda: _register(batch))


def _register(batch) -> list[RegisterEntry]:
    from ..cross_rules import overlaps_term

    term = batch.term
    pex = permanently_excluded_upns(batch.providers)
    entries: dict[str, RegisterEntry] = {}
    latest: dict[str, object] = {}
    for p in batch.providers:
        rec = p.record
        for row in p.rows:
            if not isinstance(row.upn, str):
                continue
            e = entries.get(row.upn)
            if e is None:
                e = entries[row.upn] = RegisterEntry(row.upn, None, None, None, None, None, None, None, None)
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
            if _num(possible) and _num(attended) and possible >= 0 and attended >= 0:
                e.sessions_possible += possible
                e.sessions_attended += attended
            if _num(row.suspensions):
                e.suspensions = (e.suspensions or 0) + row.suspensions
            commissioner = row.commissioner_name if isinstance(row.commissioner_name, str) else None
            if isinstance(row.commissioner_type, str) and row.commissioner_type != "School":
                commissioner = f"{row.commissioner_type}" + (f": {commissioner}" if commissioner else "")
            e.placements.append(Placement(
                _text(rec.get("provider_name")), _text(rec.get("provider_id")), commissioner,
                row.start_date, row.end_date,
                rate(attended, possible) if _num(possible) and _num(attended) and possible > 0 else None,
                row.destination, p.file, row.row))
    on_logs: dict[str, list] = defaultdict(list)
    for s in batch.schools:
        for row in s.rows:
            if isinstance(row.upn, str) and overlaps_term(row, term):
                on_logs[row.upn].append((s, row))
    rejected_upns = {row.upn for r in batch.chosen if r.kind == "provider-return" and r.status != "accepted"
                     for row in r.rows}
    for upn, placed in on_logs.items():
        e = entries.get(upn)
        if e is None:
            s, row = placed[0]
            e = entries[upn] = RegisterEntry(upn, row.surname, row.forename, row.date_of_birth, row.nc_year,
                                             None, None, row.sen, row.looked_after)
            e.source = ("School log only (the provider's return was rejected)" if upn in rejected_upns
                        else "School log only")
        e.school_placements = [(_text(s.record.get("school_name")), s.file, row) for s, row in placed]
    queries: dict[str, set] = defaultdict(set)
    for f in batch.cross:
        if f.upn:
            queries[f.upn].add(f.code)
    for upn, e in entries.items():
        if not e.source:
            e.source = "Provider return and school log" if e.school_placements else "Provider return"
        e.permanently_excluded = upn in pex
        e.placements.sort(key=lambda pl: (pl.start if isinstance(pl.start, date) else date.min, pl.file))
        e.queries = tuple(sorted(queries.get(upn, ())))
    return sorted(entries.values(), key=lambda e: (str(e.surname or "").casefold(),
                                                   str(e.forename or "").casefold(), e.upn))
