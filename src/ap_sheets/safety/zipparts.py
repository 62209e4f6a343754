"""A workbook's zip, read within the limits: the directory checked before anything is inflated
(zip bombs), whole parts read with a cap, and XML parts streamed through the scanner."""
from __future__ import annotations

import zipfile

from .limits import Deadline, Limits, size_text
from .refusals import Refused, refuse
from .xmlscan import DTD, SheetExtent, XmlScan, locate_values

_XML_SUFFIXES = (".xml", ".rels", ".vml")


def check_directory(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
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
            raise refuse("oversized", detail=f"one part, {name}, would expand to {size_text(info.file_size)}")
        total += info.file_size
        if total > limits.total_bytes:
            raise refuse("oversized", detail=f"its parts would expand to more than {size_text(limits.total_bytes)}")
        if info.file_size >= limits.ratio_floor:
            ratio = info.file_size / max(1, info.compress_size)
            if ratio > limits.compression_ratio:
                raise refuse("oversized", detail=f"the part {name} is compressed {ratio:,.0f} times over")


def read_part(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A whole part, refusing to inflate more than `limit` bytes (whatever the directory says)."""
    try:
        with zf.open(name) as f:
            data = f.read(limit + 1)
    except (zipfile.BadZipFile, zlib_error(), EOFError, OSError, ValueError, NotImplementedError):
        raise refuse("damaged", detail=f"the part {name} is corrupted") from None
    if len(data) > limit:
        raise refuse("oversized", detail=f"the part {name} expands to more than {size_text(limit)}")
    return data


class DtdWatch:
    """Refuses a DOCTYPE or ENTITY declaration in a part, at C speed.

    A UTF-8 part is searched with a regular expression (a declaration cannot hide from it:
    it is plain ASCII in UTF-8); the few bytes before each chunk are kept so that one split
    across two chunks is still seen. Any other encoding (Excel never writes one) goes through
    the full expat scanner, which also checks the part is well-formed.
    """

    _TAIL = 64

    def __init__(self, part: str, limits: Limits, essential: bool):
        self.part = part
        self.tail = b""
        self.expat: XmlScan | None = None
        self.started = False
        self._args = (part, None, limits, essential)

    def feed(self, chunk: bytes) -> None:
        if not self.started:
            self.started = True
            if chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:4]:
                self.expat = XmlScan(*self._args)
        if self.expat is not None:
            self.expat.feed(chunk)
            return
        window = self.tail + chunk
        if DTD.search(window):
            raise refuse("dtd", part=self.part)
        self.tail = window[-self._TAIL:]

    def close(self) -> None:
        if self.expat is not None:
            self.expat.close()


def zlib_error():
    import zlib

    return zlib.error


def scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, extent: SheetExtent | None,
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
            scanner = DtdWatch(name, limits, essential=extent is not None)
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
        locate_values(bytes(kept), extent, limits, deadline)
    return count
