"""How returns are matched across a term: provider IDs, school URNs, UPNs and names compared
the same way by every cross rule (X001-X009), and whether a placement was open in the term."""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import lru_cache

from ..spec import Kind
from ..terms import Term
from ..values import upn_problem

PROVIDER, SCHOOL = Kind.PROVIDER_RETURN, Kind.SCHOOL_LOG


def provider_key(value) -> str | None:
    """Provider IDs compared without case or spaces: ' ap-012 ' matches 'AP-012'."""
    if value is None:
        return None
    text = "".join(str(value).split()).upper()  # split(): the same white space as \s
    return text or None


def school_key(value) -> str | None:
    if value is None:
        return None
    text = "".join(str(value).split())
    return text or None


def return_key(result) -> tuple[str, str] | None:
    """(kind, provider ID or school URN): what makes two returns 'the same' for X005."""
    if result.kind == PROVIDER:
        key = provider_key(result.record.get("provider_id"))
    elif result.kind == SCHOOL:
        key = school_key(result.record.get("school_urn"))
    else:
        return None
    return (result.kind, key) if key else None


def valid_upn(upn) -> bool:
    return isinstance(upn, str) and _upn_ok(upn)


@lru_cache(maxsize=1 << 16)
def _upn_ok(upn: str) -> bool:  # each rule asks about every row: check each UPN once
    return upn_problem(upn) is None


def name_key(text) -> str | None:
    """Names compared on their letters only: 'O'Brien' = 'OBRIEN', 'Zoë' = 'Zoe'."""
    if not isinstance(text, str):
        return None
    return _letters(text)


@lru_cache(maxsize=1 << 16)
def _letters(text: str) -> str | None:
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(ch for ch in decomposed if ch.isalpha() and not unicodedata.combining(ch))
    return letters.casefold() or None


def overlaps_term(row, term: Term | None) -> bool:
    """A placement that was open at some point in the term (unknown dates count as open)."""
    if term is None:
        return True
    start, end = row.start_date, row.end_date
    if isinstance(start, date) and start > term.end:
        return False
    return not (isinstance(end, date) and end < term.start)


CROSS_ORDER = ("X005", "X001", "X002", "X003", "X004", "X006", "X007", "X008", "X009")


def cross_order(f) -> tuple:
    """How cross findings are listed: by rule (X005 first: it decides which returns count),
    then file and row, then the other place."""
    return (CROSS_ORDER.index(f.code), f.file, f.row or 0, f.other_file or "", f.other_row or 0)
