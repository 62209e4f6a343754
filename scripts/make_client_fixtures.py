"""Make the files in tests/fixtures/clients/: returns saved by real spreadsheet programs.

    .venv/bin/python scripts/make_client_fixtures.py     (needs LibreOffice, python3-uno, Gnumeric)

- LibreOffice 7.x, headless, driven through its UNO API by the system Python: it opens the
  committed template, *types* the clean provider return of tests/conftest.py into the cells
  (dates typed as ISO text, which LibreOffice parses as a date in any locale; a cell
  formatted as Text keeps it as text, as Excel does), and saves it as .xlsx and as .xlsm,
  once with the locale setting en-GB and once en-US;
- Gnumeric's `ssconvert` re-saving the clean return (filled with openpyxl) as .xlsx;
- Excel's own features written into the XML of the clean return, as Excel writes them:
  Excel 365 error values (`t="e"`), a table Total Row (`totalsRowCount`), the 1904 date
  system (`date1904="1"`), and two tabs "Pupils" and "Pupils ".

The results are committed, so the tests and CI need neither LibreOffice nor Gnumeric.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "clients"
EXCEL_365_ERRORS = [
    "#SPILL!",
    "#CALC!",
    "#FIELD!",
    "#BLOCKED!",
    "#UNKNOWN!",
    "#CONNECT!",
    "#BUSY!",
    "#PYTHON!",
    "#GETTING_DATA",
]
DAYS_1900_TO_1904 = 1462


# ---------------------------------------------------------------------------------------
# The clean return, as cell assignments (computed with the project's own code)
# ---------------------------------------------------------------------------------------
def assignments() -> list[list]:
    """[sheet, row, col (1-based), kind, value] for every value of the clean provider return."""
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]
    from conftest import COMPLAINTS, NOTIFICATIONS, PROVIDER, PUPILS, ReturnFiller

    f = ReturnFiller("provider-return")
    out = []

    def put(sheet, row, col, value):
        if value is None:
            return
        if isinstance(value, date):
            out.append([sheet, row, col, "date", value.isoformat()])
        elif isinstance(value, (int, float)):
            out.append([sheet, row, col, "num", value])
        else:
            out.append([sheet, row, col, "str", str(value)])

    for key, value in PROVIDER.items():
        header = f.kind.sheet("Provider").column(key).header
        put("Provider", f.form_row("Provider", header), 2, value)
    for sheet, records in (("Pupils", PUPILS), ("Notifications", NOTIFICATIONS), ("Complaints", COMPLAINTS)):
        for r, record in enumerate(records, start=2):
            for key, value in record.items():
                put(sheet, r, f.col_index(sheet, key), value)
    return out


# ---------------------------------------------------------------------------------------
# LibreOffice, through UNO (this part runs in the system Python, which has `uno`)
# ---------------------------------------------------------------------------------------
def uno_worker(template: str, cells_file: str, locale: str, outputs: list[str]) -> None:
    import uno
    from com.sun.star.beans import PropertyValue

    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    port = _free_port()
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    # The locale setting (Tools > Options > Language Settings), as a user's own LibreOffice has
    # it: it decides how typed dates are read (en-GB day first, en-US month first).
    (Path(profile) / "user").mkdir()
    (Path(profile) / "user" / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">'
        f"<value>{locale}</value></prop></item></oor:items>"
    )
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            f"-env:UserInstallation=file://{profile}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        desktop = None
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(120):
            try:
                ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.5)
        else:
            raise SystemExit("LibreOffice did not start")
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = None
        for _ in range(20):  # a fresh profile may still be starting up
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(template), "_blank", 0, (prop("Hidden", True), prop("MacroExecutionMode", 0))
            )
            if doc is not None:
                break
            time.sleep(1)
        if doc is None:
            raise SystemExit(f"LibreOffice could not open {template}")
        expected = {}
        for sheet, row, col, kind, value in json.loads(Path(cells_file).read_text()):
            cell = doc.Sheets.getByName(sheet).getCellByPosition(col - 1, row - 1)
            if kind == "date":
                d = date.fromisoformat(value)
                # Typed as ISO text, which LibreOffice reads as a date in every locale (the cells'
                # own formats, imported from the template, decide day/month order otherwise).
                cell.setFormula(d.isoformat())
                expected[(sheet, row, col)] = (d - date(1899, 12, 30)).days
            elif kind == "num":
                cell.setValue(value)
            else:
                cell.setString(value)
        for (sheet, row, col), serial in expected.items():
            cell = doc.Sheets.getByName(sheet).getCellByPosition(col - 1, row - 1)
            got = cell.getValue()
            if cell.getType().value == "TEXT":  # a cell formatted as Text keeps what was typed, as in Excel
                continue
            if got != serial:
                cell = doc.Sheets.getByName(sheet).getCellByPosition(col - 1, row - 1)
                raise SystemExit(
                    f"{locale}: {sheet} {row},{col} typed date read as {got}, not {serial} "
                    f"({cell.getString()!r}, format {cell.NumberFormat})"
                )
        for out in outputs:
            flt = "Calc MS Excel 2007 VBA XML" if out.endswith(".xlsm") else "Calc MS Excel 2007 XML"
            doc.storeToURL(uno.systemPathToFileUrl(out), (prop("FilterName", flt), prop("Overwrite", True)))
        doc.close(True)
    finally:
        with contextlib.suppress(Exception):
            desktop.terminate()
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()
        shutil.rmtree(profile, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def libreoffice(cells: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        template = str(Path(tmp) / "provider_return.xlsm")  # a copy: LibreOffice leaves a lock file beside it
        shutil.copy(ROOT / "workbook_templates" / "provider_return.xlsm", template)
        cells_file = Path(tmp) / "cells.json"
        cells_file.write_text(json.dumps(cells))
        for locale, tag in (("en-GB", "en_GB"), ("en-US", "en_US")):
            outputs = [str(OUT / f"libreoffice_{tag}.xlsx"), str(OUT / f"libreoffice_{tag}.xlsm")]
            subprocess.run(
                ["/usr/bin/python3", __file__, "--uno-worker", template, str(cells_file), locale, *outputs],
                check=True,
                timeout=300,
            )


# ---------------------------------------------------------------------------------------
# Gnumeric and the Excel features (these run in the project's venv)
# ---------------------------------------------------------------------------------------
def clean_return_bytes() -> bytes:
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]
    from conftest import provider_return

    with tempfile.TemporaryDirectory() as tmp:
        return provider_return().save(Path(tmp) / "clean.xlsm").read_bytes()


def gnumeric(clean: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "clean.xlsx"
        src.write_bytes(clean)
        subprocess.run(
            ["ssconvert", "--export-type=Gnumeric_Excel:xlsx2", str(src), str(OUT / "gnumeric.xlsx")],
            check=True,
            timeout=300,
            capture_output=True,
        )


def rewrite(data: bytes, changes: dict) -> bytes:
    """A copy of a zip with some parts changed: {name: function(text) -> text}."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename in changes:
                body = changes[info.filename](body.decode("utf-8")).encode("utf-8")
            out.writestr(info.filename, body)
    return buf.getvalue()


def set_cell(xml: str, ref: str, cell: str) -> str:
    """Replace cell `ref` (or add it at the end of its row, which must exist) with `cell`."""
    new, n = re.subn(rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)', cell, xml, count=1, flags=re.S)
    if n:
        return new
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)
    new, n = re.subn(
        rf'(<row r="{row}"[^>]*>.*?)(</row>)', lambda m: m.group(1) + cell + m.group(2), xml, count=1, flags=re.S
    )
    if n:
        return new
    return xml.replace("</sheetData>", f'<row r="{row}">{cell}</row></sheetData>')


def excel_errors(clean: bytes) -> bytes:
    """Excel 365 error values: all nine in the computed Attendance % column (never read),
    and three in columns that are read (Religion, Sessions attended, Ethnicity)."""

    def pupils(xml: str) -> str:
        for row, err in enumerate(EXCEL_365_ERRORS, start=2):
            xml = set_cell(xml, f"Y{row}", f'<c r="Y{row}" s="25" t="e"><v>{err}</v></c>')
        xml = set_cell(xml, "H3", '<c r="H3" t="e"><v>#SPILL!</v></c>')
        xml = set_cell(xml, "W2", '<c r="W2" t="e"><v>#CALC!</v></c>')
        xml = set_cell(xml, "F4", '<c r="F4" t="e"><v>#N/A</v></c>')
        return xml

    return rewrite(clean, {"xl/worksheets/sheet3.xml": pupils})


def total_row(clean: bytes) -> bytes:
    """The Pupils table with Excel's Total Row switched on (Table Design > Total Row)."""

    def table(xml: str) -> str:
        xml = xml.replace('ref="A1:AM151"', 'ref="A1:AM152"', 1)
        xml = xml.replace('totalsRowShown="0"', 'totalsRowCount="1"', 1)
        xml = xml.replace(
            '<tableColumn id="1" name="UPN" />', '<tableColumn id="1" name="UPN" totalsRowLabel="Total" />', 1
        )
        return xml

    def pupils(xml: str) -> str:
        cells = ['<c r="A152" t="str"><v>Total</v></c>']
        for col, total in (("U", 47), ("V", 340), ("W", 270), ("X", 40)):
            cells.append(f'<c r="{col}152"><f>SUBTOTAL(109,tblPupils[{col}])</f><v>{total}</v></c>')
        cells.append('<c r="Y152" s="25"><f>SUBTOTAL(101,tblPupils[Attendance %])</f><v>0.8</v></c>')
        return set_cell(xml, "A152", "".join(cells))

    return rewrite(clean, {"xl/tables/table1.xml": table, "xl/worksheets/sheet3.xml": pupils})


def date_1904(clean: bytes) -> bytes:
    """Saved by an older Mac Excel: the 1904 date system, every date serial 1,462 days less.
    One date (Pupils R2, Start date) has lost its date format: a bare serial."""
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        styles = z.read("xl/styles.xml").decode()
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1)
    ids = [int(m) for m in re.findall(r'<xf numFmtId="(\d+)"', xfs)]
    date_styles = {str(i) for i, fmt in enumerate(ids) if fmt in (14, 164, 166)}

    def shift(xml: str) -> str:
        def one(m):
            if m.group(2) not in date_styles:
                return m.group(0)
            return f"{m.group(1)}<v>{int(float(m.group(3))) - DAYS_1900_TO_1904}</v>"

        xml = re.sub(r'(<c r="[A-Z]+\d+" s="(\d+)" t="n">)<v>([0-9.]+)</v>', one, xml)
        return xml

    changes = {name: shift for name in sheets}
    changes["xl/workbook.xml"] = lambda x: x.replace(
        '<workbookPr codeName="ThisWorkbook" />', '<workbookPr codeName="ThisWorkbook" date1904="1" />', 1
    )
    data = rewrite(clean, changes)
    return rewrite(
        data,
        {"xl/worksheets/sheet3.xml": lambda x: re.sub(r'<c r="R2" s="\d+" t="n">', '<c r="R2" t="n">', x, count=1)},
    )


def two_pupils_tabs() -> bytes:
    """A second tab named "Pupils " (trailing space), as a user makes by copying the sheet."""
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]
    from conftest import provider_return

    f = provider_return()
    copy = f.book.copy_worksheet(f.book["Pupils"])
    copy.title = "Pupils "
    with tempfile.TemporaryDirectory() as tmp:
        return f.save(Path(tmp) / "two.xlsm").read_bytes()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    cells = assignments()
    clean = clean_return_bytes()
    (OUT / "excel365_errors.xlsm").write_bytes(excel_errors(clean))
    (OUT / "excel_total_row.xlsm").write_bytes(total_row(clean))
    (OUT / "excel_date1904.xlsm").write_bytes(date_1904(clean))
    (OUT / "two_pupils_tabs.xlsm").write_bytes(two_pupils_tabs())
    gnumeric(clean)
    libreoffice(cells)
    for p in sorted(OUT.glob("*.xls*")):
        print(f"{p.relative_to(ROOT)}  {p.stat().st_size:,} bytes")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--uno-worker":
        uno_worker(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    else:
        main()
