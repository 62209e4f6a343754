"""The year per provider from the register database (db/provider_year.py), on the year of
tests/test_register_db.py (a corrected return, a rejected one, three terms) and one part-time
provider, on SQLite."""

from __future__ import annotations

from datetime import date

from ap_sheets.db import load_term, open_register
from ap_sheets.db.provider_year import provider_year
from ap_sheets.terms import Term
from test_register_db import (
    AUTUMN,
    SPRING,
    SUMMER,
    D,
    E,
    autumn_batch,
    batch,
    corrected_batch,
    provider,
    pupil,
    spring_batch,
    summer_batch,
)


def part_time_batch(root):
    """An unregistered provider in Spring: one child 12.5 hours a week, one with no hours given."""
    p3 = provider(
        "p3.xlsm",
        "AP-003",
        SPRING,
        [
            pupil(E, date(2025, 1, 6), date(2025, 3, 3), "Another AP", row=10, hours_per_week=12.5),
            pupil(D, date(2025, 1, 13), row=11, hours_per_week=None),
        ],
    )
    p3.record["registered_school"] = "N"
    return batch(root / "spring-p3", [p3], SPRING)


def test_the_year_per_provider(tmp_path):
    engine = open_register(str(tmp_path / "register.db"))
    for made in (autumn_batch, corrected_batch, spring_batch, summer_batch, part_time_batch):
        load_term(engine, made(tmp_path))
    rows = provider_year(engine, SUMMER, full_time_hours=18)
    assert rows == [
        # A (9/9-11/4: 214 days), B (9/9-29/11: 81), B again (from 3/2), C (16/9-28/3: 193), all 25 hours
        {
            "provider_id": "AP-001",
            "provider_name": "Provider AP-001",
            "registered": None,
            "children": 3,
            "placements": 4,
            "full_time": 4,
            "part_time": 0,
            "placements_ended": 3,
            "average_placement_weeks": round(488 / 3 / 7, 1),  # 23.2
            "sessions_possible": 700,  # 7 termly rows that count, 100 sessions each
            "standard_fee": None,  # no directory held: no estimate
            "fee_basis": None,
            "estimated_cost": None,
        },
        # D (1/10-13/12: 73 days, the corrected return; the rejected one not counted), E (87), A (open)
        {
            "provider_id": "AP-002",
            "provider_name": "Provider AP-002",
            "registered": None,
            "children": 3,
            "placements": 3,
            "full_time": 3,
            "part_time": 0,
            "placements_ended": 2,
            "average_placement_weeks": round(160 / 2 / 7, 1),  # 11.4
            "sessions_possible": 300,  # 3 rows: the rejected return's do not count
            "standard_fee": None,
            "fee_basis": None,
            "estimated_cost": None,
        },
        # E part time (6/1-3/3: 56 days), D with no hours given: neither full nor part time
        {
            "provider_id": "AP-003",
            "provider_name": "Provider AP-003",
            "registered": "N",
            "children": 2,
            "placements": 2,
            "full_time": 0,
            "part_time": 1,
            "placements_ended": 1,
            "average_placement_weeks": 8.0,
            "sessions_possible": 200,
            "standard_fee": None,
            "fee_basis": None,
            "estimated_cost": None,
        },
    ]
    assert provider_year(engine, AUTUMN, 18) == rows  # the same academic year, whichever term
    assert [r["full_time"] for r in provider_year(engine, AUTUMN, full_time_hours=25)] == [0, 0, 0]
    assert provider_year(engine, Term(2025, "Autumn")) == []


def test_the_shareable_year_per_provider_hides_small_numbers(tmp_path):
    """Counts of 1-4 shown as c, one more where full and part time would give a placements count
    away, and an average length as c when fewer than 5 placements ended; zeros shown. Each count
    column is a line too (as every shareable table's is), so a lone c in a column gets company."""
    from types import SimpleNamespace

    import openpyxl

    from ap_sheets.report.shareable import Suppressor
    from ap_sheets.report.xlsx import Styles, new_workbook
    from ap_sheets.report.year import write_year_by_provider
    from ap_sheets.settings import Settings

    def row(pid, children, placements, full, part, ended, weeks, **fees):
        return fees | {
            "provider_id": pid,
            "provider_name": f"Provider {pid}",
            "registered": "Y",
            "children": children,
            "placements": placements,
            "full_time": full,
            "part_time": part,
            "placements_ended": ended,
            "average_placement_weeks": weeks,
        }

    batch = SimpleNamespace(
        year={"academic_year": "2024/25"},
        config=Settings(),
        year_providers=[
            row("AP-001", 30, 30, 27, 3, 12, 20.5),  # 3 part time: hidden, and full time with it
            row("AP-002", 12, 12, 12, 0, 4, 8.0),  # 4 ended: the average hidden; the zero shown
            row(
                "AP-003",
                3,
                3,
                0,
                3,
                0,
                None,
                sessions_possible=300,
                standard_fee=40.0,
                fee_basis="Day",
                estimated_cost=6000.0,
            ),
        ],
    )
    path = tmp_path / "shareable.xlsx"
    wb = new_workbook(path)
    write_year_by_provider(wb, Styles(wb), batch, "OFFICIAL", "OFFICIAL", Suppressor(5, False))
    wb.close()
    rows = list(openpyxl.load_workbook(path)["Year by provider"].values)
    table = [r[3:] for r in rows[rows.index(next(r for r in rows if r[0] == "Provider ID")) + 1 :]]
    assert [r[:5] for r in table] == [
        (30, 30, "c", "c", 20.5),
        ("c", "c", "c", 0, "c"),  # hidden second in the children and placements columns, then full time
        ("c", "c", 0, "c", None),
    ]
    assert [r[5:] for r in table] == [
        (None, None, None, None),  # no directory held: no fee, no estimate
        (None, None, None, None),
        ("c", 40.0, "Day", "c"),  # 3 children: the sessions and the cost would give them away
    ]


def test_the_estimated_cost_from_the_directory_held_for_the_year(tmp_path):
    """With a directory held (stored with its fees, read back), each provider's year gets the
    estimate from its standard fee and the sessions it offered (§12.8)."""
    from ap_sheets.db.directory import directory_at, store_directory
    from ap_sheets.db.provider_year import estimated_cost
    from ap_sheets.rules.directory_cross_rules import Directory, DirectoryLoad, Listing

    engine = open_register(str(tmp_path / "register.db"))
    for made in (autumn_batch, corrected_batch, spring_batch, summer_batch, part_time_batch):
        load_term(engine, made(tmp_path))
    directory = Directory("ap_directory.xlsm", date(2025, 7, 1))
    directory.listings["AP-001"] = Listing(
        2, "AP-001", "Provider AP-001", "Listed", "Y", "123456", None, "Met", 50.0, "Day"
    )
    directory.listings["AP-002"] = Listing(
        3, "AP-002", "Provider AP-002", "Listed", "Y", "123457", None, "Met", 300.0, "Week"
    )
    directory.listings["AP-003"] = Listing(4, "AP-003", "Provider AP-003", "Listed", "N", None, None, "Met")
    file = tmp_path / "ap_directory.xlsm"
    file.write_bytes(b"the directory as it was loaded")  # its content is what makes it the same file again
    store_directory(engine, file, DirectoryLoad("ap_directory.xlsm", "accepted", directory=directory))
    held = directory_at(engine, date(2025, 8, 31))
    assert (held.listings["AP-001"].standard_fee, held.listings["AP-001"].fee_basis) == (50.0, "Day")
    rows = {r["provider_id"]: r for r in provider_year(engine, SUMMER, 18)}
    assert rows["AP-001"]["estimated_cost"] == 50.0 * 700 / 2  # Day: fee x sessions / 2
    assert rows["AP-002"]["estimated_cost"] == 300.0 * 300 / 10  # Week: fee x sessions / 10
    assert rows["AP-003"]["estimated_cost"] is None  # no fee given
    hourly = Listing(5, "AP-9", None, "Listed", "N", None, None, None, 20.0, "Hour")
    assert estimated_cost(hourly, 200, [10.0, 14.0]) == 20.0 * 200 / 10 * 12.0  # Hour: x mean hours a week
    assert estimated_cost(hourly, 200, []) is None and estimated_cost(hourly, 0, [10.0]) is None
