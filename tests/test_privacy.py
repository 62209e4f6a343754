"""Privacy as data, declared once: every column has a treatment; the register is degraded in
one place; the salt never reaches an output; text can never run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ap_sheets import privacy
from ap_sheets.privacy import (
    FORMULA_TRIGGERS,
    PERSONAL_KEYS,
    TREATMENTS,
    Handling,
    pseudonymise_register,
    pupil_pseudonym,
    safe_text,
)
from ap_sheets.spec import KINDS
from ap_sheets.validate import check_file
from conftest import UPN1, UPN2

SALT = "council-secret-salt-7f3a9c"


def test_every_column_in_the_spec_is_declared():
    keys = {c.key for kind in KINDS.values() for sheet in kind.sheets for c in sheet.columns}
    assert keys - set(TREATMENTS) == set(), "declare how each new column is handled in privacy.TREATMENTS"


def test_personal_keys_include_the_identifying_and_special_category_items():
    assert {
        "upn",
        "surname",
        "forename",
        "date_of_birth",
        "postcode",
        "sexual_orientation",
        "religion",
        "ethnicity",
        "contact_name",
        "contact_email",
    } <= PERSONAL_KEYS
    assert "provider_name" not in PERSONAL_KEYS and "start_date" not in PERSONAL_KEYS
    assert {"ethnicity", "religion", "sexual_orientation"} == privacy.SPECIAL_CATEGORY_KEYS
    for key in ("surname", "forename", "religion", "sexual_orientation", "barriers", "pupil_view"):
        assert TREATMENTS[key].handling is Handling.DROP


ROWS = [
    {
        "upn": UPN1,
        "surname": "Okafor",
        "forename": "Daniel",
        "date_of_birth": date(2011, 3, 4),
        "postcode": "UB8 1UW",
        "ethnicity": "BAFR",
        "religion": "Christian",
        "sexual_orientation": None,
        "sen": "N",
        "looked_after": "N",
        "start_date": date(2024, 9, 2),
        "barriers": "Anxiety since Mum's illness",
        "source_file": "Okafor D.xlsm",
        "term": "2024/25 Autumn",
    },
    {
        "upn": " " + UPN2.lower() + "\u200b",
        "surname": "Nowak",
        "forename": "Zofia",
        "date_of_birth": "20/11/2009",
        "postcode": "not known",
        "ethnicity": "WOTH",
        "religion": "No religion",
        "sexual_orientation": "Bisexual",
        "sen": "E",
        "looked_after": "Y",
        "start_date": date(2024, 9, 9),
        "barriers": None,
        "source_file": "x.xlsm",
        "term": "2024/25 Autumn",
    },
]


def test_register_rows_are_degraded_as_declared():
    out = pseudonymise_register(ROWS, SALT, keep={"term"})
    first, second = out
    assert list(first) == [
        "pupil_id",
        "birth_month",
        "postcode_sector",
        "ethnicity",
        "sen",
        "looked_after",
        "start_date",
        "term",
    ]
    assert first["pupil_id"] == pupil_pseudonym(UPN1, SALT) and len(first["pupil_id"]) == 16
    assert first["birth_month"] == date(2011, 3, 1) and first["postcode_sector"] == "UB8 1"
    assert second["pupil_id"] == pupil_pseudonym(UPN2, SALT)  # however the UPN was typed
    assert second["birth_month"] == date(2009, 11, 1)
    assert second["postcode_sector"] is None  # not a postcode: dropped, never passed through
    assert first["start_date"] == date(2024, 9, 2) and first["term"] == "2024/25 Autumn"


def test_nothing_personal_survives_in_any_form():
    shown = repr(pseudonymise_register(ROWS, SALT))
    for secret in (
        "Okafor",
        "Daniel",
        "Nowak",
        "Zofia",
        UPN1,
        UPN2,
        "UB8 1UW",
        "Christian",
        "Bisexual",
        "Anxiety",
        SALT,
        "04",
        "source_file",
    ):
        assert secret not in shown, secret


def test_dataframe_in_dataframe_out():
    frame = pd.DataFrame(ROWS, index=[5, 9])
    out = pseudonymise_register(frame, SALT, keep=["term"])
    assert isinstance(out, pd.DataFrame) and list(out.index) == [5, 9]
    assert out.to_dict("records") == pseudonymise_register(ROWS, SALT, keep=["term"])


def test_pandas_missing_values_become_none():
    frame = pd.DataFrame(
        {
            "upn": [UPN1, None],
            "date_of_birth": [pd.Timestamp(2011, 3, 4), pd.NaT],
            "postcode": ["ub81uw", float("nan")],
            "sen": ["N", float("nan")],
        }
    )
    out = pseudonymise_register(frame, SALT).to_dict("records")
    assert out[0] == {
        "pupil_id": pupil_pseudonym(UPN1, SALT),
        "birth_month": date(2011, 3, 1),
        "postcode_sector": "UB8 1",
        "sen": "N",
    }
    assert out[1] == {"pupil_id": None, "birth_month": None, "postcode_sector": None, "sen": None}


def test_the_salt_matters_and_must_be_long_enough():
    assert pupil_pseudonym(UPN1, SALT) != pupil_pseudonym(UPN1, SALT + "x")
    assert pupil_pseudonym(UPN1, SALT) == pupil_pseudonym(UPN1, SALT.encode())
    with pytest.raises(ValueError, match="at least 16 bytes"):
        pseudonymise_register(ROWS, "short")
    assert len(privacy.new_salt()) >= 32 and privacy.new_salt() != privacy.new_salt()


def test_a_real_return_pseudonymised(provider_filler, tmp_path):
    checked = check_file(provider_filler.save(tmp_path / "r.xlsm"))
    pupils = checked.ret.frame("Pupils")
    out = pseudonymise_register(pupils, SALT)
    assert len(out) == len(pupils)
    assert not set(out.columns) & {"upn", "surname", "forename", "date_of_birth", "postcode", "religion"}
    text = out.to_csv()
    for value in pupils["surname"].tolist() + pupils["upn"].tolist():
        assert value not in text
    assert all(d is None or d.day == 1 for d in out["birth_month"])


def test_handling_table_documents_every_key():
    table = privacy.handling_table()
    assert {r["key"] for r in table} == set(TREATMENTS)
    assert next(r for r in table if r["key"] == "upn")["output"] == "pupil_id"


# ---------- formula injection ----------
@pytest.mark.parametrize(
    "text, safe",
    [
        ('=HYPERLINK("http://evil","click")', '\'=HYPERLINK("http://evil","click")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =cmd|' /C calc'!A0", "'  =cmd|' /C calc'!A0"),
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals
        ("Okafor", "Okafor"),
        ("Mostly engaged - see notes", "Mostly engaged - see notes"),
        ("", ""),
    ],
)
def test_safe_text(text, safe):
    assert safe_text(text) == safe


def test_non_text_passes_through():
    for value in (None, 5, -3.5, date(2024, 9, 1), datetime(2024, 9, 1, 10), True):
        assert safe_text(value) == value


@given(st.text())
def test_safe_text_never_leaves_a_formula(text):
    out = safe_text(text)
    assert out == text or out == "'" + text
    assert (out[:1] not in FORMULA_TRIGGERS and out.lstrip(" \u00a0")[:1] not in FORMULA_TRIGGERS) or out[:1] == "'"
    assert safe_text(out) == out


def test_csv_and_xlsxwriter_outputs_hold_no_formulas(tmp_path):
    import openpyxl
    import xlsxwriter

    hostile = ["=1+1", "+1", "-1+1", "@A1", '=HYPERLINK("http://x")', "plain"]
    buf = io.StringIO()
    csv.writer(buf).writerow(privacy.safe_row(hostile))
    for field in next(csv.reader(io.StringIO(buf.getvalue()))):
        assert field == "plain" or field.startswith("'")
    path = tmp_path / "out.xlsx"
    wb = xlsxwriter.Workbook(path, privacy.XLSXWRITER_OPTIONS)
    ws = wb.add_worksheet()
    for i, value in enumerate(hostile):
        ws.write(i, 0, value)  # write(), which would turn "=..." into a formula without the options
        ws.write(i, 1, safe_text(value))
    wb.close()
    sheet = openpyxl.load_workbook(path).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
