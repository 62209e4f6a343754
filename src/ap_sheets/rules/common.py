"""Small helpers the rule checks share: walking a sheet's rows, dates before, hours as words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..findings import display_value
from ..table import Table
from ..terms import compulsory_school_age
from ..values import is_date, is_num


def rows(table: Table, *keys) -> Iterator[tuple[int, dict]]:
    """(Excel row, record with only the wanted keys) for each row of a sheet's table."""
    for idx, *vals in zip(table.index, *table.lists(keys)):
        yield idx, dict(zip(keys, vals))


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def hours(v) -> str:
    """Hours a week as a clerk writes them: 12, 12.5."""
    return display_value(round(v, 2)) if is_num(v) else str(v)


# ---- the registration test (R031, X006; DATA-SPEC "Conventions", the settings file) ----------
STATUTORY_TESTS = frozenset({"act-2026"})  # messages say "by law" only for these


def vulnerable(sen, looked_after, registration_test: str) -> bool:
    """One such child in full-time education is enough for the test: looked after, or an EHC
    plan (guidance-2024); looked after, or any special educational needs, E or K (act-2026)."""
    needs = ("E", "K") if registration_test == "act-2026" else ("E",)
    return looked_after == "Y" or sen in needs


def meets_registration_test(count: int, any_vulnerable: bool) -> bool:
    """Five or more children of compulsory school age in full-time education, or one who is
    vulnerable as the test defines it: the same threshold in both tests."""
    return count >= 5 or any_vulnerable


def of_compulsory_school_age(born, term) -> bool:
    """Of compulsory school age on the first day of the term. A date of birth that could
    not be read (R001/R003 say so) counts as of compulsory school age: the registration
    rules would rather ask than miss a child."""
    if not is_date(born) or term is None:
        return True
    return compulsory_school_age(born, term.start)
