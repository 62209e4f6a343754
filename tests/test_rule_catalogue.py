"""The rule catalogue agrees with the specification, and every rule has its tests.

The specification's codes come from its rule tables (docs/DATA-SPEC.md, a copy of the
council's contract kept identical to ../shared/spec/DATA-SPEC.md where that is present).
"""

from __future__ import annotations

import inspect
import json
import re
from importlib import import_module
from pathlib import Path

from click.testing import CliRunner

from ap_sheets.cli import main
from ap_sheets.rules import RULES
from ap_sheets.rules.declare import PERSONAL_FIELDS

ROOT = Path(__file__).resolve().parents[1]
SPEC_COPY = ROOT / "docs" / "DATA-SPEC.md"
SHARED_SPEC = ROOT.parent / "shared" / "spec" / "DATA-SPEC.md"
# Codes ap-sheets adds to the specification's (README: "How the specification is read").
PROJECT_CODES = {"R060"}
# Codes of the specification not declared yet, each with the issue that brings it. When one
# is declared, this test fails until it is taken off the list.
NOT_YET_DECLARED = {}


def spec_rules() -> dict[str, str]:
    """code -> severity from the specification's rule tables."""
    rows = re.findall(r"^\| ([RDX]\d{3}) \| (error|query) \|", SPEC_COPY.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def test_the_copy_of_the_specification_is_the_councils():
    if SHARED_SPEC.exists():  # beside every checkout the council's own is there; elsewhere the copy stands
        assert SPEC_COPY.read_text(encoding="utf-8") == SHARED_SPEC.read_text(encoding="utf-8")
    assert len(spec_rules()) >= 40


def test_declared_rules_are_the_specifications_with_the_same_severity():
    spec = spec_rules()
    assert set(RULES) - set(spec) == PROJECT_CODES
    assert set(spec) - set(RULES) == set(NOT_YET_DECLARED)
    assert {code: str(r.severity) for code, r in RULES.items() if code in spec} == {
        code: sev for code, sev in spec.items() if code in RULES
    }


def test_every_rule_has_a_title_a_message_and_a_check():
    for code, r in RULES.items():
        assert r.title and r.messages and all(r.messages.values()), code
        assert r.checks or r.value_checks or r.cross, f"{code} declares no check"


def test_no_message_can_show_a_pupils_identity():
    """Every message template of every rule: no field for a UPN, name, date of birth or postcode
    (the rule tests also check every message they produce: ap_sheets.testing.check)."""
    for code, r in RULES.items():
        for key, fields in r.message_fields().items():
            assert not fields & PERSONAL_FIELDS, (code, key, fields)


def test_every_rule_is_tested_beside_its_declaration():
    """Each rule module ends with tests; each rule has at least one named after its code."""
    for code, r in RULES.items():
        module = import_module(r.module)
        tests = [
            name
            for name, fn in inspect.getmembers(module, inspect.isfunction)
            if name.startswith("test_") and fn.__module__ == module.__name__
        ]
        assert any(code.lower() in name for name in tests), f"{code}: no test_{code.lower()}_... in {r.module}"


def test_rules_command_lists_every_rule_with_its_module():
    result = CliRunner().invoke(main, ["rules", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [r["code"] for r in listed] == list(RULES)
    r040 = next(r for r in listed if r["code"] == "R040")
    assert r040 == {
        "code": "R040",
        "severity": "query",
        "title": RULES["R040"].title,
        "applies_to": "Notifications",
        "module": "ap_sheets.rules.notification_rules",
        "settings": [],
    }
    text = CliRunner().invoke(main, ["rules"]).output
    assert "R040  query  Notifications" in text and "[ap_sheets.rules.notification_rules]" in text
