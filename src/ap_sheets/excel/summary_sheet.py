"""The Summary button: the return's figures written to the Summary sheet as tables, with charts."""

from __future__ import annotations

from datetime import datetime

from ..figures import return_figures
from ..findings import FileReport
from ..privacy import safe_text
from ..spec import KINDS
from ..validate import check_workbook
from .book import fresh_sheet, read_book, write_lines
from .failures import log_failure, show_failure
from .summary_tables import Block, summary_blocks
from .text import counted

SUMMARY_SHEET = "Summary"


def summary_book(book, now: datetime | None = None) -> dict | None:
    """Show the return's figures on the Summary sheet. Returns the figures, or None when
    the workbook could not be summarised (the sheet then says why)."""
    try:
        checked = check_workbook(read_book(book))
        sheet = fresh_sheet(book, SUMMARY_SHEET)
        when = now or datetime.now()
        if checked.ret is None:
            reason = checked.report.issues[0].message if checked.report.issues else ""
            write_lines(sheet, ["Summary", f"This workbook cannot be summarised. {reason}"])
            sheet.activate()
            return None
        figures = return_figures(checked.ret)
        blocks = summary_blocks(figures)
        positions = write_blocks(sheet, blocks, first_row=5)
        notes = draw_charts(sheet, blocks, positions)
        write_lines(sheet, [*summary_heading(figures, checked.report, when), " ".join(notes)])
        sheet.activate()
        return figures
    except Exception as exc:
        show_failure(book, SUMMARY_SHEET, "Summary", exc)
        return None


def summary_heading(figures: dict, report: FileReport, when: datetime) -> list[str]:
    kind = KINDS[figures["kind"]]
    who = figures.get("provider_name") or figures.get("school_name") or "(name not given)"
    term = figures["term"] or "term not given"
    errors, queries = len(report.errors), len(report.queries)
    state = (
        "It has no errors or queries."
        if not errors + queries
        else f"It has {counted(errors, 'error')} and {counted(queries, 'query')}: click Validate to see them. "
        "Values that could not be read are counted as Not recorded."
    )
    return [f"Summary: {kind.title}", f"{who}, {term}. Made on {when:%d/%m/%Y at %H:%M}. {state}"]


def write_blocks(sheet, blocks: list[Block], first_row: int) -> list[tuple[int, int]]:
    """Write the tables one under another in one go; returns each table's (first, last) row
    (headings included, title excluded)."""
    grid: list[list] = []
    positions, titles, headings = [], [], []
    width = max(len(r) for b in blocks for r in b.rows)
    for block in blocks:
        titles.append(first_row + len(grid))
        grid.append([block.title])
        start = first_row + len(grid)
        if block.header:
            headings.append((start, len(block.rows[0])))
        grid += [[safe_text(v) for v in row] for row in block.rows]
        positions.append((start, first_row + len(grid) - 1))
        grid.append([])
    grid = [row + [None] * (width - len(row)) for row in grid[:-1]]
    sheet.range((first_row, 1)).value = grid
    for row in titles:
        sheet.range((row, 1)).font.bold = True
    for row, cols in headings:
        sheet.range((row, 1), (row, cols)).font.bold = True
    sheet.range((first_row, 1)).column_width = 44
    for col in range(2, width + 1):
        sheet.range((first_row, col)).column_width = 16
    return positions


CHART_COLUMN = 7  # charts sit from column G, beside the tables
CHART_SIZE = (440, 250)  # points
CHART_ROWS = 18  # rows from one chart's top to the next


def draw_charts(sheet, blocks: list[Block], positions: list[tuple[int, int]]) -> list[str]:
    """Draw a chart for each block that asks for one; returns notes for the user (empty
    when all went well). Some engines cannot add charts: then the figures stand alone."""
    width, height = CHART_SIZE
    top = 5
    for block, (first, last) in zip(blocks, positions):
        if block.chart is None:
            continue
        cols = len(block.rows[0])
        try:
            chart = sheet.charts.add(
                chart_type=block.chart,
                name=block.title,
                width=width,
                height=height,
                anchor=sheet.range((top, CHART_COLUMN)),
                source=sheet.range((first, 1), (last, cols)),
            )
            chart.title = block.title
        except Exception as exc:
            log_failure("Summary: draw a chart", exc)
            return ["The charts could not be drawn in this version of Excel; the figures below are complete."]
        top += CHART_ROWS
    return []
