"""Cross rules X007-X009: the returns of a term checked against the council's AP Directory.

Run by `cross_rules.reconcile` when a directory is given (`consolidate --directory FILE`):
the directory is read and checked like any workbook first, and one with errors is not used
(`load_directory`). The directory's status is as at its own date: the caller gives the
directory that holds at the term (the latest on or before the term's end).

Findings name the return (file, sheet, row) and, as the other place, the directory's row.
X009 is the council's own follow-up list, so its findings are on the directory's rows and
name a return where a child was placed. One finding per provider on a return, and per
school log and provider (at the first row naming it), never one per child.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..findings import Finding, Place
from ..spec import QUERY, Kind
from ..terms import Term
from ..values import is_date
from .common import years_before
from .declare import rule
from .matching import overlaps_term, provider_key

PROVIDER, SCHOOL = Kind.PROVIDER_RETURN, Kind.SCHOOL_LOG
SHEET = "Directory"


@dataclass(frozen=True)
class Listing:
    """One provider's row in the directory (the values X007-X009 compare)."""

    row: int
    provider_id: str
    name: str | None
    status: str | None
    registered: str | None
    dfe_urn: str | None
    last_qa_visit: date | None
    qa_outcome: str | None = None
    standard_fee: float | None = None  # pounds, per `fee_basis` (§12.8)
    fee_basis: str | None = None  # Hour / Day / Week


@dataclass
class Directory:
    """The council's AP Directory as the cross rules use it: providers by their ID's key."""

    file: str
    day: date | None  # the Directory date (About)
    listings: dict[str, Listing] = field(default_factory=dict)

    def find(self, provider_id) -> Listing | None:
        key = provider_key(provider_id)
        return self.listings.get(key) if key else None

    @classmethod
    def from_return(cls, file: str, ret) -> Directory:
        """From a checked AP Directory (`normalise.Return`); a repeated ID (D001) keeps its first row."""
        day = ret.record.get("directory_date")
        directory = cls(file, day if is_date(day) else None)
        table = ret.table(SHEET)
        for idx, rec in zip(table.index, table.records()):
            key = provider_key(rec.get("provider_id"))
            if key is None or key in directory.listings:
                continue
            visit = rec.get("last_qa_visit")
            directory.listings[key] = Listing(
                int(idx),
                str(rec.get("provider_id")).strip(),
                rec.get("provider_name"),
                rec.get("directory_status"),
                rec.get("registered_school"),
                _urn(rec.get("dfe_urn")),
                visit if is_date(visit) else None,
                rec.get("qa_outcome"),
                _fee(rec.get("standard_fee")),
                rec.get("fee_basis") if rec.get("fee_basis") in ("Hour", "Day", "Week") else None,
            )
        return directory


@dataclass
class DirectoryLoad:
    """What became of the directory given for a run: its check, and the directory if usable."""

    file: str
    status: str  # accepted / rejected / unreadable, or "not a directory"
    errors: int = 0
    queries: int = 0
    directory: Directory | None = None
    problem: str | None = None  # why it is not used, in words for the council
    issues: list = field(default_factory=list)  # its own findings (D001-D004, R001-R004 ...)

    def summary(self) -> dict:
        return {
            "file": self.file,
            "status": self.status,
            "used": self.directory is not None,
            "date": self.directory.day.isoformat() if self.directory and self.directory.day else None,
            "providers": len(self.directory.listings) if self.directory else None,
            "errors": self.errors,
            "queries": self.queries,
            "problem": self.problem,
        }


def load_directory(path, settings=None) -> DirectoryLoad:
    """Read and check an AP Directory like any workbook; use it only if it has no errors."""
    from ..findings import status_for
    from ..normalise import NotAReturn, to_return
    from ..read import read_workbook
    from .engine import check_return

    path = Path(path)
    name = path.name
    try:
        ret = to_return(read_workbook(path))
    except NotAReturn as exc:
        return DirectoryLoad(name, "rejected", 1, problem=f"{name} is not an AP Directory ap-sheets reads ({exc}).")
    except Exception as exc:  # any bad file: a clear message, and the run carries on
        return DirectoryLoad(name, "unreadable", problem=f"{name} could not be read: {exc}")
    if ret.kind.kind != Kind.AP_DIRECTORY:
        return DirectoryLoad(
            name, "not a directory", problem=f"{name} is a {ret.kind.title}, not an AP Directory: it is not used."
        )
    issues = check_return(ret, settings)
    errors = sum(f.severity == "error" for f in issues)
    load = DirectoryLoad(name, str(status_for(issues)), errors, len(issues) - errors, issues=list(issues))
    if errors:
        load.problem = (
            f"{name} has {errors} error{'s' * (errors != 1)} (run ap-sheets validate on it): it is not used, "
            "so X007-X009 were not checked."
        )
    else:
        load.directory = Directory.from_return(name, ret)
    return load


def _fee(value) -> float | None:
    """A standard fee that is a number of 0 or more (anything else is the directory's R001)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else None


def _urn(value) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _dir_place(directory: Directory, listing: Listing | None) -> tuple:
    return (directory.file, SHEET, listing.row) if listing else (directory.file, None, None)


def _finding(declared, message, file, sheet, row, column, value, other: tuple) -> Finding:
    return Finding(
        sheet, row, column, None, declared.code, declared.severity, message, value, file=file, other=Place(*other)
    )


def _log_providers(schools, term: Term | None):
    """(school log, provider ID, first row, rows) for each provider a log names in the term."""
    for school in schools:
        seen: dict[str, list] = {}
        for row in school.rows:
            key = provider_key(row.provider_id)
            if key is not None and overlaps_term(row, term):
                seen.setdefault(key, []).append(row)
        for rows in seen.values():
            yield school, rows[0].provider_id, rows[0], rows


def _placements(n: int) -> str:
    return f"{n} placement{'s' * (n != 1)}"


# ---- X007 --------------------------------------------------------------------------------
X007 = rule(
    "X007",
    QUERY,
    "cross",
    title="A provider not in the AP Directory, or Suspended or Removed there (§8.2)",
    messages={
        "missing": "Provider ID {provider_id} is not in the council's AP Directory ({directory}){where}. Check the "
        "ID; a school using a provider outside the directory must do its own quality assurance (§8.2).",
        "status": "{provider} is {status} in the council's AP Directory ({directory}){where}. A school using it must "
        "do its own quality assurance (§8.2); the council's AP team should follow this up.",
    },
)


@X007.cross_check
def x007_provider_outside_the_directory(providers, schools, term: Term | None, directory: Directory) -> list[Finding]:
    out = []

    def judge(provider_id, file, sheet, row, where):
        listing = directory.find(provider_id)
        if listing is None:
            msg = X007.say("missing", provider_id=provider_id, directory=directory.file, where=where)
        elif listing.status in ("Suspended", "Removed"):
            label = f"{listing.name or 'The provider'} (ID {listing.provider_id})"
            msg = X007.say("status", provider=label, status=listing.status, directory=directory.file, where=where)
        else:
            return
        out.append(_finding(X007, msg, file, sheet, row, "Provider ID", provider_id, _dir_place(directory, listing)))

    for p in providers:
        pid = p.record.get("provider_id")
        if provider_key(pid) is not None:
            judge(pid, p.file, "Provider", p.record_rows.get("provider_id"), "")
    for school, pid, first, rows in _log_providers(schools, term):
        where = f" ({_placements(len(rows))} on this log)" if len(rows) > 1 else ""
        judge(pid, school.file, "Placements", first.row, where)
    return out


# ---- X008 --------------------------------------------------------------------------------
X008 = rule(
    "X008",
    QUERY,
    "cross",
    title="Registration or DfE URN on a return or log differs from the AP Directory",
    message="{item} for {provider} is {given} here{where}, but {expected} in the council's AP Directory "
    "({directory}). Check which is right, and correct the return or the directory.",
)


def _shown_item(value) -> str:
    return f"'{value}'" if value is not None else "blank"


@X008.cross_check
def x008_registration_differs(providers, schools, term: Term | None, directory: Directory) -> list[Finding]:
    out = []

    def compare(listing, items, file, sheet, rows_of, where):
        for item, key, given, expected in items:
            if given is None or expected is None or str(given).strip() == str(expected).strip():
                continue
            msg = X008.say(
                item=item,
                provider=f"{listing.name or 'the provider'} (ID {listing.provider_id})",
                given=_shown_item(given),
                expected=_shown_item(expected),
                where=where,
                directory=directory.file,
            )
            out.append(_finding(X008, msg, file, sheet, rows_of(key), item, given, _dir_place(directory, listing)))

    for p in providers:
        listing = directory.find(p.record.get("provider_id"))
        if listing is None:
            continue  # X007 says so
        rec = p.record
        items = [
            ("Registered school", "registered_school", rec.get("registered_school"), listing.registered),
            ("DfE URN", "dfe_urn", _urn(rec.get("dfe_urn")), listing.dfe_urn),
        ]
        compare(listing, items, p.file, "Provider", p.record_rows.get, "")
    for school, pid, _first, rows in _log_providers(schools, term):
        listing = directory.find(pid)
        if listing is None:
            continue
        for item, key, expected in (
            ("Provider registered", "provider_registered", listing.registered),
            ("Provider URN", "provider_urn", listing.dfe_urn),
        ):
            differ = [r for r in rows if _differs(getattr(r, key), expected)]
            if differ:
                where = (
                    f" (and on {len(differ) - 1} more row{'s' * (len(differ) != 2)} of this log)"
                    if len(differ) > 1
                    else ""
                )
                given = _urn(getattr(differ[0], key))
                compare(
                    listing,
                    [(item, key, given, expected)],
                    school.file,
                    "Placements",
                    lambda _k, r=differ[0]: r.row,
                    where,
                )
    return out


def _differs(given, expected) -> bool:
    given = _urn(given)
    return given is not None and expected is not None and given != str(expected).strip()


# ---- X009 --------------------------------------------------------------------------------
X009 = rule(
    "X009",
    QUERY,
    "cross",
    title="A provider with children placed in the term, its Last QA visit more than 12 months before the term's "
    "end (§10.4)",
    messages={
        "overdue": "{provider} had children placed in {term} (e.g. {file}), and its last QA visit in the directory "
        "was {visit}, more than 12 months before the term ended ({end}). Arrange its annual visit (§10.4).",
        "missing": "{provider} had children placed in {term} (e.g. {file}), and the directory gives no QA visit. "
        "Arrange a visit (§10.4) and record it.",
    },
)


@X009.cross_check
def x009_qa_visit_overdue(providers, schools, term: Term | None, directory: Directory) -> list[Finding]:
    if term is None:
        return []
    placed: dict[str, tuple[str, str, int | None]] = {}  # provider key -> first (file, sheet, row) with a child
    for p in providers:
        key = provider_key(p.record.get("provider_id"))
        rows = [r for r in p.rows if overlaps_term(r, term)]
        if key is not None and rows:
            placed.setdefault(key, (p.file, "Pupils", rows[0].row))
    for school, pid, first, _rows in _log_providers(schools, term):
        placed.setdefault(provider_key(pid) or "", (school.file, "Placements", first.row))
    out = []
    cutoff = years_before(term.end, 1)
    for key, where in sorted(
        placed.items(), key=lambda kv: directory.listings[kv[0]].row if kv[0] in directory.listings else 0
    ):
        listing = directory.listings.get(key)
        if listing is None or listing.status != "Listed":
            continue  # X007 says so: the council no longer quality-assures it
        label = f"{listing.name or 'The provider'} (ID {listing.provider_id})"
        if listing.last_qa_visit is None:
            msg = X009.say("missing", provider=label, term=term.label, file=where[0])
        elif listing.last_qa_visit < cutoff:
            msg = X009.say(
                "overdue", provider=label, term=term.label, file=where[0], visit=listing.last_qa_visit, end=term.end
            )
        else:
            continue
        out.append(
            _finding(X009, msg, directory.file, SHEET, listing.row, "Last QA visit", listing.last_qa_visit, where)
        )
    return out


DIRECTORY_RULES = (X007, X008, X009)


def check_against_directory(providers, schools, term: Term | None, directory: Directory) -> list[Finding]:
    out: list[Finding] = []
    for declared in DIRECTORY_RULES:
        assert declared.cross is not None
        out += declared.cross(providers, schools, term, directory)
    return out


# ---- Tests -------------------------------------------------------------------------------------
# The clean directory of `ap_sheets.testing.ap_directory` (AP-0007 Listed and registered, URN
# 145678, visited 10/06/2024, row 2; AP-0012 Listed, not registered, visited 20/02/2024, row 3;
# AP-0020 Removed, row 4) against small returns of Autumn 2024 as the batch keeps them.


def _directory(builder=None) -> Directory:
    from ap_sheets.normalise import to_return
    from ap_sheets.testing import ap_directory

    return Directory.from_return("ap_directory.xlsm", to_return((builder or ap_directory()).raw()))


def _checked(results, directory=None) -> list[Finding]:
    """X007-X009 over these returns (one per provider or school, as X005 leaves them), listed
    as the batch lists them."""
    from ap_sheets.testing import AUTUMN_2024

    from .matching import PROVIDER, SCHOOL, cross_order

    chosen = _chosen(list(results))
    findings = check_against_directory(
        [r for r in chosen if r.kind == PROVIDER],
        [r for r in chosen if r.kind == SCHOOL],
        AUTUMN_2024,
        directory or _directory(),
    )
    return sorted(findings, key=cross_order)


def _chosen(results: list) -> list:
    """One return per provider or school, as X005 chooses (the tests use one each)."""
    return results


def _run(providers=(), schools=(), directory=None):
    findings = _checked([*providers, *schools], directory)
    return [
        (f.code, f.file, f.sheet, f.row, f.column, f.value, f.other_file, f.other_sheet, f.other_row)
        for f in findings
        if f.code in ("X007", "X008", "X009")  # X001-X006 have their own tests
    ]


def _said(results, directory=None) -> list[str]:
    findings = _checked(results, directory)
    return [f.message for f in findings if f.code in ("X007", "X008", "X009")]


def _provider(pid="AP-0007", registered="Y", urn="145678", rows=None):
    from ap_sheets.testing import provider_result, pupil_row

    p = provider_result("p.xlsm", pid, rows if rows is not None else [pupil_row(2, 1)])
    p.record.update(registered_school=registered, dfe_urn=urn)
    p.record_rows.update(registered_school=6, dfe_urn=7)
    return p


def test_x007_provider_return_and_log_rows_outside_the_directory():
    from datetime import date

    from ap_sheets.testing import placement_row, school_result

    log = school_result(
        "s.xlsm",
        "100001",
        [
            placement_row(2, 1, "AP-0099"),
            placement_row(3, 2, "ap-0099"),  # the same provider: one finding for the log
            placement_row(4, 3, "AP-0020", provider_registered="N"),  # Removed
            placement_row(5, 4, "AP-0098", end_date=date(2024, 7, 19)),  # ended before the term
            placement_row(6, 5, "AP-0012", provider_registered="N"),  # Listed
        ],
    )
    got = _run([_provider("AP-0042", urn=None)], [log])
    assert got == [
        ("X007", "p.xlsm", "Provider", 3, "Provider ID", "AP-0042", "ap_directory.xlsm", None, None),
        ("X007", "s.xlsm", "Placements", 2, "Provider ID", "AP-0099", "ap_directory.xlsm", None, None),
        ("X007", "s.xlsm", "Placements", 4, "Provider ID", "AP-0020", "ap_directory.xlsm", "Directory", 4),
    ]
    assert _said([log]) == [
        "Provider ID AP-0099 is not in the council's AP Directory (ap_directory.xlsm) (2 placements on this log). "
        "Check the ID; a school using a provider outside the directory must do its own quality assurance (§8.2).",
        "Northside Tuition (ID AP-0020) is Removed in the council's AP Directory (ap_directory.xlsm). A school using "
        "it must do its own quality assurance (§8.2); the council's AP team should follow this up.",
    ]


def test_x007_not_for_listed_providers_nor_without_a_directory():
    from ap_sheets.testing import placement_row, school_result

    log = school_result("s.xlsm", "100001", [placement_row(2, 1, " ap-0007 ")])
    assert _run([_provider()], [log]) == []  # without a directory: test_x007_x009_only_with_a_directory


def test_x007_a_suspended_provider():
    from ap_sheets.testing import ap_directory

    b = ap_directory()
    b.set_cell("Directory", 2, "directory_status", "Suspended")
    got = _run([_provider()], directory=_directory(b))
    assert got == [("X007", "p.xlsm", "Provider", 3, "Provider ID", "AP-0007", "ap_directory.xlsm", "Directory", 2)]


def test_x008_registration_and_urn_differ_from_the_directory():
    from ap_sheets.testing import placement_row, school_result

    log = school_result(
        "s.xlsm",
        "100001",
        [
            placement_row(2, 1, "AP-0012", provider_registered="Y"),
            placement_row(3, 2, "AP-0012", provider_registered="Y"),
            placement_row(4, 3, "AP-0007", provider_urn="145679"),
        ],
    )
    provider = _provider(registered="N", urn=None)
    assert _run([provider], [log]) == [
        ("X008", "p.xlsm", "Provider", 6, "Registered school", "N", "ap_directory.xlsm", "Directory", 2),
        ("X008", "s.xlsm", "Placements", 2, "Provider registered", "Y", "ap_directory.xlsm", "Directory", 3),
        ("X008", "s.xlsm", "Placements", 4, "Provider URN", "145679", "ap_directory.xlsm", "Directory", 2),
    ]
    assert _said([provider, log])[1] == (
        "Provider registered for Green Shoots Farm (ID AP-0012) is 'Y' here (and on 1 more row of this log), but 'N' "
        "in the council's AP Directory (ap_directory.xlsm). Check which is right, and correct the return or the "
        "directory."
    )


def test_x008_not_when_they_agree_or_a_value_is_blank():
    from ap_sheets.testing import placement_row, school_result

    log = school_result("s.xlsm", "100001", [placement_row(2, 1, "AP-0007", provider_urn=None)])
    assert _run([_provider(urn=" 145678")], [log]) == []


def test_x009_a_provider_in_use_whose_qa_visit_is_overdue():
    from datetime import date

    from ap_sheets.testing import ap_directory, placement_row, school_result

    b = ap_directory()
    b.set_cell("Directory", 3, "last_qa_visit", date(2023, 12, 30))  # more than 12 months before 31/12/2024
    b.set_cell("Directory", 2, "last_qa_visit", date(2023, 12, 31))  # exactly 12 months: not overdue
    log = school_result("s.xlsm", "100001", [placement_row(5, 1, "AP-0012", provider_registered="N")])
    directory = _directory(b)
    assert _run([_provider()], [log], directory) == [
        ("X009", "ap_directory.xlsm", "Directory", 3, "Last QA visit", date(2023, 12, 30), "s.xlsm", "Placements", 5)
    ]
    assert _said([log], directory) == [
        "Green Shoots Farm (ID AP-0012) had children placed in 2024/25 Autumn (e.g. s.xlsm), and its last QA visit "
        "in the directory was 30/12/2023, more than 12 months before the term ended (31/12/2024). Arrange its annual "
        "visit (§10.4)."
    ]


def test_x009_not_for_a_provider_with_no_children_in_the_term():
    from datetime import date

    from ap_sheets.testing import ap_directory, placement_row, school_result

    b = ap_directory()
    b.set_cell("Directory", 3, "last_qa_visit", date(2022, 1, 1))
    b.set_cell("Directory", 2, "last_qa_visit", None)  # no visit given (D003 on the directory)
    ended = school_result(
        "s.xlsm", "100001", [placement_row(2, 1, "AP-0012", provider_registered="N", end_date=date(2024, 7, 1))]
    )
    directory = _directory(b)
    assert _run([_provider(rows=[])], [ended], directory) == []
    got = _run([_provider()], [], directory)  # now AP-0007 has a child, and no visit on record
    assert got == [("X009", "ap_directory.xlsm", "Directory", 2, "Last QA visit", None, "p.xlsm", "Pupils", 2)]
