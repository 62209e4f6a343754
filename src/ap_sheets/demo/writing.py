"""A term of returns: put the workbooks together, plant the mistakes, write the files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..spec import Kind
from ..terms import Term
from .data import DEFAULT_SEED, DEFAULT_TERM, PROVIDERS, SCHOOLS, UNREGISTERED_SETTING
from .directory import directory_plan
from .making import Placement, _Maker, _placements, carry_on, unregistered_setting_placements
from .planting import Gap, Planted, _gap, _plant, _Planter
from .records import (
    WorkbookPlan,
    complaint_records,
    notification_records,
    placement_record,
    provider_file,
    provider_record,
    pupil_record,
    school_file,
    school_record,
)


@dataclass
class Demo:
    term: Term
    workbooks: list[WorkbookPlan]
    placements: list[Placement]
    mistakes: list[Planted]
    quirks: list[Planted]
    gaps: list[Gap]
    directory: WorkbookPlan  # the council's AP Directory that goes with the term (`directory`)

    @property
    def files(self) -> list[WorkbookPlan]:
        """Everything the demo writes: the returns, then the directory."""
        return [*self.workbooks, self.directory]


# =====================================================================================
# A term of returns
# =====================================================================================
def _term(term) -> Term:
    parsed = term if isinstance(term, Term) else Term.parse(term)
    if parsed is None:
        raise ValueError(f"not a term: {term!r} (expected e.g. '2024/25 Autumn')")
    return parsed


def plan_demo(term=DEFAULT_TERM, seed: int = DEFAULT_SEED, earlier: tuple[Demo, ...] = ()) -> Demo:
    """Everything the demo writes, in memory: the workbooks' records, the planted values, the gaps.
    `earlier`: the demo's earlier terms of a year (`year.plan_year`), whose children carry on."""
    term = _term(term)
    maker = _Maker(term, seed)
    rng = maker.rng
    for before in earlier:  # no child of an earlier term is drawn again as someone new
        maker.upns.update(p.child.upn for p in before.placements)
        maker.names.update((p.child.forename, p.child.surname) for p in before.placements)
    placements, tagged = _placements(maker)
    if earlier:
        carry_on(maker, placements, earlier)
    unregistered, own_rng = unregistered_setting_placements(term, seed, maker)
    placements += unregistered
    tagged.update((p.child.tag, p) for p in unregistered)
    own_rows = {id(p) for p in unregistered}
    plans: dict[str, WorkbookPlan] = {}
    for provider in PROVIDERS:
        rows = sorted(
            (p for p in placements if p.provider is provider and p.on_return),
            key=lambda p: (p.child.surname, p.child.forename),
        )
        path = provider_file(provider, term)
        plans[path] = WorkbookPlan(
            path,
            Kind.PROVIDER_RETURN,
            {
                "Provider": provider_record(rng, term, provider),
                "Pupils": [pupil_record(p) for p in rows],
                "Notifications": notification_records(rng, term, rows),
                "Complaints": complaint_records(rng, term),
            },
        )
    for school in SCHOOLS:
        rows = sorted(
            (p for p in placements if p.child.school is school and p.on_school_log),
            key=lambda p: (p.start, p.child.surname, p.child.forename),
        )
        path = school_file(school, term)
        plans[path] = WorkbookPlan(
            path,
            Kind.SCHOOL_LOG,
            {
                "School": school_record(rng, term, school),
                "Placements": [placement_record(own_rng if id(p) in own_rows else rng, term, p) for p in rows],
            },
        )
    planter = _Planter(plans)
    _plant(planter, term, tagged)
    gaps = [
        _gap("X001", tagged["missing-from-log"], "placed by a school that left the placement off its log"),
        _gap(
            "X002",
            tagged["missing-from-return"],
            "a placement that started late in term and is not yet on the provider's return",
        ),
        _gap(
            "X004",
            tagged["attendance-differs"],
            "the school's log shows about 21 points more attendance than the provider's sessions",
        ),
    ]
    gaps += [_gap("X002", p, "placed at an unregistered setting that sent no return") for p in unregistered]
    schools = sorted({p.child.school.name for p in unregistered})
    gaps.append(
        Gap(
            "X006",
            None,
            UNREGISTERED_SETTING.id,
            ", ".join(schools),
            f"{len(unregistered)} children full time at an unregistered setting that sent no return, "
            f"placed by {len(schools)} schools: it may be operating as an unregistered school",
        )
    )
    directory, directory_mistakes, directory_gaps = directory_plan(term, seed, plans)
    return Demo(
        term,
        list(plans.values()),
        placements,
        planter.mistakes + directory_mistakes,
        planter.quirks,
        gaps + directory_gaps,
        directory,
    )


def demo_paths(directory, term=DEFAULT_TERM, seed: int = DEFAULT_SEED) -> list[Path]:
    """Where `write_demo` would write its workbooks (the returns, then the directory)."""
    return [Path(directory) / plan.path for plan in plan_demo(term, seed).files]


def write_demo(directory, term=DEFAULT_TERM, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the term's provider returns and school logs under `directory`, and the council's
    AP Directory beside them (`ap_directory.xlsm`); return their paths, the directory's last."""
    from ..templates import build_workbook

    directory = Path(directory)
    written = []
    for plan in plan_demo(term, seed).files:
        path = directory / plan.path
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(build_workbook(plan.kind, path, plan.records))
    return written


_DEFAULT = plan_demo()
# What the default demo (2024/25 Autumn, seed 2024) plants; `plan_demo(term, seed)` gives
# the same for any other term or seed (the same mistakes, on the rows the seed puts them).
PLANTED_MISTAKES: tuple[Planted, ...] = tuple(_DEFAULT.mistakes)
PLANTED_QUIRKS: tuple[Planted, ...] = tuple(_DEFAULT.quirks)
PLANTED_GAPS: tuple[Gap, ...] = tuple(_DEFAULT.gaps)
del _DEFAULT
