"""The bounded XML scanner: every XML part streamed through expat with no DTD allowed, and,
for a worksheet, where its values really are (so a stray value far out is found from the XML)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from operator import itemgetter
from xml.parsers import expat

from ..cells import column_letters, column_number
from .limits import Deadline, Limits
from .refusals import refuse

DTD = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)  # a DOCTYPE or ENTITY declaration


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
    # Cells the reader must not see as they are, found by the precise pass:
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> error value, e.g. #SPILL!
    unreadable: set[tuple[int, int]] = field(default_factory=set)  # cells no reader can make sense of
    patches: list[tuple[int, int, bytes]] = field(default_factory=list)  # (start, end, replacement) in the XML
    totals: list[tuple[int, int, int]] = field(default_factory=list)  # a table's Total Row: (row, col1, col2)

    def take_findings(self, found: SheetExtent) -> None:
        """Copy in what was found in the sheet's XML (from a byte-identical part checked before)."""
        self.last_row, self.last_col, self.far = found.last_row, found.last_col, found.far
        self.outside, self.outside_count, self.first_outside = (
            list(found.outside),
            found.outside_count,
            found.first_outside,
        )
        self.errors, self.unreadable, self.patches = dict(found.errors), set(found.unreadable), list(found.patches)

    @property
    def area(self) -> int:
        """Cells the reader would hold for this sheet: a dense grid from A1 to the last value."""
        return self.last_row * self.last_col


def short_error(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 80 else text[:77] + "..."


# Error values the reader (calamine) knows; any other (Excel 365's #SPILL!, #CALC! ...,
# Gnumeric's own) would stop it reading the whole file, so such a cell is hidden from it.
READER_ERRORS = frozenset({"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"})
# Every error value Excel shows. Anything else in an error cell (Gnumeric writes its own) is
# an unreadable cell: its text is never shown, since it could be anything.
EXCEL_ERRORS = READER_ERRORS | {
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#UNKNOWN!",
    "#CONNECT!",
    "#BUSY!",
    "#PYTHON!",
    "#GETTING_DATA",
    "#EXTERNAL!",
}
# A number as the reader parses one (no spaces, no thousands separators).
NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_SST_INDEX = re.compile(r"[0-9]{1,9}")  # a shared-string index; the reader reads anything else as 0
# Quick checks that a sheet's cells are all of the kinds the reader handles without surprises:
# (Each starts with the literal "t", which the regex engine finds fast; the look-behind then
# checks it begins an attribute.) A cell of type e, b, d or unknown, or a shared-string cell
# whose index is not plainly written:
_ODD_CELL = re.compile(rb"""t(?<=\st)\s*=\s*["'](?:(?!(?:s|n|str|inlineStr)["'])|s["'][^>]*>(?!<v>[0-9]{1,9}</v>))""")
_STR_CELLS = re.compile(rb"""t(?<=\st)\s*=\s*["']str["']""")
_NOT_A_NUMBER = re.compile(rb"<v>[^<]*[^0-9.eE+\-<][^<]*</v>")  # a value with a character no number has


def _plain_cells(data: bytes) -> bool:
    """True when every cell is of a kind the reader handles as it is: no error values,
    booleans or unknown types, every shared-string index a plain number, and no value
    that is not a number except text results of formulas. (A few C-speed scans.)"""
    if _ODD_CELL.search(data):
        return False
    odd = _NOT_A_NUMBER.findall(data)
    return not odd or len(odd) <= len(_STR_CELLS.findall(data))


# Every cell element, however written (`<c` then a space, `>`, `/` ...), with its reference
# when it is written the way Excel, XlsxWriter, openpyxl and LibreOffice write it: `<c r="B12"`
# (else the groups are empty). No match holds a second `<`, so no cell hides in another's match.
_CELL = re.compile(rb'<c(?: r="([A-Z]{1,3})([0-9]{1,7})"|[ >/\t\n\r])')
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")
_PREFIXED_HINT = re.compile(rb":c[\s/>]")  # in every prefixed cell; a quarter of the time to rule them out
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def locate_values(data: bytes, extent: SheetExtent, limits: Limits, deadline: Deadline) -> None:
    """Fill in `extent` for a worksheet that has already passed the XML checks.

    Quick bound first: the furthest reference of any cell (value or not). When every cell
    is written the usual way and that bound is inside the read area, nothing more is needed.
    Otherwise (cells far out, even if only formatted; cells without references; unusual
    markup; error values or cells the reader would choke on) a precise pass finds which
    cells really hold values, notes error values, and marks cells to hide from the reader.
    """
    if not (_PREFIXED_HINT.search(data) and _PREFIXED_CELL.search(data)) and _plain_cells(data):
        cells = _CELL.findall(data)
        columns = set(map(_FIRST, cells))  # at C speed (zip(*cells) takes one argument a cell)
        if b"" not in columns:  # every cell has its reference written the usual way
            last_row = max(map(int, set(map(_SECOND, cells))), default=0)  # a row's number once, not once a cell
            last_col = max((column_number(c.decode()) for c in columns), default=0)
            if last_row <= limits.rows and last_col <= limits.columns:
                extent.last_row, extent.last_col = last_row, last_col
                extent.far = f"{column_letters(last_col)}{last_row}" if cells else None
                return
    deadline.check()
    scanner = XmlScan(extent.part, extent, limits, essential=True)
    scanner.feed(data)
    scanner.close()


_ESSENTIAL = re.compile(
    r"^(\[content_types\]\.xml|_rels/\.rels|xl/[^/]+\.xml|xl/_rels/[^/]+\.rels|"
    r"xl/worksheets/[^/]+\.xml)$"
)
_REF = re.compile(r"^([A-Za-z]{1,3})([0-9]{1,7})$")


class _Dtd(Exception):
    pass


class XmlScan:
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
            self.kind = "n"  # the cell's t attribute
            self.text: list[str] = []
            self.start_at = 0
            self.qname = "c"
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
            self.kind = attrs.get("t", "n")
            self.text = []
            self.start_at = self.parser.CurrentByteIndex
            self.qname = name
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
        if self.in_value:
            if not self.typed and not data.isspace():
                self.typed = True
            if len(self.text) < 64:
                self.text.append(data)

    def _end(self, name: str):
        local = name.rsplit(":", 1)[-1]
        if local in ("v", "is"):
            self.in_value = False
        elif local == "c" and self.cell is not None:
            if self.has_value:
                self._value_at(*self.cell, typed=self.typed and not self.formula)
                self._check_cell(*self.cell)
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

    def _check_cell(self, row: int, col: int):
        """Note an error value; refuse a shared-string index the reader would misread; hide
        from the reader a cell it cannot read (it would refuse the whole file for one cell)."""
        kind, text = self.kind, "".join(self.text)
        if kind == "s":
            if not _SST_INDEX.fullmatch(text):  # "-1", "x", " 1": the reader takes them as text number 0
                raise refuse("damaged", detail="a cell points to text that is not in the file")
            return
        if kind in ("str", "inlineStr", "d"):
            return
        hide = False
        if kind == "e":
            value = text.strip()
            if value in EXCEL_ERRORS and row <= self.limits.rows and col <= self.limits.columns:
                self.extent.errors[(row, col)] = value
            elif row <= self.limits.rows and col <= self.limits.columns:
                self.extent.unreadable.add((row, col))
            hide = value not in READER_ERRORS
        elif kind == "b":
            hide = text not in ("0", "1")
        elif kind == "n":
            hide = text != "" and not NUMBER.fullmatch(text)
        else:  # a cell type no spreadsheet writes
            hide = True
        if hide:
            if kind != "e" and row <= self.limits.rows and col <= self.limits.columns:
                self.extent.unreadable.add((row, col))
            end = self.parser.CurrentByteIndex
            self.extent.patches.append((self.start_at, end, f'<{self.qname} r="{column_letters(col)}{row}"/>'.encode()))

    # --- feeding ---
    def feed(self, chunk: bytes):
        if len(self.head) < 8192:
            self.head += chunk[: 8192 - len(self.head)]
            if b"!" in self.head and DTD.search(self.head.replace(b"\x00", b"")):
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
        if self.essential:  # fixed words: the parser's own message may quote the part's content
            raise refuse("damaged", detail=f"the part {self.part} is cut short or is not well-formed XML")
        # Parts the reader never parses (drawings, VML: often not well-formed from Excel itself)
        # are only held to the no-DTD rule, which the head check above covers.
        self.failed = str(exc)
