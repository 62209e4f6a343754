"""Counts in words, as the buttons write them."""
from __future__ import annotations


def counted(n: int, word: str) -> str:
    plural = "queries" if word == "query" else word + "s"
    return f"{n} {word if n == 1 else plural}"
