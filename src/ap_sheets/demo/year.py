"""`ap-sheets demo DIR --terms 3`: a whole academic year, term by term, the children carrying
on: placements still open at the end of a term go on at the same provider, some end, and
children who went back to school come back into AP. One folder a term, ready to load term
by term into the register database. Each term's folder has its own AP Directory, dated a
few days before that term ends (the QA officer keeps it up to date through the year)."""

from __future__ import annotations

from pathlib import Path

from ..terms import TERM_ORDER, Term
from .data import DEFAULT_SEED, DEFAULT_TERM
from .records import term_file_label
from .writing import Demo, _term, plan_demo


def plan_year(first_term=DEFAULT_TERM, terms: int = 3, seed: int = DEFAULT_SEED) -> list[Demo]:
    """`terms` consecutive terms from `first_term` (3: a whole academic year), the children
    carrying on from term to term (`carry_on`)."""
    term, demos = _term(first_term), []
    for _ in range(terms):
        demos.append(plan_demo(term, seed + len(demos), tuple(demos)))
        names = list(TERM_ORDER)
        nxt = names.index(term.term) + 1
        term = Term(term.start_year + nxt // 3, names[nxt % 3])
    return demos


def year_paths(directory, first_term=DEFAULT_TERM, terms: int = 3, seed: int = DEFAULT_SEED) -> list[Path]:
    """Where `write_year` would write its workbooks."""
    return [
        Path(directory) / term_file_label(demo.term) / plan.path
        for demo in plan_year(first_term, terms, seed)
        for plan in demo.files
    ]


def write_year(directory, first_term=DEFAULT_TERM, terms: int = 3, seed: int = DEFAULT_SEED) -> dict[Term, list[Path]]:
    """Each term of `plan_year` into its own folder, `directory/2024-25 Autumn/...`, ready to
    load term by term into the register database."""
    from ..templates import build_workbook

    written = {}
    for demo in plan_year(first_term, terms, seed):
        folder = Path(directory) / term_file_label(demo.term)
        written[demo.term] = []
        for plan in demo.files:
            path = folder / plan.path
            path.parent.mkdir(parents=True, exist_ok=True)
            written[demo.term].append(build_workbook(plan.kind, path, plan.records))
    return written
