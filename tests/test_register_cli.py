"""`ap-sheets consolidate --db`, `register report` and `register purge` on the demo term, on
SQLite and PostgreSQL: the year block in summary.json, the Year sheet, the report drawn from
the database alone, loading twice, purging with and without --yes, refusals."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from ap_sheets.cli import main
from ap_sheets.db import open_register

DEMO_YEAR = {
    "academic_year": "2024/25",
    "terms": ["2024/25 Autumn"],
    "children": 98,
    "placements": 98,
    "children_placed_more_than_once": 0,
    "returned_to_mainstream": 7,
    "back_in_ap": 0,
    "median_placement_weeks": 14.0,
    "children_purged": 0,
}


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from ap_sheets.demo import write_demo

    folder = tmp_path_factory.mktemp("demo") / "returns"
    *_, ap_directory = write_demo(folder)
    # the returns only: the council keeps its AP Directory apart and loads it with `directory load`
    ap_directory.rename(folder.parent / ap_directory.name)
    return folder


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def loaded(request, demo, tmp_path_factory):
    """The demo term consolidated with --db: (database, the run's output, the report folder)."""
    root = tmp_path_factory.mktemp(f"loaded-{request.param}")
    if request.param == "sqlite":
        db = str(root / "register.db")
    else:
        db = request.getfixturevalue("pg").new_database()
    run = invoke("consolidate", demo, "-o", root / "out", "--db", db, "--jobs", 2)
    assert run.exit_code == 0, run.output
    return db, run.output, root / "out"


def test_consolidate_loads_the_term_and_adds_the_year(loaded):
    _db, output, out = loaded
    assert "Register database " in output and ": 19 files loaded (" in output
    assert (
        "Year 2024/25 (Autumn held): 98 children, 98 placements, 0 placed more than once, 7 returned to "
        "mainstream (0 back in AP since), median placement 14 weeks."
    ) in output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["year"] == DEMO_YEAR and summary["children"] == 98
    wb = openpyxl.load_workbook(out / "council_report.xlsx", read_only=True)
    assert wb.sheetnames[-4:] == ["Year", "Year register", "Year by provider", "Definitions"]
    values = [row for row in wb["Year"].iter_rows(values_only=True) if row and row[0]]
    figures = {row[0]: row[1] for row in values if len(row) > 1 and row[1] is not None}
    assert figures["Children in AP"] == 98 and figures["Median placement length (weeks)"] == 14
    register = list(wb["Year register"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(register) if row and row[0] == "UPN")
    assert len([row for row in register[header + 1 :] if row[0]]) == 98
    shareable = openpyxl.load_workbook(out / "council_report_shareable.xlsx", read_only=True).sheetnames
    assert not {"Year", "Year register"} & set(shareable) and "Year by provider" in shareable


def test_the_same_folder_again_changes_nothing(loaded, demo, tmp_path):
    db, _, _first = loaded
    again = invoke("consolidate", demo, "-o", tmp_path / "again", "--db", db, "--jobs", 2)
    assert again.exit_code == 0, again.output
    assert ": 0 files loaded (0 placement rows), 19 already held." in again.output
    assert json.loads((tmp_path / "again" / "summary.json").read_text())["year"] == DEMO_YEAR


def test_register_report_from_the_database_alone(loaded, tmp_path):
    db, _, out = loaded
    run = invoke("register", "report", "--db", db, "-o", tmp_path / "from-db")
    assert run.exit_code == 0, run.output
    assert "Term 2024/25 Autumn from the register database" in run.output
    assert ": 19 returns held for it - 13 accepted, 6 rejected, 0 unreadable; 98 children." in run.output
    folder = json.loads((out / "summary.json").read_text())
    held = json.loads((tmp_path / "from-db" / "summary.json").read_text())
    assert held.pop("term_chosen") == "latest held" and folder.pop("term_chosen") == "most common"
    # The register database holds no row whose UPN is not valid (it could not be matched to a child
    # across terms): the demo plants one such pupil, on a rejected provider return, whom the
    # folder's Register lists and the database's does not (README: "How the specification is read").
    assert folder.pop("children_on_register") - held.pop("children_on_register") == 1
    assert (
        folder["children_not_in_figures"].pop("on_rejected_provider_returns")
        - held["children_not_in_figures"].pop("on_rejected_provider_returns")
        == 1
    )
    assert held == folder  # every other figure, the reconciliation and the data quality the same
    wb = openpyxl.load_workbook(tmp_path / "from-db" / "council_report.xlsx", read_only=True)
    assert {"Register", "Trends", "Year"} <= set(wb.sheetnames)
    assert (tmp_path / "from-db" / "council_report.xlsx").stat().st_mode & 0o777 == 0o600
    # the year per provider, the same from the database alone as from the folder with --db:
    # the six providers whose returns count, each child once (one placement each this term)
    for report in (tmp_path / "from-db", out):
        rows = list(openpyxl.load_workbook(report / "council_report.xlsx", read_only=True)["Year by provider"].values)
        top = rows.index(
            (
                "Provider ID",
                "Provider",
                "Registered school",
                "Children",
                "Placements",
                "Full time",
                "Part time",
                "Average placement length (weeks)",
                "Sessions offered",
                "Standard fee (£)",
                "Fee basis",
                "Estimated cost (£)",
            )
        )
        table = rows[top + 1 :]
        assert [r[0] for r in table] == ["AP-0003", "AP-0004", "AP-0007", "AP-0009", "AP-0010", "AP-0018"]
        assert sum(r[4] for r in table) == sum(r[3] for r in table) == held["year"]["placements"] == 98
        assert all(r[5] + r[6] == r[4] for r in table)  # the demo gives every placement's hours
        assert [r[2] for r in table] == ["Y", "Y", "Y", "N", "N", "N"]
    other = invoke("register", "report", "--db", db, "-o", tmp_path / "none", "--term", "2023/24 Summer")
    assert other.exit_code == 0 and json.loads((tmp_path / "none" / "summary.json").read_text())["children"] == 0


def test_purge_says_what_it_will_delete_and_needs_yes(demo, tmp_path):
    db = tmp_path / "register.db"
    assert invoke("consolidate", demo, "-o", tmp_path / "out", "--db", db, "--jobs", 2).exit_code == 0
    ask = invoke("register", "purge", "--db", db, "--ended-before", "2024-12-01")
    assert ask.exit_code == 1
    assert ask.output.startswith("This would delete the personal data of ")
    assert "ended before 01/12/2024" in ask.output and "Run again with --yes to delete it." in ask.output
    engine = open_register(str(db))
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM children WHERE upn IS NULL")) == 0
    done = invoke("register", "purge", "--db", db, "--ended-before", "2024-12-01", "--yes")
    assert done.exit_code == 0 and done.output.startswith("Deleted the personal data of ")
    with engine.connect() as conn:
        purged = conn.scalar(text("SELECT count(*) FROM children WHERE upn IS NULL"))
    engine.dispose()
    assert purged > 0 and f"of {purged} child" in done.output
    report = invoke("register", "report", "--db", db, "-o", tmp_path / "after")
    year = json.loads((tmp_path / "after" / "summary.json").read_text())["year"]
    # the same figures; the purged children among them (some were only on school logs or rejected returns)
    assert {**year, "children_purged": 0} == DEMO_YEAR and 0 < year["children_purged"] <= purged
    nothing = invoke("register", "purge", "--db", db, "--ended-before", "2024-12-01")
    assert nothing.exit_code == 0 and "nothing to delete" in nothing.output, report.output


def test_a_database_that_cannot_be_used_stops_the_run_before_checking(demo, tmp_path):
    db = tmp_path / "register.db"
    engine = open_register(str(db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    engine.dispose()
    run = invoke("consolidate", demo, "-o", tmp_path / "out", "--db", db)
    assert run.exit_code == 1 and "written by a newer version of ap-sheets" in run.output
    assert not (tmp_path / "out").exists()
    empty = invoke("register", "report", "--db", tmp_path / "new.db", "-o", tmp_path / "r")
    assert empty.exit_code == 1 and "holds no accepted return yet" in empty.output


def test_a_second_run_that_cannot_wait_any_longer_says_so(demo, tmp_path, monkeypatch):
    import sqlite3

    db = tmp_path / "register.db"
    open_register(str(db)).dispose()
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another run, writing
    try:
        monkeypatch.setenv("AP_SHEETS_DB_WAIT", "0.5")
        run = invoke("consolidate", demo, "-o", tmp_path / "out", "--db", db)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert run.exit_code == 1
    assert run.output == (
        f"Could not open the register database {db}: another run has been using it for more "
        "than 0.5 seconds. Wait for it to finish, then run this again.\n"
    )


def test_the_demo_directory_loaded_then_the_folder_with_it(tmp_path):
    """The demo's own hint: `directory load` its AP Directory, then consolidate the folder with
    --db. The directory in the folder is not logged as a return; the one held is used (X007-X009)."""
    from ap_sheets.demo import PLANTED_GAPS, write_demo

    *_, ap_directory = write_demo(tmp_path / "demo")
    db = tmp_path / "register.db"
    assert invoke("directory", "load", ap_directory, "--db", db).exit_code == 0
    run = invoke("consolidate", tmp_path / "demo", "-o", tmp_path / "out", "--db", db, "--jobs", 2)
    assert run.exit_code == 0, run.output
    assert ": 19 files loaded (" in run.output
    assert "Not loaded: ap_directory.xlsm (an AP Directory: load it with ap-sheets directory load" in run.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["directory"]["used"] is True
    assert summary["reconciliation"]["X009"] == sum(g.code == "X009" for g in PLANTED_GAPS) == 1
    assert summary["reconciliation"]["X007"] >= sum(g.code == "X007" for g in PLANTED_GAPS) == 4
