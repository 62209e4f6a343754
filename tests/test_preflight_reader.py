"""The pre-flight's own zip reader (`safety.package`) and its verdicts for byte-identical parts
(`safety.verdicts`): refusing what zipfile's reader refuses, and never trusting a remembered
verdict for a part that is not the very same."""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from ap_sheets import safety
from ap_sheets.read import read_workbook
from ap_sheets.rules.structure_rules import macro_problem
from ap_sheets.safety.package import Package
from ap_sheets.safety.verdicts import CONTENTS, VERDICTS, Remembered
from conftest import provider_return
from test_hostile_files import MB, NS, deflate, entry, mini_parts, raw_zip, replace_parts, tampered_vba

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def forget():
    """Each test starts with nothing remembered (verdicts live for the process)."""
    VERDICTS.clear()
    CONTENTS.clear()
    yield
    VERDICTS.clear()
    CONTENTS.clear()


@pytest.fixture(scope="module")
def clean_return(tmp_path_factory) -> bytes:
    return provider_return().save(tmp_path_factory.mktemp("clean") / "clean.xlsm").read_bytes()


def mini_zip(sheet: dict | None = None) -> bytes:
    """The smallest workbook, written by hand; `sheet` overrides fields of the sheet's entry."""
    parts = mini_parts()
    entries = [entry(n, d) for n, d in parts.items() if n != SHEET]
    return raw_zip([*entries, {**entry(SHEET, parts[SHEET]), **(sheet or {})}])


def write(tmp_path: Path, data: bytes, name: str = "book.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refusal(path: Path) -> tuple[str, str]:
    with pytest.raises(safety.Refused) as caught:
        safety.inspect(path)
    return caught.value.code, caught.value.reason


def ours(data: bytes, name: str, limit: int) -> bytes | str:
    """What the pre-flight's reader gives: the bytes, or the refusal's code."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    try:
        return Package(data, infos).read(name, limit)
    except safety.Refused as exc:
        return exc.code


def zipfiles(data: bytes, name: str, limit: int) -> bytes | str:
    """What Python's zipfile gives, refusing as the pre-flight did before it had its own reader."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(name) as f:
            got = f.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        return "damaged"
    return "oversized" if len(got) > limit else got


def set_central(data: bytes, name: str, field: int, value: int) -> bytes:
    """The zip with one 4-byte field (byte offset in the central directory header) rewritten."""
    at = next(
        i
        for i in range(len(data))
        if data.startswith(b"PK\x01\x02", i) and data[i + 46 : i + 46 + len(name)] == name.encode()
    )
    out = bytearray(data)
    struct.pack_into("<L", out, at + field, value)
    return bytes(out)


CRC, COMPRESSED_SIZE = 16, 20  # offsets in a central directory header
SHEET_BYTES = mini_parts()[SHEET]


def _honest_prefix() -> bytes:
    """Directory size and CRC of the whole sheet, but the data inflates on after it."""
    return mini_zip({"data": deflate(SHEET_BYTES + b" " * 1000)})


def _stored(extra: bytes = b"") -> bytes:
    return mini_zip({"method": 0, "data": SHEET_BYTES + extra})


def _bad_signature() -> bytes:
    data = mini_zip()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        at = zf.getinfo(SHEET).header_offset
    return data[:at] + b"PK\x03\x05" + data[at + 4 :]


def _other_local_name() -> bytes:
    data = mini_zip()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        at = zf.getinfo(SHEET).header_offset
    return data[: at + 30] + b"X" + data[at + 31 :]


# Each case: the file, and what both readers give for the sheet part (bytes: read, else the code).
AGREES = {
    "clean": (mini_zip, SHEET_BYTES),
    "bad-crc": (lambda: mini_zip({"crc": zlib.crc32(SHEET_BYTES) ^ 1}), "damaged"),
    "stream-cut-short": (lambda: mini_zip({"data": deflate(SHEET_BYTES)[:-20]}), "damaged"),
    "lying-size": (  # the CRC is of the whole part; the directory says it is smaller
        lambda: mini_zip({"size": len(SHEET_BYTES) - 10}),
        "damaged",
    ),
    "honest-prefix": (_honest_prefix, SHEET_BYTES),  # as zipfile: what lies past the declared size is never inflated
    "stored": (_stored, SHEET_BYTES),
    "stored-cut-short": (lambda: mini_zip({"method": 0, "data": SHEET_BYTES[:-5]}), "damaged"),
    "stored-with-more": (lambda: _stored(b"tail"), SHEET_BYTES),
    "bad-local-signature": (_bad_signature, "damaged"),
    "local-name-differs": (_other_local_name, "damaged"),
    "not-deflate-data": (lambda: mini_zip({"data": b"\xff" * 40}), "damaged"),
    "empty-with-crc": (lambda: mini_zip({"data": deflate(b""), "size": 0, "crc": 7}), "damaged"),
}


@pytest.mark.parametrize("case", sorted(AGREES))
def test_the_direct_reader_refuses_what_zipfile_refuses(case):
    build, expected = AGREES[case]
    data = build()
    assert zipfiles(data, SHEET, 40 * MB) == expected
    assert ours(data, SHEET, 40 * MB) == expected


def test_over_the_callers_limit_is_oversized_never_inflated_further():
    data = mini_zip()
    assert ours(data, SHEET, 20) == zipfiles(data, SHEET, 20) == "oversized"
    assert ours(data, SHEET, len(SHEET_BYTES)) == SHEET_BYTES


def _past_the_end() -> bytes:
    return set_central(mini_zip(), SHEET, COMPRESSED_SIZE, 10 * MB)


def test_a_part_shorter_than_its_directory_says_is_refused_whatever_its_crc():
    """Stricter than zipfile, on purpose: a part whose data ends before its directory says
    (fewer bytes inflated than declared, or fewer compressed bytes in the file) is damaged,
    even when the deflate stream ends cleanly and its CRC matches."""
    for data in (mini_zip({"size": len(SHEET_BYTES) + 10}), _past_the_end()):
        assert zipfiles(data, SHEET, 40 * MB) == SHEET_BYTES
        assert ours(data, SHEET, 40 * MB) == "damaged"


@pytest.mark.parametrize(
    "case", ["bad-crc", "stream-cut-short", "lying-size", "bad-local-signature", "local-name-differs", "past-the-end"]
)
def test_a_damaged_sheet_is_a_clear_refusal(case, tmp_path):
    code, reason = refusal(write(tmp_path, _past_the_end() if case == "past-the-end" else AGREES[case][0]()))
    assert code == "damaged"
    assert "the part xl/worksheets/sheet1.xml is corrupted" in reason


def test_a_damaged_copy_of_a_remembered_part_is_refused(tmp_path):
    """The same compressed bytes, but the directory's CRC differs: the verdict remembered
    for the good part does not apply, and the part is inflated and refused."""
    good = mini_zip()
    assert safety.inspect(write(tmp_path, good, "good.xlsx")).sheets["Pupils"].last_row == 1
    remembered = [k for k in VERDICTS.items if k[0] == "sheet"]
    assert len(remembered) == 1
    bad = mini_zip({"crc": zlib.crc32(SHEET_BYTES) ^ 0xFFFF})
    assert deflate(SHEET_BYTES) in bad  # byte-identical compressed data
    code, reason = refusal(write(tmp_path, bad, "bad.xlsx"))
    assert (code, "sheet1.xml is corrupted" in reason) == ("damaged", True)
    assert safety.inspect(write(tmp_path, good, "again.xlsx")).sheets["Pupils"].last_row == 1


def test_a_lying_size_beside_a_remembered_part_is_refused(tmp_path):
    safety.inspect(write(tmp_path, mini_zip(), "good.xlsx"))
    code, _ = refusal(write(tmp_path, mini_zip({"size": len(SHEET_BYTES) + 10}), "bad.xlsx"))
    assert code == "damaged"


def test_a_refusal_is_never_remembered(tmp_path):
    parts = mini_parts()
    parts["xl/styles.xml"] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY y "z">]><styleSheet/>'
    data = raw_zip([entry(n, d) for n, d in parts.items()])
    for name in ("one.xlsx", "two.xlsx"):
        assert refusal(write(tmp_path, data, name))[0] == "dtd"
    assert not [k for k in VERDICTS.items if k[1][0] == "xl/styles.xml"]


def test_a_remembered_sheet_gives_each_file_its_own_copy_of_the_findings(tmp_path):
    sheet = (
        f"<worksheet {NS}><sheetData>"
        '<row r="1"><c r="A1" t="e"><v>#SPILL!</v></c></row>'
        '<row r="9000"><c r="B9000" t="inlineStr"><is><t>far</t></is></c></row></sheetData></worksheet>'
    ).encode()
    parts = {**mini_parts(), SHEET: sheet}
    data = raw_zip([entry(n, d) for n, d in parts.items()])
    first = safety.inspect(write(tmp_path, data, "one.xlsx")).sheets["Pupils"]
    second = safety.inspect(write(tmp_path, data, "two.xlsx")).sheets["Pupils"]
    assert (first.last_row, first.outside, first.errors) == (9000, ["B9000"], {(1, 1): "#SPILL!"})
    assert first.patches and second.patches == first.patches  # the reader cannot read #SPILL!: hidden from it
    for name in ("last_row", "last_col", "far", "outside", "outside_count", "first_outside", "errors", "unreadable"):
        assert getattr(second, name) == getattr(first, name), name
    second.outside.append("C1")
    second.errors.clear()
    assert first.outside == ["B9000"] and first.errors == {(1, 1): "#SPILL!"}
    assert read_workbook(write(tmp_path, data, "three.xlsx")).outside[0].cells == ("B9000",)


def test_the_vba_project_is_inflated_once_and_changed_macros_are_still_r060(clean_return, tmp_path):
    one = safety.inspect(write(tmp_path, clean_return, "one.xlsm"))
    two = safety.inspect(write(tmp_path, clean_return, "two.xlsm"))
    assert one.vba is two.vba  # the same bytes object: not inflated again
    assert safety.vba_digest(two.vba) == safety.template_vba_digest()
    changed = tampered_vba(one.vba, tmp_path)
    assert len(changed) == len(one.vba) and changed != one.vba
    path = write(tmp_path, replace_parts(clean_return, {"xl/vbaProject.bin": changed}), "changed.xlsm")
    digest = read_workbook(path).vba_digest
    assert digest not in (None, safety.template_vba_digest())
    assert macro_problem(digest) == ("differ", {})
    assert read_workbook(write(tmp_path, clean_return, "three.xlsm")).vba_digest == safety.template_vba_digest()


def test_remembered_is_bounded_least_recently_used_out():
    seen = Remembered(2)
    seen.remember("a", 1)
    seen.remember("b", 2)
    assert seen.recall("a") == 1  # a is now the most recent
    seen.remember("c", 3)
    assert list(seen.items) == ["a", "c"]


@pytest.mark.parametrize(
    ("items", "declared", "refused"),
    [
        ("<si><t>a</t></si><si><t>b</t></si>", "2", False),  # as Excel writes it: counted quickly
        ("<si><t>a</t></si><si><t>b</t></si>", "3", True),
        ('<si><t>a</t></si><si xml:space="preserve"><t>b</t></si>', "2", False),  # counted the slow way
        ("<x:si><x:t>a</x:t></x:si><x:si><x:t>b</x:t></x:si>", "2", False),
        ("<x:si><x:t>a</x:t></x:si><x:si><x:t>b</x:t></x:si>", "3", True),
    ],
)
def test_shared_strings_count_every_way_an_entry_is_written(items, declared, refused):
    from ap_sheets.safety.zipparts import check_shared_strings

    data = f'<sst xmlns="x" xmlns:x="x" uniqueCount="{declared}">{items}</sst>'.encode()
    if refused:
        with pytest.raises(safety.Refused, match="more entries than it does"):
            check_shared_strings("xl/sharedStrings.xml", data)
    else:
        check_shared_strings("xl/sharedStrings.xml", data)


def test_a_part_named_outside_ascii_reads_as_zipfile_reads_it():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/Grüße.xml", b"<a/>")  # a UTF-8 name, flagged so
    unflagged = raw_zip([entry("xl/media/café.xml", b"<a/>")])  # no flag: the bytes read as cp437
    for data in (buf.getvalue(), unflagged):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            [name] = zf.namelist()
        assert ours(data, name, 100) == zipfiles(data, name, 100) == b"<a/>"


def test_a_sheet_with_many_findings_is_not_remembered(tmp_path):
    """What is remembered stays small, so memory stays flat over a batch of hostile files."""
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="e"><v>#SPILL!</v></c></row>' for r in range(1, 601))
    parts = {**mini_parts(), SHEET: f"<worksheet {NS}><sheetData>{cells}</sheetData></worksheet>".encode()}
    found = safety.inspect(write(tmp_path, raw_zip([entry(n, d) for n, d in parts.items()]))).sheets["Pupils"]
    assert len(found.errors) == len(found.patches) == 600
    assert not [k for k in VERDICTS.items if k[0] == "sheet"]
    assert [k for k in VERDICTS.items if k[0] == "tree"]  # the small parts are


def test_remembered_can_be_shared_between_threads():
    from concurrent.futures import ThreadPoolExecutor

    seen = Remembered(8)

    def churn(start: int) -> int:
        hits = 0
        for i in range(start, start + 20_000):
            seen.remember(i % 13, i)
            hits += seen.recall((i + 5) % 13) is not None
        return hits

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads change hands between any two steps
    try:
        with ThreadPoolExecutor(8) as pool:
            assert all(n > 0 for n in pool.map(churn, range(0, 160_000, 20_000)))
    finally:
        sys.setswitchinterval(interval)
    assert len(seen.items) == 8
