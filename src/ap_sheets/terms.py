"""Academic years, terms and ages, as the spec defines them.

Terms: Autumn 1 Sep-31 Dec, Spring 1 Jan-31 Mar, Summer 1 Apr-31 Aug. Ages for school
purposes are taken on 31 August before the academic year (the 1 September cut-off).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import total_ordering

_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
TERM_ORDER = {"Autumn": 0, "Spring": 1, "Summer": 2}


def parse_academic_year(text: str) -> int | None:
    """'2024/25' -> 2024 (the year it starts); None if not of that form or inconsistent."""
    m = _YEAR.match(str(text).strip())
    if not m:
        return None
    start, end = int(m.group(1)), m.group(2)
    if int(end[-2:]) != (start + 1) % 100:
        return None
    return start


@total_ordering
@dataclass(frozen=True)
class Term:
    start_year: int  # 2024 for 2024/25
    term: str  # Autumn, Spring, Summer

    def __lt__(self, other: Term) -> bool:  # chronological, not alphabetical
        return (self.start_year, TERM_ORDER[self.term]) < (other.start_year, TERM_ORDER[other.term])

    @property
    def academic_year(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.academic_year} {self.term}"

    @property
    def start(self) -> date:
        y = self.start_year
        return {"Autumn": date(y, 9, 1), "Spring": date(y + 1, 1, 1), "Summer": date(y + 1, 4, 1)}[self.term]

    @property
    def end(self) -> date:
        y = self.start_year
        return {"Autumn": date(y, 12, 31), "Spring": date(y + 1, 3, 31), "Summer": date(y + 1, 8, 31)}[self.term]

    @property
    def last_teaching_day(self) -> date:
        """The last school day of the term, approximately: the last weekday on or before
        20 December, 31 March or 22 July. The spec's terms run to 31 Dec / 31 Mar / 31 Aug,
        holidays included; "school weeks" are counted back from here instead."""
        y = self.start_year
        day = {"Autumn": date(y, 12, 20), "Spring": date(y + 1, 3, 31), "Summer": date(y + 1, 7, 22)}[self.term]
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    def school_weeks_before_end(self, weeks: int) -> date:
        return self.last_teaching_day - timedelta(weeks=weeks)

    @classmethod
    def parse(cls, label: str) -> Term | None:
        """'2024/25 Autumn' -> Term(2024, 'Autumn')."""
        parts = str(label).split()
        if len(parts) != 2:
            return None
        year = parse_academic_year(parts[0])
        term = parts[1].capitalize()
        if year is None or term not in TERM_ORDER:
            return None
        return cls(year, term)


def age_on(born: date, on: date) -> int:
    """Whole years of age on a date."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def school_age(born: date, academic_start_year: int) -> int:
    """Age on 31 August before the academic year: the age that decides the NC year."""
    return age_on(born, date(academic_start_year, 8, 31))


def expected_nc_year(born: date, academic_start_year: int) -> int:
    """NC year the date of birth gives: 0 is Reception (age 4 on 31 Aug), 7 is Year 7 (11)."""
    return school_age(born, academic_start_year) - 4


# ---- compulsory school age (Education Act 1996 s.8; DATA-SPEC "Conventions") ----
def last_friday_in_june(year: int) -> date:
    """The school leaving date of a calendar year (Education (School Leaving Date) Order 1997)."""
    day = date(year, 6, 30)
    return day - timedelta(days=(day.weekday() - 4) % 7)


def _birthday(born: date, years: int) -> date:
    """The day a child attains an age; someone born on 29 February does so on 1 March in a
    common year (the anniversary begins when 28 February ends)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def compulsory_school_age_start(born: date) -> date:
    """The first prescribed day (31 March, 31 August or 31 December) on or after the 5th
    birthday (Education (Start of Compulsory School Age) Order 1998)."""
    fifth = _birthday(born, 5)
    for day in (date(fifth.year, 3, 31), date(fifth.year, 8, 31), date(fifth.year, 12, 31)):
        if day >= fifth:
            return day
    raise AssertionError("31 December is on or after any day of its year")


def compulsory_school_age_end(born: date) -> date:
    """The last day of compulsory school age: the last Friday in June of the school year
    (1 September to 31 August) in which the child turns 16 (s.8(3)-(4))."""
    sixteenth = _birthday(born, 16)
    return last_friday_in_june(sixteenth.year + (sixteenth.month >= 9))


def compulsory_school_age(born: date, on: date) -> bool:
    """Whether a child born on `born` is of compulsory school age on the day `on`.

    Rules judge it on the first day of the term (`compulsory_school_age(born, term.start)`):
    a child whose 5th birthday is 1 September is not yet of CSA in that Autumn term.
    """
    return compulsory_school_age_start(born) <= on <= compulsory_school_age_end(born)
