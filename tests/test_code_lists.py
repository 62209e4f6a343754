"""DfE code lists: extended ethnicity codes roll up to their main code; NC year X; AP setting type."""

from __future__ import annotations

import pytest

from ap_sheets import values
from ap_sheets.normalise import to_return
from ap_sheets.read import read_workbook
from ap_sheets.spec import codes as C
from ap_sheets.validate import validate_file


@pytest.mark.parametrize(
    "typed, main",
    [
        ("WNIR", "WBRI"),
        ("weng", "WBRI"),
        ("WOWB", "WBRI"),
        (" wcor ", "WBRI"),
        ("WROG", "WROM"),
        ("MWCH", "MOTH"),
        ("MBCH", "MOTH"),
        ("CSNG", "CHNE"),
        ("OKRD", "OOTH"),
        ("AKPA", "APKN"),
        ("BSOM", "BAFR"),
        ("WIRT", "WIRT"),
        ("REFU", "REFU"),
    ],
)
def test_extended_ethnicity_codes_count_under_their_main_code(typed, main):
    assert values.parse_code(typed, C.ETHNICITY) == main


def test_every_extended_code_rolls_up_to_a_main_code():
    for extended, main in C.ETHNICITY.aliases.items():
        assert main in C.ETHNICITY.codes and len(extended) == 4 and extended not in C.ETHNICITY.codes


@pytest.mark.parametrize("typed", ["WXYZ", "WBRX", "White"])
def test_a_code_the_dfe_does_not_list_stays_as_typed(typed):
    assert values.parse_code(typed, C.ETHNICITY) == typed  # so the schema says R002


def test_nc_year_x():
    assert values.parse_code("x", C.NC_YEAR) == "X"
    assert values.parse_code("National Curriculum not followed", C.NC_YEAR) == "X"
    assert C.nc_year_number("X") is None and C.nc_year_number("R") == 0 and C.nc_year_number("11") == 11


def test_ap_setting_type_list():
    assert C.AP_SETTING_TYPE.codes == ("NFE", "OOT", "OTH", "WBP")
    assert C.AP_SETTING_TYPE.dropdown()[1] == "OOT - One-on-one tuition"
    assert C.code_list_named("AP setting type") is C.AP_SETTING_TYPE


def test_return_with_wnir_and_nc_year_x_is_accepted(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "ethnicity", "WNIR")
    provider_filler.set_cell("Pupils", 2, "nc_year", "X")  # R020 does not apply to X
    path = provider_filler.save(tmp_path / "return.xlsm")
    report = validate_file(path)
    assert [(f.code, f.row) for f in report.issues] == [] and report.status == "accepted"
    frame = to_return(read_workbook(path)).frame("Pupils")
    assert (frame.at[2, "ethnicity"], frame.at[2, "nc_year"]) == ("WBRI", "X")


def test_unlisted_extended_ethnicity_code_is_r002(provider_filler, tmp_path):
    provider_filler.set_cell("Pupils", 2, "ethnicity", "WXYZ")
    report = validate_file(provider_filler.save(tmp_path / "return.xlsm"))
    assert [(f.code, f.row, f.column) for f in report.issues] == [("R002", 2, "Ethnicity")]
