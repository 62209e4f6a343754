"""Small-number suppression: primary (1-4 shown as c) and secondary (no line with a single
hidden cell, since a total would give it away)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ap_sheets.report.suppression import (
    SUPPRESSED,
    Grid,
    Line,
    is_small,
    rate_hidden,
    shown,
    suppress,
    suppress_breakdown,
    suppress_grid,
)


def test_primary_threshold_and_zeros():
    assert [is_small(v) for v in (0, 1, 4, 5, 12)] == [False, True, True, False, False]
    assert is_small(0, zeros=True)
    assert is_small(6, threshold=10) and not is_small(10, threshold=10)
    assert not is_small(None) and not is_small("c") and not is_small(True)


def test_one_small_count_in_a_breakdown_hides_the_next_smallest_too():
    # 2 of 24: alone, 24 - 10 - 12 would give it away.
    assert suppress_breakdown([2, 10, 12], 24) == ([True, True, False], False)


def test_secondary_prefers_a_non_zero_count_to_a_zero():
    assert suppress_breakdown([3, 0, 20], 23) == ([True, False, True], False)


def test_a_small_total_is_hidden_with_its_only_small_member():
    # 3 = total 3: both hidden, so the line already has two hidden members.
    assert suppress_breakdown([3, 0, 0], 3) == ([True, False, False], True)


def test_zeros_are_used_when_nothing_else_is_left():
    assert suppress_breakdown([2, 0], 2) == ([True, False], True)
    assert suppress_breakdown([2, 0, 9], 11) == ([True, False, True], False)


def test_two_small_counts_need_no_secondary():
    assert suppress_breakdown([1, 2, 30], 33) == ([True, True, False], False)


def test_two_by_two_table_with_one_small_cell_hides_all_four_cells():
    hidden = suppress_grid(Grid.of([[2, 8], [6, 9]]))
    assert {("cell", i, j) for i in (0, 1) for j in (0, 1)} <= hidden
    assert not any(k[0] in ("row", "col", "grand") for k in hidden)


def test_secondary_suppression_cascades_across_rows_and_columns():
    grid = Grid.of([[1, 10, 10], [10, 10, 10], [10, 10, 10]])
    hidden = suppress_grid(grid)
    assert ("cell", 0, 0) in hidden
    assert_no_line_has_one_hidden(grid, hidden)


def test_columns_only_when_rows_are_different_measures():
    # Providers x (children, of whom EHC plan): columns add up to the "All" row; rows do not.
    grid = Grid.of([[20, 2], [30, 12]], row_totals=False, given_col_totals=[50, 14])
    hidden = suppress_grid(grid, rows_add_up=False)
    assert hidden == {("cell", 0, 1), ("cell", 1, 1)}


def test_rates_hide_small_denominators_and_small_complements():
    assert rate_hidden(3, 4)  # denominator under 5
    assert rate_hidden(38, 40)  # 2 children are the complement
    assert rate_hidden(2, 40)
    assert not rate_hidden(20, 40)
    assert not rate_hidden(40, 40) and not rate_hidden(0, 40)  # all or none: nobody singled out
    assert rate_hidden(20, 40, numerator_hidden=True)
    assert not rate_hidden(None, 40) and not rate_hidden(1, 0)


def test_shown_value():
    assert shown(3, True) == "c" and shown(3, True) is SUPPRESSED
    assert shown(3, False) == 3


def test_generic_lines():
    values = {"a": 2, "b": 7, "c": 9, "t": 18}
    assert suppress(values, [Line(("a", "b", "c"), "t")]) == {"a", "b"}


def assert_no_line_has_one_hidden(grid: Grid, hidden: set) -> None:
    n, m = len(grid.cells), len(grid.cells[0])
    for i in range(n):
        line = [("cell", i, j) for j in range(m)] + [("row", i)]
        assert sum(k in hidden for k in line) != 1, f"row {i}"
    for j in range(m):
        line = [("cell", i, j) for i in range(n)] + [("col", j)]
        assert sum(k in hidden for k in line) != 1, f"column {j}"
    assert sum(k in hidden for k in [("col", j) for j in range(m)] + [("grand",)]) != 1
    assert sum(k in hidden for k in [("row", i) for i in range(n)] + [("grand",)]) != 1


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda m: st.lists(st.lists(st.integers(0, 30), min_size=m, max_size=m), min_size=1, max_size=6)
    )
)
def test_property_every_small_count_hidden_and_no_line_left_with_one(cells):
    grid = Grid.of(cells)
    hidden = suppress_grid(grid)
    for i, row in enumerate(cells):
        for j, v in enumerate(row):
            if 0 < v < 5:
                assert ("cell", i, j) in hidden
    assert_no_line_has_one_hidden(grid, hidden)
