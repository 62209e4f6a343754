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
            "average_placement_weeks": round(488 / 3 / 7, 1),  # 23.2
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
            "average_placement_weeks": round(160 / 2 / 7, 1),  # 11.4
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
            "average_placement_weeks": 8.0,
        },
    ]
    assert provider_year(engine, AUTUMN, 18) == rows  # the same academic year, whichever term
    assert [r["full_time"] for r in provider_year(engine, AUTUMN, full_time_hours=25)] == [0, 0, 0]
    assert provider_year(engine, Term(2025, "Autumn")) == []
