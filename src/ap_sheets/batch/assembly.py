"""From the files' results to the consolidation: what each worker sends back (`FileResult`),
the report's term, one return per provider/school (X005), X001-X004, and for each file
whether it is in the figures and why not."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..figures import notification_rows
from ..findings import ACCEPTED, REJECTED, UNREADABLE, FileReport
from ..normalise import Return
from ..return_rows import ROW_TYPES, complaint_counts, table_rows
from ..rules import cross_rules
from ..spec import Kind
from ..terms import Term


@dataclass
class FileResult:
    """Everything the main process keeps about one file."""

    file: str  # path relative to the folder, with forward slashes
    report: FileReport
    kind: str | None = None
    term: Term | None = None
    record: dict = field(default_factory=dict)  # Provider / School record, typed values
    record_rows: dict = field(default_factory=dict)  # record key -> Excel row on its sheet
    mtime: float = 0.0
    size: int = 0
    rows: list = field(default_factory=list)  # PupilRow or PlacementRow
    notifications: list = field(default_factory=list)  # NotificationRow (provider returns)
    complaints: tuple = (0, 0, 0)  # complaints, compliments, complaints still open
    has_data: bool = False  # read as a standard return (not refused as unreadable or R004)

    @property
    def status(self) -> str:
        return self.report.status

    @property
    def readable(self) -> bool:
        """A standard return whose data could be read (accepted, or rejected for its values)."""
        return self.has_data and self.kind in ROW_TYPES and self.status in (ACCEPTED, REJECTED)


def extract(file: str, report: FileReport, ret: Return | None, stat: os.stat_result | None) -> FileResult:
    """The `FileResult` of a checked file: its report and only the columns the report needs."""
    result = FileResult(
        file, report, kind=report.kind, mtime=stat.st_mtime if stat else 0.0, size=stat.st_size if stat else 0
    )
    if ret is None:
        return result
    result.has_data = True
    result.term = ret.term
    result.record = dict(ret.record)
    record_sheet = ret.sheets.get(ret.kind.record_sheet)
    if record_sheet is not None:
        result.record_rows = dict(record_sheet.form_rows)
    result.rows = table_rows(ret)
    if ret.kind.kind == Kind.PROVIDER_RETURN:
        result.notifications = notification_rows(ret)
        result.complaints = complaint_counts(ret)
    return result


@dataclass
class Consolidation:
    """The batch after checking and reconciling: what the writers and summary use."""

    root: str
    term: Term | None
    term_source: str  # "given", "most common" or "none"
    results: list[FileResult]  # every file, sorted by name
    decisions: dict[str, str]  # file -> "Yes" or why it is not in the figures
    chosen: list[FileResult]  # readable returns for the term, one per provider/school
    superseded: dict[str, str]  # file left out (X005) -> file used
    cross: list  # CrossFinding
    trend_terms: dict  # Term -> accepted returns for that term (one per provider/school)
    config: object = None
    produced: object = None  # datetime the report was produced
    year: dict | None = None  # the register database's `year` figures (with --db), for summary.json
    year_register: list | None = None  # the register database's children of the year (with --db)
    directory: object = None  # the AP Directory given (`directory_cross_rules.DirectoryLoad`), if any

    @property
    def accepted(self) -> list[FileResult]:
        """The returns in the figures: the term's chosen returns that were accepted."""
        return [r for r in self.chosen if r.status == ACCEPTED]

    @property
    def providers(self) -> list[FileResult]:
        return [r for r in self.accepted if r.kind == Kind.PROVIDER_RETURN]

    @property
    def schools(self) -> list[FileResult]:
        return [r for r in self.accepted if r.kind == Kind.SCHOOL_LOG]

    @property
    def other_term_files(self) -> list[FileResult]:
        return [r for r in self.results if r.readable and r.term is not None and r.term != self.term]


def choose_term(results: Iterable[FileResult], given: Term | None) -> tuple[Term | None, str]:
    """The report's term: the one asked for, else the most common among readable returns
    (the latest on a tie)."""
    if given is not None:
        return given, "given"
    counts = Counter(r.term for r in results if r.readable and r.term is not None)
    if not counts:
        return None, "none"
    best = max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return best, "most common"


def assemble(results: list[FileResult], term: Term | None = None, config=None, directory=None) -> Consolidation:
    """Choose the term, pick one return per provider/school, reconcile, decide what counts.

    `directory`: the AP Directory given (`DirectoryLoad`); X007-X009 run when it can be used."""
    from ..settings import Settings

    config = config or Settings()
    results = sorted(results, key=lambda r: r.file)
    term, source = choose_term(results, term)
    of_term = [r for r in results if r.readable and r.term == term and term is not None]
    usable = getattr(directory, "directory", None)
    cross, chosen, superseded = cross_rules.reconcile(of_term, term, config, directory=usable)
    decisions: dict[str, str] = {}
    chosen_files = {r.file for r in chosen}
    for r in results:
        if r.status == UNREADABLE:
            decisions[r.file] = "No: could not be read"
        elif r.kind == "ap-directory" and r.has_data:
            decisions[r.file] = "No: an AP Directory, not a return (give it with --directory)"
        elif not r.readable:
            decisions[r.file] = "No: not a standard return ap-sheets can read (R004)"
        elif r.term is None:
            decisions[r.file] = "No: rejected (term not given)"
        elif r.term != term:
            used = " (used in Trends)" if r.status == ACCEPTED else ""
            decisions[r.file] = f"No: return for {r.term.label}{used}"
        elif r.file in superseded:
            decisions[r.file] = f"No: another return for the same {_who(r)} is used ({superseded[r.file]}), X005"
        elif r.status == REJECTED:
            decisions[r.file] = "No: rejected (errors to fix)"
        elif r.file in chosen_files:
            decisions[r.file] = "Yes"
    trend_terms: dict[Term, list[FileResult]] = {}
    for t in sorted({r.term for r in results if r.readable and r.term is not None}):
        if t == term:
            trend_terms[t] = [r for r in chosen if r.status == ACCEPTED]
        else:
            accepted = [r for r in results if r.term == t and r.readable and r.status == ACCEPTED]
            trend_terms[t] = cross_rules.choose_returns(accepted)[0]
    batch = Consolidation("", term, source, results, decisions, chosen, superseded, cross, trend_terms, config)
    batch.directory = directory
    return batch


def _who(r: FileResult) -> str:
    return "provider" if r.kind == Kind.PROVIDER_RETURN else "school"
