"""The template builder: real workbooks written to tmp_path and read back (no mocks).

Read back three ways: python-calamine (what the checker reads), openpyxl (validations,
tables, names, sheet states) and the raw zip (buttons' VML, the VBA project).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from python_calamine import CalamineWorkbook

from ap_sheets import values
from ap_sheets.normalise import to_return
from ap_sheets.read import read_workbook
from ap_sheets.spec import KINDS, LISTS_SHEET, META_SHEET, Layout, ValueType
from ap_sheets.templates import (
    BLANK_ROWS,
    DATE_PROMPT,
    FORM_HEADINGS,
    START_SHEET,
    SUMMARY_MACRO,
    VALIDATE_MACRO,
    VALIDATION_LAST_ROW,
    VBA_PROJECT,
    _plain,
    build_committed_templates,
    build_workbook,
    column_width,
    dropdown_of,
    list_name,
    table_name,
)

REPO = Path(__file__).resolve().parents[1]
KIND_NAMES = sorted(KINDS)
TEXT_TYPES = {ValueType.UPN, ValueType.POSTCODE, ValueType.URN, ValueType.ACADEMIC_YEAR}


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("blank")
    return {k: build_workbook(k, out / KINDS[k].filename) for k in KIND_NAMES}


def grid(path: Path, sheet: str) -> list[list]:
    book = CalamineWorkbook.from_path(str(path))
    try:
        return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    finally:
        book.close()


def validations_by_column(ws) -> dict[int, object]:
    """1-based column index -> the one data validation covering that column's cells."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            assert rng.min_col == rng.max_col
            assert rng.min_col not in found, f"two validations on column {rng.min_col}"
            found[rng.min_col] = dv
    return found


def validations_by_row(ws) -> dict[int, object]:
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            assert (rng.min_row, rng.min_col) == (rng.max_row, rng.max_col) and rng.min_col == 2
            found[rng.min_row] = dv
    return found


def column_formats(ws) -> dict[int, tuple[float, str]]:
    """1-based column index -> (width, number format); openpyxl groups equal neighbours."""
    found = {}
    for dim in ws.column_dimensions.values():
        for i in range(dim.min, dim.max + 1):
            found[i] = (dim.width, dim.number_format)
    return found


def list_values(path: Path, defined: str) -> list[str]:
    """The cells a defined name on the Lists sheet points at, as text."""
    wb = load_workbook(path, keep_vba=True)
    ref = wb.defined_names[defined].attr_text
    sheet, cells = ref.split("!")
    assert sheet.strip("'") == LISTS_SHEET
    first, last = cells.replace("$", "").split(":")
    col = re.match(r"[A-Z]+", first).group()
    assert re.match(r"[A-Z]+", last).group() == col
    r1, r2 = int(first[len(col) :]), int(last[len(col) :])
    rows = grid(path, LISTS_SHEET)
    c = column_index_from_string(col) - 1
    return [str(int(v)) if isinstance(v, float) else v for v in (rows[r][c] for r in range(r1 - 1, r2))]


# ------------------------------------------------------------------ structure


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_sheets_in_order_with_states(blank, kind):
    spec = KINDS[kind]
    wb = load_workbook(blank[kind], keep_vba=True)
    expected = [START_SHEET, *(s.name for s in spec.sheets), LISTS_SHEET, META_SHEET, "xlwings.conf"]
    assert wb.sheetnames == expected
    states = {ws.title: ws.sheet_state for ws in wb.worksheets}
    assert states.pop(LISTS_SHEET) == "hidden"
    assert states.pop(META_SHEET) == "veryHidden"
    assert states.pop("xlwings.conf") == "hidden"  # IT can unhide it: docs/excel.md
    assert set(states.values()) == {"visible"}
    assert wb.active.title == START_SHEET


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_headers_exactly_as_spec(blank, kind):
    for sheet in KINDS[kind].sheets:
        rows = grid(blank[kind], sheet.name)
        if sheet.layout is Layout.FORM:
            assert tuple(rows[0][:3]) == FORM_HEADINGS
            labels = [r[0] for r in rows[1:] if r and r[0] != ""]
            assert labels == [c.header for c in sheet.data_columns]
            assert all(r[1] == "" for r in rows[1:]), "a blank template has no answers"
        else:
            assert [h for h in rows[0] if h != ""] == [c.header for c in sheet.columns]


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_meta_sheet_and_properties(blank, kind):
    meta = {r[0]: r[1] for r in grid(blank[kind], META_SHEET)}
    assert meta["kind"] == kind
    assert (
        meta["template_version"]
        == KINDS[kind].version
        == {
            "provider-return": "1.0",
            "school-log": "2.0",
            "ap-directory": "1.0",
        }[kind]
    )
    assert meta["generator"].startswith("ap-sheets ")
    wb = load_workbook(blank[kind], keep_vba=True)
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props == {"ap_sheets_kind": kind, "ap_sheets_template_version": KINDS[kind].version}
    assert wb.properties.title == KINDS[kind].title


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_start_here_explains_every_sheet(blank, kind):
    text = "\n".join(str(v) for row in grid(blank[kind], START_SHEET) for v in row)
    assert KINDS[kind].title in text
    for sheet in KINDS[kind].sheets:
        assert _plain(sheet.purpose) in text  # in plain words: no section references
    assert "§" not in text
    if kind == "ap-directory":  # the council's own QA records: no figures to summarise, no children
        expected = ("Validate", "15/09/2024", "contact details", "Blank rows")
        assert "Summary" not in text and "personal data about children" not in text
    else:
        expected = ("Validate", "Summary", "15/09/2024", "personal data", "Blank rows")
    for words in expected:
        assert words in text


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_tables_sized_frozen_and_computed(blank, kind):
    wb = load_workbook(blank[kind], keep_vba=True)
    for sheet in KINDS[kind].sheets:
        ws = wb[sheet.name]
        if sheet.layout is Layout.FORM:
            assert ws.freeze_panes == "A2"
            continue
        table = ws.tables[table_name(sheet)]
        last = get_column_letter(len(sheet.columns))
        assert table.ref == f"A1:{last}{1 + BLANK_ROWS[sheet.name]}"
        assert [c.name for c in table.tableColumns] == [c.header for c in sheet.columns]
        keys = [c.key for c in sheet.columns]
        frozen = next((keys.index(k) + 1 for k in ("forename", "provider_name") if k in keys), 0)
        assert ws.freeze_panes == f"{get_column_letter(frozen + 1)}2"
        formats = column_formats(ws)
        for i, column in enumerate(sheet.columns, start=1):
            assert formats[i][0] == pytest.approx(column_width(column), abs=1)
            assert formats[i][0] >= column.width - 1
            dropdown = dropdown_of(column)
            if dropdown:  # the longest value shows in full, beside the dropdown arrow
                assert formats[i][0] >= max(len(v) for v in dropdown[1]) + 2, (sheet.name, column.header)
            formula = table.tableColumns[i - 1].calculatedColumnFormula
            if column.computed:
                assert formula is not None
                assert "[#This Row],[Sessions possible]" in formula.attr_text
                assert "[#This Row],[Sessions attended]" in formula.attr_text
                assert ws.cell(2, i).number_format == "0.0%"
            else:
                assert formula is None


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_coded_column_has_its_list(blank, kind):
    path = blank[kind]
    wb = load_workbook(path, keep_vba=True)
    for sheet in KINDS[kind].sheets:
        ws = wb[sheet.name]
        table = sheet.layout is Layout.TABLE
        by_place = validations_by_column(ws) if table else validations_by_row(ws)
        place = (
            {c.key: i for i, c in enumerate(sheet.columns, start=1)}
            if table
            else {c.key: i for i, c in enumerate(sheet.data_columns, start=2)}
        )
        for column in sheet.data_columns:
            dropdown = dropdown_of(column)
            if dropdown is None:
                continue
            dv = by_place[place[column.key]]
            title, expected = dropdown
            assert dv.type == "list", column.header
            assert dv.formula1 == list_name(title)
            assert dv.errorStyle == "warning"
            assert list_values(path, list_name(title)) == list(expected)
            if column.codes is not None:
                assert list(expected) == column.codes.dropdown()
            else:
                assert list(expected) == ["Y", "N"]


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_validation_by_type_as_warnings(blank, kind):
    wb = load_workbook(blank[kind], keep_vba=True)
    for sheet in KINDS[kind].sheets:
        if sheet.layout is not Layout.TABLE:
            continue
        ws = wb[sheet.name]
        by_col = validations_by_column(ws)
        formats = column_formats(ws)
        for i, column in enumerate(sheet.columns, start=1):
            dv = by_col.get(i)
            if column.type is ValueType.TEXT and not column.help:
                continue  # free text with nothing to say
            assert dv is not None, column.header
            rng = next(iter(dv.sqref.ranges))
            assert (rng.min_row, rng.max_row) == (2, VALIDATION_LAST_ROW)
            assert dv.errorStyle == "warning"
            assert len(dv.prompt or "") <= 255
            if column.type is ValueType.DATE:
                assert dv.type == "date" and dv.operator in (None, "between")  # between is the default
                assert (dv.formula1, dv.formula2) == ("18264", "73050")  # 01/01/1950, 31/12/2099
                assert dv.prompt.startswith(DATE_PROMPT)
                assert formats[i][1] == "dd/mm/yyyy"
            elif column.type is ValueType.WHOLE:
                assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
            elif column.type is ValueType.NUMBER:
                assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0")
            elif column.type is ValueType.PERCENT and not column.computed:
                assert (dv.type, dv.formula1, dv.formula2) == ("decimal", "0", "1")
            if column.type in TEXT_TYPES:
                assert formats[i][1] == "@"


def test_form_inputs_validated_and_formatted(blank):
    for kind in KIND_NAMES:
        wb = load_workbook(blank[kind], keep_vba=True)
        spec = KINDS[kind]
        sheet = spec.sheet(spec.record_sheet)
        ws = wb[sheet.name]
        by_row = validations_by_row(ws)
        for row, column in enumerate(sheet.data_columns, start=2):
            assert ws.cell(row, 1).value == column.header
            if column.type is ValueType.DATE:
                assert by_row[row].type == "date"
                assert ws.cell(row, 2).number_format == "dd/mm/yyyy"
            if column.type in TEXT_TYPES:
                assert ws.cell(row, 2).number_format == "@"


# ------------------------------------------------------------------ zip parts


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the zip (via workbook.xml and its rels)."""
    book = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    targets.update({i: t for t, i in re.findall(r'Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)})
    sheets = re.findall(r'<sheet name="([^"]+)"[^>]*r:id="(rId\d+)"', book)
    return {name: "xl/" + targets[rid] for name, rid in sheets}


def vml_of(z: zipfile.ZipFile, part: str) -> str:
    folder, name = posixpath.split(part)
    rels = z.read(f"{folder}/_rels/{name}.rels").decode()
    target = re.search(r'Target="([^"]*vmlDrawing[^"]*)"', rels).group(1)
    return z.read(posixpath.normpath(posixpath.join(folder, target))).decode()


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_buttons_call_the_macros_on_every_visible_sheet(blank, kind):
    with zipfile.ZipFile(blank[kind]) as z:
        parts = sheet_parts(z)
        for name in [START_SHEET, *(s.name for s in KINDS[kind].sheets)]:
            vml = vml_of(z, parts[name])
            macros = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
            if kind == "ap-directory":  # Validate only: a directory has no termly figures
                assert macros == [VALIDATE_MACRO], name
                assert ">Validate<" in vml and ">Summary<" not in vml
                continue
            assert macros == [VALIDATE_MACRO, SUMMARY_MACRO], name
            assert ">Validate<" in vml and ">Summary<" in vml


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_vba_project_present(blank, kind):
    from oletools.olevba import VBA_Parser

    with zipfile.ZipFile(blank[kind]) as z:
        assert z.read("xl/vbaProject.bin") == VBA_PROJECT.read_bytes()
        assert "macroEnabled" in z.read("[Content_Types].xml").decode()
    parser = VBA_Parser(str(blank[kind]))
    try:
        assert parser.detect_vba_macros()
        modules = {name for _, _, name, _ in parser.extract_macros()}
        assert "ThisWorkbook.cls" in modules
    finally:
        parser.close()


# ------------------------------------------------------------------ reproducible, committed


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_builds_are_byte_identical(tmp_path, kind):
    a = build_workbook(kind, tmp_path / "a.xlsm", records=sample_records(kind))
    b = build_workbook(kind, tmp_path / "b.xlsm", records=sample_records(kind))
    assert a.read_bytes() == b.read_bytes()


def test_committed_templates_are_current(tmp_path):
    built = build_committed_templates(tmp_path)
    assert sorted(p.name for p in built) == sorted(k.filename for k in KINDS.values())
    for path in built:
        committed = REPO / "workbook_templates" / path.name
        assert committed.exists(), f"{committed} missing: run scripts/build_templates.py"
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed.name} is out of date: run scripts/build_templates.py"
        )


# ------------------------------------------------------------------ pre-filled round trip


def sample_records(kind: str) -> dict:
    """Good values, planted text dates, stray spaces and a wrong code, with a blank row."""
    if kind == "ap-directory":
        return {
            "About": {"council_name": " Hillingdon ", "directory_date": "01/12/2024", "completed_by": "QA officer"},
            "Directory": [
                {
                    "provider_id": "AP017",
                    "provider_name": "Bright Futures AP",
                    "provider_postcode": "ub81uw",
                    "registered_school": "y",
                    "dfe_urn": "145678",
                    "directory_status": " listed",
                    "listed_since": date(2021, 9, 1),
                    "initial_qa_visit": "12/07/2021",
                    "last_qa_visit": datetime(2024, 6, 10),
                    "qa_outcome": "Met with actions",
                    "ofsted_judgement": "Good",
                    "delivery": "Onsite",  # not in the list
                    "standard_fee": 85.5,
                    "fee_basis": "day",
                },
                {},
                {"provider_id": "AP018", "ukprn": "10012345", "directory_status": "Removed"},
            ],
        }
    if kind == "provider-return":
        return {
            "Provider": {
                "provider_name": "Bright Futures AP",
                "provider_id": "AP017",
                "academic_year": "2024/25",
                "term": "autumn ",
                "registered_school": "N",
                "ofsted_judgement": "Not inspected",
                "in_directory": "Y",
                "last_qa_visit": date(2024, 6, 3),
                "all_staff_dbs": "y",
                "cp_training_date": "15/09/2024",
                "insurance_expiry": datetime(2025, 3, 31),
                "new_sites": "N",
                "contact_name": " Jo Bloggs ",
                "contact_email": "jo@example.org",
                "completed_by": "Jo",
                "date_completed": date(2024, 12, 13),
            },
            "Pupils": [
                {
                    "upn": "B801200005001",
                    "surname": "Smith",
                    "forename": "Amy",
                    "date_of_birth": date(2010, 5, 1),
                    "sex": "F",
                    "ethnicity": "WBRI - White British",
                    "religion": "No religion",
                    "postcode": "ub81uw",
                    "nc_year": "9",
                    "sen": " e ",
                    "looked_after": "N",
                    "commissioner_type": "School",
                    "commissioner_name": "Hill School",
                    "commissioner_urn": "102345",
                    "placement_reason": "Suspension",
                    "tier": 2,
                    "start_date": date(2024, 9, 4),
                    "planned_end_date": "15-12-2024",
                    "hours_per_week": 12.5,
                    "sessions_possible": 120,
                    "sessions_attended": 100,
                    "sessions_authorised": -3,
                    "engagement": "3 - Mostly",
                    "progress_outcomes": 3,
                    "progress_learning": "2",
                    "quals_entered": 0,
                    "quals_achieved": 0,
                    "suspensions": 0,
                    "safeguarding_concerns": 1,
                    "behaviour_incidents": 2,
                    "reintegration_plan": "Yes",
                },
                {},
                {
                    "upn": "x",
                    "surname": "Jones",
                    "date_of_birth": "31/02/2011",
                    "sessions_possible": "ten",
                    "sex": "Q",
                    "nc_year": 10,
                },
            ],
            "Notifications": [
                {
                    "upn": "B801200005001",
                    "event_type": "Suspension",
                    "event_date": date(2024, 10, 1),
                    "council_notified": "2024-10-02",
                },
            ],
        }
    return {
        "School": {
            "school_name": "Hill School",
            "school_urn": 102345,
            "academic_year": "2024/25",
            "term": "Autumn",
            "dsl": "A. Head",
            "completed_by": "Office",
            "date_completed": date(2024, 12, 13),
        },
        "Placements": [
            {
                "upn": "B801200005001",
                "surname": "Smith",
                "forename": "Amy",
                "date_of_birth": date(2010, 5, 1),
                "nc_year": "9",
                "sen": "K",
                "looked_after": "N",
                "provider_name": "Bright Futures AP",
                "provider_id": "AP017",
                "provider_registered": "N",
                "placement_reason": "Suspension",
                "start_date": date(2024, 9, 4),
                "planned_end_date": date(2024, 12, 15),
                "days_at_provider": 3,
                "hours_at_provider": 12.5,
                "hours_at_school": 13,
                "sla_agreed": date(2024, 9, 1),
                "risk_assessment": "01/09/2024",
                "qa_check": date(2024, 8, 30),
                "dbs_confirmed": "Y",
                "reintegration_plan": "N",
                "attendance_pct": 0.83,
                "progress": "3 - Mostly",
                "final_report_received": None,
            },
            {"upn": " b801200005001 ", "surname": "Smith", "start_date": "2024-13-45"},
        ],
    }


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_prefilled_records_read_back(tmp_path, kind):
    records = sample_records(kind)
    ret = to_return(read_workbook(build_workbook(kind, tmp_path / "filled.xlsm", records)))
    assert not ret.missing_sheets and not any(data.missing for data in ret.sheets.values())  # no R004
    for sheet in KINDS[kind].sheets:
        written = records.get(sheet.name)
        data = ret.sheets[sheet.name]
        if sheet.layout is Layout.FORM:
            written = written or {}
            assert data.form_rows == {c.key: r for r, c in enumerate(sheet.data_columns, start=2)}
            got = data.frame.iloc[0].to_dict()
            for column in sheet.data_columns:
                assert got[column.key] == values.normalise(column, written.get(column.key)), column.key
            continue
        rows = {r: rec for r, rec in enumerate(written or [], start=2) if rec}
        assert list(data.frame.index) == list(rows)  # Excel row numbers; the blank row is skipped
        for r, rec in rows.items():
            for column in sheet.data_columns:
                expected = values.normalise(column, rec.get(column.key))
                assert data.frame.at[r, column.key] == expected, (sheet.name, r, column.key)


def test_computed_column_caches_its_result(tmp_path):
    path = build_workbook("provider-return", tmp_path / "p.xlsm", sample_records("provider-return"))
    rows = grid(path, "Pupils")
    col = [c.header for c in KINDS["provider-return"].sheet("Pupils").columns].index("Attendance %")
    assert rows[1][col] == pytest.approx(100 / 120)
    assert all(r[col] == "" for r in rows[2:])  # blank and unreadable rows show nothing


def test_bigger_tables_grow_with_records(tmp_path):
    pupils = [{"surname": f"Child {i}"} for i in range(200)]
    path = build_workbook("provider-return", tmp_path / "big.xlsm", {"Pupils": pupils})
    ws = load_workbook(path, keep_vba=True)["Pupils"]
    assert ws.tables["tblPupils"].ref.endswith(str(1 + 200 + BLANK_ROWS["Pupils"]))


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "records, error",
    [
        ({"Pupils": [{"not_a_column": 1}]}, KeyError),
        ({"Nope": []}, KeyError),
        ({"Pupils": [{"attendance_pct": 0.5}]}, ValueError),
        ({"Pupils": {"upn": "x"}}, TypeError),
        ({"Provider": [{"provider_name": "x"}]}, TypeError),
        ({"Pupils": [{"looked_after": True}]}, TypeError),
        ({"Pupils": [{"sessions_possible": float("nan")}]}, ValueError),
    ],
)
def test_bad_records_raise_before_writing(tmp_path, records, error):
    path = tmp_path / "bad.xlsm"
    with pytest.raises(error):
        build_workbook("provider-return", path, records)
    assert not path.exists()


def test_bad_kind_or_extension(tmp_path):
    with pytest.raises(ValueError):
        build_workbook("council-report", tmp_path / "x.xlsm")
    with pytest.raises(ValueError):
        build_workbook("school-log", tmp_path / "x.xlsx")
    with pytest.raises(FileNotFoundError):
        build_workbook("school-log", tmp_path / "x.xlsm", vba_project=tmp_path / "missing.bin")


# ------------------------------------------------------------------ what the clerk sees


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_buttons_on_tables_stay_in_view_in_the_frozen_header(blank, kind):
    """Anchored in row 1 (frozen) and within the frozen name columns, never off to the right."""
    wb = load_workbook(blank[kind], keep_vba=True)
    with zipfile.ZipFile(blank[kind]) as z:
        parts = sheet_parts(z)
        for sheet in KINDS[kind].sheets:
            if sheet.layout is Layout.FORM:
                continue
            shapes = re.findall(r"<v:shape .*?</v:shape>", vml_of(z, parts[sheet.name]), re.S)
            anchors = [
                re.search(r"<x:Anchor>\s*([\d,\s]+?)\s*</x:Anchor>", shape).group(1)
                for shape in shapes
                if "FmlaMacro" in shape
            ]
            assert len(anchors) == (1 if kind == "ap-directory" else 2), sheet.name
            keys = [c.key for c in sheet.columns]
            frozen = next((keys.index(k) + 1 for k in ("forename", "provider_name") if k in keys), 0)
            for anchor in anchors:
                _left_col, _, top_row, _, right_col, _, bottom_row, _ = (int(v) for v in anchor.split(","))
                assert top_row == 0 and bottom_row == 0, (sheet.name, anchor)  # inside the header row
                assert right_col < max(frozen, 3), (sheet.name, anchor)  # in the first columns
            assert wb[sheet.name].row_dimensions[1].height >= 45  # room for buttons above the headings


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_prompts_are_plain_and_explain_codes(blank, kind):
    wb = load_workbook(blank[kind], keep_vba=True)
    prompts = {}
    for sheet in KINDS[kind].sheets:
        ws = wb[sheet.name]
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                prompts[(sheet.name, rng.min_col)] = dv.prompt or ""
        for row in ws.iter_rows():
            for cell in row:
                if cell.comment is not None:
                    assert "§" not in cell.comment.text, (sheet.name, cell.coordinate)
                if isinstance(cell.value, str):
                    assert "§" not in cell.value, (sheet.name, cell.coordinate)
    assert not [k for k, text in prompts.items() if "§" in text]
    by_header = {
        (name, KINDS[kind].sheet(name).columns[col - 1].header): text
        for (name, col), text in prompts.items()
        if KINDS[kind].sheet(name).layout is not Layout.FORM
    }
    if kind == "provider-return":
        assert "U not known" in by_header[("Pupils", "Sex")]
        assert "NOBT: not yet obtained" in by_header[("Pupils", "Ethnicity")]
        assert "EOTAS: education otherwise than at school" in by_header[("Pupils", "Placement reason")]
        assert "UPN" in by_header[("Notifications", "UPN")]
    elif kind == "school-log":
        assert "EOTAS: education otherwise than at school" in by_header[("Placements", "Placement reason")]
    else:
        assert by_header[("Directory", "Directory status")].startswith("Pick from the list")
        assert "6 digits" in by_header[("Directory", "DfE URN")]


def test_start_here_gives_the_councils_name_deadline_and_route(tmp_path):
    from ap_sheets.settings import Settings

    settings = Settings(
        council_name="Northbridge Council",
        return_deadline="Friday 13 December 2024",
        send_returns_to="Upload it to the council's secure file-transfer site.",
    )
    path = build_workbook("provider-return", tmp_path / "r.xlsm", settings=settings)
    rows = {r[0]: r[1] for r in grid(path, START_SHEET) if r and r[0]}
    assert rows["Council"] == "Northbridge Council"
    assert rows["Send it by"] == "Friday 13 December 2024"
    assert rows["How to send it"] == "Upload it to the council's secure file-transfer site."
    blank_rows = {r[0] for r in grid(build_workbook("provider-return", tmp_path / "b.xlsm"), START_SHEET) if r}
    assert not {"Council", "Send it by", "How to send it"} & blank_rows  # the generic template says nothing
