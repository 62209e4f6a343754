"""Normalisers: turn what a user typed into a typed value, once, on the way in.

Each normaliser returns the typed value when it can read one (a `date`, an `int`, "Y",
a canonical code ...) and otherwise the user's own text, stripped, so that the checks can
say "not a date" and show exactly what was typed. Blank (None, "", spaces, zero-width
characters) is always None. Rules never parse text again: they see these values.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache, partial
from operator import mul

from .spec.codes import CodeList, fold
from .spec.la_numbers import is_la_number
from .spec.workbooks import Column, ValueType
from .terms import parse_academic_year as year_of

# Characters that hide in pasted text: zero-width spaces/joiners, BOM, soft hyphen; also
# direction marks and bidi overrides (which can make text display differently from what it
# is), invisible operators, and control characters that are not whitespace.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u2060\ufeff\u00ad"
        "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        "\u2061\u2062\u2063\u2064\u180e",
    ),
    None,
)
_INVISIBLE.update(
    dict.fromkeys((c for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if not chr(c).isspace()), None)
)
_SPACES = re.compile(r"\s+")
EXCEL_EPOCH = datetime(1899, 12, 30)
# Excel serial numbers accepted as dates when a date cell lost its date format:
# 1 Jan 1950 .. 31 Dec 2099. Outside this a number in a date column is not a date.
_SERIAL_MIN, _SERIAL_MAX = 18264, 73050

_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)


class CellProblem(str):
    """A cell that holds no value a user typed, where one is read (kept as its marker, never
    normalised: the value check reports it at its cell, as R001)."""


class ExcelError(CellProblem):
    """An Excel error value (#N/A, #DIV/0!, Excel 365's #SPILL!, #CALC! ...) in a cell."""


class UnreadableCell(CellProblem):
    """A cell that no reader can make sense of (e.g. a number that is not a number)."""

    def __new__(cls, text: str = "(a cell that cannot be read)"):
        return super().__new__(cls, text)


DAYS_1900_TO_1904 = 1462  # a 1904-system date serial + this = the 1900-system serial


def clean_text(raw) -> str | None:
    """Text with invisible characters removed, outer spaces stripped, runs of spaces folded."""
    if raw is None:
        return None
    if raw.__class__ is str and raw.isascii() and raw.isprintable() and "  " not in raw:
        # Most cells: plain ASCII with no control characters, so nothing invisible, nothing
        # NFC changes and no space but single ones; only the ends can need trimming.
        return raw.strip(" ") or None
    if isinstance(raw, float):
        if math.isnan(raw):
            return None
        text = str(int(raw)) if raw.is_integer() else repr(raw)
    elif isinstance(raw, datetime):
        text = raw.strftime("%d/%m/%Y") if raw.time() == datetime.min.time() else raw.isoformat(sep=" ")
    elif isinstance(raw, date):
        text = raw.strftime("%d/%m/%Y")
    else:
        try:
            text = str(raw)
        except (ValueError, OverflowError):  # e.g. an integer too long to write out
            text = "(a number too long to show)"
    # NFC: an accent typed as a separate mark compares equal to the accented letter.
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    text = _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()
    return text or None


def clean_identifier(raw) -> str | None:
    """`clean_text` plus compatibility folding (NFKC) for codes and identifiers, so that
    full-width letters and digits from some keyboards read as the plain ones."""
    text = clean_text(raw)
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", text).strip() or None


def parse_date(raw):
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if isinstance(raw, float) and math.isnan(raw):
            return None
        if _SERIAL_MIN <= raw <= _SERIAL_MAX:
            return (EXCEL_EPOCH + timedelta(days=int(raw))).date()
        return clean_text(raw)
    text = clean_identifier(raw)
    if text is None:
        return None
    if "T" in text and text[:4].isdigit():  # ISO with zone, e.g. from Excel's web client
        text = text.split(".")[0].rstrip("Z")
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except (ValueError, OverflowError):
            continue
        if parsed.year < 1900:
            continue
        return parsed.date()
    return text


def _number(raw) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        if isinstance(raw, float):
            return None if math.isnan(raw) else raw
        try:
            return float(raw)
        except OverflowError:  # an integer too big for any column
            return None
    text = clean_text(raw)
    if text is None:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_whole(raw):
    value = _number(raw)
    if value is not None and value.is_integer():
        return int(value)
    return clean_text(raw)


def parse_number(raw):
    value = _number(raw)
    return value if value is not None else clean_text(raw)


def parse_percent(raw):
    """0.85 (a cell formatted as %), 85, '85%' -> 85.0 percentage points."""
    text = clean_identifier(raw)
    if text is None:
        return None
    if isinstance(raw, str) and text.endswith("%"):
        value = _number(text[:-1])
        return value if value is not None else text
    value = _number(raw)
    if value is None:
        return text
    return value * 100 if 0 <= value <= 1 else value


_YES = {"y": "Y", "yes": "Y", "n": "N", "no": "N"}


def parse_yn(raw):
    text = clean_identifier(raw)
    if text is None:
        return None
    return _YES.get(text.casefold(), text)


@cache
def _lookup(codes: CodeList) -> dict:
    return codes.lookup()


def parse_code(raw, codes: CodeList):
    if isinstance(raw, float) and not math.isnan(raw) and raw.is_integer():
        raw = int(raw)
    text = clean_text(raw)
    if text is None:
        return None
    table = _lookup(codes)
    found = table.get(fold(text))
    if found is None:
        found = table.get(fold(clean_identifier(text) or ""))
    return text if found is None else found


def parse_upn(raw):
    text = clean_identifier(raw)
    return None if text is None else text.replace(" ", "").upper()


def parse_postcode(raw):
    text = clean_identifier(raw)
    if text is None:
        return None
    compact = text.replace(" ", "").upper()
    formatted = f"{compact[:-3]} {compact[-3:]}"
    if 5 <= len(compact) <= 7 and is_postcode(formatted):
        return formatted
    return text  # not a postcode: keep what was typed, so the finding shows it as typed


def parse_urn(raw):
    if isinstance(raw, float) and not math.isnan(raw) and raw.is_integer():
        raw = int(raw)
    text = clean_identifier(raw)
    return None if text is None else text.replace(" ", "")


def parse_academic_year(raw):
    text = clean_identifier(raw)
    if text is None:
        return None
    start = year_of(text)
    return f"{start}/{(start + 1) % 100:02d}" if start is not None else text


_PARSERS = {
    ValueType.DATE: parse_date,
    ValueType.WHOLE: parse_whole,
    ValueType.NUMBER: parse_number,
    ValueType.PERCENT: parse_percent,
    ValueType.YN: parse_yn,
    ValueType.UPN: parse_upn,
    ValueType.POSTCODE: parse_postcode,
    ValueType.URN: parse_urn,
    ValueType.UKPRN: parse_urn,
    ValueType.ACADEMIC_YEAR: parse_academic_year,
}
# Coded, dated and numeric columns repeat a few distinct values many times, so their
# normalisers remember what each raw value gave (per column; free text is not remembered).
_MEMO_MAX = 20_000  # distinct raw values remembered per column
_MEMO_TYPES = frozenset(
    {ValueType.DATE, ValueType.WHOLE, ValueType.NUMBER, ValueType.PERCENT, ValueType.YN, ValueType.CODE}
)
_NORMALISERS: dict[int, tuple[Column, Callable]] = {}


def normaliser(column: Column, date1904: bool = False) -> Callable:
    """The function that normalises one column's raw cells (made once per column).

    `date1904`: the workbook counts dates from 1904, so a bare date serial (a date cell
    whose format was cleared) is moved to the 1900 system before it is read.

    For the memoised types it remembers each raw value's result: text by the text itself,
    anything else by (class, value) so that 1, 1.0 and True stay apart. The results are
    immutable (dates, numbers, text), so sharing them is safe.
    """
    if date1904 and column.type is ValueType.DATE:
        return partial(_from_1904, normaliser(column))
    known = _NORMALISERS.get(id(column))
    if known is not None and known[0] is column:
        return known[1]
    fn = _memoised(column) if column.type in _MEMO_TYPES else _direct(column)
    _NORMALISERS[id(column)] = (column, fn)
    return fn


def _from_1904(norm: Callable, raw):
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = raw + DAYS_1900_TO_1904
    return norm(raw)


def _parser(column: Column) -> Callable:
    """The function that reads one column's non-blank, unmarked cell."""
    parse = _PARSERS.get(column.type)
    if parse is not None:
        return parse
    if column.type is ValueType.CODE and column.codes is not None:
        return partial(parse_code, codes=column.codes)
    if column.type is ValueType.EMAIL:
        return _parse_email
    return clean_text


def _direct(column: Column) -> Callable:
    """One column's normaliser, its parser chosen once: None for a blank, a marked cell
    (`CellProblem`) as it is, anything else parsed."""
    parse = _parser(column)

    def normalise_cell(raw):
        if raw is None or raw == "":
            return None
        if raw.__class__ is not str and isinstance(raw, CellProblem):
            return raw
        return parse(raw)

    return normalise_cell


def _memoised(column: Column) -> Callable:
    read = _direct(column)
    by_text: dict = {}
    by_value: dict = {}

    def normalise_cell(raw):
        if raw is None:
            return None
        key: object
        if raw.__class__ is str:
            memo, key = by_text, raw
        else:
            memo, key = by_value, (raw.__class__, raw)
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value: never from a reader, but never crash
            return read(raw)
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        value = memo[key] = read(raw)
        return value

    return normalise_cell


def normalise(column: Column, raw, date1904: bool = False):
    """The one entry point: a raw cell value -> typed value (or the user's text if unreadable)."""
    return normaliser(column, date1904)(raw)


def _parse_email(raw):
    text = clean_identifier(raw)
    return None if text is None else text.replace(" ", "")


# ---- what a normalised value is (the rules and the figures ask this of typed values) ----
def is_date(v) -> bool:
    return isinstance(v, date)


def is_num(v) -> bool:
    """A number (bools are not numbers here, though Python says they are)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# ---- validity of identifiers (used by the value rules and by property tests) ----
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # I, O and S are never used
_UPN_SHAPE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")  # ASCII digits only, not any Unicode digit


def upn_check_letter(upn: str) -> str:
    """DfE check letter: characters 2-13 weighted 2..13, mod 23, looked up in UPN_LETTERS.

    A temporary UPN ends in a letter, which counts as its position in UPN_LETTERS.
    """
    try:
        total = sum(map(mul, _UPN_WEIGHTS, map(_UPN_VALUE.__getitem__, upn[1:13])))  # at C speed
    except KeyError:
        raise ValueError(f"not a UPN character: {upn!r}") from None
    return UPN_LETTERS[total % 23]


_UPN_WEIGHTS = range(2, 14)
_UPN_VALUE = {**{d: i for i, d in enumerate("0123456789")}, **{c: i for i, c in enumerate(UPN_LETTERS)}}


def upn_problem(upn: str) -> str | None:
    """None if valid, else a short reason in plain words (R010).

    The DfE's checks, in its validators' order where it matters: 13 characters; a letter,
    11 digits, then a digit or letter (never I, O or S); not the all-zero placeholder; the
    check letter (rule 1510); characters 2-4 a local authority number (rule 1530).
    """
    if len(upn) != 13:
        return f"has {len(upn)} characters, not 13"
    if not _UPN_SHAPE.fullmatch(upn) or (upn[12].isalpha() and upn[12] not in UPN_LETTERS):
        return "is not a letter, 11 digits, then a digit or letter"
    if upn[0] not in UPN_LETTERS:
        return "starts with a letter a UPN never uses"
    if upn[1:12] == "0" * 11:
        return "is a placeholder (all zeros), not a real UPN"
    if upn_check_letter(upn) != upn[0]:
        return "has the wrong check letter"
    if not is_la_number(upn[1:4]):
        return "does not have a local authority number in characters 2 to 4"
    return None


def is_temporary_upn(upn: str) -> bool:
    """A temporary UPN ends in a letter (R015). Meant for UPNs that pass R010."""
    return len(upn) == 13 and upn[12] in UPN_LETTERS


# UK postcode (ONS/Royal Mail shape), space optional on input; GIR 0AA is the one oddity.
POSTCODE = re.compile(
    r"^(GIR ?0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|"
    r"[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)
EMAIL = re.compile(r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
URN = re.compile(r"^[1-9][0-9]{5}$")
UKPRN = re.compile(r"^[0-9]{8}$")


def is_postcode(text: str) -> bool:
    return bool(POSTCODE.fullmatch(text))


def is_email(text: str) -> bool:
    return bool(EMAIL.fullmatch(text)) and ".." not in text


def is_urn(text: str) -> bool:
    return bool(URN.fullmatch(text))


def is_ukprn(text: str) -> bool:
    """8 digits (R016 when not: the schema's own check of this type is permissive)."""
    return bool(UKPRN.fullmatch(text))


def is_academic_year(text: str) -> bool:
    return year_of(text) is not None
