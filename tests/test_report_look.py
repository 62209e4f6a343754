"""What the reports tell their readers: the headline child count, the council's own name and
targets, an Overview in plain words, and print settings. The term is test_consolidate's
(7 children on accepted provider returns, c11 on a rejected return, c8 only on a school log)."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest

from ap_sheets.batch import consolidate
from ap_sheets.cli.consolidate import render_consolidation
from ap_sheets.settings import Settings
from test_consolidate import sheet_rows, term_dir  # noqa: F401 (term_dir is a fixture)

COUNCIL = "Northbridge Council"


@pytest.fixture(scope="module")
def outcome(term_dir, tmp_path_factory):
    config = Settings(council_name=COUNCIL, zero_suspensions_target_pct=90.0, neet_max_pct=5.0)
    return consolidate(term_dir, tmp_path_factory.mktemp("look"), config=config, progress=False)


def texts(ws) -> list[str]:
    return [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]


def test_headline_counts_every_child_on_the_register_and_says_who_is_left_out(outcome):
    s = json.loads(outcome.outputs["summary"].read_text())
    assert (s["children"], s["children_on_register"]) == (7, 9)
    assert s["children_not_in_figures"] == {"on_rejected_provider_returns": 1, "only_on_school_logs": 1}
    keys = list(s)
    assert keys.index("children_on_register") == keys.index("children") + 1
    register = sheet_rows(outcome.outputs["report"], "Register", "UPN")
    assert len(register) == 9
    rows = {r["Measure"]: r["Value"] for r in sheet_rows(outcome.outputs["report"], "Overview", "Measure")}
    assert rows["Children on the register"] == 9
    assert rows["  on accepted provider returns"] == 7
    assert rows["  only on school logs or rejected returns"] == 2
    assert (
        "Children on the register: 9. In the figures: 7 on accepted provider returns (2 with an EHC plan, "
        "1 looked after). Not in the figures: 2 only on rejected returns or school logs."
    ) in render_consolidation(outcome)


def test_council_name_heads_every_sheet_of_both_reports(outcome):
    for path in (outcome.outputs["report"], outcome.outputs["shareable"]):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            assert str(ws["A1"].value).startswith(f"{COUNCIL}: "), f"{path.name} {ws.title}"
            assert COUNCIL in ws.oddHeader.left.text


def test_kpi_wording_and_targets_come_from_the_settings(outcome):
    for path in (outcome.outputs["report"], outcome.outputs["shareable"]):
        wb = openpyxl.load_workbook(path)
        kpis = {r["Indicator"]: r for r in sheet_rows(path, "Overview", "Indicator")}
        assert kpis["Children with no suspensions"]["Target or comparator"] == 0.9
        assert kpis["Ended placements: not in education, employment or training"]["Target or comparator"] == 0.05
        overview = " ".join(texts(wb["Overview"]))
        assert "85%" not in overview and "H&F" not in overview
        definitions = {r["Figure"]: r for r in sheet_rows(path, "Definitions", "Figure")}
        assert "Target: at least 90%." in definitions["Children with no suspensions"]["What it means"]
        assert (
            "Target: at most 5%."
            in definitions["Ended placements: not in education, employment or training"]["What it means"]
        )
        assert "zero_suspensions_target_pct" in definitions["Children with no suspensions"]["Source"]
    s = json.loads(outcome.outputs["summary"].read_text())
    assert s["kpis"]["zero_suspensions"]["target_pct"] == 90.0
    assert s["kpis"]["engaged"]["status"] == "No target set"


def test_overviews_are_in_plain_words(outcome):
    code = re.compile(r"\b[RXD]\d{3}\b")
    for path in (outcome.outputs["report"], outcome.outputs["shareable"]):
        overview = texts(openpyxl.load_workbook(path)["Overview"])
        assert not [t for t in overview if "§" in t or code.search(t)], path.name
        definitions = " ".join(texts(openpyxl.load_workbook(path)["Definitions"]))
        assert "§11.5" in definitions and "X002" in definitions


def test_a_kpi_without_a_target_says_so_in_the_shareable_report(outcome):
    rows = sheet_rows(outcome.outputs["shareable"], "Overview", "Indicator")
    other = {
        r["Indicator"]: r
        for r in sheet_rows_after(outcome.outputs["shareable"], "Overview", "Other indicators (no target set)")
    }
    assert "Placements where the child is engaged" in other
    assert all(r["Status"] != "c" for r in rows)


def sheet_rows_after(path, sheet: str, heading: str) -> list[dict]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r and r[0] == heading) + 1
    out = []
    for r in rows[top + 1 :]:
        if r[0] is None:
            break
        out.append(dict(zip(rows[top], r)))
    return out


def test_print_setup_for_meetings_and_wide_tables(outcome):
    wb = openpyxl.load_workbook(outcome.outputs["report"])
    ov = wb["Overview"]
    assert ov.page_setup.orientation == "landscape"
    assert ov.sheet_properties.pageSetUpPr.fitToPage and ov.page_setup.fitToWidth in (None, 1)  # 1 is the default
    assert ov.page_setup.fitToHeight == 0
    assert ov.print_title_rows.replace("$", "") == "1:2"
    assert wb["Providers"].print_title_cols.replace("$", "") == "A:A"
    assert wb["Register"].print_title_cols.replace("$", "") == "A:C"
    share = openpyxl.load_workbook(outcome.outputs["shareable"])
    assert share["Providers"].print_title_cols.replace("$", "") == "A:A"


def test_shareable_tables_total_last_and_findings_by_rule_not_suppressed(outcome):
    providers = sheet_rows(outcome.outputs["shareable"], "Providers", "Provider")
    assert providers[-1]["Provider"] == "All providers in the figures"
    assert any(r["Return status"] == "rejected" for r in providers[:-1])
    wb = openpyxl.load_workbook(outcome.outputs["shareable"], read_only=True)
    rows = list(wb["Data quality"].iter_rows(values_only=True))
    head = next(r for r in rows if "Code" in r)
    at = head.index("Code")
    counts = {r[at]: r[at + 3] for r in rows[rows.index(head) + 1 :] if r[at]}
    assert counts["R012"] == 1 and counts["X001"] == 1  # findings about files: no `c`


def test_long_text_wraps_and_columns_fit_their_content(outcome):
    wb = openpyxl.load_workbook(outcome.outputs["report"])
    ws = wb["Findings"]
    header_row = next(r for r in ws.iter_rows(min_row=1, max_row=10) if r[0].value == "File")
    heads = {c.value: c.column_letter for c in header_row}
    msg = heads["Message"]
    assert ws.column_dimensions[msg].width <= 71
    long = [c for c in ws[msg] if isinstance(c.value, str) and len(c.value) > 70]
    assert long and all(c.alignment.wrap_text for c in long)
    assert all(ws.row_dimensions[c.row].height and ws.row_dimensions[c.row].height >= 30 for c in long)
    assert ws.column_dimensions[heads["Row"]].width >= 6


def test_header_rows_are_tall_enough_for_their_wrapped_headers(outcome):
    """Headers wrap to their column's width ('NC year' over two lines): the header row is as
    tall as the longest needs, or a printed Register shows only each header's last line."""
    from ap_sheets.excel.text import text_lines

    wb = openpyxl.load_workbook(outcome.outputs["report"])
    ws = wb["Register"]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=10) if r[0].value == "UPN")
    lines = max(text_lines(c.value, ws.column_dimensions[c.column_letter].width) for c in header if c.value)
    assert lines > 1  # some header does wrap
    assert ws.row_dimensions[header[0].row].height == 15.0 * lines


def test_the_marking_line_wraps_to_print_on_the_first_page_of_a_wide_sheet(outcome):
    from ap_sheets.report.xlsx import MARKING_WIDTH

    ws = openpyxl.load_workbook(outcome.outputs["report"])["Register"]
    marks = [ws["A2"].value, ws["A3"].value]  # under the title, before the notes
    assert all(len(m) <= MARKING_WIDTH for m in marks)
    assert marks[0].startswith("OFFICIAL-SENSITIVE: holds personal data about children.")
    assert " ".join(marks).endswith("share council_report_shareable.xlsx instead.")
