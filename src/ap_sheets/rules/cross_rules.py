"""Cross-return rules X001-X006: provider returns reconciled with school placement logs, and
unregistered settings seen across all of them (X006).

These rules see the whole batch for one term, not one workbook, so each finding names two
places: the row it is about (file, sheet, Excel row) and the other file and row it was
compared with (or says which file was expected and not received). One function per rule,
declared like every other rule; each returns a list of `Finding`s that name their file
(`Finding.file`), the other place (`Finding.other`) and, as their value, the UPN.

What they run on (decided by `consolidate`): the returns for the report's term that could
be read, accepted or rejected, after X005 has picked one return per provider or school. A
rejected return still says which children a provider teaches or a school has placed, so
leaving it out would turn one bad postcode into dozens of false X001/X002 queries. Rows
whose UPN is not a valid UPN are left out: R010 has already reported them and they
cannot be matched.

The rules only read attributes, so they work on any objects shaped like the batch's
`FileResult` (file, kind, status, record, record_rows, mtime, rows), whose rows are
`return_rows.PupilRow` (provider returns) or `return_rows.PlacementRow` (school logs).
Messages never repeat a pupil's UPN, name or date of birth: the finding's value is the
UPN, and the report shows it in its own column.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from ..findings import Finding, Place, display_value
from ..settings import Settings
from ..spec import ERROR, QUERY, Kind
from ..terms import Term
from .common import meets_registration_test, of_compulsory_school_age, vulnerable
from .declare import rule
from .directory_cross_rules import check_against_directory
from .matching import cross_order, name_key, overlaps_term, provider_key, return_key, school_key, valid_upn

PROVIDER, SCHOOL = Kind.PROVIDER_RETURN, Kind.SCHOOL_LOG
ATTENDANCE_GAP_POINTS = 10.0  # X004: more than 10 percentage points apart


def _finding(
    declared,
    message: str,
    upn,
    file,
    sheet,
    row,
    other_file=None,
    other_sheet=None,
    other_row=None,
    column: str | None = None,
    value=None,
) -> Finding:
    """A cross finding: in `file` at (sheet, row), compared with the other place given."""
    other = Place(other_file, other_sheet, other_row) if other_file is not None else None
    return Finding(
        sheet,
        row,
        column or ("UPN" if upn else None),
        None,
        declared.code,
        declared.severity,
        message,
        upn if upn else value,
        file=file,
        other=other,
    )


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


X005 = rule(
    "X005",
    ERROR,
    "cross",
    title="Two returns for the same provider or school and term",
    message="Two returns from {what}{when}: {loser} and {winner}. The report uses {winner} ({why}) and leaves "
    "{loser} out of the figures. Check with the {who} which one is right, and remove the other from the "
    "folder.",
)


@X005.cross_check
def x005_duplicate_returns(results: Iterable, term: Term | None) -> list[Finding]:
    """Two returns for the same provider (Provider ID) or school (School URN) and term."""
    results = list(results)
    _, superseded = choose_returns(results)
    by_file = {r.file: r for r in results}
    out = []
    for loser_file, winner_file in sorted(superseded.items()):
        loser, winner = by_file[loser_file], by_file[winner_file]
        if loser.kind == PROVIDER:
            what, sheet, id_key, header = (
                f"provider {_provider_label(winner)}",
                "Provider",
                "provider_id",
                "Provider ID",
            )
        else:
            what, sheet, id_key, header = f"school {_school_label(winner)}", "School", "school_urn", "School URN"
        message = X005.say(
            what=what,
            when=f" for {term.label}" if term else "",
            loser=loser.file,
            winner=winner.file,
            why=_why_chosen(winner, loser),
            who="provider" if loser.kind == PROVIDER else "school",
        )
        out.append(
            _finding(
                X005,
                message,
                None,
                loser.file,
                sheet,
                loser.record_rows.get(id_key),
                winner.file,
                sheet,
                winner.record_rows.get(id_key),
                column=header,
                value=loser.record.get(id_key),
            )
        )
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


X001 = rule(
    "X001",
    QUERY,
    "cross",
    title="Pupil on a provider's return is on no school's placement log",
    messages={
        "on-another-log": "This pupil is on {provider}'s return, placed by a school, but on no school's placement "
        "log with this provider. The pupil is on {school}'s log ({file}, row {row}) but with "
        "provider ID {provider_id}: one of the two IDs is wrong.",
        "not-on-log": "This pupil is on {provider}'s return, placed by a school, but on no school's placement log "
        "with this provider. It is not on the placement log from {school} ({file}). Ask the school "
        "to add the placement, or the provider to check the commissioner.",
        "no-log": "This pupil is on {provider}'s return, placed by a school, but on no school's placement log with "
        "this provider. No placement log was received from {commissioner}{urn}. Ask the school for its "
        "log.",
    },
)


@X001.cross_check
def x001_pupil_not_on_school_log(providers, schools, term: Term | None = None) -> list[Finding]:
    """A pupil a school commissioned (Commissioner type School) is on no school's placement
    log with that provider (§6.1d: the commissioning school keeps a record of every placement)."""
    by_pair, by_upn = _placements_index(schools)
    schools_by_urn = {school_key(s.record.get("school_urn")): s for s in schools}
    out = []
    for provider in providers:
        pkey = provider_key(provider.record.get("provider_id"))
        label = _provider_label(provider)
        for row in provider.rows:
            if row.commissioner_type != "School" or not valid_upn(row.upn):
                continue
            if (row.upn, pkey) in by_pair:
                continue
            urn = school_key(row.commissioner_urn)
            school = schools_by_urn.get(urn)
            other_file = other_row = None
            elsewhere = by_upn.get(row.upn)
            if elsewhere:
                other, other_r = elsewhere[0]
                other_file, other_row = other.file, other_r.row
                message = X001.say(
                    "on-another-log",
                    provider=label,
                    school=_school_label(other),
                    file=other.file,
                    row=other_r.row,
                    provider_id=other_r.provider_id or "(blank)",
                )
            elif school is not None:
                other_file = school.file
                message = X001.say("not-on-log", provider=label, school=_school_label(school), file=school.file)
            else:
                message = X001.say(
                    "no-log",
                    provider=label,
                    commissioner=row.commissioner_name or "the commissioning school",
                    urn=f" (URN {urn})" if urn else "",
                )
            out.append(
                _finding(
                    X001,
                    message,
                    row.upn,
                    provider.file,
                    "Pupils",
                    row.row,
                    other_file,
                    "Placements" if other_file else None,
                    other_row,
                )
            )
    return out


X002 = rule(
    "X002",
    QUERY,
    "cross",
    title="Placement on a school's log is on no provider's return",
    messages={
        "on-another-return": "This pupil is placed with {named} on {school}'s log, but is on no provider's return "
        "for that provider. The pupil is on {provider}'s return ({file}, row {row}): check the "
        "provider ID on the log.",
        "not-on-return": "This pupil is placed with {named} on {school}'s log, but is on no provider's return for "
        "that provider. It is not on {provider}'s return ({file}). Ask the provider to add the "
        "pupil, or the school to correct its log.",
        "no-return": "This pupil is placed with {named} on {school}'s log, but is on no provider's return for that "
        "provider. No return was received from {named}{when}. Ask the provider for it.",
    },
)


@X002.cross_check
def x002_placement_not_on_provider_return(providers, schools, term: Term | None = None) -> list[Finding]:
    """A placement open during the term on a school's log is on no provider's return."""
    by_pair, by_upn = _pupils_index(providers)
    providers_by_key = {provider_key(p.record.get("provider_id")): p for p in providers}
    out = []
    for school in schools:
        label = _school_label(school)
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
                message = X002.say(
                    "on-another-return",
                    named=named,
                    school=label,
                    provider=_provider_label(other),
                    file=other.file,
                    row=other_r.row,
                )
            elif provider is not None:
                other_file = provider.file
                message = X002.say(
                    "not-on-return", named=named, school=label, provider=_provider_label(provider), file=provider.file
                )
            else:
                message = X002.say("no-return", named=named, school=label, when=f" for {term.label}" if term else "")
            out.append(
                _finding(
                    X002,
                    message,
                    row.upn,
                    school.file,
                    "Placements",
                    row.row,
                    other_file,
                    "Pupils" if other_file else None,
                    other_row,
                )
            )
    return out


def _identity(row) -> tuple:
    dob = row.date_of_birth if isinstance(row.date_of_birth, date) else None
    return dob, name_key(row.surname), name_key(row.forename)


def _differences(a, b) -> list[str]:
    """What differs between two rows' identities, in words, never the values themselves."""
    out = []
    (dob_a, sur_a, fore_a), (dob_b, sur_b, fore_b) = _identity(a), _identity(b)
    if dob_a and dob_b and dob_a != dob_b:
        out.append("date of birth")
    if (sur_a and sur_b and sur_a != sur_b) or (fore_a and fore_b and fore_a != fore_b):
        out.append("name")
    return out


X003 = rule(
    "X003",
    QUERY,
    "cross",
    title="Same UPN with a different date of birth or name across returns",
    message="This pupil's {what} here differs from {file} ({sheet} row {row}), which has the same UPN. One of them "
    "is wrong, or the UPN belongs to another child: check the pupil's school record.",
)


@X003.cross_check
def x003_identity_differs(providers, schools, term: Term | None = None) -> list[Finding]:
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
            message = X003.say(what=" and ".join(diffs), file=ref_result.file, sheet=ref_sheet, row=ref_row.row)
            out.append(
                _finding(X003, message, upn, result.file, sheet, row.row, ref_result.file, ref_sheet, ref_row.row)
            )
    return out


X004 = rule(
    "X004",
    QUERY,
    "cross",
    title="Attendance differs by more than 10 points between provider return and school log",
    message="The provider's sessions give {theirs} attendance ({attended} of {possible}) but {school}'s log says "
    "{logged} ({file}, row {row}): more than {gap:g} points apart. Agree the figure with the school.",
    settings=("attendance_gap_points",),
)


@X004.cross_check
def x004_attendance_differs(
    providers, schools, term: Term | None = None, *, attendance_gap_points: float = ATTENDANCE_GAP_POINTS
) -> list[Finding]:
    """Attendance more than the gap apart: provider (sessions attended / possible) vs school
    log (Attendance %), for the same UPN and provider."""
    gap = attendance_gap_points
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
                message = X004.say(
                    theirs=_pct(theirs),
                    attended=row.sessions_attended,
                    possible=row.sessions_possible,
                    school=_school_label(school),
                    logged=_pct(logged),
                    file=school.file,
                    row=srow.row,
                    gap=gap,
                )
                out.append(
                    _finding(
                        X004, message, row.upn, provider.file, "Pupils", row.row, school.file, "Placements", srow.row
                    )
                )
    return out


X006 = rule(
    "X006",
    QUERY,
    "cross",
    title="Unregistered provider gives full-time education that meets the registration test, across all returns",
    messages={
        "guidance": "{provider} is not a registered school, but across the returns for {term} it gives full-time "
        "education (more than {limit} hours a week) to {count} {children} of compulsory school "
        "age{including}: on {files}.{no_return} Under the council's guidance (§3.2) such a setting must "
        "register as a school: it may be operating as an unregistered school. Check with the provider "
        "and the placing schools.",
        "law": "{provider} is not a registered school, but across the returns for {term} it gives full-time "
        "education (more than {limit} hours a week, the DfE's guidance on full time, §3.3) to {count} "
        "{children} of compulsory school age{including}: on {files}.{no_return} By law (Children's Wellbeing "
        "and Schools Act 2026 s.43) such a setting must register as a school: it may be operating as an "
        "unregistered school. Check with the provider and the placing schools.",
    },
    settings=("registration_test", "full_time_hours"),
)
_SINGLED = {
    "guidance-2024": " (including one with an EHC plan or looked after)",
    "act-2026": " (including one looked after or with special educational needs)",
}


def _x006_provider(pid, name) -> str | None:
    """Providers matched by ID (case and spaces ignored), else by name (letters only)."""
    return provider_key(pid) or (f"name:{name_key(name)}" if name_key(name) else None)


@X006.cross_check
def x006_unregistered_school(
    providers,
    schools,
    term: Term | None = None,
    *,
    registration_test: str = "guidance-2024",
    full_time_hours: float = 18.0,
) -> list[Finding]:
    """Every placement at a provider that is unregistered (Registered school = N on its
    return, or Provider registered = N on a school's log), open in the term, of more than
    `full_time_hours` a week, for a child of compulsory school age on the first day of
    term: counted per provider and child (by UPN; a row without a valid UPN is a child of
    its own), from the provider's own return and every school's log. A provider whose
    children meet the registration test gets one finding, on its own return if it sent
    one, else on the first log row that names it."""
    unregistered: set[str] = set()
    names: dict[str, str] = {}
    ids: dict[str, object] = {}
    own_return: dict[str, Any] = {}
    children: dict[str, dict[object, list[tuple[Any, str, Any]]]] = {}  # provider -> child -> [(result, sheet, row)]
    for provider in providers:
        rec = provider.record
        key = _x006_provider(rec.get("provider_id"), rec.get("provider_name"))
        if key is None:
            continue
        own_return[key] = provider
        names.setdefault(key, _provider_label(provider))
        ids.setdefault(key, rec.get("provider_id") or rec.get("provider_name"))
        if rec.get("registered_school") == "N":
            unregistered.add(key)
        for row in provider.rows:
            children.setdefault(key, {})
            if (
                _num(row.hours_per_week)
                and row.hours_per_week > full_time_hours
                and overlaps_term(row, term)
                and of_compulsory_school_age(row.date_of_birth, term)
            ):
                child = row.upn if valid_upn(row.upn) else (provider.file, row.row)
                children[key].setdefault(child, []).append((provider, "Pupils", row))
    for school in schools:
        for row in school.rows:
            key = _x006_provider(row.provider_id, row.provider_name)
            if key is None:
                continue
            if key not in names:
                names[key] = (
                    f"{row.provider_name or 'provider'} (ID {row.provider_id})"
                    if row.provider_id
                    else f"{row.provider_name}"
                )
                ids[key] = row.provider_id or row.provider_name
            if row.provider_registered == "N":
                unregistered.add(key)
            if (
                _num(row.hours_at_provider)
                and row.hours_at_provider > full_time_hours
                and overlaps_term(row, term)
                and of_compulsory_school_age(row.date_of_birth, term)
            ):
                child = row.upn if valid_upn(row.upn) else (school.file, row.row)
                children.setdefault(key, {}).setdefault(child, []).append((school, "Placements", row))
    out = []
    for key in sorted(unregistered):
        placed = children.get(key, {})
        if not placed:
            continue
        singled = any(
            vulnerable(row.sen, row.looked_after, registration_test)
            for places in placed.values()
            for _, _, row in places
        )
        if not meets_registration_test(len(placed), singled):
            continue
        files = sorted({result.file for places in placed.values() for result, _, _ in places})
        mine = own_return.get(key)
        if mine is not None:
            file, sheet, row_no, column = (
                mine.file,
                "Provider",
                mine.record_rows.get("registered_school"),
                "Registered school",
            )
        else:
            first = min((place for places in placed.values() for place in places), key=lambda p: (p[0].file, p[2].row))
            file, sheet, row_no, column = first[0].file, first[1], first[2].row, "Provider ID"
        count = len(placed)
        message = X006.say(
            "law" if registration_test == "act-2026" else "guidance",
            provider=names[key],
            term=term.label if term else "the term",
            limit=_hours(full_time_hours),
            count=count,
            children="child" if count == 1 else "children",
            including=_SINGLED[registration_test] if singled and count < 5 else "",
            files=", ".join(files),
            no_return="" if mine is not None else " No return was received from this provider.",
        )
        out.append(_finding(X006, message, None, file, sheet, row_no, column=column, value=ids[key]))
    return out


def _hours(v: float) -> str:
    return f"{v:g}"


CROSS_RULES = (X001, X002, X003, X004, X006)  # after X005, which picks the returns they compare


def reconcile(
    results: Iterable, term: Term | None, settings=None, directory=None
) -> tuple[list[Finding], list, dict[str, str]]:
    """Run X005 then X001-X004 and X006 over the readable returns for one term, and with the
    council's AP Directory (`directory_cross_rules.Directory`), X007-X009.

    Returns (findings, chosen returns, superseded file -> file used).
    """
    settings = settings or Settings()
    results = [r for r in results if r.kind in (PROVIDER, SCHOOL)]
    findings = x005_duplicate_returns(results, term)
    chosen, superseded = choose_returns(results)
    providers = [r for r in chosen if r.kind == PROVIDER]
    schools = [r for r in chosen if r.kind == SCHOOL]
    for declared in CROSS_RULES:
        assert declared.cross is not None
        findings += declared.cross(
            providers, schools, term, **{name: getattr(settings, name) for name in declared.settings}
        )
    if directory is not None:
        findings += check_against_directory(providers, schools, term, directory)
    findings.sort(key=cross_order)
    return findings, chosen, superseded


# ---- Tests -------------------------------------------------------------------------------------
# Run by pytest. One rule at a time, on small returns of Autumn 2024 as the batch keeps them
# (`ap_sheets.testing`: `provider_result`, `school_result`, rows `pupil_row(row, n)` and
# `placement_row(row, n)` for the pupil with UPN `make_upn(n)`). The end-to-end test with real
# workbooks is in tests/test_consolidate.py.


def test_x001_only_for_school_commissioned_pupils_missing_from_every_log():
    from ap_sheets.testing import AUTUMN_2024, make_upn, placement_row, provider_result, pupil_row, school_result

    p = provider_result(
        "p.xlsm", "AP-1", [pupil_row(2, 1), pupil_row(3, 2), pupil_row(4, 3, commissioner_type="LA SEND")]
    )
    s = school_result("s.xlsm", "100001", [placement_row(2, 1)])
    found = x001_pupil_not_on_school_log([p], [s], AUTUMN_2024)
    assert [(f.code, f.upn, f.file, f.sheet, f.row, f.other_file) for f in found] == [
        ("X001", make_upn(2), "p.xlsm", "Pupils", 3, "s.xlsm")
    ]
    assert found[0].message == (
        "This pupil is on Provider AP-1 (ID AP-1)'s return, placed by a school, but on no school's placement log "
        "with this provider. It is not on the placement log from School 100001 (URN 100001) (s.xlsm). Ask the "
        "school to add the placement, or the provider to check the commissioner."
    )


def test_x001_says_when_the_school_sent_no_log_and_when_the_provider_id_differs():
    from ap_sheets.testing import AUTUMN_2024, placement_row, provider_result, pupil_row, school_result

    p = provider_result("p.xlsm", "AP-1", [pupil_row(2, 1, commissioner_urn="100009"), pupil_row(3, 2)])
    s = school_result("s.xlsm", "100001", [placement_row(7, 2, pid="AP-9")])
    a, b = x001_pupil_not_on_school_log([p], [s], AUTUMN_2024)
    assert "No placement log was received" in a.message and a.other_file is None
    assert "provider ID AP-9" in b.message and (b.other_file, b.other_row) == ("s.xlsm", 7)


def test_x001_provider_ids_match_without_case_or_spaces():
    from ap_sheets.testing import AUTUMN_2024, placement_row, provider_result, pupil_row, school_result

    p = provider_result("p.xlsm", "AP-1", [pupil_row(2, 1)])
    s = school_result("s.xlsm", "100001", [placement_row(2, 1, pid=" ap-1 ")])
    assert x001_pupil_not_on_school_log([p], [s], AUTUMN_2024) == []


def test_x002_ignores_placements_outside_the_term():
    from ap_sheets.testing import AUTUMN_2024, make_upn, placement_row, provider_result, pupil_row, school_result

    p = provider_result("p.xlsm", "AP-1", [pupil_row(2, 1)])
    s = school_result(
        "s.xlsm",
        "100001",
        [
            placement_row(2, 1),
            placement_row(3, 2),  # X002
            placement_row(4, 3, start_date=date(2024, 1, 8), end_date=date(2024, 3, 1)),  # ended before the term
            placement_row(5, 4, start_date=date(2025, 1, 6)),  # starts after it
        ],
    )
    found = x002_placement_not_on_provider_return([p], [s], AUTUMN_2024)
    assert [(f.code, f.upn, f.file, f.sheet, f.row, f.other_file) for f in found] == [
        ("X002", make_upn(2), "s.xlsm", "Placements", 3, "p.xlsm")
    ]
    assert found[0].message == (
        "This pupil is placed with Alpha (ID AP-1) on School 100001 (URN 100001)'s log, but is on no provider's "
        "return for that provider. It is not on Provider AP-1 (ID AP-1)'s return (p.xlsm). Ask the provider to "
        "add the pupil, or the school to correct its log."
    )


def test_x002_names_a_provider_that_sent_no_return():
    from ap_sheets.testing import AUTUMN_2024, placement_row, school_result

    s = school_result("s.xlsm", "100001", [placement_row(2, 1, pid="AP-7")])
    (f,) = x002_placement_not_on_provider_return([], [s], AUTUMN_2024)
    assert "No return was received" in f.message and "AP-7" in f.message


def test_x003_reports_the_odd_one_out_against_the_common_identity():
    from ap_sheets.testing import AUTUMN_2024, placement_row, provider_result, pupil_row, school_result

    p1 = provider_result("p1.xlsm", "AP-1", [pupil_row(2, 1)])
    p2 = provider_result("p2.xlsm", "AP-2", [pupil_row(4, 1, date_of_birth=date(2010, 4, 3))])
    s = school_result("s.xlsm", "100001", [placement_row(6, 1), placement_row(7, 1, pid="AP-2")])
    (f,) = x003_identity_differs([p1, p2], [s], AUTUMN_2024)
    assert (f.code, f.file, f.row, f.other_file, f.other_row) == ("X003", "p2.xlsm", 4, "p1.xlsm", 2)
    # What differs is named; the dates of birth themselves never appear in a message (privacy).
    assert "date of birth" in f.message and "03/04/2010" not in f.message and "04/03/2010" not in f.message
    assert f.message == (
        "This pupil's date of birth here differs from p1.xlsm (Pupils row 2), which has the same "
        "UPN. One of them is wrong, or the UPN belongs to another child: check the pupil's school "
        "record."
    )


def test_x003_ignores_case_accents_spaces_and_punctuation():
    from ap_sheets.testing import AUTUMN_2024, placement_row, provider_result, pupil_row, school_result

    p = provider_result("p.xlsm", "AP-1", [pupil_row(2, 1, surname="O'Brien", forename="Zoë")])
    s = school_result("s.xlsm", "100001", [placement_row(2, 1, surname=" obrien ", forename="ZOE")])
    assert x003_identity_differs([p], [s], AUTUMN_2024) == []
    assert name_key("Mary-Jane") == name_key("mary jane")
    s2 = school_result("s.xlsm", "100001", [placement_row(2, 1, surname="Brien")])
    assert len(x003_identity_differs([p], [s2], AUTUMN_2024)) == 1


def test_x003_only_across_files():
    from ap_sheets.testing import AUTUMN_2024, provider_result, pupil_row

    p = provider_result("p.xlsm", "AP-1", [pupil_row(2, 1), pupil_row(3, 1, surname="Other")])
    assert x003_identity_differs([p], [], AUTUMN_2024) == []


def test_x004_more_than_ten_points_apart():
    from ap_sheets.testing import AUTUMN_2024, make_upn, placement_row, provider_result, pupil_row, school_result

    p = provider_result(
        "p.xlsm",
        "AP-1",
        [
            pupil_row(2, 1, sessions_attended=50),
            pupil_row(3, 2, sessions_attended=50),
            pupil_row(4, 3, sessions_possible=0),
        ],
    )
    s = school_result(
        "s.xlsm",
        "100001",
        [
            placement_row(2, 1, attendance_pct=60.0),  # exactly 10: fine
            placement_row(3, 2, attendance_pct=60.5),  # 10.5: X004
            placement_row(4, 3, attendance_pct=90.0),
        ],
    )  # no sessions: nothing to compare
    found = x004_attendance_differs([p], [s], AUTUMN_2024)
    assert [(f.code, f.upn, f.row, f.other_row) for f in found] == [("X004", make_upn(2), 3, 3)]
    assert found[0].message == (
        "The provider's sessions give 50.0% attendance (50 of 100) but School 100001 (URN 100001)'s log says 60.5% "
        "(s.xlsm, row 3): more than 10 points apart. Agree the figure with the school."
    )


def test_x004_the_gap_is_a_setting():
    from ap_sheets.testing import AUTUMN_2024, placement_row, provider_result, pupil_row, school_result

    p = provider_result("p.xlsm", "AP-1", [pupil_row(2, 1, sessions_attended=50)])
    s = school_result("s.xlsm", "100001", [placement_row(2, 1, attendance_pct=60.0)])
    assert x004_attendance_differs([p], [s], AUTUMN_2024, attendance_gap_points=5) != []
    assert reconcile([p, s], AUTUMN_2024, Settings(attendance_gap_points=5))[0][0].code == "X004"
    assert reconcile([p, s], AUTUMN_2024)[0] == []


def test_x005_prefers_accepted_then_latest_completed():
    from ap_sheets.testing import AUTUMN_2024, provider_result

    a = provider_result("a.xlsm", "AP-1", [], status="rejected", completed=date(2024, 12, 20))
    b = provider_result("b.xlsm", "AP-1", [], completed=date(2024, 12, 1))
    c = provider_result("c.xlsm", "AP-1", [], completed=date(2024, 12, 10))
    chosen, superseded = choose_returns([a, b, c])
    assert [r.file for r in chosen] == ["c.xlsm"]
    assert superseded == {"a.xlsm": "c.xlsm", "b.xlsm": "c.xlsm"}
    found = x005_duplicate_returns([a, b, c], AUTUMN_2024)
    assert [(f.code, f.file, f.sheet, f.row, f.other_file, f.severity) for f in found] == [
        ("X005", "a.xlsm", "Provider", 3, "c.xlsm", "error"),
        ("X005", "b.xlsm", "Provider", 3, "c.xlsm", "error"),
    ]
    assert "it is accepted" in found[0].message and "completed later" in found[1].message
    assert found[1].message == (
        "Two returns from provider Provider AP-1 (ID AP-1) for 2024/25 Autumn: b.xlsm and c.xlsm. The report uses "
        "c.xlsm (completed later, on 10/12/2024) and leaves b.xlsm out of the figures. Check with the provider which "
        "one is right, and remove the other from the folder."
    )


def test_x005_schools_by_urn_and_ties_broken_by_save_time():
    from dataclasses import replace

    from ap_sheets.testing import school_result

    s1 = school_result("s1.xlsm", "100001", [])
    s2_later = replace(school_result("s2.xlsm", "100001", []), mtime=5.0)
    chosen, superseded = choose_returns([s1, s2_later])
    assert superseded == {"s1.xlsm": "s2.xlsm"}
    assert [r.file for r in chosen] == ["s2.xlsm"]


def test_x005_reconcile_uses_only_the_chosen_return():
    from ap_sheets.testing import AUTUMN_2024, placement_row, provider_result, pupil_row, school_result

    old = provider_result("old.xlsm", "AP-1", [pupil_row(2, 9)], completed=date(2024, 12, 1))
    new = provider_result("new.xlsm", "AP-1", [pupil_row(2, 1)])
    s = school_result("s.xlsm", "100001", [placement_row(2, 1)])
    findings, chosen, superseded = reconcile([old, new, s], AUTUMN_2024)
    assert [f.code for f in findings] == ["X005"]  # the old return's pupil is not an X001
    assert {r.file for r in chosen} == {"new.xlsm", "s.xlsm"}
    assert superseded == {"old.xlsm": "new.xlsm"}


# ---- Tests: issue 10 (X006: unregistered settings seen across every return and log) ---------
# The rules read attributes only, so these build results as plain namespaces.
def _upn(n: int) -> str:
    from ap_sheets.values import upn_check_letter

    body = f"80120000{n:03d}1"
    return upn_check_letter("A" + body) + body


def _pupil_row(row: int, n: int, **kw: Any):
    from ap_sheets.return_rows import PupilRow

    base: dict[str, Any] = {f: None for f in PupilRow._fields}
    base.update(
        row=row,
        upn=_upn(n),
        surname="Smith",
        forename="Jo",
        date_of_birth=date(2010, 3, 4),
        sen="N",
        looked_after="N",
        commissioner_type="School",
        commissioner_urn="100001",
        start_date=date(2024, 9, 9),
        hours_per_week=12,
    )
    base.update(kw)
    return PupilRow(**base)


def _placement_row(row: int, n: int, pid: str = "AP-9", **kw: Any):
    from ap_sheets.return_rows import PlacementRow

    base: dict[str, Any] = {f: None for f in PlacementRow._fields}
    base.update(
        row=row,
        upn=_upn(n),
        surname="Smith",
        forename="Jo",
        date_of_birth=date(2010, 3, 4),
        sen="N",
        looked_after="N",
        provider_name="Hidden Academy",
        provider_id=pid,
        provider_registered="N",
        start_date=date(2024, 9, 9),
        hours_at_provider=20,
        hours_at_school=5,
    )
    base.update(kw)
    return PlacementRow(**base)


def _result(file, kind, record, rows, record_rows=None):
    from types import SimpleNamespace

    return SimpleNamespace(
        file=file,
        kind=kind,
        status="accepted",
        record=record,
        mtime=0.0,
        record_rows=record_rows or {},
        rows=list(rows),
        term=None,
    )


def _school(file, urn, rows):
    return _result(file, SCHOOL, {"school_name": f"School {urn}", "school_urn": urn}, rows, {"school_urn": 3})


def _provider(file, pid, rows, registered="N"):
    return _result(
        file,
        PROVIDER,
        {"provider_name": "Hidden Academy", "provider_id": pid, "registered_school": registered},
        rows,
        {"provider_id": 3, "registered_school": 6},
    )


_AUTUMN = Term(2024, "Autumn")


def test_x006_children_spread_over_schools_at_a_provider_that_sent_no_return():
    """Five children of compulsory school age, full time at one unregistered setting, placed by
    three schools, none more than two: no school's log shows it; X006 adds them up, once."""
    schools = [
        _school("a.xlsm", "100001", [_placement_row(2, 1), _placement_row(3, 2)]),
        _school("b.xlsm", "100002", [_placement_row(2, 3), _placement_row(3, 4, pid=" ap-9 ")]),
        _school("c.xlsm", "100003", [_placement_row(5, 5), _placement_row(6, 6, hours_at_provider=18)]),
    ]
    found = x006_unregistered_school([], schools, _AUTUMN)
    assert [(f.code, f.severity, f.file, f.sheet, f.row, f.column, f.value) for f in found] == [
        ("X006", "query", "a.xlsm", "Placements", 2, "Provider ID", "AP-9")
    ]
    assert found[0].message == X006.say(
        "guidance",
        provider="Hidden Academy (ID AP-9)",
        term="2024/25 Autumn",
        limit="18",
        count=5,
        children="children",
        including="",
        files="a.xlsm, b.xlsm, c.xlsm",
        no_return=" No return was received from this provider.",
    )
    assert "by law" not in found[0].message.lower()
    # four is not enough (the sixth is 18 hours: not full time) ...
    fourth_only = _school("c.xlsm", "100003", [_placement_row(6, 6, hours_at_provider=18)])
    assert x006_unregistered_school([], [*schools[:2], fourth_only], _AUTUMN) == []


def test_x006_one_child_under_each_registration_test():
    from ap_sheets.settings import Settings

    ehcp = [_school("a.xlsm", "100001", [_placement_row(2, 1, sen="E")])]
    sen_support = [_school("a.xlsm", "100001", [_placement_row(2, 1, sen="K")])]
    looked_after = [_school("a.xlsm", "100001", [_placement_row(2, 1, looked_after="Y")])]
    act = {"registration_test": "act-2026"}
    assert [len(x006_unregistered_school([], s, _AUTUMN)) for s in (ehcp, sen_support, looked_after)] == [1, 0, 1]
    assert [len(x006_unregistered_school([], s, _AUTUMN, **act)) for s in (ehcp, sen_support, looked_after)] == [
        1,
        1,
        1,
    ]
    (law,) = x006_unregistered_school([], sen_support, _AUTUMN, **act)
    assert law.message == X006.say(
        "law",
        provider="Hidden Academy (ID AP-9)",
        term="2024/25 Autumn",
        limit="18",
        count=1,
        children="child",
        including=" (including one looked after or with special educational needs)",
        files="a.xlsm",
        no_return=" No return was received from this provider.",
    )
    assert "By law (Children's Wellbeing and Schools Act 2026 s.43)" in law.message

    # reconcile passes the council's settings through
    def x006(settings):
        return [f.code for f in reconcile(sen_support, _AUTUMN, settings)[0] if f.code == "X006"]

    assert x006(Settings(registration_test="act-2026")) == ["X006"]
    assert x006(Settings()) == []
    assert x006(Settings(registration_test="act-2026", full_time_hours=20)) == []


def test_x006_the_providers_own_return_and_logs_together_each_child_once():
    """Three on the provider's own return (one also on a school's log) and two more on logs:
    five children, counted once each; reported once, on the provider's return."""
    provider = _provider(
        "p.xlsm",
        "AP-9",
        [_pupil_row(2, 1, hours_per_week=20), _pupil_row(3, 2, hours_per_week=25), _pupil_row(4, 3, hours_per_week=20)],
    )
    schools = [
        _school("a.xlsm", "100001", [_placement_row(2, 1), _placement_row(3, 4)]),
        _school("b.xlsm", "100002", [_placement_row(2, 5)]),
    ]
    found = x006_unregistered_school([provider], schools, _AUTUMN)
    assert [(f.file, f.sheet, f.row, f.column) for f in found] == [("p.xlsm", "Provider", 6, "Registered school")]
    assert "to 5 children of compulsory school age: on a.xlsm, b.xlsm, p.xlsm." in found[0].message
    assert "No return was received" not in found[0].message


def test_x006_not_for_children_over_compulsory_school_age_nor_ended_placements_nor_registered_providers():
    over = date(2008, 8, 15)  # 16 on 15/08/2024: over compulsory school age on 01/09/2024
    rows = [
        _placement_row(2, 1, date_of_birth=over),
        _placement_row(3, 2, end_date=date(2024, 7, 19)),
        _placement_row(4, 3),
        _placement_row(5, 4),
        _placement_row(6, 5),
        _placement_row(7, 6),
    ]
    assert x006_unregistered_school([], [_school("a.xlsm", "100001", rows)], _AUTUMN) == []
    rows[0] = _placement_row(2, 1, date_of_birth=date(2008, 9, 15))  # 16 on 15/09/2024: still of CSA
    assert len(x006_unregistered_school([], [_school("a.xlsm", "100001", rows)], _AUTUMN)) == 1
    registered = [_placement_row(n, n, provider_registered="Y") for n in range(2, 8)]
    assert x006_unregistered_school([], [_school("a.xlsm", "100001", registered)], _AUTUMN) == []


def test_x007_x009_only_with_a_directory():
    """Without the council's AP Directory, reconcile says nothing about it (X007-X009)."""
    from ap_sheets.testing import AUTUMN_2024, provider_result, pupil_row

    p = provider_result("p.xlsm", "AP-0042", [pupil_row(2, 1)])
    assert [f.code for f in reconcile([p], AUTUMN_2024)[0] if f.code in ("X007", "X008", "X009")] == []
