"""Small helpers the rule checks share: walking a sheet's rows, dates before, hours as words."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from ..findings import display_value
from ..values import is_num


def rows(frame, *keys) -> Iterator[tuple[int, dict]]:
    """(Excel row, record with only the wanted keys) for each row of a frame."""
    cols = [frame[k].tolist() for k in keys]  # plain lists: far faster to walk than Series
    for idx, *vals in zip(frame.index.tolist(), *cols):
        yield idx, dict(zip(keys, vals))


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def hours(v) -> str:
    """Hours a week as a clerk writes them: 12, 12.5."""
    return display_value(round(v, 2)) if is_num(v) else str(v)
