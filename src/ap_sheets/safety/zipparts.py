"""A workbook's zip, checked within the limits: the directory before anything is inflated (zip
bombs), then each part (read by `package`): DTDs, well-formedness, where a sheet's values are."""

from __future__ import annotations

import re
import zipfile

from .limits import Deadline, Limits, size_text
from .package import Package
from .refusals import refuse
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


def refuse_dtd(part: str, data: bytes, limits: Limits, essential: bool) -> None:
    """Refuse a DOCTYPE or ENTITY declaration in a whole part, at C speed.

    A UTF-8 part is searched with a regular expression (a declaration cannot hide from it:
    it is plain ASCII in UTF-8). Any other encoding (Excel never writes one) goes through
    the full expat scanner, which also checks the part is well-formed.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        scanner = XmlScan(part, None, limits, essential)
        scanner.feed(data)
        scanner.close()
    elif b"!" in data and DTD.search(data):  # one byte first: its search runs at memory speed
        raise refuse("dtd", part=part)


_SHEET_END = re.compile(rb"</(?:[A-Za-z_][\w.\-]*:)?(?:worksheet|chartsheet|dialogsheet|macrosheet)>\s*\Z")
_SST_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?sst[\s>/][^>]*", re.S)
_UNIQUE_COUNT = re.compile(rb"\suniqueCount\s*=\s*[\"']([^\"']*)[\"']")
_SI = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?si[\s>/]")


def check_shared_strings(part: str, data: bytes) -> None:
    """The shared-strings table must not claim more entries than it holds.

    The reader reserves memory for `uniqueCount` entries before reading one: a lie of
    4294967295 makes it ask for ~100 GB and abort the whole process; 18446744073709551615
    makes it panic. Excel always writes the true number."""
    if b"sst" not in data[:4096]:
        return
    head = _SST_TAG.search(data[:4096])
    if head is None:
        return
    m = _UNIQUE_COUNT.search(head.group(0))
    if m is None:
        return
    declared = m.group(1).strip()
    # Entries counted as Excel writes them (`<si>`, at C speed), else however they are written.
    if not (
        declared.isdigit()
        and len(declared) <= 9
        and (int(declared) <= data.count(b"<si>") or int(declared) <= len(_SI.findall(data)))
    ):
        raise refuse("oversized", detail="its table of shared text says it holds more entries than it does")


def check_well_formed(part: str, data: bytes, limits: Limits) -> None:
    """Refuse a part that is cut short or not well-formed XML (and any DTD in it).

    Excel cannot open such a file, so neither should ap-sheets accept it. VML drawings
    (comment boxes) are not XML as Excel writes them: they only have to end as VML ends."""
    if part.casefold().endswith(".vml"):
        refuse_dtd(part, data, limits, essential=False)
        if not data.rstrip().endswith(b"</xml>"):
            raise refuse("damaged", detail=f"the part {part} is cut short")
        return
    scanner = XmlScan(part, None, limits, essential=True)
    scanner.feed(data)
    scanner.close()


def scan_part(
    pkg: Package, info: zipfile.ZipInfo, extent: SheetExtent | None, limits: Limits, deadline: Deadline
) -> int:
    """Inflate one part, bounded; returns the bytes it counts for.

    XML parts are refused if they hold a DOCTYPE or ENTITY declaration; worksheets are
    also searched for where their values are; every other XML part must be well-formed
    (a part cut short is damage Excel would not open), and a shared-strings table must
    not claim more entries than it holds. Other parts (pictures, the VBA project,
    which is read on its own, bounded) are not opened here: nothing parses them as XML (a
    logo may well be an SVG with a DOCTYPE), and their sizes are already checked.

    Inflating is bounded by the size the zip directory declares (already within
    `part_bytes`), and a part whose real content differs fails its CRC check, which is
    reported as damage. A part byte-identical to one accepted before is not checked again
    (`verdicts`): a worksheet gets a copy of what was found in it.
    """
    name = info.filename
    if not (name.casefold().endswith(_XML_SUFFIXES) or extent is not None):
        return info.file_size
    limit = min(info.file_size, limits.part_bytes)
    if extent is None:
        pkg.fact(name, "part", limit, lambda data: _check_part(name, data, limits, deadline), limits)
    else:
        work = lambda data: _check_sheet(name, data, limits, deadline)
        extent.take_findings(pkg.fact(name, "sheet", limit, work, limits, small=_few_findings))
    return info.file_size  # what was inflated: exactly the declared size, or it was refused


def _few_findings(found: SheetExtent) -> bool:
    return len(found.errors) + len(found.unreadable) + len(found.patches) <= 1_000


def _check_part(name: str, data: bytes, limits: Limits, deadline: Deadline) -> bool:
    deadline.check()
    check_well_formed(name, data, limits)
    check_shared_strings(name, data)
    return True


def _check_sheet(name: str, data: bytes, limits: Limits, deadline: Deadline) -> SheetExtent:
    deadline.check()
    refuse_dtd(name, data, limits, essential=True)
    if not _SHEET_END.search(data[-256:]):  # cut short: even a sheet the reader never reads
        raise refuse("damaged", detail=f"the part {name} is cut short or is not well-formed XML")
    found = SheetExtent("", name)
    locate_values(data, found, limits, deadline)
    return found
