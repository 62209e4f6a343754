"""Broken or hostile content inside an otherwise good return: lying shared-string counts,
shared-string indexes that are not numbers, cells no reader can parse, parts cut short.

Each case is the clean return of conftest with one thing changed in its XML."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ap_sheets import read as read_module
from ap_sheets.findings import ACCEPTED, REJECTED, UNREADABLE
from ap_sheets.read import UnreadableWorkbook, read_workbook
from ap_sheets.safety import REASONS, inspect
from ap_sheets.validate import validate_file
from conftest import provider_return
from test_hostile_files import replace_parts

PUPILS = "xl/worksheets/sheet3.xml"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SAVE_AGAIN = "save it again, and send the new copy"


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> bytes:
    return provider_return().save(tmp_path_factory.mktemp("clean") / "clean.xlsm").read_bytes()


def part(data: bytes, name: str) -> str:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode()


def with_cell(clean: bytes, ref: str, cell: str, sst: str | None = None) -> bytes:
    """The clean return with Pupils cell `ref` replaced by `cell` (raw XML), and optionally a
    shared-strings part (wired in as Excel wires it)."""
    sheet = re.sub(rf'<c r="{ref}"[^>]*>.*?</c>', cell, part(clean, PUPILS), count=1, flags=re.S)
    changes = {PUPILS: sheet.encode()}
    if sst is not None:
        changes["xl/sharedStrings.xml"] = sst.encode()
        changes["[Content_Types].xml"] = (
            part(clean, "[Content_Types].xml")
            .replace("</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>')
            .encode()
        )
        changes["xl/_rels/workbook.xml.rels"] = (
            part(clean, "xl/_rels/workbook.xml.rels")
            .replace(
                "</Relationships>",
                f'<Relationship Id="rId99" Type="{SST_REL}" Target="sharedStrings.xml"/></Relationships>',
            )
            .encode()
        )
    return replace_parts(clean, changes)


def sst(*strings: str, unique: str | None = None, count: str | None = None) -> str:
    unique = str(len(strings)) if unique is None else unique
    count = str(len(strings)) if count is None else count
    items = "".join(f"<si><t>{s}</t></si>" for s in strings)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="{count}" uniqueCount="{unique}">{items}</sst>'
    )


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------
# 7. Lying shared-string counts: bounded by the pre-flight, never reaching the reader
# ---------------------------------------------------------------------------------------
LYING = {
    "u32": dict(unique="4294967295"),
    "u64": dict(unique="18446744073709551615"),
    "more-than-held": dict(unique="3"),
    "not-a-number": dict(unique="lots"),
}


def test_lying_unique_count_is_refused_and_cannot_take_validate_down(clean, tmp_path):
    """Before: 4294967295 made the reader reserve ~100 GB and abort the whole command (no output,
    every other file's verdict lost); 18446744073709551615 raised a Rust panic with a traceback.
    Run as a user runs it, in a process capped at 3 GB, with a good file beside them."""
    folder = tmp_path / "returns"
    folder.mkdir()
    write(folder, "good.xlsm", clean)
    for name, counts in LYING.items():
        write(
            folder,
            f"{name}.xlsm",
            with_cell(clean, "B2", '<c r="B2" t="s"><v>1</v></c>', sst("Nobody", "Okafor", **counts)),
        )
    code = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30)); "
        "from ap_sheets.cli import main; sys.exit(main())"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, "validate", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr[-2000:]
    files = {Path(f["file"]).stem: f for f in json.loads(run.stdout)["files"]}
    assert files["good"]["status"] == "accepted"
    for name in LYING:
        assert files[name]["status"] == "unreadable", name
        assert files[name]["reason"] == REASONS["oversized"].format(
            detail="its table of shared text says it holds more entries than it does"
        ), name


@pytest.mark.parametrize("where", ["count", "cellXfs", "tableColumns", "dimension"])
def test_lying_counts_the_reader_does_not_trust_are_harmless(clean, tmp_path, where):
    """Other declared counts (the shared-string reference count, styles, table columns, the
    sheet's dimension) are not used to reserve memory: the return reads as it is."""
    big = "4294967295"
    if where == "count":
        data = with_cell(clean, "B2", '<c r="B2" t="s"><v>1</v></c>', sst("Nobody", "Okafor", count=big))
    elif where == "cellXfs":
        data = replace_parts(
            clean,
            {
                "xl/styles.xml": re.sub(
                    r'<cellXfs count="\d+"', f'<cellXfs count="{big}"', part(clean, "xl/styles.xml")
                ).encode()
            },
        )
    elif where == "tableColumns":
        data = replace_parts(
            clean,
            {
                "xl/tables/table1.xml": re.sub(
                    r'tableColumns count="\d+"', f'tableColumns count="{big}"', part(clean, "xl/tables/table1.xml")
                ).encode()
            },
        )
    else:
        data = replace_parts(
            clean,
            {
                PUPILS: part(clean, PUPILS)
                .replace("<sheetData>", '<dimension ref="A1:XFD1048576"/><sheetData>', 1)
                .encode()
            },
        )
    report = validate_file(write(tmp_path, "count.xlsm", data))
    assert (report.status, report.issues) == (ACCEPTED, [])


def test_a_panic_in_the_reader_is_that_files_verdict(clean, tmp_path, monkeypatch):
    """Were anything to reach the reader that makes it panic (a BaseException, not an Exception),
    the file is unreadable with the fixed wording; nothing escapes. (The pre-flight is skipped
    here to hand the reader the 18446744073709551615 file.)"""
    path = write(
        tmp_path,
        "panic.xlsm",
        with_cell(clean, "B2", '<c r="B2" t="s"><v>1</v></c>', sst("Nobody", "Okafor", unique="18446744073709551615")),
    )
    monkeypatch.setattr(read_module, "inspect", lambda p, limits: _unchecked(p))
    with pytest.raises(UnreadableWorkbook) as caught:
        read_workbook(path)
    assert caught.value.code == "damaged"
    assert caught.value.reason == REASONS["damaged"].format(detail="it cannot be opened")


def _unchecked(path: Path):
    from ap_sheets.safety import Inspection

    return Inspection(data=Path(path).read_bytes(), sheets={})


# ---------------------------------------------------------------------------------------
# 8. A shared-string index the reader would read as 0
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("index", ["-1", "x", " 1", "1.5", "+1", "18446744073709551617", ""])
def test_a_shared_string_index_that_is_not_a_plain_number_is_refused(clean, tmp_path, index):
    """Before: read as string 0, so the surname 'Nobody' (in the table, in no cell) was accepted."""
    data = with_cell(clean, "B2", f'<c r="B2" t="s"><v>{index}</v></c>', sst("Nobody", "Okafor"))
    report = validate_file(write(tmp_path, "index.xlsm", data))
    assert report.status == UNREADABLE
    assert report.reason == REASONS["damaged"].format(detail="a cell points to text that is not in the file")


def test_a_plain_shared_string_index_reads(clean, tmp_path):
    data = with_cell(clean, "B2", '<c r="B2" t="s"><v>1</v></c>', sst("Nobody", "Okafor"))
    path = write(tmp_path, "index.xlsm", data)
    assert read_workbook(path).sheets["Pupils"].value(2, 1) == "Okafor"
    assert validate_file(path).status == ACCEPTED


def test_a_shared_string_index_past_the_table_is_unreadable_in_fixed_words(clean, tmp_path):
    data = with_cell(clean, "B2", '<c r="B2" t="s"><v>7</v></c>', sst("Nobody", "Okafor"))
    report = validate_file(write(tmp_path, "index.xlsm", data))
    assert (report.status, report.reason) == (UNREADABLE, REASONS["damaged"].format(detail="a sheet cannot be read"))


# ---------------------------------------------------------------------------------------
# 2 and 9. A cell the reader cannot parse: reported at the cell, never in the reason
# ---------------------------------------------------------------------------------------
ODD_CELLS = {
    "number-that-is-text": '<c r="W2" t="n"><v>Okafor</v></c>',
    "boolean-that-is-text": '<c r="W2" t="b"><v>Okafor</v></c>',
    "unknown-type": '<c r="W2" t="zz"><v>Okafor</v></c>',
    "gnumeric-error": '<c r="W2" t="e"><v>#"Okafor"</v></c>',
}


@pytest.mark.parametrize("case", sorted(ODD_CELLS))
def test_a_cell_the_reader_cannot_parse_is_a_finding_at_that_cell(clean, tmp_path, case):
    """Before: the whole file was 'damaged', and the reason quoted the cell ('Okafor')."""
    report = validate_file(write(tmp_path, "odd.xlsm", with_cell(clean, "W2", ODD_CELLS[case])))
    assert report.status == REJECTED
    assert [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues] == [
        ("R001", "Pupils", 2, "Sessions attended", "W2")
    ]
    assert "Okafor" not in report.issues[0].message


def test_the_readers_own_error_text_never_reaches_the_reason(clean, tmp_path, monkeypatch):
    """Were a cell the reader chokes on to reach it (here: the pre-flight's repair is skipped),
    the reason is fixed wording: calamine's message would quote the cell ('Okafor')."""
    real = read_module.inspect

    def unrepaired(path, limits):
        checked = real(path, limits)
        checked.data = Path(path).read_bytes()
        return checked

    monkeypatch.setattr(read_module, "inspect", unrepaired)
    path = write(tmp_path, "odd.xlsm", with_cell(clean, "W2", ODD_CELLS["boolean-that-is-text"]))
    report = validate_file(path)
    assert (report.status, report.reason) == (UNREADABLE, REASONS["damaged"].format(detail="a sheet cannot be read"))


# ---------------------------------------------------------------------------------------
# 13. Parts Excel needs, missing, empty or cut short
# ---------------------------------------------------------------------------------------
def _cut(clean: bytes, name: str, keep: float = 0.5) -> bytes:
    text = part(clean, name).encode()
    return replace_parts(clean, {name: text[: int(len(text) * keep)]})


BROKEN_PARTS = {
    "content-types-missing": (
        lambda c: replace_parts(c, {"[Content_Types].xml": None}),
        "its list of parts, [Content_Types].xml, is missing",
    ),
    "content-types-empty": (
        lambda c: replace_parts(c, {"[Content_Types].xml": b""}),
        "the part [Content_Types].xml is cut short or is not well-formed XML",
    ),
    "content-types-cut": (
        lambda c: _cut(c, "[Content_Types].xml"),
        "the part [Content_Types].xml is cut short or is not well-formed XML",
    ),
    "core-properties-cut": (
        lambda c: _cut(c, "docProps/core.xml"),
        "the part docProps/core.xml is cut short or is not well-formed XML",
    ),
    "theme-not-xml": (
        lambda c: replace_parts(c, {"xl/theme/theme1.xml": b"<a:theme><a:b></a:theme>"}),
        "the part xl/theme/theme1.xml is cut short or is not well-formed XML",
    ),
    "comments-cut": (
        lambda c: _cut(c, "xl/comments/comment1.xml", 0.9),
        "the part xl/comments/comment1.xml is cut short or is not well-formed XML",
    ),
    "unread-sheet-cut": (
        lambda c: _cut(c, "xl/worksheets/sheet6.xml", 0.8),
        "the part xl/worksheets/sheet6.xml is cut short or is not well-formed XML",
    ),
    "note-drawing-cut": (
        lambda c: _cut(c, "xl/drawings/vmlDrawing3.vml", 0.7),
        "the part xl/drawings/vmlDrawing3.vml is cut short",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_PARTS))
def test_a_part_excel_needs_missing_or_cut_short_is_refused(clean, tmp_path, case):
    """Before: accepted, though Excel cannot open such a file."""
    build, detail = BROKEN_PARTS[case]
    report = validate_file(write(tmp_path, "broken.xlsm", build(clean)))
    assert report.status == UNREADABLE
    assert report.reason == REASONS["damaged"].format(detail=detail)
    assert SAVE_AGAIN in report.reason


def test_an_error_value_on_a_form_sheet_is_reported_at_its_answer_cell(clean, tmp_path):
    sheet = "xl/worksheets/sheet2.xml"
    xml = re.sub(r'<c r="B9"[^>]*>.*?</c>', '<c r="B9" t="e"><v>#REF!</v></c>', part(clean, sheet), count=1, flags=re.S)
    report = validate_file(write(tmp_path, "form.xlsm", replace_parts(clean, {sheet: xml.encode()})))
    assert [(f.code, f.sheet, f.row, f.column, f.cell, f.value) for f in report.issues] == [
        ("R001", "Provider", 9, "Ofsted report date", "B9", "#REF!")
    ]


def test_the_clean_return_passes_every_new_check(clean, tmp_path):
    path = write(tmp_path, "clean.xlsm", clean)
    assert validate_file(path).status == ACCEPTED
    assert inspect(path).data == clean  # nothing to repair: the reader reads the file's own bytes
