"""The pseudonymised register: no direct identifiers, stable salted IDs, safe CSV cells."""

from __future__ import annotations

import csv
import re

import pytest
from click.testing import CliRunner

from ap_sheets.batch import consolidate
from ap_sheets.cli import main
from ap_sheets.demo import write_demo
from ap_sheets.normalise import to_return
from ap_sheets.privacy import FORMULA_TRIGGERS
from ap_sheets.read import read_workbook

SALT = "council-secret-salt-0123456789"


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    folder = tmp_path_factory.mktemp("term")
    write_demo(folder)
    return folder


def people(folder):
    """UPNs, names, dates of birth and postcodes typed in the demo returns."""
    found = set()
    for path in folder.rglob("*.xlsm"):
        ret = to_return(read_workbook(path))
        for sheet in ("Pupils", "Placements"):
            if sheet in ret.sheets:
                frame = ret.frame(sheet)
                for key in ("upn", "surname", "forename", "postcode", "date_of_birth"):
                    if key in frame:
                        found |= {str(v) for v in frame[key] if v is not None}
    return found


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_register_has_one_row_per_child_and_no_identifiers(term, tmp_path):
    out = consolidate(term, tmp_path / "out", pseudonymise_salt=SALT, progress=False)
    path = out.outputs["pseudonymised"]
    register = rows(path)
    assert len(register) == out.summary["children_on_register"]
    assert sum(r["source"].startswith("Provider return") for r in register) == out.summary["children"]
    assert {"pupil_id", "birth_month", "postcode_sector"} <= set(register[0])
    assert not {"upn", "surname", "forename", "date_of_birth", "postcode", "religion"} & set(register[0])
    text = path.read_text(encoding="utf-8-sig")
    leaked = [p for p in people(term) if p in text and len(p) > 3]
    assert leaked == []
    assert all(re.fullmatch(r"[0-9a-f]{16}", r["pupil_id"]) for r in register)
    assert all(re.fullmatch(r"\d{4}-\d{2}", r["birth_month"]) for r in register if r["birth_month"])
    assert all(re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d", r["postcode_sector"]) for r in register if r["postcode_sector"])
    assert not any(cell[:1] in FORMULA_TRIGGERS for r in register for cell in r.values() if cell)
    assert "SALT" not in text and SALT not in text


def test_same_salt_same_ids_other_salt_other_ids(term, tmp_path):
    a = rows(consolidate(term, tmp_path / "a", pseudonymise_salt=SALT, progress=False).outputs["pseudonymised"])
    b = rows(consolidate(term, tmp_path / "b", pseudonymise_salt=SALT, progress=False).outputs["pseudonymised"])
    c = rows(consolidate(term, tmp_path / "c", pseudonymise_salt=SALT + "x", progress=False).outputs["pseudonymised"])
    assert [r["pupil_id"] for r in a] == [r["pupil_id"] for r in b]
    assert not {r["pupil_id"] for r in a} & {r["pupil_id"] for r in c}


def test_cli_needs_the_salt_and_new_salt_makes_one(term, tmp_path, monkeypatch):
    monkeypatch.delenv("AP_SHEETS_SALT", raising=False)
    runner = CliRunner()
    refused = runner.invoke(main, ["consolidate", str(term), "-o", str(tmp_path / "o"), "--pseudonymised-register"])
    assert refused.exit_code == 2 and "salt" in refused.output
    made = runner.invoke(main, ["new-salt", "-o", str(tmp_path / "salt.txt")])
    assert made.exit_code == 0 and (tmp_path / "salt.txt").stat().st_mode & 0o077 == 0
    ok = runner.invoke(
        main,
        [
            "consolidate",
            str(term),
            "-o",
            str(tmp_path / "o"),
            "--pseudonymised-register",
            "--salt-file",
            str(tmp_path / "salt.txt"),
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "o" / "register_pseudonymised.csv").exists()
    again = runner.invoke(main, ["new-salt", "-o", str(tmp_path / "salt.txt")])
    assert again.exit_code == 2  # never overwrites a salt
