"""Which part of the zip is the workbook, and which part holds each sheet, from the package's
relationships (read small, with DTDs refused), so the sheet checked is the sheet the reader reads."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePosixPath

from .limits import MB, Limits
from .package import Package
from .refusals import refuse
from .xmlscan import DTD, short_error

_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKBOOK_PART = "xl/workbook.xml"
_OFFICE_DOC = "/officeDocument"


def _parse_small_xml(pkg: Package, name: str, limits: Limits):
    """An ElementTree of a small part (rels, workbook.xml), with DTDs refused outright.
    Remembered for byte-identical parts (`verdicts`): callers only read it."""
    small = lambda _: pkg.infos[name].file_size <= 64_000  # Excel writes a few KB
    return pkg.fact(name, "tree", min(limits.part_bytes, 10 * MB), lambda data: _parse(name, data), small=small)


def _parse(name: str, data: bytes):
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    if b"!" in data and (DTD.search(data[:4096]) or DTD.search(data.replace(b"\x00", b"")[:8192])):
        raise refuse("dtd", part=name)
    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise refuse("dtd", part=name) from None
    except Exception as exc:  # ParseError and friends
        raise refuse("damaged", detail=f"the part {name} is not well-formed: {short_error(exc)}") from None


@lru_cache(maxsize=1024)  # pure, and asked of the same few names in every file
def _rels_of(part: str) -> str:
    p = PurePosixPath(part)
    return str(p.parent / "_rels" / (p.name + ".rels")).lstrip("/") if str(p.parent) != "." else f"_rels/{p.name}.rels"


@lru_cache(maxsize=1024)
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


def find_workbook_part(pkg: Package, names: set[str], limits: Limits) -> str | None:
    if "_rels/.rels" in names:
        root = _parse_small_xml(pkg, "_rels/.rels", limits)
        for rel in root.iter(f"{{{_REL_NS}}}Relationship"):
            if rel.get("Type", "").endswith(_OFFICE_DOC):
                target = _resolve("", rel.get("Target", ""))
                if target in names:
                    return target
    return "xl/workbook.xml" if "xl/workbook.xml" in names else None


def find_sheet_parts(pkg: Package, workbook: str, names: set[str], limits: Limits) -> dict[str, str]:
    """Sheet name -> worksheet part, from the workbook part and its relationships."""
    root = _parse_small_xml(pkg, workbook, limits)
    rels_name = _rels_of(workbook)
    raw_targets: dict[str, str] = {}
    if rels_name in names:
        for rel in _parse_small_xml(pkg, rels_name, limits).iter(f"{{{_REL_NS}}}Relationship"):
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
        # Names that differ only in case or spaces ("Pupils" and "Pupils ") are read and
        # reported by the reader (R004); one name twice cannot be told apart by anyone.
        if name in seen:
            raise refuse("damaged", detail=f"it has two sheets called '{name.strip()}'")
        seen.add(name)
        # Readers resolve a target in different ways; every way must lead to the same part,
        # so that the sheet checked here is the sheet the reader reads.
        ways = {_resolve(workbook, target), target.lstrip("/"), "xl/" + target.lstrip("/")}
        found = {w for w in ways if w in names}
        if len(found) > 1:
            raise refuse("damaged", detail=f"the sheet '{name}' points to more than one part")
        if found:
            out[name] = found.pop()
    return out


_WORKBOOK_PR = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?workbookPr\s[^>]*")
_DATE1904 = re.compile(rb"\sdate1904\s*=\s*[\"']\s*(1|true)\s*[\"']", re.I)
_TOTALS = re.compile(rb"\stotalsRowCount\s*=\s*[\"']\s*[1-9]")


def uses_1904(pkg: Package, workbook: str, limits: Limits) -> bool:
    """True when the workbook counts dates from 1904 (Excel > Options > Advanced, older Mac Excel).
    (The part has passed the XML checks already: a look at one attribute is enough.)"""
    return pkg.fact(workbook, "1904", limits.part_bytes, _says_1904)


def _says_1904(data: bytes) -> bool:
    m = _WORKBOOK_PR.search(data)
    return bool(m and _DATE1904.search(m.group(0)))


def any_total_row(pkg: Package, names: set[str], limits: Limits) -> bool:
    """Whether any table in the workbook has a Total Row (most have none: nothing more to read)."""
    return any(
        pkg.fact(n, "totals", limits.part_bytes, lambda data: bool(_TOTALS.search(data)))
        for n in names
        if n.casefold().startswith("xl/tables/") and n.casefold().endswith(".xml")
    )


def _cell(ref: str) -> tuple[int, int] | None:
    from .xmlscan import column_number

    letters = ref.rstrip("0123456789").lstrip("$")
    digits = ref[len(ref.rstrip("0123456789")) :]
    if not letters.isalpha() or not digits or len(digits) > 7 or len(letters) > 3:
        return None
    return int(digits), column_number(letters)


def table_totals(pkg: Package, sheet_part: str, names: set[str], limits: Limits) -> list[tuple[int, int, int]]:
    """The Total Row(s) of each Excel table on a sheet, from the tables' definitions:
    [(row, first column, last column)]. A Total Row holds sums and labels, not a record."""
    rels = _rels_of(sheet_part)
    if rels not in names:
        return []
    out = []
    for rel in _parse_small_xml(pkg, rels, limits).iter(f"{{{_REL_NS}}}Relationship"):
        if not rel.get("Type", "").endswith("/table") or rel.get("TargetMode") == "External":
            continue
        part = _resolve(sheet_part, rel.get("Target", ""))
        if part not in names:
            continue
        table = _parse_small_xml(pkg, part, limits)
        count = table.get("totalsRowCount", "0").strip()
        first, _, last = table.get("ref", "").replace("$", "").partition(":")
        a, b = _cell(first), _cell(last or first)
        if not count.isdigit() or int(count) == 0 or a is None or b is None:
            continue
        for row in range(max(a[0], b[0] - min(int(count), 10) + 1), b[0] + 1):
            out.append((row, a[1], b[1]))
    return out
