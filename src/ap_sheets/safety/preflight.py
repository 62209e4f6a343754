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
- inflates every XML part once, never beyond the size its directory entry declares,
  refusing any DOCTYPE or ENTITY declaration (entity expansion, external entities: a
  workbook never needs a DTD) and any damage (bad CRC);
- for each worksheet, finds the last cell that holds a value, so that a stray value far
  down or right (which would make the reader allocate a dense grid of billions of cells)
  is found from the sheet XML itself, and data outside the area ap-sheets reads is
  reported rather than silently dropped;
- keeps the VBA project (if any) and notes Excel 4.0 macro sheets, for the macro check.

Every limit is in `LIMITS`. Nothing here ever writes to the input, and nothing here runs
anything from a file: ap-sheets only ever reads cell values.

This module runs the steps in order; each step lives in its own module: `filetype`
(what a file is), `zipparts` (the zip directory and each part's checks), `package`
(bounded reads), `relationships`
(which part is which sheet) and `xmlscan` (the bounded XML pass).
"""

from __future__ import annotations

import io
import os
import stat
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .filetype import refusal_for, sniff
from .limits import LIMITS, Deadline, Limits, size_text
from .package import Package
from .refusals import refuse
from .relationships import WORKBOOK_PART, any_total_row, find_sheet_parts, find_workbook_part, table_totals, uses_1904
from .xmlscan import SheetExtent
from .zipparts import check_directory, scan_part


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
            raise refuse("too-big", size=size_text(st.st_size), limit=size_text(limit))
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError:
        raise refuse("no-access") from None
    finally:
        os.close(fd)
    if not data:
        raise refuse("empty")
    if len(data) > limit:  # grew while we looked
        raise refuse("too-big", size=f"over {size_text(limit)}", limit=size_text(limit))
    return data


@dataclass
class Inspection:
    """A file that passed pre-flight: its bytes (read once) and what is known about it."""

    data: bytes
    sheets: dict[str, SheetExtent]  # sheet name as in the workbook -> extent
    vba: bytes | None = None  # xl/vbaProject.bin, if any (None when over LIMITS.vba_bytes: see vba_oversized)
    vba_oversized: bool = False
    macro_sheets: dict[str, bytes] = field(default_factory=dict)  # Excel 4.0 macro sheet parts
    seconds: float = 0.0
    date1904: bool = False  # the workbook counts dates from 1904 (older Mac Excel)


def inspect(path: str | Path, limits: Limits | None = None, deadline: Deadline | None = None) -> Inspection:
    """Pre-flight a return. Raises `Refused` (with a clerk's reason) or returns what was found."""
    limits = limits or LIMITS
    started = time.monotonic()
    deadline = deadline or Deadline(limits.seconds_per_file)
    data = load_bytes(path, limits.file_bytes)
    kind = sniff(data)
    if kind != "zip":
        raise refusal_for(kind, data)
    result = _inspect_zip(data, limits, deadline)
    result.seconds = time.monotonic() - started
    return result


def _inspect_zip(data: bytes, limits: Limits, deadline: Deadline) -> Inspection:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise refuse("damaged", detail="its end is missing") from None
    except Exception as exc:  # LargeZipFile, ValueError, struct errors on crafted headers
        raise refuse("damaged", detail=f"its zip directory cannot be read: {type(exc).__name__}") from None
    with zf:
        infos = zf.infolist()
        check_directory(infos, limits)
        pkg = Package(data, infos)
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
        workbook_part = find_workbook_part(pkg, names, limits)
        if workbook_part is None:
            raise refuse("zip")
        if "[content_types].xml" not in folded:  # Excel cannot open a package without it
            raise refuse("damaged", detail="its list of parts, [Content_Types].xml, is missing")
        if workbook_part != WORKBOOK_PART:  # the reader looks only there: never let the two disagree
            raise refuse("damaged", detail=f"its workbook part is {workbook_part}, not where Excel puts it")
        sheet_parts = find_sheet_parts(pkg, workbook_part, names, limits)
        extents = {part: SheetExtent(name, part) for name, part in sheet_parts.items()}
        total = 0
        for info in infos:
            deadline.check()
            if info.is_dir():
                continue
            total += scan_part(pkg, info, extents.get(info.filename), limits, deadline)
            if total > limits.total_bytes:
                raise refuse("oversized", detail=f"its parts expand to more than {size_text(limits.total_bytes)}")
        if any_total_row(pkg, names, limits):
            for extent in extents.values():
                extent.totals = table_totals(pkg, extent.part, names, limits)
        patched = {e.part: e.patches for e in extents.values() if e.patches}
        if patched:  # cells the reader cannot read are hidden from it, in a copy made in memory
            data = _patched_copy(pkg, patched, limits)
        result = Inspection(
            data=data, sheets={e.name: e for e in extents.values()}, date1904=uses_1904(pkg, workbook_part, limits)
        )
        for info in infos:
            low = info.filename.casefold()
            if "vbaproject.bin" in low and PurePosixPath(low).name == "vbaproject.bin":
                if info.file_size > limits.vba_bytes:
                    result.vba_oversized = True
                elif result.vba is None:
                    result.vba = pkg.read_shared(info.filename, limits.vba_bytes)
                else:  # a second VBA project: never in a template, so it counts as different macros
                    result.macro_sheets[info.filename] = pkg.read(info.filename, limits.vba_bytes)
            elif low.startswith("xl/macrosheets/") and not info.is_dir():
                result.macro_sheets[info.filename] = pkg.read(info.filename, limits.part_bytes)
        return result


def _patched_copy(pkg: Package, patched: dict[str, list], limits: Limits) -> bytes:
    """A copy of the workbook (in memory; the input is never touched) in which each listed
    span of a sheet's XML is replaced. Each span runs from a cell's start tag to its end tag."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy:
        for info in pkg.infos.values():
            body = pkg.read(info.filename, limits.part_bytes)
            spans = patched.get(info.filename)
            if spans:
                pieces, at = [], 0
                for start, end_tag, replacement in sorted(spans):
                    end = body.index(b">", end_tag) + 1
                    pieces += [body[at:start], replacement]
                    at = end
                body = b"".join(pieces) + body[at:]
            copy.writestr(info.filename, body)
    return out.getvalue()
