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
from ..values import (
    ExcelError,
    UnreadableCell,
    is_academic_year,
    is_email,
    is_num,
    is_postcode,
    is_ukprn,
    is_urn,
    upn_problem,
)
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
    return {
        "header": column.header,
        "shown": shown,
        "what": column.header if personal else f"{shown} in {column.header}",
        "this": "This value" if personal else shown,
    }


R001 = rule(
    "R001",
    ERROR,
    "any",
    title="A value is not of its column's type (date, whole number, Y/N)",
    messages={
        "date": "{what} is not a date. Type it as a date, day first, e.g. 15/09/2024.",
        "impossible-date": "{what} is not a real date: check the day and month (day first, e.g. 15/09/2024). "
        "US order (month first) is never used.",
        "whole": "{what} is not a whole number of 0 or more (0, 1, 2 ...).",
        "number": "{what} is not a number of 0 or more.",
        "percent": "{what} is not a percentage between 0% and 100%.",
        "yn": "{what} is not Y or N.",
        "urn": "{what} is not a URN: 6 digits, e.g. 102345.",
        "ukprn": "{what} is not a UKPRN: 8 digits, e.g. 10012345. Check it on the UK Register of Learning Providers.",
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
# The AP Directory's UKPRN (on a school log, R016 judges the provider's UKPRN in its own words).
R001.value_check(lambda v: isinstance(v, str) and is_ukprn(v), columns=["ukprn"], message="ukprn", fields=value_fields)
R001.value_check(
    lambda v: isinstance(v, str) and is_academic_year(v),
    types=[T.ACADEMIC_YEAR],
    message="academic-year",
    fields=value_fields,
)


R001.cell_check(
    (ExcelError, UnreadableCell),
    message=lambda column, value: "excel-error" if isinstance(value, ExcelError) else "unreadable-cell",
    fields=lambda column, value: {"header": column.header, "error": str(value)},
)


@R001.check(None, None)
def text_cut_to_the_cell_limit(ret):
    """Text longer than an Excel cell holds was cut when the workbook was read."""
    for cut in ret.cut:
        cell = cell_ref(cut.row, cut.column)
        yield R001.hit(
            None,
            None,
            "cut",
            value=cut.sample,
            at={"sheet": cut.sheet, "row": cut.row, "cell": cell},
            cell=cell,
            length=cut.length,
            limit=LIMITS.cell_text,
        )


R002 = rule(
    "R002",
    ERROR,
    "any",
    title="A value is not in its code list",
    message="{this} is not one of the codes for {header}.{choices}",
)


def _code_fields(column: Column, value) -> dict:
    assert column.codes is not None
    options = column.codes.codes
    choices = (
        f" Choose one of: {', '.join(column.codes.dropdown())}."
        if len(options) <= 10
        else " Choose one from the dropdown list."
    )
    return {**value_fields(column, value), "choices": choices}


def _in_code_list(column: Column):
    assert column.codes is not None
    allowed = set(column.codes.lookup().values())
    return lambda v: v in allowed


R002.value_check(predicate_for=_in_code_list, types=[T.CODE], fields=_code_fields)

R010 = rule(
    "R010",
    ERROR,
    "UPN",
    title="UPN is not valid (format or check letter)",
    message="The UPN {problem}: check it against the pupil's school record.",
)
R010.value_check(
    lambda v: isinstance(v, str) and upn_problem(v) is None,
    types=[T.UPN],
    fields=lambda column, value: {"problem": upn_problem(value) if isinstance(value, str) else "is not a UPN"},
)

R012 = rule(
    "R012",
    ERROR,
    "Postcode",
    title="Not a valid UK postcode",
    message="The postcode is not a valid UK postcode. Check it against the pupil's address (e.g. UB8 1UW).",
)
R012.value_check(lambda v: isinstance(v, str) and is_postcode(v), types=[T.POSTCODE])

R013 = rule(
    "R013",
    ERROR,
    "Contact email",
    title="Not a valid email address",
    message="{shown} is not a valid email address. Check it (e.g. name@provider.org.uk).",
)
R013.value_check(lambda v: isinstance(v, str) and is_email(v), types=[T.EMAIL], fields=value_fields)


# ---- Tests -------------------------------------------------------------------------------------
# Run by pytest. Each starts from a clean return built in memory (`ap_sheets.testing`), changes
# what a user gets wrong, and asserts the exact findings (code, sheet, row, column, cell) and their
# messages. How typed values are read (text dates, codes in any case, stray spaces) is tested here:
# it decides what a value is.


def test_r001_text_dates_in_uk_order_are_read():
    from ap_sheets.testing import found, provider_return

    for typed in ["04/03/2011", "04-03-2011", "2011-03-04", " 4/3/2011 ", "4 March 2011"]:
        b = provider_return()
        b.set_cell("Pupils", 2, "date_of_birth", typed)
        assert found(b) == [], typed


def test_r001_unreadable_dates():
    from ap_sheets.testing import found, provider_return, said

    not_real = (
        "Date of birth is not a real date: check the day and month (day first, e.g. 15/09/2024). US order "
        "(month first) is never used."
    )
    not_a_date = "Date of birth is not a date. Type it as a date, day first, e.g. 15/09/2024."
    for typed, message in [("31/02/2011", not_real), ("next Tuesday", not_a_date), ("03/31/2011", not_real)]:
        b = provider_return()
        b.set_cell("Pupils", 3, "date_of_birth", typed)
        assert found(b) == [("R001", "Pupils", 3, "Date of birth", "D3")], typed
        assert said(b) == [message], typed  # a date of birth is never repeated


def test_r001_impossible_date_says_so():
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    b.set_cell("Pupils", 2, "start_date", "31/02/2024")
    report = check(b)
    assert [(f.code, f.row, f.column, f.cell) for f in report.issues] == [
        ("R001", 2, "Start date", b.cell("Pupils", 2, "start_date"))
    ]
    assert report.issues[0].message == (
        "'31/02/2024' in Start date is not a real date: check the day and month "
        "(day first, e.g. 15/09/2024). US order (month first) is never used."
    )


def test_r001_whole_number_and_yes_no():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    b.set_cell("Pupils", 2, "quals_entered", "two")
    b.set_cell("Pupils", 3, "looked_after", "maybe")
    assert found(b) == [
        ("R001", "Pupils", 2, "Qualifications entered", b.cell("Pupils", 2, "quals_entered")),
        ("R001", "Pupils", 3, "Looked after", b.cell("Pupils", 3, "looked_after")),
    ]
    assert said(b) == [
        "'two' in Qualifications entered is not a whole number of 0 or more (0, 1, 2 ...).",
        "Looked after is not Y or N.",
    ]  # a sensitive value is not repeated


def test_r001_on_the_provider_form():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    r = b.set("Provider", "date_completed", "sometime in January")
    assert found(b) == [("R001", "Provider", r, "Date completed", f"B{r}")]
    assert said(b) == [
        "'sometime in January' in Date completed is not a date. Type it as a date, day first, e.g. 15/09/2024."
    ]


def test_r002_wrong_code():
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    b.set_cell("Pupils", 4, "placement_reason", "Naughty")
    report = check(b)
    assert [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues] == [
        ("R002", "Pupils", 4, "Placement reason", b.cell("Pupils", 4, "placement_reason"))
    ]
    assert report.issues[0].message.startswith("'Naughty' is not one of the codes for Placement reason. Choose ")
    assert report.issues[0].value == "Naughty"


def test_r002_codes_ignore_case_and_stray_spaces():
    from ap_sheets.testing import found, provider_return

    b = provider_return()
    b.set_cell("Pupils", 2, "sen", " n ")
    b.set_cell("Pupils", 2, "looked_after", "no")
    b.set_cell("Pupils", 2, "commissioner_type", "school ")
    b.set_cell("Pupils", 2, "ethnicity", "bafr")
    b.set_cell("Pupils", 2, "engagement", "3 - Mostly")
    b.set("Provider", "term", " autumn")
    assert found(b) == []


def test_r002_extended_ethnicity_code_is_accepted():
    from ap_sheets.testing import found, provider_return

    b = provider_return()
    b.set_cell("Pupils", 2, "ethnicity", "WENG")
    assert found(b) == []


def test_r010_upn():
    from ap_sheets.testing import found, make_upn, provider_return

    for upn, ok in [
        ("B801200005001", True),
        ("b801200005001 ", True),  # case and stray space
        ("B8012000\u200b05001", True),  # zero-width space pasted from email
        ("A801200005001", False),  # wrong check letter
        ("B80120000500", False),  # 12 characters
        ("B80120000500I", False),  # I is never used
        (make_upn(77), True),
    ]:
        b = provider_return()
        b.set_cell("Pupils", 2, "upn", upn)
        b.set_cell("Notifications", 3, "upn", upn)
        expected = [] if ok else [("R010", "Pupils", 2, "UPN", "A2"), ("R010", "Notifications", 3, "UPN", "A3")]
        assert found(b) == expected, upn


def test_r010_says_what_is_wrong_with_a_upn_without_repeating_it():
    from ap_sheets.testing import provider_return, said

    b = provider_return()
    b.set_cell("Pupils", 2, "upn", "A801200005001")
    b.set_cell("Notifications", 3, "upn", "A801200005001")
    message, same = said(b)  # `said` also checks no message repeats the UPN
    assert message == same
    assert message.startswith("The UPN ") and message.endswith(": check it against the pupil's school record.")
    assert message == R010.say(problem=upn_problem("A801200005001"))


def test_r010_temporary_upn_with_letter_is_valid():
    from ap_sheets.values import upn_check_letter

    body = "80120000500A"
    assert upn_problem(upn_check_letter("A" + body) + body) is None


def test_r012_postcode():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    # The message's example postcode, UB8 1UW, is row 2's in the sample return: the privacy check
    # would take it for a leak, so row 2 lives elsewhere here, and row 3 loses its last letter.
    b.set_cell("Pupils", 2, "postcode", "HA4 0EY")
    b.set_cell("Pupils", 3, "postcode", "UB3 4Q")
    assert found(b) == [("R012", "Pupils", 3, "Postcode", "I3")]
    assert said(b) == ["The postcode is not a valid UK postcode. Check it against the pupil's address (e.g. UB8 1UW)."]


def test_r012_postcode_without_space_and_lower_case_is_fine():
    from ap_sheets.testing import found, provider_return

    b = provider_return()
    b.set_cell("Pupils", 2, "postcode", "ub81uw")
    assert found(b) == []


def test_r013_email():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    r = b.set("Provider", "contact_email", "sam.patel@brightfutures")
    assert found(b) == [("R013", "Provider", r, "Contact email", f"B{r}")]
    assert said(b) == ["'sam.patel@brightfutures' is not a valid email address. Check it (e.g. name@provider.org.uk)."]


def test_r001_text_longer_than_a_cell_holds():
    from ap_sheets.read import CutText
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    b.cut.append(CutText("Pupils", 3, 35, 40_000, "Mentoring weekly"))  # what the reader says it cut
    report = check(b)
    assert [(f.code, f.sheet, f.row, f.column, f.cell, f.value) for f in report.issues] == [
        ("R001", "Pupils", 3, None, "AI3", "Mentoring weekly")
    ]
    assert report.issues[0].message == (
        "Cell AI3 holds 40,000 characters, more than an Excel cell can hold "
        "(32,767); only the first 32,767 were read. Shorten it."
    )
