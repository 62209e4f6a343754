"""Small-number suppression for figures shared beyond the council's AP team.

Primary suppression: a count of children or placements from 1 to `threshold - 1` (default
1-4) is shown as `c`. Zeros are shown (the DfE's own convention), unless `zeros=True`.

Secondary suppression: a table usually shows totals, and a single hidden cell in a row or
column can be worked out by subtracting the others from the total. So for every *line*
(a set of cells that add up to a total cell, e.g. one row of a table plus its row total),
if exactly one member is hidden, the next smallest member is hidden too: first the
smallest non-zero cell, then a zero cell, and only then the total. This repeats until no
line has exactly one hidden member, so hiding a cell for one line is checked against the
lines it also belongs to. (This is the usual "at least two per line" rule; it does not
solve every linear-algebra attack on large tables, which is why the shareable workbook
only publishes small, simple tables.)

Rates get their own rule (`rate_hidden`): a percentage is hidden when its denominator is
below the threshold, or when the numerator or its complement (denominator - numerator) is
a small non-zero count, since "95% of 40 had no suspensions" tells you that 2 did.

This module knows nothing about Excel; the writers call it and show `c`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass


class Suppressed(str):
    """A count shown as `c`: a str (so it serialises as "c") that writers can recognise."""


SUPPRESSED = Suppressed("c")
DEFAULT_THRESHOLD = 5


def is_small(value, threshold: int = DEFAULT_THRESHOLD, zeros: bool = False) -> bool:
    """Primary suppression test for one count."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if value == 0:
        return zeros
    return 0 < value < threshold


@dataclass(frozen=True)
class Line:
    """Cells that add up to a total: hiding one member alone would not protect it."""

    members: tuple[Hashable, ...]
    total: Hashable | None = None  # the total's key (None when the total is not shown)


def suppress(
    values: dict[Hashable, int | None], lines: Iterable[Line], threshold: int = DEFAULT_THRESHOLD, zeros: bool = False
) -> set[Hashable]:
    """Keys of the cells to show as `c`: primary, then secondary until every line is safe."""
    lines = list(lines)
    hidden = {k for k, v in values.items() if is_small(v, threshold, zeros)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            keys = list(line.members) + ([line.total] if line.total is not None else [])
            keys = [k for k in keys if values.get(k) is not None]
            if sum(k in hidden for k in keys) != 1:
                continue
            candidate = _next_to_hide(values, line, hidden)
            if candidate is not None:
                hidden.add(candidate)
                changed = True
    return hidden


def _next_to_hide(values, line: Line, hidden: set) -> Hashable | None:
    open_members = [k for k in line.members if k not in hidden and values.get(k) is not None]
    non_zero = [k for k in open_members if values[k] != 0]
    for pool in (non_zero, open_members):
        if pool:
            return min(pool, key=lambda k: (values[k], str(k)))
    if line.total is not None and line.total not in hidden and values.get(line.total) is not None:
        return line.total
    return None


@dataclass
class Grid:
    """A table of counts with optional row totals, column totals and a grand total.

    `cells[i][j]` is row i, column j. Totals are computed here (sums of the cells) unless
    given: pass `col_totals` when a column's total is not the sum of its cells (children
    counted once across providers), and the lines still tie cells to the total shown.
    """

    cells: list[list[int | None]]
    row_totals: list[int | None] | None = None
    col_totals: list[int | None] | None = None
    grand_total: int | None = None

    @classmethod
    def of(
        cls,
        cells: Sequence[Sequence[int | None]],
        row_totals: bool = True,
        col_totals: bool = True,
        given_col_totals: Sequence[int | None] | None = None,
    ) -> Grid:
        cells = [list(r) for r in cells]
        ncols = max((len(r) for r in cells), default=0)
        rt = [sum(v or 0 for v in r) for r in cells] if row_totals else None
        if given_col_totals is not None:
            ct = list(given_col_totals)
        elif col_totals:
            ct = [sum((r[j] or 0) for r in cells if j < len(r)) for j in range(ncols)]
        else:
            ct = None
        grand = sum(rt) if (rt is not None and ct is not None) else None
        return cls(cells, rt, ct, grand)


def suppress_grid(
    grid: Grid,
    threshold: int = DEFAULT_THRESHOLD,
    zeros: bool = False,
    rows_add_up: bool = True,
    cols_add_up: bool = True,
) -> set[Hashable]:
    """Suppress a grid. Keys: ("cell", i, j), ("row", i), ("col", j), ("grand",).

    `rows_add_up=False` when a row's cells are different measures (children, of whom with
    an EHC plan, ...) rather than a breakdown; then only the columns tie to totals.
    """
    values: dict[Hashable, int | None] = {}
    for i, row in enumerate(grid.cells):
        for j, v in enumerate(row):
            values[("cell", i, j)] = v
    ncols = max((len(r) for r in grid.cells), default=0)
    lines: list[Line] = []
    if grid.row_totals is not None:
        for i, v in enumerate(grid.row_totals):
            values[("row", i)] = v
    if grid.col_totals is not None:
        for j, v in enumerate(grid.col_totals):
            values[("col", j)] = v
    if grid.grand_total is not None:
        values[("grand",)] = grid.grand_total
    if rows_add_up:
        for i, row in enumerate(grid.cells):
            total = ("row", i) if grid.row_totals is not None else None
            lines.append(Line(tuple(("cell", i, j) for j in range(len(row))), total))
        if grid.col_totals is not None:
            lines.append(
                Line(tuple(("col", j) for j in range(ncols)), ("grand",) if grid.grand_total is not None else None)
            )
    if cols_add_up:
        for j in range(ncols):
            total = ("col", j) if grid.col_totals is not None else None
            lines.append(Line(tuple(("cell", i, j) for i, r in enumerate(grid.cells) if j < len(r)), total))
        if grid.row_totals is not None:
            lines.append(
                Line(
                    tuple(("row", i) for i in range(len(grid.cells))),
                    ("grand",) if grid.grand_total is not None else None,
                )
            )
    return suppress(values, lines, threshold, zeros)


def suppress_breakdown(
    counts: Sequence[int | None], total: int | None, threshold: int = DEFAULT_THRESHOLD, zeros: bool = False
) -> tuple[list[bool], bool]:
    """One breakdown (e.g. destinations) and its total: (hidden per count, total hidden)."""
    values: dict[Hashable, int | None] = {i: v for i, v in enumerate(counts)}
    values["total"] = total
    hidden = suppress(
        values, [Line(tuple(range(len(counts))), "total" if total is not None else None)], threshold, zeros
    )
    return [i in hidden for i in range(len(counts))], "total" in hidden


def rate_hidden(
    numerator: int | None, denominator: int | None, threshold: int = DEFAULT_THRESHOLD, numerator_hidden: bool = False
) -> bool:
    """Whether a rate numerator/denominator must be shown as `c`."""
    if denominator is None or numerator is None or denominator == 0:
        return False  # nothing to show anyway (the writer leaves it blank)
    if numerator_hidden or denominator < threshold:
        return True
    return is_small(numerator, threshold) or is_small(denominator - numerator, threshold)


def shown(value, hidden: bool):
    """The value as published: `c` when hidden."""
    return SUPPRESSED if hidden else value
