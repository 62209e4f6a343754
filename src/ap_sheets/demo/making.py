"""Making children and their placements for one term from one random stream."""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from ..terms import Term, age_on
from ..values import upn_check_letter
from .data import (
    ADULT_NAMES,
    BARRIERS,
    DESTINATIONS,
    ETHNICITY_MIX,
    HOLIDAYS,
    IMPACTS,
    INWARD_LETTERS,
    LA_NUMBER,
    MOVES,
    NAMES,
    PLACEMENT_REASONS,
    POST16_DESTINATIONS,
    POSTCODE_DISTRICTS,
    PROVIDERS,
    SCHOOLS,
    SEXUAL_ORIENTATIONS,
    SPECIAL_CHILDREN,
    TEACHING_WEEKS,
    UNREGISTERED_SETTING,
    UNREGISTERED_SETTING_PLACED_BY,
    Provider,
    School,
)


@dataclass
class Child:
    tag: str | None
    upn: str
    surname: str
    forename: str
    born: date
    sex: str
    ethnicity: str
    religion: str
    sexual_orientation: str | None
    postcode: str
    nc_year: int
    sen: str
    looked_after: str
    commissioner: str
    school: School | None


@dataclass
class Placement:
    child: Child
    provider: Provider
    reason: str
    tier: int | None
    start: date
    planned_end: date
    end: date | None
    destination: str | None
    hours: float
    days: float
    sessions_possible: int
    sessions_attended: int
    sessions_authorised: int
    engagement: int
    progress_outcomes: int
    progress_learning: int
    quals_entered: int
    quals_achieved: int
    suspensions: int
    safeguarding: int
    incidents: int
    reintegration_plan: str
    on_return: bool = True
    on_school_log: bool = True
    extras: dict = field(default_factory=dict)  # satisfaction, barriers, impact

    @property
    def attendance(self) -> float:
        return self.sessions_attended / self.sessions_possible if self.sessions_possible else 0.0


# =====================================================================================
# Small helpers
# =====================================================================================
def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _in_holiday(day: date) -> bool:
    return any(first <= (day.month, day.day) <= last for first, last in HOLIDAYS)


def _school_day(rng: random.Random, lo: date, hi: date) -> date:
    """A random school day from lo to hi (a weekday if all are in holidays; lo if none)."""
    days = [lo + timedelta(n) for n in range((hi - lo).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5]
    open_days = [d for d in weekdays if not _in_holiday(d)]
    return rng.choice(open_days or weekdays) if weekdays else lo


def _next_weekday(day: date, n: int = 1) -> date:
    """The n-th working day after day."""
    while n:
        day += timedelta(1)
        n -= day.weekday() < 5
    return day


def _adult_name(rng: random.Random) -> str:
    forenames, surnames = ADULT_NAMES
    return f"{rng.choice(forenames)} {rng.choice(surnames)}"


def _email(name: str, domain: str) -> str:
    first, *rest = name.replace("Dr ", "").split()
    return f"{first[0].lower()}.{''.join(c for c in rest[-1].lower() if c.isalpha())}@{domain}"


# =====================================================================================
# One child
# =====================================================================================
class _Maker:
    """Draws children and placements for one term from one random stream."""

    def __init__(self, term: Term, seed: int):
        self.term = term
        self.rng = random.Random(seed)
        self.upns: set[str] = set()
        self.names: set[tuple[str, str]] = set()

    # -- identity --
    def upn(self, school_estab: str, reception_year: int) -> str:
        """LA number + school + year allocated + serial, with its DfE check letter."""
        while True:
            body = f"{LA_NUMBER}{school_estab}{reception_year % 100:02d}{self.rng.randrange(1, 999):03d}"
            upn = upn_check_letter("A" + body) + body
            if upn not in self.upns:
                self.upns.add(upn)
                return upn

    def born(self, nc_year: int) -> date:
        """A birthday that puts the child in nc_year (1 September cut-off)."""
        first = date(self.term.start_year - nc_year - 5, 9, 1)
        return first + timedelta(self.rng.randrange(365))

    def postcode(self, district: str | None = None, digit: int | None = None) -> str:
        district = district or _pick(self.rng, POSTCODE_DISTRICTS)
        letters = "".join(self.rng.choice(INWARD_LETTERS) for _ in range(2))
        return f"{district} {self.rng.randrange(10) if digit is None else digit}{letters}"

    def name(self, heritage: str, sex: str) -> tuple[str, str]:
        boys, girls, surnames = NAMES[heritage]
        while True:
            pool = boys if sex == "M" else girls if sex == "F" else boys + girls
            forename, surname = self.rng.choice(pool), self.rng.choice(surnames)
            if (forename, surname) not in self.names:
                self.names.add((forename, surname))
                return forename, surname

    def child(self, provider: Provider, force: dict) -> Child:
        rng = self.rng
        nc = force.get("nc_year") or _pick(rng, provider.nc_years)
        if force.get("school") and not 7 <= nc <= 11:  # placed by a named secondary school
            nc = rng.choice([y for y in provider.nc_years if 7 <= y <= 11])
        commissioner = force.get("commissioner") or ("LA SEND" if nc >= 12 else _pick(rng, provider.commissioners))
        school = None
        if commissioner == "School":
            phase = "primary" if nc <= 6 else "secondary"
            named = force.get("school")
            school = (
                next(s for s in SCHOOLS if s.name == named)
                if named
                else rng.choice([s for s in SCHOOLS if s.phase == phase])
            )
        sen = force.get("sen") or (
            "E" if commissioner == "LA SEND" or nc >= 12 else _pick(rng, {"E": 15, "K": 42, "N": 43})
        )
        looked_after = force.get("looked_after") or (
            "Y" if commissioner == "LA Virtual School" else "Y" if rng.random() < 0.06 else "N"
        )
        code, _, religions, heritage = rng.choices(ETHNICITY_MIX, [e[1] for e in ETHNICITY_MIX])[0]
        religion = _pick(rng, religions)
        if isinstance(heritage, dict):
            heritage = heritage[religion]
        sex = _pick(rng, {"M": 70, "F": 29, "U": 1})
        forename, surname = self.name(heritage, sex)
        born = self.born(nc)
        home = school or rng.choice(SCHOOLS)  # the school that allocated the UPN
        upn = self.upn(home.estab, self.term.start_year - nc)
        orientation = _pick(rng, SEXUAL_ORIENTATIONS) if age_on(born, self.term.start) >= 16 else None
        postcode = self.postcode(force.get("postcode_district"), force.get("postcode_digit"))
        return Child(
            force.get("tag"),
            upn,
            surname,
            forename,
            born,
            sex,
            code,
            religion,
            orientation,
            postcode,
            nc,
            sen,
            looked_after,
            commissioner,
            school,
        )

    # -- one placement of a child with a provider --
    def dates(self, force: dict, after: date | None) -> tuple[date, date, date | None]:
        """(start, planned end, end) for a placement open at some time in the term."""
        rng, term = self.rng, self.term
        year_end = date(term.start_year + 1, 7, 18)
        if after is not None:  # moved on from another provider
            start = _school_day(rng, after + timedelta(5), after + timedelta(16))
        elif force.get("late_start"):
            start = _school_day(rng, term.end - timedelta(28), term.end - timedelta(22))
        elif force.get("start_in_term") or rng.random() < 0.6:
            start = _school_day(rng, term.start + timedelta(2), term.end - timedelta(35))
        else:
            start = _school_day(rng, term.start - timedelta(330), term.start - timedelta(45))
        ended = force.get("ended", after is None and rng.random() < 0.13)
        if not ended:
            planned = rng.choice([year_end, _school_day(rng, term.end + timedelta(60), term.end + timedelta(100))])
            return start, max(planned, start + timedelta(42)), None
        latest = term.end - timedelta(45 if force.get("early_end") else 14)
        end = _school_day(rng, max(start + timedelta(28), term.start + timedelta(10)), latest)
        if end > latest or end < start:  # started too late to have ended: start earlier
            end = _school_day(rng, term.start + timedelta(10), latest)
            start = _school_day(rng, end - timedelta(200), end - timedelta(28))
        planned = end if rng.random() < 0.5 else _school_day(rng, end + timedelta(14), end + timedelta(90))
        return start, planned, end

    def destination(self, child: Child, force: dict) -> str:
        if force.get("destination"):
            return force["destination"]
        if child.nc_year >= 12:
            return _pick(self.rng, POST16_DESTINATIONS)
        return _pick(self.rng, DESTINATIONS)

    def sessions(self, start: date, end: date | None, days: float, force: dict) -> tuple[int, int, int]:
        """(possible, attended, authorised absence) for the part of the term in placement."""
        term = self.term
        first, last = max(start, term.start), min(end or term.end, term.end)
        share = max((last - first).days, 7) / (term.end - term.start).days
        possible = max(2, round(TEACHING_WEEKS[term.term] * share * days * 2))
        rate = force.get("attendance") or self.rng.triangular(0.58, 0.97, 0.87)
        attended = round(possible * rate)
        authorised = round((possible - attended) * self.rng.uniform(0.2, 0.6))
        return possible, attended, authorised

    def placement(self, child: Child, provider: Provider, force: dict, after: date | None = None) -> Placement:
        rng = self.rng
        reason = force.get("reason") or _pick(rng, PLACEMENT_REASONS[child.commissioner])
        if child.sen == "E" and child.commissioner == "School" and rng.random() < 0.3:
            reason = "EHCP interim"
        tier = None if rng.random() < 0.1 else (2 if reason in ("At risk of exclusion", "Suspension") else 3)
        start, planned_end, end = self.dates(force, after)
        destination = self.destination(child, force) if end else None
        if "hours" in force:
            hours, days = force["hours"]
        else:
            offers = [o for o in provider.offers if o[0] <= 12.5] if child.nc_year <= 6 else []
            hours, days = rng.choice(offers or list(provider.offers))
        possible, attended, authorised = self.sessions(start, end, days, force)
        rate = attended / possible
        engagement = max(
            1,
            min(
                4, (4 if rate >= 0.9 else 3 if rate >= 0.8 else 2 if rate >= 0.68 else 1) + rng.choice((-1, 0, 0, 0, 1))
            ),
        )
        outcomes = max(1, min(4, engagement + rng.choice((-1, 0, 0, 1))))
        learning = max(1, min(4, outcomes + rng.choice((-1, 0, 0))))
        entered = rng.choice((0, 1, 1, 2, 3)) if child.nc_year >= 10 else 0
        quiet = force.get("quiet")  # no events to notify (suspensions, serious incidents ...)
        suspensions = force.get("suspensions", 0 if quiet else rng.choices((0, 1, 2), (86, 11, 3))[0])
        incidents = force.get("incidents", rng.choices(range(9), (30, 20, 15, 10, 8, 6, 5, 3, 3))[0])
        incidents = min(incidents, 5) if quiet else incidents
        safeguarding = 0 if quiet else rng.choices((0, 1, 2), (88, 10, 2))[0]
        # Post-16 pupils placed by the council often move on to college, not back to school.
        plan = (
            "N"
            if child.tag == "no-reintegration-plan"
            or (child.nc_year >= 12 and child.commissioner != "School" and rng.random() < 0.5)
            else "Y"
        )
        extras = {
            "pupil_satisfaction": rng.choice((None, 3, 4, 4, 5, 5, 2)),
            "parent_satisfaction": rng.choice((None, None, 3, 4, 5, 5)),
            "barriers": rng.choice(BARRIERS) if rng.random() < 0.45 else None,
            "impact": rng.choice(IMPACTS) if rng.random() < 0.5 else None,
        }
        return Placement(
            child,
            provider,
            reason,
            tier,
            start,
            planned_end,
            end,
            destination,
            hours,
            days,
            possible,
            attended,
            authorised,
            engagement,
            outcomes,
            learning,
            entered,
            min(entered, rng.choice((0, 0, 0, 1))),
            suspensions,
            safeguarding,
            incidents,
            plan,
            on_return=force.get("on_return", True),
            on_school_log=force.get("on_school_log", True),
            extras=extras,
        )


def _provider(pid: str) -> Provider:
    return next(p for p in PROVIDERS if p.id == pid)


def _placements(maker: _Maker) -> tuple[list[Placement], dict[str, Placement]]:
    """Every placement of the term, and the planted children's placements by tag."""
    placements: list[Placement] = []
    tagged: dict[str, Placement] = {}
    for provider in PROVIDERS:
        specials = SPECIAL_CHILDREN.get(provider.id, ())
        on_roll = sum(1 for force in specials if force.get("on_return", True))
        for force in list(specials) + [{}] * (provider.pupils - on_roll):
            p = maker.placement(maker.child(provider, force), provider, force)
            placements.append(p)
            if force.get("tag"):
                tagged[force["tag"]] = p
    for tag, to in MOVES.items():  # the same child, placed with the next provider
        before = tagged[tag]
        placements.append(maker.placement(before.child, _provider(to), {"reason": before.reason}, after=before.end))
    return placements, tagged


def unregistered_setting_placements(term: Term, seed: int, maker: _Maker) -> tuple[list[Placement], random.Random]:
    """The children at `UNREGISTERED_SETTING`, from a random stream of their own (so every
    other child and row is as before), with UPNs and names unlike any other child's. Returns
    the placements (tagged "unregistered-1" ...) and that stream, for their log rows."""
    own = _Maker(term, seed + 21)
    own.upns, own.names = maker.upns, maker.names
    placements = []
    for n, school in enumerate(UNREGISTERED_SETTING_PLACED_BY, start=1):
        force = {
            "tag": f"unregistered-{n}",
            "commissioner": "School",
            "school": school,
            "sen": "NK"[n % 2],
            "looked_after": "N",
            "ended": False,
            "on_return": False,
        }
        placements.append(own.placement(own.child(UNREGISTERED_SETTING, force), UNREGISTERED_SETTING, force))
    return placements, own.rng


# ---- a year: children carrying on from term to term (demo.year) ----
def carry_on(maker: _Maker, placements: list[Placement], earlier: tuple) -> None:
    """Children of the earlier terms in this term: each placement still open at the end of the
    last term carries on at the same provider from the same start date (it may end now), and
    two children who went back to school in an earlier term come back into AP at a new provider.
    Each takes the place of a newly drawn placement at that provider, so returns keep their size."""
    term = maker.term
    spare = [p for p in placements if p.child.tag is None and p.on_return and p.on_school_log]
    last = earlier[-1]
    carried = [p for p in last.placements if p.end is None and p.child.tag is None and p.on_return and p.on_school_log]
    back = [
        p
        for demo in earlier
        for p in demo.placements
        if p.end is not None
        and p.destination in ("Returned to home school", "New mainstream school")
        and p.child.tag is None
    ]
    for before in carried:
        place = next((p for p in spare if p.provider is before.provider), None)
        if place is None:
            continue
        spare.remove(place)
        now = maker.placement(_grown(maker, before.child), before.provider, {"reason": before.reason})
        start = before.start
        possible, attended, authorised = maker.sessions(start, now.end, before.days, {})
        placements[placements.index(place)] = replace(
            now,
            start=start,
            planned_end=max(now.planned_end, before.planned_end, start + timedelta(42)),
            hours=before.hours,
            days=before.days,
            tier=before.tier,
            sessions_possible=possible,
            sessions_attended=attended,
            sessions_authorised=authorised,
        )
    here = {p.child.upn for p in placements}
    returning = 0
    for before in back:
        if before.child.upn in here or returning == 2:  # already back (or still placed), or two are
            continue
        here.add(before.child.upn)
        returning += 1
        place = next((p for p in reversed(spare) if p.provider is not before.provider), None)
        if place is None:
            continue
        spare.remove(place)
        placements[placements.index(place)] = maker.placement(
            _grown(maker, before.child), place.provider, {}, after=max(before.end, term.start)
        )


def _grown(maker: _Maker, child: Child) -> Child:
    """The child this term: asked their sexual orientation once they are 16."""
    if child.sexual_orientation is None and age_on(child.born, maker.term.start) >= 16:
        return replace(child, sexual_orientation=_pick(maker.rng, SEXUAL_ORIENTATIONS))
    return child
