"""Cross-return rules X001-X005: provider returns reconciled with school placement logs.

These rules see the whole batch for one term, not one workbook, so each finding names two
places: the row it is about (file, sheet, Excel row) and the other file and row it was
compared with (or says which file was expected and not received). One function per rule,
in the spirit of the per-return rules in `checks/`; each returns a list of `CrossFinding`.

What they run on (decided by `consolidate`): the returns for the report's term that could
be read, accepted or rejected, after X005 has picked one return per provider or school. A
rejected return still says which children a provider teaches or a school has placed, so
leaving it out would turn one bad postcode into dozens of false X001/X002 queries. Rows
whose UPN is not a valid UPN are left out: R010 has already reported them and they
cannot be matched.

The rules only read attributes, so they work on any objects shaped like
`consolidate.FileResult` (file, kind, status, record, record_rows, mtime, rows), whose rows
are `consolidate.PupilRow` (provider returns) or `consolidate.PlacementRow` (school logs).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable

from .findings import display_value
from .spec.rules import RULES
from .terms import Term
from .values import upn_problem

PROVIDER, SCHOOL = "provider-return", "school-log"
ATTENDANCE_GAP_POINTS = 10.0  # X004: more than 10 percentage points apart


@dataclass(frozen=True)
class CrossFinding:
    """A finding about two returns: where it is, and the other file and row it concerns."""

    code: str
    severity: str
    message: str
    upn: str | None
    file: str
    sheet: str | None
    row: int | None
    other_file: str | None = None
    other_sheet: str | None = None
    other_row: int | None = None

    def to_json(self) -> dict:
        return {
            "code": self.code, "severity": self.severity, "message": self.message, "upn": self.upn,
            "file": self.file, "sheet": self.sheet, "row": self.row,
            "other_file": self.other_file, "other_sheet": self.other_sheet, "other_row": self.other_row,
        }


def _finding(code: str, message: str, upn, file, sheet, row, other_file=None, other_sheet=None,
             other_row=None) -> CrossFinding:
    return CrossFinding(code, RULES[code].severity, message, upn, file, sheet, row,
                        other_file, other_sheet, other_row)


# ---- keys used to match returns -------------------------------------------------------
def provider_key(value) -> str | None:
    """Provider IDs compared without case or spaces: ' ap-012 ' matches 'AP-012'."""
    if value is None:
        return None
    text = re.sub(r"\s+", "", str(value)).upper()
    return text or None


def school_key(value) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", "", str(value))
    return text or None


def return_key(result) -> tuple[str, str] | None:
    """(kind, provider ID or school URN): what makes two returns 'the same' for X005."""
    if result.kind == PROVIDER:
        key = provider_key(result.record.get("provider_id"))
    elif result.kind == SCHOOL:
        key = school_key(result.record.get("school_urn"))
    else:
        return None
    return (result.kind, key) if key else None


def valid_upn(upn) -> bool:
    return isinstance(upn, str) and _upn_ok(upn)


@lru_cache(maxsize=1 << 16)
def _upn_ok(upn: str) -> bool:  # each rule asks about every row: check each UPN once
    return upn_problem(upn) is None


def name_key(text) -> str | None:
    """Names compared on their letters only: 'O'Brien' = 'OBRIEN', 'Zoë' = 'Zoe'."""
    if not isinstance(text, str):
        return None
    return _letters(text)


@lru_cache(maxsize=1 << 16)
def _letters(text: str) -> str | None:
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch))
    return letters.casefold() or None


def overlaps_term(row, term: Term | None) -> bool:
    """A placement that was open at some point in the term (unknown dates count as open)."""
    if term is None:
        return True
    start, end = row.start_date, row.end_date
    if isinstance(start, date) and start > term.end:
        return False
    if isinstance(end, date) and end < term.start:
        return False
    return True


def provider_attendance(row) -> float | None:
    """Percentage points from a provider's sessions: attended / possible x 100."""
    possible, attended = row.sessions_possible, row.sessions_attended
    if _num(possible) and _num(attended) and possible > 0:
        return attended / possible * 100
    return None


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _pct(v: float) -> str:
    return f"{v:.1f}%"


def _provider_label(result) -> str:
    rec = result.record
    name, pid = rec.get("provider_name"), rec.get("provider_id")
    return f"{name or 'provider'} (ID {pid})" if pid else f"{name or 'provider'}"


def _school_label(result) -> str:
    rec = result.record
    name, urn = rec.get("school_name"), rec.get("school_urn")
    return f"{name or 'school'} (URN {urn})" if urn else f"{name or 'school'}"


# ---- X005 first: one return per provider / school --------------------------------------
def _rank(result):
    """Which of two returns for the same provider or school the report uses: an accepted one
    over a rejected one, then the later 'Date completed', then the later-saved file, then
    the file name (so the choice never depends on the order files were read)."""
    completed = result.record.get("date_completed")
    return (
        result.status == "accepted",
        completed if isinstance(completed, date) else date.min,
        result.mtime or 0.0,
        result.file,
    )


def choose_returns(results: Iterable) -> tuple[list, dict[str, str]]:
    """Split returns into those the report uses and the ones superseded by a duplicate.

    Returns (chosen, superseded) where superseded maps a left-out file to the file used.
    Returns without a provider ID / school URN cannot be matched and are all kept.
    """
    groups: dict[tuple[str, str], list] = {}
    chosen = []
    for result in results:
        key = return_key(result)
        if key is None:
            chosen.append(result)
        else:
            groups.setdefault(key, []).append(result)
    superseded: dict[str, str] = {}
    for group in groups.values():
        winner = max(group, key=_rank)
        chosen.append(winner)
        for other in group:
            if other is not winner:
                superseded[other.file] = winner.file
    chosen.sort(key=lambda r: r.file)
    return chosen, superseded


def x005_duplicate_returns(results: Iterable, term: Term | None) -> list[CrossFinding]:
    """Two returns for the same provider (Provider ID) or school (School URN) and term."""
    results = list(results)
    _, superseded = choose_returns(results)
    by_file = {r.file: r for r in results}
    out = []
    for loser_file, winner_file in sorted(superseded.items()):
        loser, winner = by_file[loser_file], by_file[winner_file]
        if loser.kind == PROVIDER:
            what, sheet, id_key = f"provider {_provider_label(winner)}", "Provider", "provider_id"
        else:
            what, sheet, id_key = f"school {_school_label(winner)}", "School", "school_urn"
        why = _why_chosen(winner, loser)
        when = f" for {term.label}" if term else ""
        out.append(_finding(
            "X005",
            f"Two returns from {what}{when}: {loser.file} and {winner.file}. The report uses "
            f"{winner.file} ({why}) and leaves {loser.file} out of the figures. Check with the "
            f"{'provider' if loser.kind == PROVIDER else 'school'} which one is right, and remove the "
            "other from the folder.",
            None, loser.file, sheet, loser.record_rows.get(id_key),
            winner.file, sheet, winner.record_rows.get(id_key)))
    return out


def _why_chosen(winner, loser) -> str:
    if winner.status == "accepted" and loser.status != "accepted":
        return "it is accepted; the other was rejected"
    w, l_ = winner.record.get("date_completed"), loser.record.get("date_completed")
    if isinstance(w, date) and (not isinstance(l_, date) or w > l_):
        return f"completed later, on {display_value(w)}"
    if (winner.mtime or 0) > (loser.mtime or 0):
        return "saved later"
    return "the same date; chosen by file name"


# ---- X001-X004 ------------------------------------------------------------------------
def _placements_index(schools) -> tuple[dict, dict]:
    """(UPN, provider key) -> [(school, row)], and UPN -> [(school, row)]."""
    by_pair: dict[tuple[str, str | None], list] = {}
    by_upn: dict[str, list] = {}
    for school in schools:
        for row in school.rows:
            if valid_upn(row.upn):
                by_pair.setdefault((row.upn, provider_key(row.provider_id)), []).append((school, row))
                by_upn.setdefault(row.upn, []).append((school, row))
    return by_pair, by_upn


def _pupils_index(providers) -> tuple[dict, dict]:
    by_pair: dict[tuple[str, str | None], list] = {}
    by_upn: dict[str, list] = {}
    for provider in providers:
        pkey = provider_key(provider.record.get("provider_id"))
        for row in provider.rows:
            if valid_upn(row.upn):
                by_pair.setdefault((row.upn, pkey), []).append((provider, row))
                by_upn.setdefault(row.upn, []).append((provider, row))
    return by_pair, by_upn


def x001_pupil_not_on_school_log(providers, schools, term: Term | None = None) -> list[CrossFinding]:
    """A pupil a school commissioned (Commissioner type School) is on no school's placement
    log with that provider (§6.1d: the commissioning school keeps a record of every placement)."""
    by_pair, by_upn = _placements_index(schools)
    schools_by_urn = {school_key(s.record.get("school_urn")): s for s in schools}
    out = []
    for provider in providers:
        pkey = provider_key(provider.record.get("provider_id"))
        for row in provider.rows:
            if row.commissioner_type != "School" or not valid_upn(row.upn):
                continue
            if (row.upn, pkey) in by_pair:
                continue
            urn = school_key(row.commissioner_urn)
            school = schools_by_urn.get(urn)
            commissioner = row.commissioner_name or "the commissioning school"
            other_file = other_row = None
            elsewhere = by_upn.get(row.upn)
            if elsewhere:
                other, other_r = elsewhere[0]
                other_file, other_row = other.file, other_r.row
                tail = (f"The pupil is on {_school_label(other)}'s log ({other.file}, row {other_r.row}) "
                        f"but with provider ID {other_r.provider_id or '(blank)'}: one of the two IDs is wrong.")
            elif school is not None:
                other_file = school.file
                tail = (f"It is not on the placement log from {_school_label(school)} ({school.file}). "
                        "Ask the school to add the placement, or the provider to check the commissioner.")
            else:
                tail = (f"No placement log was received from {commissioner}"
                        f"{f' (URN {urn})' if urn else ''}. Ask the school for its log.")
            out.append(_finding(
                "X001",
                f"UPN {row.upn} is on {_provider_label(provider)}'s return, placed by a school, but on no "
                f"school's placement log with this provider. {tail}",
                row.upn, provider.file, "Pupils", row.row, other_file,
                "Placements" if other_file else None, other_row))
    return out


def x002_placement_not_on_provider_return(providers, schools, term: Term | None = None) -> list[CrossFinding]:
    """A placement open during the term on a school's log is on no provider's return."""
    by_pair, by_upn = _pupils_index(providers)
    providers_by_key = {provider_key(p.record.get("provider_id")): p for p in providers}
    out = []
    for school in schools:
        for row in school.rows:
            if not valid_upn(row.upn) or not overlaps_term(row, term):
                continue
            pkey = provider_key(row.provider_id)
            if (row.upn, pkey) in by_pair:
                continue
            provider = providers_by_key.get(pkey)
            other_file = other_row = None
            elsewhere = by_upn.get(row.upn)
            named = f"{row.provider_name or 'the provider'} (ID {row.provider_id or 'blank'})"
            if elsewhere:
                other, other_r = elsewhere[0]
                other_file, other_row = other.file, other_r.row
                tail = (f"The pupil is on {_provider_label(other)}'s return ({other.file}, row {other_r.row}): "
                        "check the provider ID on the log.")
            elif provider is not None:
                other_file = provider.file
                tail = (f"It is not on {_provider_label(provider)}'s return ({provider.file}). Ask the "
                        "provider to add the pupil, or the school to correct its log.")
            else:
                when = f" for {term.label}" if term else ""
                tail = f"No return was received from {named}{when}. Ask the provider for it."
            out.append(_finding(
                "X002",
                f"UPN {row.upn} is placed with {named} on {_school_label(school)}'s log, but is on no "
                f"provider's return for that provider. {tail}",
                row.upn, school.file, "Placements", row.row, other_file,
                "Pupils" if other_file else None, other_row))
    return out


def _identity(row) -> tuple:
    dob = row.date_of_birth if isinstance(row.date_of_birth, date) else None
    return dob, name_key(row.surname), name_key(row.forename)


def _differences(a, b) -> list[str]:
    """What differs between two rows' identities, in words (row a first)."""
    out = []
    (dob_a, sur_a, fore_a), (dob_b, sur_b, fore_b) = _identity(a), _identity(b)
    if dob_a and dob_b and dob_a != dob_b:
        out.append(f"date of birth {display_value(dob_a)} here but {display_value(dob_b)} there")
    if (sur_a and sur_b and sur_a != sur_b) or (fore_a and fore_b and fore_a != fore_b):
        out.append(f"name '{a.forename} {a.surname}' here but '{b.forename} {b.surname}' there")
    return out


def x003_identity_differs(providers, schools, term: Term | None = None) -> list[CrossFinding]:
    """The same UPN with a different date of birth or name on different returns.

    For each UPN the most common identity (date of birth, surname, forename) is taken as the
    reference; each row in another file that differs from it is reported once, naming the
    reference row. Differences of case, spacing, accents and punctuation are ignored.
    """
    entries: dict[str, list] = {}
    for result, sheet in [(p, "Pupils") for p in providers] + [(s, "Placements") for s in schools]:
        for row in result.rows:
            if valid_upn(row.upn):
                entries.setdefault(row.upn, []).append((result, sheet, row, _identity(row)))
    out = []
    for upn, group in entries.items():
        if len(group) < 2 or len({e[0].file for e in group}) < 2:
            continue
        counts = Counter(e[3] for e in group)
        if len(counts) < 2:
            continue
        ref_identity = max(counts, key=lambda k: counts[k])  # first most common (stable)
        ref_result, ref_sheet, ref_row, _ = next(e for e in group if e[3] == ref_identity)
        for result, sheet, row, identity in group:
            if result.file == ref_result.file or identity == ref_identity:
                continue
            diffs = _differences(row, ref_row)
            if not diffs:
                continue
            out.append(_finding(
                "X003",
                f"UPN {upn}: {' and '.join(diffs)} ({ref_result.file}, {ref_sheet} row {ref_row.row}). "
                "One of them is wrong, or the UPN belongs to another child: check the pupil's school record.",
                upn, result.file, sheet, row.row, ref_result.file, ref_sheet, ref_row.row))
    return out


def x004_attendance_differs(providers, schools, term: Term | None = None,
                            gap: float = ATTENDANCE_GAP_POINTS) -> list[CrossFinding]:
    """Attendance more than `gap` points apart: provider (sessions attended / possible) vs
    school log (Attendance %), for the same UPN and provider."""
    by_pair, _ = _placements_index(schools)
    out = []
    for provider in providers:
        pkey = provider_key(provider.record.get("provider_id"))
        for row in provider.rows:
            if not valid_upn(row.upn):
                continue
            theirs = provider_attendance(row)
            if theirs is None:
                continue
            for school, srow in by_pair.get((row.upn, pkey), ()):
                logged = srow.attendance_pct
                if not _num(logged) or abs(theirs - logged) <= gap:
                    continue
                out.append(_finding(
                    "X004",
                    f"UPN {row.upn}: the provider's sessions give {_pct(theirs)} attendance "
                    f"({row.sessions_attended} of {row.sessions_possible}) but {_school_label(school)}'s log "
                    f"says {_pct(logged)} ({school.file}, row {srow.row}): more than {gap:g} points apart. "
                    "Agree the figure with the school.",
                    row.upn, provider.file, "Pupils", row.row, school.file, "Placements", srow.row))
    return out


CROSS_RULES = (
    ("X001", x001_pupil_not_on_school_log),
    ("X002", x002_placement_not_on_provider_return),
    ("X003", x003_identity_differs),
    ("X004", x004_attendance_differs),
)


def reconcile(results: Iterable, term: Term | None,
              gap: float = ATTENDANCE_GAP_POINTS) -> tuple[list[CrossFinding], list, dict[str, str]]:
    """Run X005 then X001-X004 over the readable returns for one term.

    Returns (findings, chosen returns, superseded file -> file used).
    """
    results = [r for r in results if r.kind in (PROVIDER, SCHOOL)]
    findings = x005_duplicate_returns(results, term)
    chosen, superseded = choose_returns(results)
    providers = [r for r in chosen if r.kind == PROVIDER]
    schools = [r for r in chosen if r.kind == SCHOOL]
    for code, fn in CROSS_RULES:
        if code == "X004":
            findings += fn(providers, schools, term, gap=gap)
        else:
            findings += fn(providers, schools, term)
    order = {code: i for i, code in enumerate(("X005", "X001", "X002", "X003", "X004"))}
    findings.sort(key=lambda f: (order[f.code], f.file, f.row or 0, f.other_file or "", f.other_row or 0))
    return findings, chosen, superseded
