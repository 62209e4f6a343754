"""The Overview and Definitions sheets, laid out once for both workbooks.

The Overview is the page a contracts manager puts on a screen: the headline figures, the
indicators against the council's targets, two charts that each compare like with like, then
destinations and commissioners. Plain words only; what each figure means and where it comes
from (section references, rule codes, settings) is on the Definitions sheet. The shareable
workbook passes rows already suppressed, so both reports read the same.
"""

from __future__ import annotations

from .overview import KPI, Headline
from .suppression import Suppressed
from .xlsx import Col, Styles, put, sheet_setup, title_block, write_table

# Columns A-F: labels, values, words, then the KPI table's target, difference and status.
WIDTHS = (50, 11, 70, 19, 12, 17)
CHART_HEIGHT_ROWS = 17
LEADS = ("register", "files")  # rows the charts take (300 px at 20 px a row, with a gap)


def write_overview(
    wb,
    styles: Styles,
    *,
    title: str,
    marking: str,
    mline: str,
    notes: list[str],
    council: str,
    headline: list[Headline],
    kpis: list[tuple[KPI, object, object, object, str]],
    destinations: list[tuple],
    destinations_total: tuple,
    commissioners: list[tuple],
    commissioner_cols: list[Col],
):
    """`kpis`: (kpi, value shown, difference shown, status shown); values may be `c`.
    `destinations`: (destination, count, share) rows, charted; `destinations_total` follows them."""
    ws = wb.add_worksheet("Overview")
    sheet_setup(ws, marking, landscape=True, council=council)
    ws.repeat_rows(0, 1)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    r = title_block(ws, styles, council, title, mline, notes)

    ws.write_string(r, 0, "Headline figures", styles.heading)
    last = write_table(
        ws,
        styles,
        r + 1,
        0,
        "tblHeadline",
        [Col("Measure", "text"), Col("Value", "int"), Col("About", "note")],
        [(h.label, h.value, h.note) for h in headline],
        set_widths=False,
    )
    for i, h in enumerate(headline):
        if h.kind == "pct" and not isinstance(h.value, Suppressed):
            put(ws, r + 2 + i, 1, h.value, styles.pct, styles)
        if h.key in LEADS:  # the child count and the returns lead their groups
            ws.write_string(r + 2 + i, 0, h.label, styles.bold)
            put(ws, r + 2 + i, 1, h.value, styles.bold_int, styles)

    targeted = [k for k in kpis if k[0].target is not None]
    others = [k for k in kpis if k[0].target is None]
    r = last + 2
    ws.write_string(r, 0, "Indicators against the council's targets", styles.heading)
    kpi_top = r + 1
    last = write_table(
        ws,
        styles,
        kpi_top,
        0,
        "tblKPIs",
        [
            Col("Indicator", "text"),
            Col("Value", "pct"),
            Col("What it measures", "note"),
            Col("Target or comparator", "pct"),
            Col("Difference (points)", "points"),
            Col("Status", "text"),
        ],
        [(k.label, value, k.basis, k.target, diff, status) for k, value, diff, status in targeted],
        set_widths=False,
    )
    ws.set_row(kpi_top, 30)  # the headers wrap
    for i, (_k, _value, _diff, status) in enumerate(targeted):
        fmt = {
            "Met": styles.good,
            "Above comparator": styles.good,
            "Not met": styles.bad,
            "Below comparator": styles.bad,
        }.get(status, styles.text)
        ws.write_string(kpi_top + 1 + i, 5, status, fmt)
    if others:
        r = last + 2
        ws.write_string(r, 0, "Other indicators (no target set)", styles.heading)
        last = write_table(
            ws,
            styles,
            r + 1,
            0,
            "tblOtherIndicators",
            [Col("Indicator", "text"), Col("Value", "pct"), Col("What it measures", "note")],
            [(k.label, value, k.basis) for k, value, _, _ in others],
            set_widths=False,
        )
        ws.write_string(
            last + 1, 0, "The council can set a target for these in its settings file (see Definitions).", styles.note
        )
        last += 1

    # Charts, side by side under the indicators, on a page of their own with the tables they
    # draw: rates against targets (higher is better only) and destinations (counts).
    ws.set_h_pagebreaks([last + 2])  # a row of space above the charts, on the new page
    r = last + 3
    rates = [i for i, (k, *_) in enumerate(targeted) if k.higher_is_better]
    n_dest = len(destinations)
    dest_top = r + CHART_HEIGHT_ROWS + 1
    if rates:
        chart = wb.add_chart({"type": "bar"})
        first, end = kpi_top + 1 + rates[0], kpi_top + 1 + rates[-1]
        chart.add_series(
            {
                "name": "Value",
                "categories": ["Overview", first, 0, end, 0],
                "values": ["Overview", first, 1, end, 1],
                "fill": {"color": "#1F4E78"},
                "data_labels": {"value": True, "num_format": "0%"},
            }
        )
        chart.add_series(
            {
                "name": "Target or comparator",
                "categories": ["Overview", first, 0, end, 0],
                "values": ["Overview", first, 3, end, 3],
                "fill": {"color": "#A6A6A6"},
            }
        )
        chart.set_title({"name": "Indicators against targets (higher is better)", "name_font": {"size": 12}})
        chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%", "major_gridlines": {"visible": True}})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 560, "height": 300})
        ws.insert_chart(r, 0, chart)
    chart2 = wb.add_chart({"type": "column"})
    chart2.add_series(
        {
            "name": "Ended placements",
            "categories": ["Overview", dest_top + 1, 0, dest_top + n_dest, 0],
            "values": ["Overview", dest_top + 1, 1, dest_top + n_dest, 1],
            "fill": {"color": "#2E75B6"},
            "data_labels": {"value": True},
        }
    )
    chart2.set_title({"name": "Where ended placements led (number of placements)", "name_font": {"size": 12}})
    chart2.set_legend({"none": True})
    chart2.set_size({"width": 560, "height": 300})
    ws.insert_chart(r, 2, chart2, {"x_offset": 180})

    ws.write_string(dest_top - 1, 0, "Destinations of ended placements", styles.heading)
    last = write_table(
        ws,
        styles,
        dest_top,
        0,
        "tblDestinations",
        [Col("Destination"), Col("Ended placements", "int"), Col("Share", "pct_left")],
        [*list(destinations), destinations_total],
        set_widths=False,
    )
    ws.set_row(dest_top, 30)
    r = last + 2
    ws.write_string(r, 0, "Placements by commissioner", styles.heading)
    write_table(ws, styles, r + 1, 0, "tblCommissionerSummary", commissioner_cols, commissioners, set_widths=False)
    ws.activate()
    return ws


def write_definitions(
    wb, styles: Styles, *, marking: str, mline: str, council: str, rows: list[tuple[str, str, str]]
) -> None:
    """What each figure on the Overview means, and where it comes from."""
    ws = wb.add_worksheet("Definitions")
    sheet_setup(ws, marking, landscape=True, council=council)
    r = title_block(
        ws,
        styles,
        council,
        "Definitions: what each figure means",
        mline,
        [
            "Section references (§) are to the council's AP strategy and guidance; codes are the data "
            "specification's rules; settings are in the council's settings file."
        ],
    )
    write_table(
        ws,
        styles,
        r,
        0,
        "tblDefinitions",
        [Col("Figure", "wrap", 40), Col("What it means", "wrap", 90), Col("Source", "wrap", 36)],
        rows,
    )
    ws.repeat_rows(r)
    ws.freeze_panes(r + 1, 0)
