"""Pre-flight inspection of a return before any parser touches it.

Returns arrive by email from small organisations, so ap-sheets treats every file as
possibly broken or hostile. Before calamine (or anything else) parses a file, `inspect`:

- opens it read-only, once, refuses anything that is not an ordinary file, and reads at
  most `LIMITS.file_bytes` into memory (the parsers then read that copy, never the path);
- tells what it really is from its first bytes, whatever its name says: a PDF, a picture,
  CSV or text, an OpenDocument (.ods) file, an old .xls, a password-protected workbook...
  each gets its own plain-English reason, saying what to do;
- for a workbook (a zip), checks the zip directory *before inflating anything*: number of
  parts, each part's declared size, the total, and the compression ratio (zip bombs);
- streams every XML part through a bounded parser (expat), counting the bytes it really
  inflates, refusing any DOCTYPE or ENTITY declaration (entity expansion, external
  entities: a workbook never needs a DTD) and any damage (bad CRC, broken XML);
- for each worksheet, finds the last cell that holds a value, so that a stray value far
  down or right (which would make the reader allocate a dense grid of billions of cells)
  is found from the sheet XML itself, and data outside the area ap-sheets reads is
  reported rather than silently dropped;
- keeps the VBA project (if any) and notes Excel 4.0 macro sheets, for the macro check.

Every limit is in `LIMITS`. Nothing here ever writes to the input, and nothing here runs
anything from a file: ap-sheets only ever reads cell values.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import struct
import time
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from xml.parsers import expat

MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    """Every limit ap-sheets puts on a file, in one place (docs/limits-and-safety.md)."""

    file_bytes: int = 20 * MB  # the file itself (a real return is well under 1 MB)
    parts: int = 1_000  # entries in the workbook's zip
    part_bytes: int = 40 * MB  # one part, uncompressed (declared and actually inflated)
    total_bytes: int = 100 * MB  # all parts together, uncompressed
    compression_ratio: int = 100  # uncompressed / compressed, for parts of ratio_floor or more
    ratio_floor: int = 1 * MB  # smaller parts may compress as well as they like
    rows: int = 5_000  # Excel rows read from each sheet (1..rows)
    columns: int = 80  # Excel columns read from each sheet (A..CB)
    cells: int = 2_000_000  # last used row x last used column of a sheet: above this, not read at all
    cell_text: int = 32_767  # characters in one cell (Excel's own limit); longer is cut, with a finding
    vba_bytes: int = 4 * MB  # the VBA project (vbaProject.bin) inspected for the macro check
    vba_source_bytes: int = 8 * MB  # VBA source code after decompression
    seconds_per_file: float = 60.0  # wall time to check one file (the batch worker's timeout)
    cells_named: int = 5  # how many out-of-area cells a message names


LIMITS = Limits()


class Refused(Exception):
    """The file will not be parsed. `reason` is for a school clerk; `code` for scripts and tests."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason


# ---------------------------------------------------------------------------------------
# Reasons, in plain English, each saying what to do. One place, so wording stays consistent.
# ---------------------------------------------------------------------------------------
SAVE_AS_XLSM = ("Open it in Excel, choose File > Save As > Excel Macro-Enabled Workbook (*.xlsm), "
                "and send the new file.")
SEND_WORKBOOK = "Please send the council's standard Excel workbook (.xlsm) itself."
SAVE_AGAIN = ("Open the workbook in Excel, save it again and send the new copy; if this keeps "
              "happening, contact the council's AP team.")


def _size(n: int) -> str:
    return f"{n / MB:,.1f} MB" if n >= 100_000 else f"{n:,} bytes"


REASONS = {
    "missing": "The file could not be found. Check its name and where it was saved.",
    "folder": "This is a folder, not a file. Check the workbooks inside it one by one, or give the "
              "folder to 'ap-sheets validate', which checks every workbook in it.",
    "not-a-file": "This is not an ordinary file (it may be a device or a pipe), so it was not read.",
    "no-access": "The file could not be opened (it may be open in another program, or you may not "
                 "have permission to read it). Close it elsewhere, or copy it to your own folder, and try again.",
    "empty": "The file is empty (0 bytes), so there is nothing to check. It may not have saved or "
             "attached properly: open the workbook in Excel, save it, and send it again.",
    "too-big": "The file is {size}, larger than the {limit} ap-sheets accepts. A return is normally "
               "well under 1 MB: check that it is the right file, remove any pictures or extra sheets, "
               "and send it again.",
    "encrypted": "This file is password-protected, so it cannot be read. Remove the password (in Excel: "
                 "File > Info > Protect Workbook > Encrypt with Password, delete the password, OK, then "
                 "save) and send it again by the council's secure route.",
    "xls": "This is an old-style Excel 97-2003 workbook (.xls), not the council's standard workbook. "
           + SAVE_AS_XLSM,
    "xlsb": "This workbook is saved as an Excel Binary Workbook (.xlsb), which ap-sheets does not read. "
            + SAVE_AS_XLSM,
    "html": "This is a web page (HTML) with a spreadsheet's name, not a real Excel workbook. " + SAVE_AS_XLSM,
    "xml2003": "This is an old Excel 2003 XML spreadsheet, not the council's standard workbook. " + SAVE_AS_XLSM,
    "ods": "This is an OpenDocument spreadsheet (.ods, from LibreOffice or OpenOffice), not an Excel "
           "workbook. Copy your data into the council's standard workbook (.xlsm) and send that.",
    "csv": "This is a CSV file (comma-separated text), not an Excel workbook: it holds one sheet and "
           "none of the workbook's structure, so it cannot be checked. Fill in the council's standard "
           "workbook (.xlsm) and send that.",
    "text": "This is a plain text file, not an Excel workbook. " + SEND_WORKBOOK,
    "pdf": "This is a PDF document, not an Excel workbook. Please send the council's standard Excel "
           "workbook (.xlsm) itself, not a PDF or printout of it.",
    "image": "This is a picture ({what}), not an Excel workbook. "
             "Please send the council's standard Excel workbook (.xlsm) itself, not a screenshot or photo of it.",
    "word": "This is a Word document, not an Excel workbook. " + SEND_WORKBOOK,
    "powerpoint": "This is a PowerPoint presentation, not an Excel workbook. " + SEND_WORKBOOK,
    "office": "This is a Microsoft Office file of a kind ap-sheets does not read (not an Excel workbook). "
              + SEND_WORKBOOK,
    "archive": "This is a compressed archive ({what}), not an Excel workbook. Take the workbook out of "
               "the archive and send it on its own.",
    "zip": "This is a zip archive, not an Excel workbook. Take the workbook out of the archive and send it on its own.",
    "unknown": "This file is not an Excel workbook (its contents are not in any spreadsheet format "
               "ap-sheets knows). " + SEND_WORKBOOK,
    "damaged": "The file is damaged or incomplete ({detail}); it may have been cut off while being "
               "saved, copied or emailed. Open it in Excel to check it, save it again, and send the new copy.",
    "oversized": "The file is built in a way Excel never saves a return ({detail}), so it was not "
                 "opened, for safety. " + SAVE_AGAIN,
    "dtd": "The file contains XML that Excel never writes (a document type declaration in {part}), "
           "which can be used to attack the computer reading it, so it was not opened. " + SAVE_AGAIN,
    "far-data": "The {sheet} sheet has something in cell {cell}, far outside the table, and ap-sheets "
                "cannot read a sheet that large. If it was typed by mistake, go to that cell (type {cell} "
                "in the Name Box, above column A), press Delete, save, and send the workbook again.",
    "timeout": "Checking this file took longer than {seconds:g} seconds, so it was stopped. The file may be "
               "damaged or unusually large. " + SAVE_AGAIN,
    "crashed": "ap-sheets stopped unexpectedly while reading this file{how}, so it could not be checked. "
               + SAVE_AGAIN,
}


def refuse(code: str, **details) -> Refused:
    return Refused(code, REASONS[code].format(**details))


# ---------------------------------------------------------------------------------------
# Opening: read-only, once, bounded
# ---------------------------------------------------------------------------------------
def load_bytes(path: str | Path, limit: int | None = None) -> bytes:
    """The whole file, read once, read-only. Refuses folders, devices, pipes and huge files.

    Opened without following into a blocking read (O_NONBLOCK: a pipe cannot hang us) and
    checked with fstat on the open descriptor, so what is checked is what is read.
    """
    limit = LIMITS.file_bytes if limit is None else limit
    path = Path(path)
    try:
        if path.is_dir():
            raise refuse("folder")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise refuse("missing") from None
    except IsADirectoryError:
        raise refuse("folder") from None
    except OSError:
        raise refuse("no-access") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise refuse("folder")
        if not stat.S_ISREG(st.st_mode):
            raise refuse("not-a-file")
        if st.st_size == 0:
            raise refuse("empty")
        if st.st_size > limit:
            raise refuse("too-big", size=_size(st.st_size), limit=_size(limit))
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError:
        raise refuse("no-access") from None
    finally:
        os.close(fd)
    if not data:
        raise refuse("empty")
    if len(data) > limit:  # grew while we looked
        raise refuse("too-big", size=f"over {_size(limit)}", limit=_size(limit))
    return data


# ---------------------------------------------------------------------------------------
# What is it really? (by content, never by name)
# ---------------------------------------------------------------------------------------
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_IMAGES = {
    b"\x89PNG\r\n\x1a\n": "a PNG image", b"\xff\xd8\xff": "a JPEG photo", b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image", b"BM": "a bitmap image", b"II*\x00": "a TIFF image", b"MM\x00*": "a TIFF image",
}
_ARCHIVES = {b"Rar!\x1a\x07": "RAR", b"7z\xbc\xaf\x27\x1c": "7-Zip", b"\x1f\x8b": "gzip"}


def sniff(data: bytes) -> str:
    """'zip', 'ole' or a refusal code ('pdf', 'image', 'csv', ...) from the first bytes."""
    head = data[:8]
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    for magic in _IMAGES:
        if head.startswith(magic) and (magic != b"BM" or len(data) > 26):
            return "image"
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    for magic in _ARCHIVES:
        if head.startswith(magic):
            return "archive"
    if head.startswith(b"{\\rtf"):
        return "word"
    return _sniff_text(data[:8192])


def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    for cut in range(4):  # a multi-byte character may be cut at the end of the sample
        try:
            return head[: len(head) - cut].decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
    return head.decode("latin-1")


def _sniff_text(head: bytes) -> str:
    text = _decode_head(head)
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    if not text.strip() or printable < 0.95 * len(text):
        return "unknown"
    start = text.lstrip().lower()[:2000]
    if ("<?mso-application" in start and "excel.sheet" in start) or \
            "urn:schemas-microsoft-com:office:spreadsheet" in start:
        return "xml2003"
    if start.startswith(("<!doctype html", "<html", "<table", "<meta")) or "<html" in start:
        return "html"
    lines = [ln for ln in text.splitlines()[:6] if ln.strip()]
    if any(lines and all(sep in ln for ln in lines) for sep in (",", "\t", ";")):
        return "csv"
    return "text"


# ---------------------------------------------------------------------------------------
# What a workbook holds, as far as the reader needs to know
# ---------------------------------------------------------------------------------------
@dataclass
class SheetExtent:
    """Where a worksheet's values are, from its XML (1-based Excel rows and columns)."""

    name: str
    part: str
    last_row: int = 0  # last row holding any value (0: none)
    last_col: int = 0  # last column holding any value
    outside: list[str] = field(default_factory=list)  # first few typed values outside the read area (A1)
    outside_count: int = 0
    first_outside: tuple[int, int] | None = None  # (row, col) of the first of them
    far: str | None = None  # the cell furthest out (A1), for messages

    @property
    def area(self) -> int:
        """Cells the reader would hold for this sheet: a dense grid from A1 to the last value."""
        return self.last_row * self.last_col


@dataclass
class Inspection:
    """A file that passed pre-flight: its bytes (read once) and what is known about it."""

    data: bytes
    sheets: dict[str, SheetExtent]  # sheet name as in the workbook -> extent
    vba: bytes | None = None  # xl/vbaProject.bin, if any (None when over LIMITS.vba_bytes: see vba_oversized)
    vba_oversized: bool = False
    macro_sheets: dict[str, bytes] = field(default_factory=dict)  # Excel 4.0 macro sheet parts
    seconds: float = 0.0


class Deadline:
    """Wall-clock budget for one file, checked as work goes on."""

    def __init__(self, seconds: float | None = None):
        self.seconds = LIMITS.seconds_per_file if seconds is None else seconds
        self.end = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise refuse("timeout", seconds=self.seconds)


def inspect(path: str | Path, limits: Limits | None = None, deadline: Deadline | None = None) -> Inspection:
    """Pre-flight a return. Raises `Refused` (with a clerk's reason) or returns what was found."""
    limits = limits or LIMITS
    started = time.monotonic()
    deadline = deadline or Deadline(limits.seconds_per_file)
    data = load_bytes(path, limits.file_bytes)
    kind = sniff(data)
    if kind == "ole":
        raise _ole_refusal(data)
    if kind == "image":
        what = next((w for m, w in _IMAGES.items() if data.startswith(m)), "an image")
        raise refuse("image", what=what if data[:4] != b"RIFF" else "a WebP image")
    if kind == "archive":
        raise refuse("archive", what=next((w for m, w in _ARCHIVES.items() if data.startswith(m)), "archive"))
    if kind != "zip":
        raise refuse(kind)
    result = _inspect_zip(data, limits, deadline)
    result.seconds = time.monotonic() - started
    return result


def _ole_refusal(data: bytes) -> Refused:
    """An OLE compound file: a password-protected workbook, an old .xls, or another Office file."""
    try:
        import olefile
    except ImportError:  # without olefile: the stream names, as stored (UTF-16), are enough to tell
        names = {n.casefold() for n in ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book",
                                        "WordDocument", "PowerPoint Document")
                 if (n + "\x00").encode("utf-16-le") in data}
    else:
        try:
            ole = olefile.OleFileIO(io.BytesIO(data))
            try:
                names = {"/".join(p).casefold() for p in ole.listdir(streams=True, storages=True)}
            finally:
                ole.close()
        except Exception as exc:  # olefile raises several types for a broken file
            return refuse("damaged", detail=f"its Office file structure is broken: {type(exc).__name__}")
    if {"encryptioninfo", "encryptedpackage"} & names:
        return refuse("encrypted")
    if {"workbook", "book"} & names:
        return refuse("xls")
    if "worddocument" in names:
        return refuse("word")
    if "powerpoint document" in names:
        return refuse("powerpoint")
    return refuse("office")


# ---------------------------------------------------------------------------------------
# Zip: directory first, then a bounded stream through each XML part
# ---------------------------------------------------------------------------------------
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK_PART = "xl/workbook.xml"
_OFFICE_DOC = "/officeDocument"


def _inspect_zip(data: bytes, limits: Limits, deadline: Deadline) -> Inspection:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise refuse("damaged", detail="its end is missing") from None
    except Exception as exc:  # LargeZipFile, ValueError, struct errors on crafted headers
        raise refuse("damaged", detail=f"its zip directory cannot be read: {type(exc).__name__}") from None
    with zf:
        infos = zf.infolist()
        _check_directory(infos, limits)
        names = {i.filename for i in infos}
        folded = {n.casefold(): n for n in names}
        if "mimetype" in names:
            try:
                with zf.open("mimetype") as f:
                    mime = f.read(200)
            except Exception:
                mime = b""
            if b"opendocument" in mime:
                raise refuse("ods")
        if "word/document.xml" in folded:
            raise refuse("word")
        if "ppt/presentation.xml" in folded:
            raise refuse("powerpoint")
        if "xl/workbook.bin" in folded:
            raise refuse("xlsb")
        workbook_part = _workbook_part(zf, names, limits)
        if workbook_part is None:
            raise refuse("zip")
        if workbook_part != WORKBOOK_PART:  # the reader looks only there: never let the two disagree
            raise refuse("damaged", detail=f"its workbook part is {workbook_part}, not where Excel puts it")
        sheet_parts = _sheet_parts(zf, workbook_part, names, limits)
        extents = {part: SheetExtent(name, part) for name, part in sheet_parts.items()}
        total = 0
        for info in infos:
            deadline.check()
            if info.is_dir():
                continue
            total += _scan_part(zf, info, extents.get(info.filename), limits, deadline)
            if total > limits.total_bytes:
                raise refuse("oversized", detail=f"its parts expand to more than {_size(limits.total_bytes)}")
        result = Inspection(data=data, sheets={e.name: e for e in extents.values()})
        for info in infos:
            low = info.filename.casefold()
            if PurePosixPath(low).name == "vbaproject.bin":
                if info.file_size > limits.vba_bytes:
                    result.vba_oversized = True
                elif result.vba is None:
                    result.vba = _read_small(zf, info.filename, limits.vba_bytes)
                else:  # a second VBA project: never in a template, so it counts as different macros
                    result.macro_sheets[info.filename] = _read_small(zf, info.filename, limits.vba_bytes)
            elif low.startswith("xl/macrosheets/") and not info.is_dir():
                result.macro_sheets[info.filename] = _read_small(zf, info.filename, limits.part_bytes)
        return result


def _check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Zip-bomb and sanity checks on the central directory, before inflating a byte."""
    if len(infos) > limits.parts:
        raise refuse("oversized", detail=f"it has {len(infos):,} parts; a workbook has a few dozen")
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if name.casefold() in seen:
            raise refuse("damaged", detail=f"the part {name} appears twice")
        seen.add(name.casefold())
        if info.flag_bits & 0x1:
            raise refuse("encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise refuse("damaged", detail=f"the part {name} uses a kind of compression Excel does not use")
        if info.file_size > limits.part_bytes:
            raise refuse("oversized", detail=f"one part, {name}, would expand to {_size(info.file_size)}")
        total += info.file_size
        if total > limits.total_bytes:
            raise refuse("oversized", detail=f"its parts would expand to more than {_size(limits.total_bytes)}")
        if info.file_size >= limits.ratio_floor:
            ratio = info.file_size / max(1, info.compress_size)
            if ratio > limits.compression_ratio:
                raise refuse("oversized", detail=f"the part {name} is compressed {ratio:,.0f} times over")


def _read_small(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A whole part, refusing to inflate more than `limit` bytes (whatever the directory says)."""
    try:
        with zf.open(name) as f:
            data = f.read(limit + 1)
    except (zipfile.BadZipFile, zlib_error(), EOFError, OSError, ValueError, NotImplementedError):
        raise refuse("damaged", detail=f"the part {name} is corrupted") from None
    if len(data) > limit:
        raise refuse("oversized", detail=f"the part {name} expands to more than {_size(limit)}")
    return data


def zlib_error():
    import zlib

    return zlib.error


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 80 else text[:77] + "..."


def _parse_small_xml(zf: zipfile.ZipFile, name: str, limits: Limits):
    """An ElementTree of a small part (rels, workbook.xml), with DTDs refused outright."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    data = _read_small(zf, name, min(limits.part_bytes, 10 * MB))
    if _DTD.search(data[:4096]) or _DTD.search(data.replace(b"\x00", b"")[:8192]):
        raise refuse("dtd", part=name)
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise refuse("dtd", part=name) from None
    except Exception as exc:  # ParseError and friends
        raise refuse("damaged", detail=f"the part {name} is not well-formed: {_short(exc)}") from None


def _rels_of(part: str) -> str:
    p = PurePosixPath(part)
    return str(p.parent / "_rels" / (p.name + ".rels")).lstrip("/") if str(p.parent) != "." else f"_rels/{p.name}.rels"


def _resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for piece in (str(PurePosixPath(base_part).parent) + "/" + target).split("/"):
        if piece in ("", "."):
            continue
        if piece == "..":
            if parts:
                parts.pop()
        else:
            parts.append(piece)
    return "/".join(parts)


def _workbook_part(zf: zipfile.ZipFile, names: set[str], limits: Limits) -> str | None:
    if "_rels/.rels" in names:
        root = _parse_small_xml(zf, "_rels/.rels", limits)
        for rel in root.iter(f"{{{_REL_NS}}}Relationship"):
            if rel.get("Type", "").endswith(_OFFICE_DOC):
                target = _resolve("", rel.get("Target", ""))
                if target in names:
                    return target
    return "xl/workbook.xml" if "xl/workbook.xml" in names else None


def _sheet_parts(zf: zipfile.ZipFile, workbook: str, names: set[str], limits: Limits) -> dict[str, str]:
    """Sheet name -> worksheet part, from the workbook part and its relationships."""
    root = _parse_small_xml(zf, workbook, limits)
    rels_name = _rels_of(workbook)
    raw_targets: dict[str, str] = {}
    if rels_name in names:
        for rel in _parse_small_xml(zf, rels_name, limits).iter(f"{{{_REL_NS}}}Relationship"):
            if rel.get("TargetMode") != "External":
                raw_targets[rel.get("Id", "")] = rel.get("Target", "")
    out: dict[str, str] = {}
    seen: set[str] = set()
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        target = raw_targets.get(rid or "")
        name = el.get("name")
        if name is None or target is None:
            continue
        if name.strip().casefold() in seen:
            raise refuse("damaged", detail=f"it has two sheets called '{name.strip()}'")
        seen.add(name.strip().casefold())
        # Readers resolve a target in different ways; every way must lead to the same part,
        # so that the sheet checked here is the sheet the reader reads.
        ways = {_resolve(workbook, target), target.lstrip("/"), "xl/" + target.lstrip("/")}
        found = {w for w in ways if w in names}
        if len(found) > 1:
            raise refuse("damaged", detail=f"the sheet '{name}' points to more than one part")
        if found:
            out[name] = found.pop()
    return out


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, extent: SheetExtent | None,
               limits: Limits, deadline: Deadline) -> int:
    """Inflate one part through a bounded stream; returns the bytes it counts for.

    XML parts go through expat with DOCTYPE/ENTITY refused; worksheets are also kept (they
    are within `part_bytes`) to find where their values are. Other parts (pictures, the VBA
    project, which is read on its own, bounded) are not opened here: nothing parses them as
    XML (a logo may well be an SVG with a DOCTYPE), and their sizes are already checked.
    """
    name = info.filename
    if not (name.casefold().endswith(_XML_SUFFIXES) or extent is not None):
        return info.file_size
    count = 0
    kept = bytearray() if extent is not None else None
    try:
        with zf.open(info) as f:
            scanner = _XmlScan(name, None, limits, essential=extent is not None)
            while True:
                chunk = f.read(1 << 16)
                if not chunk:
                    break
                count += len(chunk)
                if count > limits.part_bytes or count > info.file_size:
                    raise refuse("oversized", detail=f"the part {name} expands to more than it says")
                scanner.feed(chunk)
                if kept is not None:
                    kept += chunk
                deadline.check()
            scanner.close()
    except Refused:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib_error()):
        raise refuse("damaged", detail=f"the part {name} is corrupted") from None
    if extent is not None:
        _locate_values(bytes(kept), extent, limits, deadline)
    return count


# The way Excel, XlsxWriter, openpyxl and LibreOffice write a cell: `<c r="B12" ...`.
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_CELL_COL = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")


def _locate_values(data: bytes, extent: SheetExtent, limits: Limits, deadline: Deadline) -> None:
    """Fill in `extent` for a worksheet that has already passed the XML checks.

    Quick bound first: the furthest reference of any cell (value or not). When every cell
    is written the usual way and that bound is inside the read area, nothing more is needed.
    Otherwise (cells far out, even if only formatted; cells without references; unusual
    markup) a precise pass finds which cells really hold values.
    """
    tags = sum(data.count(b"<c" + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
    if not _PREFIXED_CELL.search(data):
        rows = _CELL_ROW.findall(data)
        if len(rows) == tags:
            last_row = max(map(int, rows), default=0)
            last_col = max((column_number(c.decode()) for c in set(_CELL_COL.findall(data))), default=0)
            if last_row <= limits.rows and last_col <= limits.columns:
                extent.last_row, extent.last_col = last_row, last_col
                extent.far = f"{column_letters(last_col)}{last_row}" if rows else None
                return
    deadline.check()
    scanner = _XmlScan(extent.part, extent, limits, essential=True)
    scanner.feed(data)
    scanner.close()


_ESSENTIAL = re.compile(r"^(\[content_types\]\.xml|_rels/\.rels|xl/[^/]+\.xml|xl/_rels/[^/]+\.rels|"
                        r"xl/worksheets/[^/]+\.xml)$")
_REF = re.compile(r"^([A-Za-z]{1,3})([0-9]{1,7})$")


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


class _Dtd(Exception):
    pass


class _XmlScan:
    """A streaming expat pass over one XML part: no DTDs, and (for a worksheet) where values are."""

    def __init__(self, part: str, extent: SheetExtent | None, limits: Limits, essential: bool = False):
        self.part = part
        self.extent = extent
        self.limits = limits
        self.essential = essential or bool(_ESSENTIAL.match(part.casefold())) or extent is not None
        self.failed: str | None = None
        self.head = b""
        p = expat.ParserCreate()
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._dtd
        p.EntityDeclHandler = self._dtd
        p.ExternalEntityRefHandler = self._dtd
        if extent is not None:
            p.buffer_text = True
            p.StartElementHandler = self._start
            p.EndElementHandler = self._end
            p.CharacterDataHandler = self._text
            self.row = 0
            self.col = 0
            self.cell: tuple[int, int] | None = None
            self.has_value = False
            self.typed = False  # a value that is not the result of a formula
            self.formula = False
            self.in_value = False
            self.far_area = 0
        self.parser = p

    def _dtd(self, *args):
        raise _Dtd()

    # --- worksheet cell tracking (local names, so prefixed SpreadsheetML reads too) ---
    def _start(self, name: str, attrs: dict):
        local = name.rsplit(":", 1)[-1]
        if local == "c":
            ref = attrs.get("r")
            if ref:
                m = _REF.match(ref)
                # a reference that is not A1 style: assume the worst
                row, col = (int(m.group(2)), column_number(m.group(1))) if m else (1_048_576, 16_384)
            else:  # no reference: the next cell along, as readers place it
                row, col = max(self.row, 1), self.col + 1
            self.row, self.col = row, col
            self.cell = (row, col)
            self.has_value = self.typed = self.formula = False
        elif local == "row":
            r = attrs.get("r")
            if r is None:
                self.row += 1
            else:
                self.row = int(r) if r.isdigit() and len(r) <= 7 else 1_048_576
            self.col = 0
        elif self.cell is not None:
            if local in ("v", "is"):
                self.in_value = True
                self.has_value = True
            elif local == "f":
                self.formula = True

    def _text(self, data: str):
        if self.in_value and not self.typed and not data.isspace():
            self.typed = True

    def _end(self, name: str):
        local = name.rsplit(":", 1)[-1]
        if local in ("v", "is"):
            self.in_value = False
        elif local == "c" and self.cell is not None:
            if self.has_value:
                self._value_at(*self.cell, typed=self.typed and not self.formula)
            self.cell = None

    def _value_at(self, row: int, col: int, typed: bool):
        e = self.extent
        if row > e.last_row:
            e.last_row = row
        if col > e.last_col:
            e.last_col = col
        if row * col > self.far_area:
            self.far_area = row * col
            e.far = f"{column_letters(col)}{row}"
        if typed and (row > self.limits.rows or col > self.limits.columns):
            e.outside_count += 1
            if len(e.outside) < self.limits.cells_named:
                e.outside.append(f"{column_letters(col)}{row}")
            if e.first_outside is None:
                e.first_outside = (row, col)

    # --- feeding ---
    def feed(self, chunk: bytes):
        if len(self.head) < 8192:
            self.head += chunk[: 8192 - len(self.head)]
            if _DTD.search(self.head.replace(b"\x00", b"")):
                raise refuse("dtd", part=self.part)
        if self.failed:
            return
        try:
            self.parser.Parse(chunk, False)
        except _Dtd:
            raise refuse("dtd", part=self.part) from None
        except expat.ExpatError as exc:
            self._broken(exc)

    def close(self):
        if self.failed:
            return
        try:
            self.parser.Parse(b"", True)
        except _Dtd:
            raise refuse("dtd", part=self.part) from None
        except expat.ExpatError as exc:
            self._broken(exc)

    def _broken(self, exc: Exception):
        if self.essential:
            raise refuse("damaged", detail=f"the part {self.part} is not well-formed XML: {_short(exc)}")
        # Parts the reader never parses (drawings, VML: often not well-formed from Excel itself)
        # are only held to the no-DTD rule, which the head check above covers.
        self.failed = str(exc)


# ---------------------------------------------------------------------------------------
# Time per file: for the batch's worker processes and anything else that isolates a check
# ---------------------------------------------------------------------------------------
def timed_out(file: str, seconds: float | None = None):
    """The verdict for a file whose check ran past the time limit (worker killed)."""
    from .findings import unreadable

    seconds = LIMITS.seconds_per_file if seconds is None else seconds
    return unreadable(file, REASONS["timeout"].format(seconds=seconds))


def worker_died(file: str, exitcode: int | None = None):
    """The verdict for a file whose worker process died (crash, out of memory, killed)."""
    from .findings import unreadable

    how = ""
    if exitcode is not None and exitcode < 0:
        how = f" (the checking process was ended by signal {-exitcode})"
    elif exitcode:
        how = f" (the checking process exited with code {exitcode})"
    return unreadable(file, REASONS["crashed"].format(how=how))


def _child(conn, target, args):
    try:
        conn.send(("ok", target(*args)))
    except BaseException as exc:  # report anything back; the parent decides
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_isolated(target, *args, file: str, timeout: float | None = None):
    """Run `target(*args)` in a child process; a timeout or a death becomes that file's verdict.

    For one-off use (the batch keeps its own pool and calls `timed_out`/`worker_died`).
    `target` and its result must be picklable.
    """
    import multiprocessing as mp

    timeout = LIMITS.seconds_per_file if timeout is None else timeout
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    parent, child = ctx.Pipe(duplex=False)
    status, value = "died", None
    proc = ctx.Process(target=_child, args=(child, target, args), daemon=True)
    proc.start()
    child.close()
    try:
        if parent.poll(timeout):
            try:
                status, value = parent.recv()
            except EOFError:
                status, value = "died", None
        else:
            status, value = "timeout", None
    finally:
        if proc.is_alive() and status == "timeout":
            proc.kill()
        proc.join(5)
        parent.close()
    if status == "ok":
        return value
    if status == "timeout":
        return timed_out(file, timeout)
    if status == "error":
        return worker_died(file)
    return worker_died(file, proc.exitcode)


def check_file_isolated(path: str | Path, name: str | None = None, timeout: float | None = None):
    """`validate_file` in a child process with the per-file time limit: always a FileReport."""
    from .validate import validate_file

    shown = name or Path(path).name
    return run_isolated(validate_file, str(path), shown, file=shown, timeout=timeout)


# ---------------------------------------------------------------------------------------
# Macros: a digest of the VBA source code, compared with the council's template
# ---------------------------------------------------------------------------------------
TEMPLATE_VBA = Path(__file__).parent / "assets" / "vbaProject.bin"


class VbaError(Exception):
    pass


def vba_decompress(buf: bytes, budget: int) -> bytes:
    """MS-OVBA 2.4.1 decompression, refusing to produce more than `budget` bytes."""
    if not buf or buf[0] != 1:
        raise VbaError("not a compressed VBA container")
    out = bytearray()
    pos, n = 1, len(buf)
    while pos < n:
        if pos + 2 > n:
            raise VbaError("truncated chunk header")
        header = buf[pos] | (buf[pos + 1] << 8)
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0x07 != 0b011:
            raise VbaError("bad chunk signature")
        compressed = header >> 15
        chunk_end = min(n, pos + size)
        pos += 2
        start = len(out)
        if not compressed:
            out += buf[pos:pos + 4096]
            pos += 4096
        else:
            while pos < chunk_end:
                flags = buf[pos]
                pos += 1
                for bit in range(8):
                    if pos >= chunk_end:
                        break
                    if not (flags >> bit) & 1:
                        out.append(buf[pos])
                        pos += 1
                        continue
                    if pos + 2 > chunk_end:
                        raise VbaError("truncated copy token")
                    token = buf[pos] | (buf[pos + 1] << 8)
                    pos += 2
                    bit_count = max((len(out) - start - 1).bit_length(), 4)
                    length = (token & (0xFFFF >> bit_count)) + 3
                    offset = (token >> (16 - bit_count)) + 1
                    src = len(out) - offset
                    if src < start:
                        raise VbaError("copy token points before the chunk")
                    if offset >= length:
                        out += out[src:src + length]
                    else:
                        for i in range(length):
                            out.append(out[src + i])
        if len(out) > budget:
            raise VbaError("VBA source too large to inspect")
    return bytes(out)


def _codec(codepage: int) -> str:
    import codecs

    for name in (f"cp{codepage}", "cp1252"):
        try:
            codecs.lookup(name)
            return name
        except LookupError:
            continue
    return "latin-1"


@dataclass
class VbaModule:
    name: str
    stream: list[str]  # path of its stream in the OLE file
    offset: int  # where its compressed source starts in that stream


def read_vba_dir(ole, limits: Limits | None = None) -> tuple[str, list[VbaModule]]:
    """(codec, modules) from a VBA project's `dir` stream (MS-OVBA 2.3.4.2)."""
    limits = limits or LIMITS
    paths = ole.listdir(streams=True, storages=False)
    dir_path = next((p for p in paths if [x.casefold() for x in p[-2:]] == ["vba", "dir"]), None)
    if dir_path is None:
        raise VbaError("no VBA/dir stream")
    prefix = dir_path[:-1]
    d = vba_decompress(_stream(ole, dir_path), limits.vba_source_bytes)
    found: list[dict] = []
    codepage = 1252
    pos = 0
    while pos + 6 <= len(d):
        rid, size = struct.unpack_from("<HI", d, pos)
        pos += 6
        if rid == 0x0009:  # PROJECTVERSION: its "size" is a reserved 4; the record holds 6 bytes
            size = 6
        body = d[pos:pos + size]
        pos += size
        if rid == 0x0003 and len(body) >= 2:  # PROJECTCODEPAGE
            codepage = struct.unpack_from("<H", body)[0]
        elif rid == 0x0019:  # MODULENAME: a new module starts
            found.append({"name": body.decode(_codec(codepage), "replace")})
        elif found and rid == 0x0047:  # MODULENAMEUNICODE
            found[-1]["name"] = body.decode("utf-16-le", "replace")
        elif found and rid == 0x001A:  # MODULESTREAMNAME
            found[-1]["stream"] = body.decode(_codec(codepage), "replace")
        elif found and rid == 0x0032:  # MODULESTREAMNAME, Unicode
            found[-1]["stream_u"] = body.decode("utf-16-le", "replace")
        elif found and rid == 0x0031 and len(body) >= 4:  # MODULEOFFSET
            found[-1]["offset"] = struct.unpack_from("<I", body)[0]
        elif rid == 0x0010:  # end of the dir stream
            break
    modules = []
    for m in found:
        names = [n for n in (m.get("stream_u"), m.get("stream"), m.get("name")) if n]
        path = next((prefix + [n] for n in names if ole.exists("/".join(prefix + [n]))), None)
        if path is None:
            raise VbaError(f"module {m.get('name')} has no stream")
        modules.append(VbaModule(m.get("name", "?"), path, m.get("offset", 0)))
    return _codec(codepage), modules


def vba_modules(vba: bytes, limits: Limits | None = None) -> dict[str, str]:
    """Module name -> VBA source code of a vbaProject.bin (MS-OVBA), bounded in size.

    Our own small reader (olefile for the container), rather than olevba, so that a
    decompression bomb in a module stream is refused by budget instead of inflated
    (the tests check it gives the same code as olevba).
    """
    limits = limits or LIMITS
    try:
        import olefile

        ole = olefile.OleFileIO(io.BytesIO(vba))
    except Exception as exc:
        raise VbaError(f"not an OLE file: {type(exc).__name__}") from None
    try:
        codec, modules = read_vba_dir(ole, limits)
        out: dict[str, str] = {}
        left = limits.vba_source_bytes
        for m in modules:
            raw = _stream(ole, m.stream)[m.offset:]
            source = vba_decompress(raw, left) if raw else b""
            left -= len(source)
            out[m.name] = source.decode(codec, "replace")
        return out
    except VbaError:
        raise
    except Exception as exc:  # olefile on a damaged container
        raise VbaError(f"damaged VBA project: {type(exc).__name__}") from None
    finally:
        ole.close()


def _stream(ole, path: list[str]) -> bytes:
    try:
        return ole.openstream(path).read()
    except Exception as exc:
        raise VbaError(f"stream {'/'.join(path)} cannot be read: {type(exc).__name__}") from None


def normalise_vba(code: str) -> str:
    """Source as compared: line endings unified, trailing spaces and blank lines gone,
    and the `Attribute VB_...` header lines (module metadata, not code) left out."""
    lines = (ln.rstrip() for ln in code.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(ln for ln in lines if ln and not ln.lstrip().casefold().startswith("attribute vb_"))


def vba_digest(vba: bytes | None, macro_sheets: dict[str, bytes] | None = None,
               oversized: bool = False, limits: Limits | None = None) -> str | None:
    """A digest of a workbook's macros, or None if it has none.

    Over the normalised source of every module that has code (an empty module, like the one
    Excel adds for each new sheet, does not count), in sorted order, so that saving in another
    Excel, renaming a sheet or adding a sheet does not change it; editing, adding or removing
    code does. Excel 4.0 macro sheets always count as different.
    """
    if vba is None and not macro_sheets and not oversized:
        return None
    if oversized:
        return "oversized"
    h = hashlib.sha256()
    if vba is not None:
        try:
            codes = sorted(c for c in (normalise_vba(s) for s in vba_modules(vba, limits).values()) if c)
        except VbaError:
            return "unreadable:" + hashlib.sha256(vba).hexdigest()[:16]
        for code in codes:
            h.update(code.encode("utf-8") + b"\x00")
    for name in sorted(macro_sheets or {}):
        h.update(b"xlm:" + name.encode() + hashlib.sha256(macro_sheets[name]).digest())
    return "sha256:" + h.hexdigest()


@lru_cache(maxsize=4)
def _template_digest(path: str, size: int, mtime: float) -> str | None:
    return vba_digest(Path(path).read_bytes())


def template_vba_digest(path: Path | None = None) -> str | None:
    """The digest of the official template's macros, from the packaged vbaProject.bin (cached)."""
    path = path or TEMPLATE_VBA
    try:
        st = path.stat()
    except OSError:
        return None
    return _template_digest(str(path), st.st_size, st.st_mtime)


MACROS_DIFFER = ("This workbook's macros are not the ones in the council's standard workbook (they have been "
                 "changed or added to). ap-sheets never runs macros, but please copy your data into a fresh "
                 "copy of the standard workbook, or tell the council why the macros were changed.")
MACROS_UNREADABLE = ("This workbook's macros could not be inspected ({why}), so they cannot be confirmed as the "
                     "council's. ap-sheets never runs macros, but please copy your data into a fresh copy of the "
                     "standard workbook.")


def macro_findings(digest: str | None, template: str | None = None) -> list:
    """[R060] when a workbook carries macros that differ from the template's; else []."""
    from .findings import whole_return

    if digest is None:
        return []
    template = template_vba_digest() if template is None else template
    if digest == template:
        return []
    if digest == "oversized":
        return [whole_return("R060", MACROS_UNREADABLE.format(why="the macro project is unusually large"))]
    if digest.startswith("unreadable:"):
        return [whole_return("R060", MACROS_UNREADABLE.format(why="the macro project is damaged"))]
    return [whole_return("R060", MACROS_DIFFER)]


def read_findings(raw) -> list:
    """Findings made while reading a workbook (limits, macros): add these where findings are assembled."""
    return list(getattr(raw, "findings", [])) + macro_findings(getattr(raw, "vba_digest", None))
