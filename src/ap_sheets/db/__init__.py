"""The council's register database (§11.5): every term's returns kept in one database.

`open_register(PATH_OR_URL)` opens (and creates or upgrades) it; `load_term(engine, batch)`
loads a consolidated term; `year_figures(engine, term)` answers the `year` block of
summary.json; `plan_purge` / `purge` apply the council's retention schedule. What the tables
hold is in `schema`.
"""

from .load import LoadResult, load_term
from .purge import PurgePlan, plan_purge, purge
from .store import RegisterError, open_register
from .year import DEFINITIONS, held_terms, year_figures, year_register

__all__ = [
    "DEFINITIONS",
    "LoadResult",
    "PurgePlan",
    "RegisterError",
    "held_terms",
    "load_term",
    "open_register",
    "plan_purge",
    "purge",
    "year_figures",
    "year_register",
]
