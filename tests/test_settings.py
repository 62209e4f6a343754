"""The council's settings file: rule settings (registration test, full-time hours), the
national attendance comparator, and --config on validate and template (refused: exit 2)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ap_sheets.cli import main
from ap_sheets.settings import REGISTRATION_TESTS, Settings, SettingsError, load_settings
from conftest import TEMPLATES, provider_return


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def write(tmp_path, text, name="ap-sheets.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    s = Settings()
    assert (s.registration_test, s.full_time_hours) == ("guidance-2024", 18.0)
    assert set(REGISTRATION_TESTS) == {"guidance-2024", "act-2026"}
    assert (
        "looked after or has special educational needs"
        in Settings(registration_test="act-2026").registration_test_description
    )
    assert s.national_attendance_pct == 57.5
    assert s.national_attendance_label == (
        "State-funded AP schools (incl. PRUs), pupils of compulsory school age (5-15), full year 2023/24, England (DfE)"
    )


def test_rule_settings_from_toml(tmp_path):
    path = write(tmp_path, 'registration_test = "act-2026"\nfull_time_hours = 20\n')
    s = load_settings(path)
    assert (s.registration_test, s.full_time_hours) == ("act-2026", 20.0)
    assert isinstance(s.full_time_hours, float)
    assert load_settings(write(tmp_path, "full_time_hours = 17.5\n")).full_time_hours == 17.5


@pytest.mark.parametrize(
    "text, says",
    [
        (
            'registration_test = "act-2025"',
            "registration_test must be one of 'guidance-2024', 'act-2026', not 'act-2025'",
        ),
        ('registration_test = "ACT-2026"', "registration_test must be one of"),
        ("registration_test = 2026", "registration_test in"),
        ("full_time_hours = 0", "full_time_hours must be a positive number of hours a week (e.g. 18), not 0"),
        ("full_time_hours = -18", "full_time_hours must be a positive number"),
        ('full_time_hours = "18"', "full_time_hours in"),
        ("full_time_hours = true", "full_time_hours in"),
        ("full_time_hours = inf", "full_time_hours must be a positive number"),
        ("fulltime_hours = 18", "unknown setting in"),
    ],
)
def test_refused_settings_say_why(tmp_path, text, says):
    path = write(tmp_path, text + "\n")
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    assert says in str(err.value)
    assert str(path) in str(err.value)


def test_unknown_key_names_the_known_ones(tmp_path):
    with pytest.raises(SettingsError, match="Known settings: .*registration_test, full_time_hours"):
        load_settings(write(tmp_path, "registration = 1\n"))


def test_settings_in_code_are_checked_too():
    with pytest.raises(SettingsError):
        Settings(registration_test="law")
    with pytest.raises(SettingsError):
        Settings().with_overrides(full_time_hours=-1)


def test_validate_with_config(tmp_path):
    path = provider_return().save(tmp_path / "provider.xlsm")
    good = write(tmp_path, 'registration_test = "act-2026"\nfull_time_hours = 18\n')
    result = run("validate", "--config", good, "--format", "json", path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["files"][0]["status"] == "accepted"


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "{file}"],
        ["template", "school-log", "-o", "{out}"],
    ],
)
def test_refused_config_is_a_usage_error(tmp_path, command):
    file = provider_return().save(tmp_path / "provider.xlsm")
    bad = write(tmp_path, 'registration_test = "act-2025"\n')
    args = [a.format(file=file, out=tmp_path / "log.xlsm") for a in command]
    result = run(*args, "--config", bad)
    assert result.exit_code == 2
    assert "registration_test must be one of 'guidance-2024', 'act-2026'" in result.output
    assert not (tmp_path / "log.xlsm").exists()


def test_template_with_default_rule_settings_writes_the_committed_bytes(tmp_path):
    cfg = write(tmp_path, 'registration_test = "guidance-2024"\nfull_time_hours = 18\n')
    result = run("template", "school-log", "-o", tmp_path / "log.xlsm", "--config", cfg)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "log.xlsm").read_bytes() == (TEMPLATES / "school_placement_log.xlsm").read_bytes()


def test_template_with_config_carries_the_councils_rule_settings_for_its_button(tmp_path):
    """The Validate button cannot read the council's settings file: the workbook carries the
    rule settings that differ from the defaults on its hidden meta sheet, and the button
    (excel.validate_book) applies them."""
    from ap_sheets.read import read_workbook

    cfg = write(tmp_path, 'registration_test = "act-2026"\nfull_time_hours = 20\n')
    result = run("template", "provider-return", "-o", tmp_path / "return.xlsm", "--config", cfg)
    assert result.exit_code == 0, result.output
    meta = read_workbook(tmp_path / "return.xlsm").meta
    assert (meta["registration_test"], meta["full_time_hours"]) == ("act-2026", "20")
    carried = Settings().with_workbook_rules(meta)
    assert (carried.registration_test, carried.full_time_hours) == ("act-2026", 20.0)
    assert Settings().with_workbook_rules({"registration_test": "act-2099", "full_time_hours": "lots"}) == Settings()
