"""Property-based tests of the normalisers and identifier checks (hypothesis).

- `values.normalise` never raises, whatever a cell holds, for every column of the spec;
- a date written in any accepted UK order is read as exactly that date, never US order;
- `clean_text` is idempotent and blind to invisible characters;
- a generated valid UPN passes and any single-character change fails (bar one documented
  blind spot of the DfE check itself); noise (zero-width spaces, NBSP, case) does not matter;
- every UK postcode shape is accepted however it is spaced or cased, and normalises once.
"""

from __future__ import annotations

import string
from datetime import date, datetime, time, timedelta

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from ap_sheets import values
from ap_sheets.spec import KINDS
from ap_sheets.spec.la_numbers import LA_NUMBERS

COLUMNS = sorted(
    {c for kind in KINDS.values() for sheet in kind.sheets for c in sheet.columns}, key=lambda c: (c.key, c.type.value)
)
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202e\u2066\u2069"

# Anything a cell (or a careless caller) might hand over.
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.text(),
    st.text(alphabet=string.printable + INVISIBLE + "\u00a0\u3000é😀"),
    st.integers(),
    st.integers(min_value=-(10**5000), max_value=10**5000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=18000, max_value=74000),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.builds(lambda d: d.strftime("%d/%m/%Y"), st.dates(min_value=date(1900, 1, 1))),
)


@settings(max_examples=400)
@given(st.sampled_from(COLUMNS), ANY_VALUE)
def test_normalise_never_raises(column, raw):
    values.normalise(column, raw)


@given(ANY_VALUE)
def test_clean_text_is_idempotent_and_gives_text_or_none(raw):
    once = values.clean_text(raw)
    assert once is None or (isinstance(once, str) and once == once.strip() and once)
    assert values.clean_text(once) == once


@given(st.text(), st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(INVISIBLE)), max_size=5))
def test_invisible_characters_never_matter(text, inserts):
    noisy = text
    for pos, ch in inserts:
        pos %= len(noisy) + 1
        noisy = noisy[:pos] + ch + noisy[pos:]
    assert values.clean_text(noisy) == values.clean_text(text)


# ---------- dates ----------
UK_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d %b %Y", "%d %B %Y")
NOISE = st.sampled_from(["", " ", "  ", "\u00a0", "\u200b", "\ufeff", "\t"])


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(UK_FORMATS),
    NOISE,
    NOISE,
    st.booleans(),
)
@example(date(2024, 9, 5), "%d/%m/%Y", "", "", False)  # ambiguous: 5 September, never 9 May
def test_uk_order_text_is_read_as_exactly_that_date(d, fmt, before, after, unpadded):
    text = d.strftime(fmt)
    if unpadded and fmt.startswith("%d"):
        text = text.lstrip("0")  # 5/09/2024
    assert values.parse_date(before + text + after) == d


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_us_order_is_never_read_as_a_date_when_it_cannot_be_uk(d):
    assume(d.day > 12)
    us = f"{d.month:02d}/{d.day:02d}/{d.year}"
    assert not isinstance(values.parse_date(us), date)


@given(st.text(max_size=40))
def test_a_date_from_text_is_the_date_the_text_says(text):
    """Whatever text parses, it parses to a date whose UK rendering the text contains."""
    parsed = values.parse_date(text)
    if isinstance(parsed, date):
        digits = "".join(ch for ch in values.clean_identifier(text) if ch.isdigit())
        assert str(parsed.year) in digits


@given(st.datetimes(min_value=datetime(1900, 1, 1)))
def test_real_dates_pass_through(dt):
    assert values.parse_date(dt) == dt.date()
    assert values.parse_date(dt.date()) == dt.date()


# ---------- UPNs ----------
UPN_BODY = st.tuples(
    st.sampled_from(sorted(LA_NUMBERS)),
    st.text(alphabet=string.digits, min_size=8, max_size=8),
    st.sampled_from(string.digits + values.UPN_LETTERS),
)


def make_upn(body: tuple[str, str, str]) -> str:
    la, digits, last = body
    rest = la + digits + last
    return values.upn_check_letter("A" + rest) + rest


@given(UPN_BODY)
def test_generated_upn_is_valid(body):
    upn = make_upn(body)
    assert values.upn_problem(upn) is None


@given(UPN_BODY, st.integers(min_value=0, max_value=12), st.sampled_from(string.ascii_uppercase + string.digits))
def test_any_single_character_change_fails(body, pos, ch):
    upn = make_upn(body)
    assume(upn[pos] != ch)
    changed = upn[:pos] + ch + upn[pos + 1 :]
    # The DfE check's one blind spot: a temporary UPN's final letter counts as its position
    # in the check alphabet, so a final digit k and the k-th check letter weigh the same.
    blind = pos == 12 and {upn[12], ch} in ({str(k), values.UPN_LETTERS[k]} for k in range(10))
    assert (values.upn_problem(changed) is None) == blind


@given(
    UPN_BODY,
    st.lists(st.sampled_from(["\u200b", "\u00a0", " ", "\ufeff", "\u2060"]), max_size=4),
    st.lists(st.integers(min_value=0, max_value=13), min_size=4, max_size=4),
    st.booleans(),
)
def test_upn_noise_does_not_matter(body, noise, positions, lower):
    upn = make_upn(body)
    noisy = upn.lower() if lower else upn
    for ch, pos in zip(noise, positions):
        noisy = noisy[:pos] + ch + noisy[pos:]
    assert values.parse_upn(noisy) == upn
    assert values.upn_problem(values.parse_upn(noisy)) is None


@given(st.text(max_size=20))
def test_upn_check_never_raises(text):
    values.upn_problem(text)
    values.upn_problem(values.parse_upn(text) or "")


def test_unicode_digits_are_not_upn_digits():
    upn = make_upn(("801", "20000500", "1"))
    assert values.upn_problem(upn[:-1] + "\u0661") is not None  # ARABIC-INDIC DIGIT ONE
    assert values.parse_upn("\uff22" + upn[1:]) == upn  # FULLWIDTH B reads as B


# ---------- postcodes ----------
POSTCODES = st.from_regex(values.POSTCODE, fullmatch=True)


@given(POSTCODES)
def test_every_postcode_shape_is_valid_and_normalises_once(pc):
    canonical = values.parse_postcode(pc)
    assert values.is_postcode(canonical)
    assert canonical.count(" ") == 1 and len(canonical.split(" ")[1]) == 3
    assert values.parse_postcode(canonical) == canonical


@given(POSTCODES, st.sampled_from(["", " ", "  ", "\u00a0", "\u200b"]), st.booleans(), NOISE)
def test_postcode_spacing_and_case_do_not_matter(pc, middle, lower, edge):
    compact = pc.replace(" ", "")
    noisy = compact[:-3] + middle + compact[-3:]
    noisy = noisy.lower() if lower else noisy
    assert values.parse_postcode(edge + noisy + edge) == values.parse_postcode(pc)


@given(st.text(max_size=12))
def test_postcode_check_never_raises_and_only_accepts_the_shape(text):
    if values.is_postcode(text):
        assert values.POSTCODE.fullmatch(text)
        assert text == text.strip() and text.isascii()
    values.parse_postcode(text)


def test_postcode_with_trailing_newline_is_not_valid():
    assert not values.is_postcode("UB8 1UW\n")
    assert values.parse_postcode("UB8 1UW\n") == "UB8 1UW"


# ---------- other normalisers ----------
@given(st.sampled_from(["Y", "y", "Yes", "YES", " n ", "No", "\uff39"]))
def test_yes_no(text):
    assert values.parse_yn(text) in ("Y", "N")


@given(st.integers(min_value=0, max_value=10**9))
def test_whole_numbers_read_back(n):
    assert values.parse_whole(n) == n
    assert values.parse_whole(float(n)) == n
    assert values.parse_whole(f" {n:,} ") == n


@given(st.one_of(st.times(), st.timedeltas(), st.dates()))
def test_odd_types_in_text_columns_become_text(raw):
    assert isinstance(values.clean_text(raw), str)
    assert isinstance(values.parse_whole(raw), (str, int))


def test_time_types_do_not_crash_date_columns():
    assert values.parse_date(time(9, 30)) == "09:30:00"
    assert values.parse_date(timedelta(days=1)) == "1 day, 0:00:00"
