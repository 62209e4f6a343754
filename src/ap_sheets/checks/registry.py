"""How a rule is declared: one function per rule, tagged with its code and where it applies.

A rule function takes a `Return` and yields `Hit`s (which row and column, what to say,
the value). The engine turns hits into findings with sheet, row, cell and severity, so a
rule never deals with A1 references or the output format.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable


@dataclass(frozen=True)
class Hit:
    index: object  # frame index: the Excel row on table sheets, 0 on form sheets
    column: str | None  # column key the finding is about
    message: str
    value: object = None
    severity: str | None = None  # only where a rule has two levels (R021)


@dataclass(frozen=True)
class RuleFunction:
    code: str
    kind: str  # "provider-return" or "school-log"
    sheet: str
    fn: Callable[..., Iterable[Hit]]


REGISTRY: list[RuleFunction] = []


def rule(code: str, kind: str, sheet: str):
    """Register a rule function for one sheet of one workbook kind."""
    def wrap(fn):
        REGISTRY.append(RuleFunction(code, kind, sheet, fn))
        return fn
    return wrap
