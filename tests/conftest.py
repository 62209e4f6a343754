"""Shared test helpers: fill the real committed templates the way users do, with openpyxl.

`ReturnFiller` opens `workbook_templates/<kind>.xlsm`, writes values by column header (form
sheets: the answer beside the label; table sheets: a row under the headers), and saves a
copy. Values go in as a user would leave them: typed dates, text dates, stray spaces, blanks.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from ap_sheets.spec import KINDS, Layout
from ap_sheets.testing import (  # noqa: F401 (tests import the data from here too)
    COMPLAINTS,
    NOTIFICATIONS,
    PLACEMENTS,
    PROVIDER,
    PUPILS,
    SCHOOL,
    UPN1,
    UPN2,
    UPN3,
    make_upn,
    placement,
    pupil,
)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "workbook_templates"


class ReturnFiller:
    def __init__(self, kind: str, template: Path | None = None):
        """Fill the committed template of `kind`, or another copy of it (an older version)."""
        self.kind = KINDS[kind]
        self.book = openpyxl.load_workbook(template or TEMPLATES / self.kind.filename, keep_vba=True)
        self._next_row: dict[str, int] = {}

    # -- form sheets (Provider, School) --
    def form_row(self, sheet: str, header: str) -> int:
        ws = self.book[sheet]
        for r in range(1, ws.max_row + 1):
            if ws.cell(r, 1).value == header:
                return r
        raise KeyError(header)

    def set(self, sheet: str, key: str, value) -> int:
        """Answer one item on a form sheet; returns its Excel row."""
        header = self.kind.sheet(sheet).column(key).header
        r = self.form_row(sheet, header)
        self.book[sheet].cell(r, 2).value = value
        return r

    def fill_form(self, sheet: str, record: dict) -> None:
        for key, value in record.items():
            self.set(sheet, key, value)

    # -- table sheets --
    def col_index(self, sheet: str, key: str) -> int:
        header = self.kind.sheet(sheet).column(key).header
        for c, cell in enumerate(self.book[sheet][1], start=1):
            if cell.value == header:
                return c
        raise KeyError(header)

    def has_column(self, sheet: str, key: str) -> bool:
        header = self.kind.sheet(sheet).column(key).header
        return any(cell.value == header for cell in self.book[sheet][1])

    def add_row(self, sheet: str, record: dict, blank_rows_before: int = 0) -> int:
        """Write one record under the header (after earlier ones); returns its Excel row."""
        r = self._next_row.get(sheet, 2) + blank_rows_before
        for key, value in record.items():
            self.book[sheet].cell(r, self.col_index(sheet, key)).value = value
        self._next_row[sheet] = r + 1
        return r

    def set_cell(self, sheet: str, row: int, key: str, value) -> None:
        self.book[sheet].cell(row, self.col_index(sheet, key)).value = value

    def rename_header(self, sheet: str, key: str, new: str) -> None:
        spec = self.kind.sheet(sheet)
        if spec.layout is Layout.FORM:
            self.book[sheet].cell(self.form_row(sheet, spec.column(key).header), 1).value = new
        else:
            self.book[sheet].cell(1, self.col_index(sheet, key)).value = new

    def save(self, path: Path) -> Path:
        self.book.save(path)
        return path


# ---- the clean returns of ap_sheets.testing, filled into the real templates ----
def provider_return() -> ReturnFiller:
    f = ReturnFiller("provider-return")
    f.fill_form("Provider", PROVIDER)
    for p in PUPILS:
        f.add_row("Pupils", p)
    for n in NOTIFICATIONS:
        f.add_row("Notifications", n)
    for c in COMPLAINTS:
        f.add_row("Complaints", c)
    return f


def school_log(template: Path | None = None) -> ReturnFiller:
    f = ReturnFiller("school-log", template)
    f.fill_form("School", SCHOOL)
    for p in PLACEMENTS:  # an older template lacks the columns added since (v1: no AP setting type)
        f.add_row("Placements", {k: v for k, v in p.items() if f.has_column("Placements", k)})
    return f


@pytest.fixture
def provider_filler() -> ReturnFiller:
    return provider_return()


@pytest.fixture
def school_filler() -> ReturnFiller:
    return school_log()


@pytest.fixture(scope="session")
def pg():
    """A throwaway PostgreSQL server for the register database's tests (tests/pg_server.py)."""
    from pg_server import PgServer, pg_bin

    if pg_bin("initdb") is None or pg_bin("pg_ctl") is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql; .ci/run does)")
    server = PgServer()
    yield server
    server.stop()
