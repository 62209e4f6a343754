"""Returns saved by real spreadsheet programs (tests/fixtures/clients, made by
scripts/make_client_fixtures.py): each reads as the same return the user typed, with exactly
the findings its content deserves and nothing from the program that saved it."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from ap_sheets.findings import ACCEPTED, REJECTED
from ap_sheets.normalise import to_return
from ap_sheets.read import read_workbook
from ap_sheets.rules.structure_rules import R060
from ap_sheets.safety import normalise_vba, vba_digest, vba_modules
from ap_sheets.safety.macros import template_vba_digest
from ap_sheets.validate import validate_file
from conftest import provider_return

CLIENTS = Path(__file__).parent / "fixtures" / "clients"
EXCEL_365_ERRORS = [
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#UNKNOWN!",
    "#CONNECT!",
    "#BUSY!",
    "#PYTHON!",
    "#GETTING_DATA",
]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    path = provider_return().save(tmp_path_factory.mktemp("clean") / "clean.xlsm")
    return to_return(read_workbook(path))


def frames(ret) -> dict[str, list]:
    """Every sheet's records as plain rows (Excel row, values), for comparing two returns."""
    out = {}
    for name, data in ret.sheets.items():
        frame = data.frame.astype(object).where(pd.notna(data.frame), None)
        out[name] = [(int(i), *row) for i, row in zip(frame.index, frame.itertuples(index=False))]
    return out


def findings(report) -> list[tuple]:
    return [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues]


@pytest.mark.parametrize(
    "name",
    [
        "libreoffice_en_GB.xlsx",
        "libreoffice_en_GB.xlsm",
        "libreoffice_en_US.xlsx",
        "libreoffice_en_US.xlsm",
        "gnumeric.xlsx",
    ],
)
def test_a_return_saved_by_libreoffice_or_gnumeric_reads_as_typed(name, clean):
    """LibreOffice typing the return and saving it (.xlsx and .xlsm, both locales), and Gnumeric
    re-saving it (it writes its own error value into the computed Attendance % column),
    give the very same records, no finding, and (for .xlsm) no R060."""
    report = validate_file(CLIENTS / name)
    assert (report.status, findings(report)) == (ACCEPTED, [])
    assert frames(to_return(read_workbook(CLIENTS / name))) == frames(clean)


def test_gnumeric_writes_an_error_value_calamine_cannot_read():
    """The fixture really holds what made Gnumeric re-saves unreadable."""
    with zipfile.ZipFile(CLIENTS / "gnumeric.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet3.xml")
    assert re.search(rb'<c r="Y2" s="[0-9]+" t="e">', sheet) and b"_xlfngnumeric.ERROR" in sheet


def test_excel_365_error_values_are_reported_at_their_cell_and_ignored_where_nothing_is_read():
    """All nine Excel 365 errors sit in the computed Attendance % column (never read): no finding.
    #SPILL!, #CALC! and #N/A in columns that are read: one R001 each, at the cell, saying what it is."""
    report = validate_file(CLIENTS / "excel365_errors.xlsm")
    assert report.status == REJECTED
    assert findings(report) == [
        ("R001", "Pupils", 2, "Sessions attended", "W2"),
        ("R001", "Pupils", 3, "Religion", "H3"),
        ("R001", "Pupils", 4, "Ethnicity", "F4"),
    ]
    by_cell = {f.cell: f for f in report.issues}
    assert by_cell["H3"].message == (
        "Religion shows the Excel error #SPILL!, not a value: the cell holds a formula or link that did not "
        "work. Type the value itself into the cell (or fix the formula), save, and send it again."
    )
    assert "missing" not in by_cell["F4"].message and "#N/A" in by_cell["F4"].message
    assert [by_cell[c].value for c in ("W2", "H3", "F4")] == ["#CALC!", "#SPILL!", "#N/A"]
    with zipfile.ZipFile(CLIENTS / "excel365_errors.xlsm") as z:
        sheet = z.read("xl/worksheets/sheet3.xml").decode()
    for err in EXCEL_365_ERRORS:
        assert f't="e"><v>{err}</v>' in sheet


def test_an_excel_table_total_row_is_not_a_record(clean):
    """Table Design > Total Row: row 152 holds 'Total' and SUBTOTALs (totalsRowCount in the
    table's definition). It is not a pupil: no finding, and the records are the typed ones."""
    report = validate_file(CLIENTS / "excel_total_row.xlsm")
    assert (report.status, findings(report)) == (ACCEPTED, [])
    ret = to_return(read_workbook(CLIENTS / "excel_total_row.xlsm"))
    assert list(ret.sheets["Pupils"].frame.index) == [2, 3, 4]
    assert frames(ret) == frames(clean)


def test_1904_date_system_dates_read_as_the_same_days(clean):
    """date1904="1": formatted dates (calamine converts them with the workbook's system) and a
    bare serial in a date cell whose format was cleared (Pupils R2) read as the typed days."""
    report = validate_file(CLIENTS / "excel_date1904.xlsm")
    assert (report.status, findings(report)) == (ACCEPTED, [])
    ret = to_return(read_workbook(CLIENTS / "excel_date1904.xlsm"))
    assert ret.sheets["Pupils"].frame.at[2, "start_date"] == date(2024, 9, 2)
    assert ret.sheets["Pupils"].frame.at[2, "date_of_birth"] == date(2011, 3, 4)
    assert frames(ret) == frames(clean)


def test_two_tabs_pupils_and_pupils_space_are_one_clear_r004():
    report = validate_file(CLIENTS / "two_pupils_tabs.xlsm")
    assert report.status == REJECTED
    assert findings(report) == [("R004", "Pupils", None, None, None)]
    assert report.issues[0].message == (
        "The workbook has 2 tabs called Pupils ('Pupils' and 'Pupils ': the names differ only in spaces or "
        "capital letters), so ap-sheets cannot tell which holds the return. It read 'Pupils'. Copy anything "
        "you need into that tab, delete the other, and send the workbook again."
    )


# ---------------------------------------------------------------------------------------
# R060 and LibreOffice's way of saving macros
# ---------------------------------------------------------------------------------------
def _lo_vba() -> bytes:
    with zipfile.ZipFile(CLIENTS / "libreoffice_en_GB.xlsm") as z:
        return z.read("xl/vbaProject.bin")


def test_libreoffice_saves_the_same_code_with_different_metadata():
    """What LibreOffice changes: member `Attribute X.VB_...` lines dropped, `Option ClassModule`
    added. The raw sources differ; the code compared does not."""
    from ap_sheets.safety import TEMPLATE_VBA

    ours, theirs = vba_modules(TEMPLATE_VBA.read_bytes()), vba_modules(_lo_vba())
    assert ours["Dictionary"] != theirs["Dictionary"]
    assert "Option ClassModule" in theirs["Dictionary"]
    assert "Attribute Item.VB_UserMemId = 0" in ours["Dictionary"]
    assert {k: normalise_vba(v) for k, v in ours.items()} == {k: normalise_vba(v) for k, v in theirs.items()}
    assert vba_digest(_lo_vba()) == template_vba_digest()


def test_normalise_vba_ignores_metadata_but_not_code():
    code = (
        'Attribute VB_Name = "Dictionary"\nOption Explicit\nPublic Property Get Item(Key)\n'
        "  Attribute Item.VB_UserMemId = 0\n  Item = 1\nEnd Property\n"
    )
    lo = "Option ClassModule\nOption Explicit\nPublic Property Get Item(Key)\n  Item = 1\nEnd Property\n"
    assert normalise_vba(code) == normalise_vba(lo)
    assert normalise_vba(lo) != normalise_vba(lo.replace("Item = 1", "Item = 2"))
    assert normalise_vba(lo) != normalise_vba(lo + 'Shell "calc.exe"\n')
    # "Attribute" as the start of real code is still code
    assert normalise_vba("AttributeCount = 1\n") == "AttributeCount = 1"


def test_a_real_change_in_a_libreoffice_save_is_still_r060(tmp_path):
    """The LibreOffice .xlsm with one line of its macros changed: R060."""
    from test_hostile_files import replace_parts, tampered_vba

    path = tmp_path / "changed.xlsm"
    data = (CLIENTS / "libreoffice_en_GB.xlsm").read_bytes()
    path.write_bytes(replace_parts(data, {"xl/vbaProject.bin": tampered_vba(_lo_vba(), tmp_path)}))
    report = validate_file(path)
    assert [(f.code, f.message) for f in report.issues] == [("R060", R060.say("differ"))]


def test_a_folder_of_client_saves_and_hostile_files_consolidates_with_a_verdict_for_each(tmp_path):
    """Good returns, LibreOffice and Gnumeric saves, Excel's features and hostile files, in one
    folder: one report, every file named with its verdict, the hostile ones unreadable."""
    import shutil

    from ap_sheets.batch import consolidate
    from test_broken_cells_and_parts import sst, with_cell
    from test_hostile_files import replace_parts

    folder = tmp_path / "returns"
    folder.mkdir()
    clean = provider_return().save(tmp_path / "clean.xlsm").read_bytes()
    (folder / "clean.xlsm").write_bytes(clean)
    for p in CLIENTS.glob("*.xls*"):
        shutil.copy2(p, folder / p.name)
    hostile = {
        "u32.xlsm": with_cell(clean, "B2", '<c r="B2" t="s"><v>1</v></c>', sst("A", "B", unique="4294967295")),
        "u64.xlsm": with_cell(
            clean, "B2", '<c r="B2" t="s"><v>1</v></c>', sst("A", "B", unique="18446744073709551615")
        ),
        "index.xlsm": with_cell(clean, "B2", '<c r="B2" t="s"><v>-1</v></c>', sst("A", "B")),
        "no-content-types.xlsm": replace_parts(clean, {"[Content_Types].xml": None}),
    }
    for name, data in hostile.items():
        (folder / name).write_bytes(data)
    outcome = consolidate(folder, tmp_path / "out", progress=False)
    statuses = {Path(r.file).name: r.status for r in outcome.consolidation.results}
    assert statuses == {
        "clean.xlsm": ACCEPTED,
        "gnumeric.xlsx": ACCEPTED,
        "excel_total_row.xlsm": ACCEPTED,
        "excel_date1904.xlsm": ACCEPTED,
        "libreoffice_en_GB.xlsx": ACCEPTED,
        "libreoffice_en_GB.xlsm": ACCEPTED,
        "libreoffice_en_US.xlsx": ACCEPTED,
        "libreoffice_en_US.xlsm": ACCEPTED,
        "excel365_errors.xlsm": REJECTED,
        "two_pupils_tabs.xlsm": REJECTED,
        **{name: "unreadable" for name in hostile},
    }
    assert outcome.summary["files"] == {"accepted": 8, "rejected": 2, "unreadable": 4}
    assert outcome.summary["children"] == 3
