"""Hostile and broken files: every one gets a clear, named verdict, quickly, and no input changes.

The corpus is generated here, in tmp_path (no binaries are committed): zip bombs, truncated
and corrupted zips, entity-expansion and external-entity XML, a password-protected workbook,
an old .xls, CSV/ODS/PDF/PNG sent instead of a workbook, a stray value at XFD1048576, an
over-long cell, odd Unicode, changed macros. Each is asserted to come back `unreadable`
(or `rejected` / with a query, where the file is readable) with the reason a clerk sees.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import struct
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from ap_sheets import batch, safety
from ap_sheets.findings import UNREADABLE
from ap_sheets.read import UnreadableWorkbook, read_workbook
from ap_sheets.rules.structure_rules import R060, macro_problem
from ap_sheets.safety import LIMITS
from ap_sheets.validate import validate_file
from conftest import UPN1, provider_return, pupil

MB = 1_000_000
SECONDS = 10.0  # a bomb that got through would take minutes or hours; this is a guard, not a benchmark


# ======================================================================================
# Building blocks: raw zips, minimal workbooks, OLE compound files
# ======================================================================================
def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def raw_zip(entries: list[dict]) -> bytes:
    """A zip written by hand, so that sizes in its directory can say anything.

    Each entry: name, data (the stored/compressed bytes), method (0 stored, 8 deflated),
    crc, size (declared uncompressed size)."""
    out = io.BytesIO()
    central = []
    for e in entries:
        name = e["name"].encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, 0, e["method"], 0, 0, e["crc"], len(e["data"]), e["size"], len(name), 0
            )
            + name
            + e["data"]
        )
        central.append(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                e["method"],
                0,
                0,
                e["crc"],
                len(e["data"]),
                e["size"],
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for c in central:
        out.write(c)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def entry(name: str, data: bytes, size: int | None = None, crc: int | None = None) -> dict:
    return {
        "name": name,
        "data": deflate(data),
        "method": 8,
        "crc": zlib.crc32(data) if crc is None else crc,
        "size": len(data) if size is None else size,
    }


def deflated_zeros(mb: int) -> tuple[bytes, int]:
    """(raw deflate stream, crc) of `mb` MB of zeros, built in milliseconds.

    After a full flush the compressor starts afresh, so each megabyte compresses to the
    same bytes: compress one, repeat it."""
    block = b"\x00" * MB
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    second = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    assert first == second
    crc = 0
    for _ in range(mb):
        crc = zlib.crc32(block, crc)
    return first * mb + c.flush(), crc


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def mini_parts(sheet_xml: str | None = None) -> dict[str, bytes]:
    """The parts of the smallest workbook calamine reads: one sheet, 'Pupils'."""
    sheet_xml = sheet_xml or (
        f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>UPN</t>'
        "</is></c></row></sheetData></worksheet>"
    )
    return {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            b'"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            b'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships {REL_NS}><Relationship Id="rId1" '
            f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="{OFFICE}"><sheets>'
            '<sheet name="Pupils" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships {REL_NS}><Relationship Id="rId1" '
            f'Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ).encode(),
        "xl/worksheets/sheet1.xml": ('<?xml version="1.0" encoding="UTF-8"?>' + sheet_xml).encode(),
    }


def zip_of(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


def replace_parts(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """A copy of a zip with some parts replaced (None: removed) or added."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename in changes:
                if changes[info.filename] is not None:
                    out.writestr(info, changes[info.filename])
            else:
                out.writestr(info, src.read(info.filename))
        for name, value in changes.items():
            if name not in src.namelist() and value is not None:
                out.writestr(name, value)
    return buf.getvalue()


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (CFB v3, 512-byte sectors) holding up to 3 streams.

    Every stream is padded to at least 4096 bytes, so none lives in the mini stream."""
    assert len(streams) <= 3
    free, end, fat_sect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    datas = [(name, data.ljust(4096, b"\x00")) for name, data in streams.items()]
    fat = [fat_sect, end]  # sector 0: the FAT; sector 1: the directory
    starts, body = [], b""
    for _, data in datas:
        n = -(-len(data) // 512)
        first = len(fat)
        starts.append(first)
        fat += [first + i + 1 for i in range(n - 1)] + [end]
        body += data.ljust(n * 512, b"\x00")
    assert len(fat) <= 128
    fat_sector = struct.pack("<128L", *(fat + [free] * (128 - len(fat))))

    def dirent(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB3L", len(encoded), kind, 1, free, right, child)
            + b"\x00" * 16
            + struct.pack("<L", 0)
            + b"\x00" * 16
            + struct.pack("<LLL", start, size, 0)
        )

    entries = [dirent("Root Entry", 5, 1, free, end, 0)]
    for i, ((name, data), start) in enumerate(zip(datas, starts), start=1):
        entries.append(dirent(name, 2, free, i + 1 if i < len(datas) else free, start, len(data)))
    while len(entries) < 4:
        entries.append(b"\x00" * 64 + struct.pack("<HBB3L", 0, 0, 0, free, free, free) + b"\x00" * 48)
    header = (
        safety.OLE_MAGIC
        + b"\x00" * 16
        + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<9L", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109L", 0, *([free] * 108))
    )
    return header + fat_sector + b"".join(entries) + body


# ======================================================================================
# The corpus
# ======================================================================================
@pytest.fixture(scope="module")
def clean_return(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("clean") / "clean.xlsm"
    return provider_return().save(path).read_bytes()


def _with_cell(ref: str, value: str = "stray") -> bytes:
    f = provider_return()
    f.book["Pupils"][ref] = value
    buf = io.BytesIO()
    f.book.save(buf)
    return buf.getvalue()


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;'
    '&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'
    '&lol1;">]>'
)
XXE = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _laughs_sheet() -> bytes:
    return (
        LAUGHS + f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is>'
        "</c></row></sheetData></worksheet>"
    ).encode()


def _pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + b"\x00" * 17 + b"IEND"


CSV = b"UPN,Surname,Forename,Date of birth\r\nB801200005001,Okafor,Daniel,04/03/2011\r\n"


def _ods() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
        )
        z.writestr("META-INF/manifest.xml", "<manifest/>")
    return buf.getvalue()


def _encrypted(clean: bytes) -> bytes:
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(clean)).encrypt("Secret-123", out)
    return out.getvalue()


def _bad_crc(clean: bytes) -> bytes:
    """The biggest sheet's compressed bytes with one byte changed in the middle."""
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        info = max(
            (i for i in z.infolist() if i.filename.startswith("xl/worksheets/sheet")), key=lambda i: i.compress_size
        )
    data = bytearray(clean)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    pos = info.header_offset + 30 + name_len + extra_len + info.compress_size // 2
    data[pos] ^= 0x55
    return bytes(data)


def _many_parts() -> bytes:
    parts = mini_parts()
    parts.update({f"xl/media/pad{i}.txt": b"x" for i in range(LIMITS.parts + 1)})
    return zip_of(parts)


def _declared_bomb() -> bytes:
    """A sheet whose directory entry says it inflates to 500 MB (honestly: it is 500 MB of zeros)."""
    data, crc = deflated_zeros(500)
    parts = mini_parts()
    entries = [entry(n, d) for n, d in parts.items() if n != "xl/worksheets/sheet1.xml"]
    entries.append({"name": "xl/worksheets/sheet1.xml", "data": data, "method": 8, "crc": crc, "size": 500 * MB})
    return raw_zip(entries)


def _ratio_bomb() -> bytes:
    """Under the per-part size limit, but compressed ~1000 times over: no workbook looks like that."""
    data, crc = deflated_zeros(30)
    parts = mini_parts()
    entries = [entry(n, d) for n, d in parts.items()]
    entries.append({"name": "xl/media/image1.png", "data": data, "method": 8, "crc": crc, "size": 30 * MB})
    return raw_zip(entries)


def _total_bomb() -> bytes:
    """Several parts that each look reasonable, adding up to more than the total limit."""
    entries = [entry(n, d) for n, d in mini_parts().items()]
    for i in range(4):  # the directory alone must refuse this: the data never gets inflated
        entries.append(
            {"name": f"xl/media/image{i}.png", "data": b"\x03\x00" * (MB // 2), "method": 8, "crc": 0, "size": 30 * MB}
        )
    return raw_zip(entries)


def _liar() -> bytes:
    """A sheet whose directory says 200 bytes but whose data inflates to megabytes."""
    sheet = (f"<worksheet {NS}><sheetData>" + "<row/>" * 500_000 + "</sheetData></worksheet>").encode()
    entries = [entry(n, d) for n, d in mini_parts().items() if n != "xl/worksheets/sheet1.xml"]
    entries.append(entry("xl/worksheets/sheet1.xml", sheet, size=200))
    return raw_zip(entries)


def _liar_with_honest_prefix() -> bytes:
    """Sneakier: the directory's size and CRC are those of a whole, valid sheet, but the data
    goes on inflating after it (100 MB of spaces). Python's zipfile stops at the declared
    size and finds the CRC right; the reader must still never inflate the rest."""
    sheet = mini_parts()["xl/worksheets/sheet1.xml"]
    entries = [entry(n, d) for n, d in mini_parts().items() if n != "xl/worksheets/sheet1.xml"]
    entries.append(
        {**entry("xl/worksheets/sheet1.xml", sheet + b" " * (100 * MB)), "size": len(sheet), "crc": zlib.crc32(sheet)}
    )
    return raw_zip(entries)


def _dtd_in(part: str, prologue: str = XXE) -> bytes:
    parts = mini_parts()
    body = parts[part].decode()
    body = body.split("?>", 1)[1] if body.startswith("<?xml") else body
    parts[part] = (prologue + body).encode()
    return zip_of(parts)


def _dtd_utf16() -> bytes:
    parts = mini_parts()
    parts["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0" encoding="UTF-16"?>' + XXE.split("?>", 1)[1] + f"<worksheet {NS}><sheetData/></worksheet>"
    ).encode("utf-16")
    return zip_of(parts)


def _dtd_docprops() -> bytes:
    parts = mini_parts()
    parts["docProps/core.xml"] = (LAUGHS + "<cp:coreProperties xmlns:cp='x'>&lol2;</cp:coreProperties>").encode()
    return zip_of(parts)


def _with_prologue(data: bytes, part: str, prologue: str) -> bytes:
    body = zipfile.ZipFile(io.BytesIO(data)).read(part)
    body = body.split(b"?>", 1)[1] if body.startswith(b"<?xml") else body
    return replace_parts(data, {part: prologue.encode() + body})


def _xlsb() -> bytes:
    parts = mini_parts()
    parts["xl/workbook.bin"] = b"\x83\x01\x00"
    del parts["xl/workbook.xml"]
    return zip_of(parts)


def _docx() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document xmlns:w='w'/>"})


FAR_SHEET = (
    f'<worksheet {NS}><sheetData><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
    "</c></row></sheetData></worksheet>"
).encode()


def _two_sheets_same_name() -> bytes:
    """A second 'Pupils' pointing at a sheet with a value at XFD1048576: which would a reader take?
    (Names that differ only in spaces or case are R004: tests/test_client_files.py.)"""
    parts = mini_parts()
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", b'<sheet name="Pupils" sheetId="2" r:id="rId2"/></sheets>'
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rId2" Type="{OFFICE}/worksheet" Target="worksheets/sheet2.xml"/></Relationships>'.encode(),
    )
    parts["xl/worksheets/sheet2.xml"] = FAR_SHEET
    return zip_of(parts)


def _ambiguous_target() -> bytes:
    """The sheet's target resolves to a checked part one way and an unchecked one another way."""
    parts = mini_parts()
    parts["worksheets/sheet1.xml"] = FAR_SHEET
    return zip_of(parts)


def _workbook_elsewhere() -> bytes:
    parts = mini_parts()
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"xl/workbook.xml", b"wb/workbook.xml")
    parts["wb/workbook.xml"] = parts["xl/workbook.xml"]
    return zip_of(parts)


def _zip_of_return(clean: bytes) -> bytes:
    return zip_of({"Bright Futures return.xlsm": clean})


# name -> (file name, builder(clean bytes) -> bytes, expected status, code, words the reason must contain)
CORPUS = {
    "zero-byte": ("empty.xlsm", lambda c: b"", "empty", "empty (0 bytes)"),
    "pdf-renamed": ("return.xlsm", lambda c: _pdf(), "pdf", "PDF document"),
    "png-renamed": ("return.xlsx", lambda c: _png(), "image", "picture (a PNG image)"),
    "text-renamed": (
        "return.xlsx",
        lambda c: b"Dear council,\r\nPlease find our return attached.\r\n",
        "text",
        "plain text file",
    ),
    "csv": ("return.csv", lambda c: CSV, "csv", "CSV file"),
    "csv-renamed": ("return.xlsx", lambda c: CSV, "csv", "CSV file"),
    "ods": ("return.ods", lambda c: _ods(), "ods", "OpenDocument spreadsheet"),
    "ods-renamed": ("return.xlsx", lambda c: _ods(), "ods", "OpenDocument spreadsheet"),
    "truncated-half": ("cut.xlsm", lambda c: c[: len(c) // 2], "damaged", "damaged or incomplete"),
    "truncated-end": ("cut.xlsm", lambda c: c[:-30], "damaged", "damaged or incomplete"),
    "bad-crc": ("crc.xlsm", _bad_crc, "damaged", "damaged or incomplete"),
    "encrypted-msoffcrypto": ("locked.xlsm", _encrypted, "encrypted", "password-protected"),
    "encrypted-ole": (
        "locked.xlsx",
        lambda c: ole_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x00" * 64}),
        "encrypted",
        "Remove the password",
    ),
    "xls": (
        "return.xls",
        lambda c: ole_file({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00"}),
        "xls",
        "Excel 97-2003",
    ),
    "xls-renamed": (
        "return.xlsm",
        lambda c: ole_file({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00"}),
        "xls",
        "Save As > Excel Macro-Enabled Workbook",
    ),
    "word-ole": ("return.xls", lambda c: ole_file({"WordDocument": b"\xec\xa5"}), "word", "Word document"),
    "docx-renamed": ("return.xlsx", lambda c: _docx(), "word", "Word document"),
    "html-as-xls": (
        "return.xls",
        lambda c: b"<html><body><table><tr><td>UPN</td></tr></table></body></html>",
        "html",
        "web page",
    ),
    "xlsb": ("return.xlsb", lambda c: _xlsb(), "xlsb", "Excel Binary Workbook"),
    "zip-of-return": ("return.xlsm", _zip_of_return, "zip", "zip archive"),
    "two-sheets-same-name": ("twins.xlsx", lambda c: _two_sheets_same_name(), "damaged", "two sheets called"),
    "ambiguous-sheet-target": ("twins.xlsx", lambda c: _ambiguous_target(), "damaged", "more than one part"),
    "workbook-elsewhere": ("moved.xlsx", lambda c: _workbook_elsewhere(), "damaged", "not where Excel puts it"),
    "many-parts": ("parts.xlsx", lambda c: _many_parts(), "oversized", "parts; a workbook has a few dozen"),
    "bomb-500mb": ("bomb.xlsx", lambda c: _declared_bomb(), "oversized", "would expand to 500.0 MB"),
    "bomb-ratio": ("bomb.xlsx", lambda c: _ratio_bomb(), "oversized", "compressed"),
    "bomb-total": ("bomb.xlsx", lambda c: _total_bomb(), "oversized", "more than 100.0 MB"),
    "lying-size": ("liar.xlsx", lambda c: _liar(), "damaged", "sheet1.xml"),
    "lying-size-honest-prefix": (
        "liar.xlsx",
        lambda c: _liar_with_honest_prefix(),
        "damaged",
        "a sheet cannot be read",
    ),
    "billion-laughs-sheet": (
        "laughs.xlsx",
        lambda c: zip_of({**mini_parts(), "xl/worksheets/sheet1.xml": _laughs_sheet()}),
        "dtd",
        "document type declaration",
    ),
    "billion-laughs-workbook": ("laughs.xlsx", lambda c: _dtd_in("xl/workbook.xml", LAUGHS), "dtd", "xl/workbook.xml"),
    "xxe-content-types": ("xxe.xlsx", lambda c: _dtd_in("[Content_Types].xml"), "dtd", "[Content_Types].xml"),
    "xxe-rels": ("xxe.xlsx", lambda c: _dtd_in("_rels/.rels"), "dtd", "_rels/.rels"),
    "xxe-sheet": ("xxe.xlsx", lambda c: _dtd_in("xl/worksheets/sheet1.xml"), "dtd", "sheet1.xml"),
    "xxe-utf16": ("xxe.xlsx", lambda c: _dtd_utf16(), "dtd", "sheet1.xml"),
    "dtd-docprops": ("laughs.xlsx", lambda c: _dtd_docprops(), "dtd", "docProps/core.xml"),
    "dtd-in-real-return": ("laughs.xlsm", lambda c: _with_prologue(c, "xl/styles.xml", LAUGHS), "dtd", "xl/styles.xml"),
    "value-at-XFD1048576": ("far.xlsm", lambda c: _with_cell("XFD1048576"), "far-data", "cell XFD1048576"),
    "value-at-XFD200": ("far.xlsm", lambda c: _with_cell("XFD200"), "far-data", "Name Box"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, clean_return) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    files = {}
    for case, (name, build, *_rest) in CORPUS.items():
        folder = root / case
        folder.mkdir()
        try:
            (folder / name).write_bytes(build(clean_return))
        except pytest.skip.Exception:
            continue
        files[case] = folder / name
    return files


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_hostile_file_gets_a_named_verdict_quickly(case, corpus):
    if case not in corpus:
        pytest.skip("builder needs an optional package")
    _, _, code, words = CORPUS[case]
    started = time.perf_counter()
    report = validate_file(corpus[case])
    seconds = time.perf_counter() - started
    assert report.status == UNREADABLE, report
    assert words in report.reason, report.reason
    assert seconds < SECONDS, f"{case} took {seconds:.2f}s"
    with pytest.raises(UnreadableWorkbook) as info:
        read_workbook(corpus[case])
    assert info.value.code == code
    assert info.value.reason == report.reason


def test_every_reason_says_what_to_do():
    """A verdict a clerk can act on: each reason ends with what to do (or where to look)."""
    doing = (
        "send",
        "Send",
        "save",
        "Save",
        "Check",
        "check",
        "contact",
        "Copy",
        "Close",
        "Take",
        "copy",
        "Remove",
        "give",
        "not read",
    )
    for code, text in safety.REASONS.items():
        assert any(w in text for w in doing), code


def test_zero_byte_folder_fifo_and_missing(tmp_path):
    folder = tmp_path / "return.xlsx"
    folder.mkdir()
    report = validate_file(folder)
    assert report.status == UNREADABLE and "folder, not a file" in report.reason
    report = validate_file(tmp_path / "nowhere.xlsm")
    assert report.status == UNREADABLE and "could not be found" in report.reason
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.xlsm"
        os.mkfifo(fifo)
        started = time.perf_counter()
        report = validate_file(fifo)  # must not block waiting for a writer
        assert report.status == UNREADABLE and "not an ordinary file" in report.reason
        assert time.perf_counter() - started < SECONDS


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "huge.xlsm"
    with open(big, "wb") as f:
        f.truncate(LIMITS.file_bytes + 1)  # sparse: costs nothing
    report = validate_file(big)
    assert report.status == UNREADABLE
    assert "larger than the 20.0 MB ap-sheets accepts" in report.reason


def test_zip_bomb_is_refused_from_its_directory_not_inflated(tmp_path, monkeypatch):
    """The 500 MB bomb is refused before a single byte of it is inflated."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_declared_bomb())
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(name) or real_open(self, name, *a, **k)
    )
    with pytest.raises(safety.Refused) as info:
        safety.inspect(path)
    assert info.value.code == "oversized"
    assert opened == []


# ======================================================================================
# Readable files with something odd: read, checked, and the oddity reported
# ======================================================================================
def test_data_beyond_the_read_area_is_reported_not_dropped(tmp_path, monkeypatch):
    path = tmp_path / "stray.xlsm"
    path.write_bytes(_with_cell(f"A{LIMITS.rows + 500}", "Okafor"))
    raw = read_workbook(path)
    assert len(raw.sheets["Pupils"].rows) <= LIMITS.rows
    [outside] = raw.outside  # the reader states the fact; rule R004 words it
    assert (outside.sheet, outside.cells, outside.first) == ("Pupils", ("A5500",), (5500, 1))
    report = validate_file(path)
    assert report.status == "rejected"
    [finding] = report.issues
    assert (finding.code, finding.sheet, finding.cell, finding.row) == ("R004", "Pupils", "A5500", 5500)
    assert "outside the area ap-sheets reads (rows 1 to 5,000" in finding.message


def test_a_logo_svg_with_a_doctype_is_not_a_reason_to_refuse(clean_return, tmp_path):
    """Pictures are never parsed; only the workbook's XML parts must be free of DTDs."""
    svg = (
        b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>'
    )
    path = tmp_path / "logo.xlsm"
    path.write_bytes(replace_parts(clean_return, {"xl/media/image1.svg": svg}))
    assert validate_file(path).status == "accepted"


def test_the_last_row_and_column_of_the_read_area_are_read(tmp_path):
    f = provider_return()
    f.book["Pupils"][f"B{LIMITS.rows}"] = "last row"
    f.book["Pupils"]["CB3"] = "last column"
    raw = read_workbook(f.save(tmp_path / "edge.xlsm"))
    rows = raw.sheets["Pupils"].rows
    assert len(rows) == LIMITS.rows and rows[-1][1] == "last row" and rows[2][LIMITS.columns - 1] == "last column"
    assert raw.outside == [] and raw.cut == []


def test_a_value_right_of_the_read_area_is_reported(tmp_path):
    path = tmp_path / "wide.xlsm"
    path.write_bytes(_with_cell("DA2", "note"))
    raw = read_workbook(path)
    assert all(len(r) <= LIMITS.columns for r in raw.sheets["Pupils"].rows)
    assert [(o.sheet, o.cells) for o in raw.outside] == [("Pupils", ("DA2",))]
    assert [(f.code, f.cell) for f in validate_file(path).issues] == [("R004", "DA2")]


def test_formatting_or_formulas_far_down_are_not_data(tmp_path):
    """Only typed values count as data outside the area; an empty or formula cell does not."""
    f = provider_return()
    ws = f.book["Pupils"]
    ws["B9000"].number_format = "0.00"
    ws["C9000"] = "=1+1"
    path = f.save(tmp_path / "formatted.xlsm")
    raw = read_workbook(path)
    assert raw.outside == [] and raw.cut == []


def test_a_very_long_text_is_cut_with_a_finding(tmp_path, monkeypatch):
    f = provider_return()
    row = f.add_row("Pupils", pupil(upn="B801200005001", barriers="__LONG__"))
    path = f.save(tmp_path / "long.xlsm")
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # wherever the writer put the text
        changes = {
            n: z.read(n).replace(b"__LONG__", b"w" * 100_000)
            for n in z.namelist()
            if n.endswith(".xml") and b"__LONG__" in z.read(n)
        }
    assert changes
    path.write_bytes(replace_parts(data, changes))
    started = time.perf_counter()
    raw = read_workbook(path)
    assert time.perf_counter() - started < SECONDS
    [cut] = raw.cut
    assert (cut.sheet, cut.row, cut.length) == ("Pupils", row, 100_000)
    assert max(len(v) for r in raw.sheets["Pupils"].rows for v in r if isinstance(v, str)) == LIMITS.cell_text
    report = validate_file(path)
    assert report.status == "rejected" and "R001" in {i.code for i in report.issues}
    [finding] = [i for i in report.issues if i.code == "R001" and "characters" in i.message]
    assert finding.code == "R001" and finding.row == row and finding.sheet == "Pupils"
    assert "100,000 characters" in finding.message


def test_odd_unicode_is_read_as_what_it_means(tmp_path):
    """Zero-width space and NBSP inside a UPN, emoji and accents in names, a bidi override."""
    f = provider_return()
    f.set_cell("Pupils", 2, "upn", "B8012\u200b0000\u00a05001")
    f.set_cell("Pupils", 2, "surname", "O\u0301kafor \U0001f600")
    f.set_cell("Pupils", 2, "forename", "\u202eDaniel\u202c")
    f.set_cell("Pupils", 2, "postcode", "ub8\u00a01uw\u200b")
    f.set_cell("Pupils", 2, "sex", "\uff2d")  # full-width M
    report = validate_file(f.save(tmp_path / "unicode.xlsm"))
    assert report.status == "accepted", [(i.code, i.cell, i.message) for i in report.issues]
    assert report.issues == []


def test_upn_with_zero_width_space_matches_the_same_upn_elsewhere(tmp_path):
    """The notification's UPN (with a zero-width space) must match the pupil's (without): no R041."""
    f = provider_return()
    f.add_row(
        "Notifications",
        {"upn": UPN1[:5] + "\u200b" + UPN1[5:], "event_type": "Non-attendance", "event_date": pupil()["start_date"]},
    )
    report = validate_file(f.save(tmp_path / "zw.xlsm"))
    assert "R041" not in {i.code for i in report.issues}
    assert "R010" not in {i.code for i in report.issues}


# ======================================================================================
# Macros (R060)
# ======================================================================================
def literal_container(code: bytes, length: int) -> bytes:
    """An MS-OVBA compressed container of exactly `length` bytes holding `code` (as literals),
    padded with empty chunks. Trailing newlines are added to `code` until the sizes work."""
    while True:
        body = b"".join(b"\x00" + code[i : i + 8] for i in range(0, len(code), 8))
        chunk = struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
        pad = length - 1 - len(chunk)
        assert pad >= 0, "the module's source is too small to replace"
        if pad % 3 == 0:
            return b"\x01" + chunk + b"\x00\xb0\x00" * (pad // 3)
        code += b"\n"


PAYLOAD = 'Sub Payload()\r\n    Shell "calc.exe"\r\nEnd Sub\r\n'


def tampered_vba(vba: bytes, tmp_path: Path, code: str = PAYLOAD) -> bytes:
    """The same VBA project with its biggest module's source replaced (same stream size)."""
    import olefile

    path = tmp_path / "vbaProject.bin"
    path.write_bytes(vba)
    ole = olefile.OleFileIO(str(path), write_mode=True)
    try:
        _, modules = safety.read_vba_dir(ole)
        module = max(modules, key=lambda m: ole.get_size("/".join(m.stream)) - m.offset)
        stream = ole.openstream(module.stream).read()
        source = f'Attribute VB_Name = "{module.name}"\r\n{code}'.encode()
        container = literal_container(source, len(stream) - module.offset)
        ole.write_stream(module.stream, stream[: module.offset] + container)
    finally:
        ole.close()
    return path.read_bytes()


def test_template_macros_match_the_packaged_vba_project():
    """The committed templates carry the asset's macros, so a clean return is never flagged R060."""
    root = Path(__file__).resolve().parents[1] / "workbook_templates"
    asset = safety.template_vba_digest()
    assert asset and asset.startswith("sha256:")
    for book in sorted(root.glob("*.xlsm")):
        assert read_workbook(book).vba_digest == asset, book.name


def test_our_vba_reader_agrees_with_olevba():
    olevba = pytest.importorskip("oletools.olevba")
    data = safety.TEMPLATE_VBA.read_bytes()
    ours = safety.vba_modules(data)
    parser = olevba.VBA_Parser("vbaProject.bin", data=data)
    theirs = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    assert sorted(ours) == sorted(theirs)
    for name in ours:
        assert safety.normalise_vba(ours[name]) == safety.normalise_vba(theirs[name]), name


def test_clean_return_has_no_macro_finding(clean_return, tmp_path):
    path = tmp_path / "clean.xlsm"
    path.write_bytes(clean_return)
    raw = read_workbook(path)
    assert raw.vba_digest == safety.template_vba_digest()
    assert macro_problem(raw.vba_digest) is None


def test_changed_macros_are_a_query_r060(clean_return, tmp_path, monkeypatch):
    with zipfile.ZipFile(io.BytesIO(clean_return)) as z:
        vba = z.read("xl/vbaProject.bin")
    changed = tampered_vba(vba, tmp_path)
    assert len(changed) == len(vba) and changed != vba
    olevba = pytest.importorskip("oletools.olevba")  # the tampered project reads as the new code to olevba too
    parser = olevba.VBA_Parser("vbaProject.bin", data=changed)
    assert any("calc.exe" in code for *_, code in parser.extract_macros())
    parser.close()
    path = tmp_path / "macros.xlsm"
    path.write_bytes(replace_parts(clean_return, {"xl/vbaProject.bin": changed}))
    raw = read_workbook(path)
    assert raw.vba_digest not in (None, safety.template_vba_digest())
    assert macro_problem(raw.vba_digest) == ("differ", {})
    report = validate_file(path)
    assert report.status == "accepted"  # a query: the data can still be accepted
    [finding] = report.issues
    assert (finding.code, finding.severity) == ("R060", "query")
    assert "macros are not the ones in the council's standard workbook" in finding.message


def test_an_excel4_macro_sheet_is_r060(clean_return, tmp_path):
    path = tmp_path / "xlm.xlsm"
    path.write_bytes(
        replace_parts(clean_return, {"xl/macrosheets/sheet1.xml": f'<xm:macrosheet xmlns:xm="x" {NS}/>'.encode()})
    )
    assert macro_problem(read_workbook(path).vba_digest) == ("differ", {})
    assert [f.code for f in validate_file(path).issues] == ["R060"]


def test_cosmetic_differences_do_not_change_the_digest():
    """Line endings, trailing spaces, Attribute VB_ lines and empty modules don't count."""
    a = 'Attribute VB_Name = "M"\r\nSub A()\r\n  x = 1   \r\n\r\nEnd Sub\r\n'
    b = 'Attribute VB_Name = "Renamed"\nAttribute VB_Base = "0{00020820}"\nSub A()\n  x = 1\nEnd Sub'
    assert safety.normalise_vba(a) == safety.normalise_vba(b)
    assert safety.normalise_vba('Attribute VB_Name = "Sheet9"\r\n') == ""


def test_vba_decompression_bomb_is_refused_by_budget():
    # one literal, then a copy token repeating it 4,095 times: 6 bytes -> 4,096 bytes, per chunk
    chunk = struct.pack("<H", 0xB000 | (6 - 3)) + b"\x02" + b"A" + struct.pack("<H", 4095 - 3)
    assert safety.vba_decompress(b"\x01" + chunk * 3, 1 * MB) == b"A" * 4096 * 3
    olevba = pytest.importorskip("oletools.olevba")
    assert olevba.decompress_stream(b"\x01" + chunk * 3) == b"A" * 4096 * 3
    bomb = b"\x01" + chunk * 3000  # 18 KB that would become 12 MB
    started = time.perf_counter()
    with pytest.raises(safety.VbaError, match="too large"):
        safety.vba_decompress(bomb, LIMITS.vba_source_bytes)
    assert time.perf_counter() - started < SECONDS
    assert safety.vba_digest(b"not an OLE file").startswith("unreadable:")
    key, fields = macro_problem("unreadable:abc")
    assert "could not be inspected" in R060.say(key, **fields)


def test_r060_is_wired_into_validation(clean_return, tmp_path):
    path = tmp_path / "xlm.xlsm"
    path.write_bytes(replace_parts(clean_return, {"xl/macrosheets/sheet1.xml": f"<x {NS}/>".encode()}))
    assert [i.code for i in validate_file(path).issues] == ["R060"]


# ======================================================================================
# Never change an input
# ======================================================================================
def _fingerprint(path: Path) -> tuple:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns


def test_inputs_are_never_changed(corpus, clean_return, tmp_path):
    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "clean.xlsm").write_bytes(clean_return)
    for case, path in corpus.items():
        shutil.copy2(path, folder / f"{case}-{path.name}")
    files = sorted(folder.iterdir())
    before = {p: _fingerprint(p) for p in files}
    os.utime(folder / "clean.xlsm", ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before[folder / "clean.xlsm"] = _fingerprint(folder / "clean.xlsm")
    for p in files:
        validate_file(p)
    assert {p: _fingerprint(p) for p in files} == before
    from click.testing import CliRunner

    from ap_sheets import cli

    result = CliRunner().invoke(cli.main, ["consolidate", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(folder.iterdir()) == files  # nothing written beside the returns
    assert {p: _fingerprint(p) for p in files} == before


def test_a_batch_of_good_and_hostile_files_reports_the_good_and_names_each_bad(corpus, clean_return, tmp_path):
    from ap_sheets.batch import consolidate

    folder = tmp_path / "returns"
    folder.mkdir()
    (folder / "clean.xlsm").write_bytes(clean_return)
    for case, path in corpus.items():
        shutil.copy2(path, folder / f"{case}-{path.name}")
    outcome = consolidate(folder, tmp_path / "out", progress=False)
    summary = outcome.summary
    assert summary["files"] == {"accepted": 1, "rejected": 0, "unreadable": len(corpus)}
    assert (summary["children"], summary["with_ehcp"], summary["looked_after"], summary["providers"]) == (3, 2, 1, 1)
    by_file = {r.file: r for r in outcome.consolidation.results}
    for case, path in corpus.items():
        result = by_file[f"{case}-{path.name}"]
        assert result.status == UNREADABLE and CORPUS[case][3] in result.report.reason, case
    assert all(p.exists() for p in outcome.outputs.values() if isinstance(p, Path))


# ======================================================================================
# Time per file: for the batch's worker processes
# ======================================================================================
needs_fork = pytest.mark.skipif(sys.platform == "win32", reason="POSIX process semantics")


@needs_fork
def test_a_check_that_runs_too_long_becomes_a_timeout_verdict():
    started = time.perf_counter()
    report = batch.run_isolated(time.sleep, 30, file="slow.xlsm", timeout=0.5)
    assert time.perf_counter() - started < SECONDS
    assert report.status == UNREADABLE and "longer than 0.5 seconds" in report.reason


@needs_fork
def test_a_worker_that_dies_becomes_a_crash_verdict():
    report = batch.run_isolated(os._exit, 3, file="crash.xlsm", timeout=10)
    assert report.status == UNREADABLE and "stopped unexpectedly" in report.reason
    assert batch.worker_died("x.xlsm", -9).reason.count("signal 9") == 1
    assert "longer than 60 seconds" in batch.timed_out("x.xlsm").reason


@needs_fork
def test_isolated_check_gives_the_same_report(clean_return, tmp_path):
    path = tmp_path / "clean.xlsm"
    path.write_bytes(clean_return)
    assert batch.check_file_isolated(path).to_json() == validate_file(path).to_json()


def test_limits_are_documented():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "limits-and-safety.md").read_text()
    for name in LIMITS.__dataclass_fields__:
        assert f"`{name}`" in doc, name
