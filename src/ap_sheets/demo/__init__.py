"""`ap-sheets demo DIR`: a realistic term of filled-in returns to try everything on.

Writes one provider return per AP provider and one placement log per school, for one term,
through the real template builder. Everything is invented: names come from varied UK name
lists, UPNs are made up (with a correct DfE check letter), postcodes have a valid shape in
Hillingdon-area districts, URNs are invented. The same seed always gives the same files.

Most returns are clean. A handful carry the mistakes users really make; each is planted on
purpose and listed in `PLANTED_MISTAKES` (file, sheet, Excel row, column, rule code), so
tests can check the checker finds exactly these and nothing else. `PLANTED_QUIRKS` lists
values typed the way people type them that the checker must accept (a text date, " e ").
`PLANTED_GAPS` lists what the reconciliation should show: the differences between provider
returns and school logs (X001-X004), and an unregistered setting that sends no return but
has five children full time, placed by three schools (X006; each school's log breaks R054).
Beside the returns, `ap_directory.xlsm`: the council's AP Directory as it stood a week before
the term's end, with the differences X007-X009 find also in `PLANTED_GAPS` (a provider
Suspended, one with an old DfE URN, one overdue its QA visit (D003 on the directory too),
and the providers outside it). `consolidate DIR --directory DIR/ap_directory.xlsm` uses it;
without `--directory` it is named as not a return and not used.

School logs are made on template v2: an unregistered provider is named as the DfE school
census names it, by its UKPRN if it has one, else its AP setting type.

One module per job: `data` (name lists, schools, providers, the planted children),
`making` (a child, a placement), `records` (a row of each sheet, file names), `planting`
(the planted mistakes, quirks and gaps), `directory` (the council's AP Directory) and
`writing` (`plan_demo` puts a term together, `write_demo` writes it).
"""

from __future__ import annotations

from .data import DEFAULT_SEED, DEFAULT_TERM, PROVIDERS, SCHOOLS, Provider, School
from .directory import DIRECTORY_FILE
from .making import Child, Placement
from .planting import Gap, Planted
from .records import WorkbookPlan, provider_file, school_file, term_file_label
from .writing import PLANTED_GAPS, PLANTED_MISTAKES, PLANTED_QUIRKS, Demo, demo_paths, plan_demo, write_demo
from .year import plan_year, write_year, year_paths

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_TERM",
    "DIRECTORY_FILE",
    "PLANTED_GAPS",
    "PLANTED_MISTAKES",
    "PLANTED_QUIRKS",
    "PROVIDERS",
    "SCHOOLS",
    "Child",
    "Demo",
    "Gap",
    "Placement",
    "Planted",
    "Provider",
    "School",
    "WorkbookPlan",
    "demo_paths",
    "plan_demo",
    "plan_year",
    "provider_file",
    "school_file",
    "term_file_label",
    "write_demo",
    "write_year",
    "year_paths",
]
