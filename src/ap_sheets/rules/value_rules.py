"""Value rules: is each value of its column's type (R001), in its code list (R002), a UPN
(R010), a postcode (R012), an email address (R013)?

Each is declared with a predicate per value type; the engine runs them as Pandera checks
over every return's sheet at once. Values arrive normalised (`values.normalise`): a value
that could not be read is still the user's own text, so a message can show what was typed.
A personal value (UPN, name, date of birth, postcode ... as `privacy.TREATMENTS` declares)
is never shown in a message: the finding's cell and `value` say which it is.
"""
from __future__ import annotations

import re
from datetime import date

from ..cells import cell_ref
from ..findings import display_value
from ..privacy import PERSONAL_KEYS
from ..safety import LIMITS
from ..spec import ERROR, Column, ValueType
from ..values import ExcelError, UnreadableCell, is_academic_year, is_email, is_num, is_postcode, is_urn, upn_problem
from .declare import rule

T = ValueType
_DAY_MONTH_YEAR = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}$")
# Sessions may be negative here: R023 says so in its own words.
SIGNED_WHOLE = ("sessions_possible", "sessions_attended", "sessions_authorised")


def value_fields(column: Column, value) -> dict:
    """The fields every value message may use: the column's header, the value as typed
    (`shown`), and `what` ("'x' in Header", or just the header for a personal value)."""
    personal = column.key in PERSONAL_KEYS
    shown = f"'{display_value(value)}'"
    return {"header": column.header, "shown": shown,
            "what": column.header if personal else f"{shown} in {column.header}",
            "this": "This value" if personal else shown}


R001 = rule(
    "R001", ERROR, "any", title="A value is not of its column's type (date, whole number, Y/N)",
    messages={
        "date": "{what} is not a date. Type it as a date, day first, e.g. 15/09/2024.",
        "impossible-date": "{what} is not a real date: check the day and month (day first, e.g. 15/09/2024). "
                           "US order (month first) is never used.",
        "whole": "{what} is not a whole number of 0 or more (0, 1, 2 ...).",
        "number": "{what} is not a number of 0 or more.",
        "percent": "{what} is not a percentage between 0% and 100%.",
        "yn": "{what} is not Y or N.",
        "urn": "{what} is not a URN: 6 digits, e.g. 102345.",
        "academic-year": "{what} is not an academic year like 2024/25.",
        "excel-error": "{header} shows the Excel error {error}, not a value: the cell holds a formula or link that "
                       "did not work. Type the value itself into the cell (or fix the formula), save, and send it "
                       "again.",
        "unreadable-cell": "{header}: this cell could not be read (the program that saved the file wrote something "
                           "that is not a value). Type the value into the cell again, save, and send it again.",
        "cut": "Cell {cell} holds {length:,} characters, more than an Excel cell can hold ({limit:,}); only the "
               "first {limit:,} were read. Shorten it.",
    },
)


def _is_whole(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _date_message(column: Column, value) -> str:
    return "impossible-date" if isinstance(value, str) and _DAY_MONTH_YEAR.match(value) else "date"


R001.value_check(lambda v: isinstance(v, date), types=[T.DATE], message=_date_message, fields=value_fields)
R001.value_check(lambda v: _is_whole(v) and v >= 0, types=[T.WHOLE], message="whole", fields=value_fields)
R001.value_check(_is_whole, columns=SIGNED_WHOLE, message="whole", fields=value_fields)
R001.value_check(lambda v: is_num(v) and v >= 0, types=[T.NUMBER], message="number", fields=value_fields)
R001.value_check(lambda v: is_num(v) and 0 <= v <= 100, types=[T.PERCENT], message="percent", fields=value_fields)
R001.value_check(lambda v: v in ("Y", "N"), types=[T.YN], message="yn", fields=value_fields)
R001.value_check(lambda v: isinstance(v, str) and is_urn(v), types=[T.URN], message="urn", fields=value_fields)
R001.value_check(lambda v: isinstance(v, str) and is_academic_year(v), types=[T.ACADEMIC_YEAR],
                 message="academic-year", fields=value_fields)


R001.cell_check((ExcelError, UnreadableCell),
                message=lambda column, value: "excel-error" if isinstance(value, ExcelError) else "unreadable-cell",
                fields=lambda column, value: {"header": column.header, "error": str(value)})


@R001.check(None, None)
def text_cut_to_the_cell_limit(ret):
    """Text longer than an Excel cell holds was cut when the workbook was read."""
    for cut in ret.cut:
        cell = cell_ref(cut.row, cut.column)
        yield R001.hit(None, None, "cut", value=cut.sample, at={"sheet": cut.sheet, "row": cut.row, "cell": cell},
                       cell=cell, length=cut.length, limit=LIMITS.cell_text)


R002 = rule(
    "R002", ERROR, "any", title="A value is not in its code list",
    message="{this} is not one of the codes for {header}.{choices}",
)


def _code_fields(column: Column, value) -> dict:
    assert column.codes is not None
    options = column.codes.codes
    choices = (f" Choose one of: {', '.join(column.codes.dropdown())}." if len(options) <= 10
               else " Choose one from the dropdown list.")
    return {**value_fields(column, value), "choices": choices}


def _in_code_list(column: Column):
    assert column.codes is not None
    allowed = set(column.codes.lookup().values())
    return lambda v: v in allowed


R002.value_check(predicate_for=_in_code_list, types=[T.CODE], fields=_code_fields)

R010 = rule(
    "R010", ERROR, "UPN", title="UPN is not valid (format or check letter)",
    message="The UPN {problem}: check it against the pupil's school record.",
)
R010.value_check(lambda v: isinstance(v, str) and upn_problem(v) is None, types=[T.UPN],
                 fields=lambda column, value: {
                     "problem": upn_problem(value) if isinstance(value, str) else "is not a UPN"})

R012 = rule(
    "R012", ERROR, "Postcode", title="Not a valid UK postcode",
    message="The postcode is not a valid UK postcode. Check it against the pupil's address (e.g. UB8 1UW).",
)
R012.value_check(lambda v: isinstance(v, str) and is_postcode(v), types=[T.POSTCODE])

R013 = rule(
    "R013", ERROR, "Contact email", title="Not a valid email address",
    message="{shown} is not a valid email address. Check it (e.g. name@provider.org.uk).",
)
R013.value_check(lambda v: isinstance(v, str) and is_email(v), types=[T.EMAIL], fields=value_fields)
