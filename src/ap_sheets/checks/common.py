"""Small helpers the rule functions share: typed-value tests and wording."""
from __future__ import annotations

from datetime import date

from ..findings import display_value


def is_date(v) -> bool:
    return isinstance(v, date)


def is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def d(v) -> str:
    """A date as a clerk writes it."""
    return display_value(v)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def rows(frame, *keys):
    """Iterate (excel_row, record) over a frame, with only the wanted keys."""
    cols = [frame[k].tolist() for k in keys]  # plain lists: far faster to walk than Series
    for idx, *vals in zip(frame.index.tolist(), *cols):
        yield idx, dict(zip(keys, vals))


def hours(v) -> str:
    return display_value(round(v, 2)) if is_num(v) else str(v)
