"""Compulsory school age, defined once (terms.compulsory_school_age), tested at its edges."""

from __future__ import annotations

from datetime import date

import pytest

from ap_sheets.terms import (
    Term,
    compulsory_school_age,
    compulsory_school_age_end,
    compulsory_school_age_start,
    last_friday_in_june,
)


@pytest.mark.parametrize(
    "year, expected",
    [
        (2023, date(2023, 6, 30)),  # 30 June is itself a Friday
        (2025, date(2025, 6, 27)),
        (2026, date(2026, 6, 26)),
        (2029, date(2029, 6, 29)),  # 30 June is a Saturday
    ],
)
def test_last_friday_in_june(year, expected):
    assert last_friday_in_june(year) == expected
    assert expected.weekday() == 4 and expected.month == 6 and (expected.day + 7) > 30


@pytest.mark.parametrize(
    "born, starts",
    [
        (date(2015, 8, 31), date(2020, 8, 31)),  # 5 on a prescribed day: from that day
        (date(2015, 9, 1), date(2020, 12, 31)),  # 5 on 1 September: from 31 December
        (date(2015, 12, 31), date(2020, 12, 31)),
        (date(2016, 1, 1), date(2021, 3, 31)),  # 5 on 1 January: from 31 March
        (date(2015, 3, 31), date(2020, 3, 31)),
        (date(2015, 4, 1), date(2020, 8, 31)),
        (date(2016, 2, 29), date(2021, 3, 31)),  # born 29 Feb, 5 in a common year
        (date(2020, 2, 29), date(2025, 3, 31)),
        (date(2011, 2, 28), date(2016, 3, 31)),
    ],
)
def test_start_is_the_first_prescribed_day_on_or_after_the_5th_birthday(born, starts):
    assert compulsory_school_age_start(born) == starts
    assert not compulsory_school_age(born, date.fromordinal(starts.toordinal() - 1))
    assert compulsory_school_age(born, starts)


def test_fifth_birthday_on_31_august_and_1_september_in_the_autumn_term():
    autumn = Term(2020, "Autumn")
    assert compulsory_school_age(date(2015, 8, 31), autumn.start)
    assert not compulsory_school_age(date(2015, 9, 1), autumn.start)  # as the spec says
    assert compulsory_school_age(date(2015, 9, 1), Term(2020, "Spring").start)


def test_fifth_birthday_on_31_december_and_1_january_in_the_spring_term():
    spring = Term(2020, "Spring")  # starts 1 January 2021
    assert compulsory_school_age(date(2015, 12, 31), spring.start)
    assert not compulsory_school_age(date(2016, 1, 1), spring.start)
    assert compulsory_school_age(date(2016, 1, 1), Term(2020, "Summer").start)


def test_born_29_february():
    born = date(2016, 2, 29)
    assert not compulsory_school_age(born, date(2021, 2, 28))
    assert not compulsory_school_age(born, date(2021, 3, 1))  # 5 today, not yet of CSA
    assert not compulsory_school_age(born, Term(2020, "Spring").start)
    assert compulsory_school_age(born, Term(2020, "Summer").start)  # 1 April 2021
    # turns 16 on 29 February 2032 (a leap year): school year 2031/32 ends its CSA
    assert compulsory_school_age_end(born) == last_friday_in_june(2032)


def test_turning_16_on_31_august_ends_in_june_before_the_birthday():
    born = date(2009, 8, 31)  # 16 on 31 August 2025: school year 2024/25
    assert compulsory_school_age_end(born) == date(2025, 6, 27)
    assert compulsory_school_age(born, date(2025, 6, 27))
    assert not compulsory_school_age(born, date(2025, 6, 28))  # still 15, but past the leaving date
    assert compulsory_school_age(born, Term(2024, "Summer").start)
    assert not compulsory_school_age(born, Term(2025, "Autumn").start)


def test_turning_16_on_1_september_stays_until_the_next_june():
    born = date(2009, 9, 1)  # 16 on 1 September 2025: school year 2025/26
    assert compulsory_school_age_end(born) == date(2026, 6, 26)
    assert compulsory_school_age(born, Term(2025, "Autumn").start)  # 16 that day, still CSA
    assert compulsory_school_age(born, date(2026, 6, 26))
    assert not compulsory_school_age(born, date(2026, 6, 27))
    assert not compulsory_school_age(born, Term(2026, "Autumn").start)


def test_turning_16_after_the_leaving_date_but_before_september():
    born = date(2009, 7, 15)  # 16 on 15 July 2025, after the last Friday in June
    assert compulsory_school_age_end(born) == date(2025, 6, 27)
    born = date(2009, 6, 27)  # 16 on the leaving date itself
    assert compulsory_school_age_end(born) == date(2025, 6, 27)
    born = date(2009, 6, 28)
    assert compulsory_school_age_end(born) == date(2025, 6, 27)


@pytest.mark.parametrize(
    "nc_year_in_2024, expected",
    [
        (-1, False),
        (0, False),
        (1, True),
        (6, True),
        (11, True),
        (12, False),
        (13, False),
    ],
)
def test_whole_year_groups_on_the_first_day_of_the_autumn_term(nc_year_in_2024, expected):
    # A child in NC year N in 2024/25 was born between 1 Sep (2019 - N) and 31 Aug (2020 - N).
    # No Reception child is 5 before 1 September (the oldest are from 31 December); Year 11
    # stays until June 2025; Year 12 left in June 2024.
    for born in (date(2019 - nc_year_in_2024, 9, 1), date(2020 - nc_year_in_2024, 8, 31)):
        assert compulsory_school_age(born, Term(2024, "Autumn").start) is expected
