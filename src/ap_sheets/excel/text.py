"""Counts in words, as the buttons write them."""

from __future__ import annotations


def counted(n: int, word: str) -> str:
    plural = "queries" if word == "query" else word + "s"
    return f"{n} {word if n == 1 else plural}"


def text_lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide (by words)."""
    room = max(width - 1, 1)
    lines = 0
    for para in text.split("\n"):
        n, used = 1, 0
        for word in para.split():
            need = len(word) + (1 if used else 0)
            if used and used + need > room:
                n, used = n + 1, len(word)
            else:
                used += need
        lines += n
    return lines
