"""Excel cell references: column letters and numbers (1 is A), the one helper every layer uses."""

from __future__ import annotations


def column_letters(n: int) -> str:
    """1 -> 'A', 26 -> 'Z', 27 -> 'AA'."""
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def column_number(letters: str) -> int:
    """'A' -> 1, 'AA' -> 27 (case ignored)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def cell_ref(row: int, column: int) -> str:
    """(12, 2) -> 'B12'."""
    return f"{column_letters(column)}{row}"
