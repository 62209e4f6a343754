"""The council's rule settings (registration_test, full_time_hours) from the command line to
every place a check runs: validate, the batch's workers, its feedback copies, X006 in
reconcile, and the places that say which test was applied (the Validation sheet, the
report's Overview, summary.json). Real workbooks filled from the committed templates."""

from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl
from click.testing import CliRunner

from ap_sheets.cli import main
from ap_sheets.excel.validation import verdict
from ap_sheets.findings import FileReport
from ap_sheets.settings import Settings
from ap_sheets.testing import make_upn, placement
from conftest import provider_return, school_log

ACT = 'registration_test = "act-2026"\n'


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def config(tmp_path, text, name="council.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def unregistered_provider_with_sen_support_pupil_full_time():
    f = provider_return()
    f.fill_form(
        "Provider",
        {"registered_school": "N", "dfe_urn": None, "ofsted_judgement": "Not inspected", "ofsted_report_date": None},
    )
    for row in (3, 4):
        f.set_cell("Pupils", row, "hours_per_week", 10)
    f.set_cell("Pupils", 2, "sen", "K")  # age 13, SEN support, not looked after
    f.set_cell("Pupils", 2, "hours_per_week", 20)
    return f


def codes(result) -> list[tuple[str, str]]:
    (file,) = json.loads(result.output)["files"]
    return [(i["code"], i["message"]) for i in file["issues"] if i["code"] in ("R030", "R031")]


def test_validate_config_chooses_the_registration_test_and_full_time_hours(tmp_path):
    path = unregistered_provider_with_sen_support_pupil_full_time().save(tmp_path / "p.xlsm")
    guidance = codes(run("validate", path, "--format", "json"))
    assert [c for c, _ in guidance] == ["R030"]
    act = codes(run("validate", path, "--format", "json", "--config", config(tmp_path, ACT)))
    assert [c for c, _ in act] == ["R031", "R030"]  # the Provider sheet first
    assert "By law (Children's Wellbeing and Schools Act 2026 s.43)" in act[0][1]
    assert (
        codes(
            run(
                "validate",
                path,
                "--format",
                "json",
                "--config",
                config(tmp_path, ACT + "full_time_hours = 20\n", "twenty.toml"),
            )
        )
        == []
    )


def test_validation_sheet_names_the_test_applied():
    report = FileReport("p.xlsm", "provider-return", "accepted")
    when = datetime(2025, 1, 6, 9, 30)
    assert verdict(report, when)[2] == (
        "Registration test applied: guidance-2024 (the council's guidance, §3.2). Full-time education is more "
        "than 18 hours a week (DfE guidance, §3.3)."
    )
    act = verdict(report, when, Settings(registration_test="act-2026", full_time_hours=20))[2]
    assert act.startswith("Registration test applied: act-2026 (the Children's Wellbeing and Schools Act 2026 s.43)")
    assert act.endswith("Full-time education is more than 20 hours a week (DfE guidance, §3.3).")


def hidden_setting_log(urn: str, name: str, first: int, sen: str = "N"):
    """A school's log (v2) placing one pupil full time at an unregistered setting that sends
    no return of its own."""
    f = school_log()
    f.fill_form("School", {"school_urn": urn, "school_name": name})
    f.add_row(
        "Placements",
        placement(
            upn=make_upn(first),
            sen=sen,
            provider_name="Hidden Academy",
            provider_id="AP-0099",
            provider_registered="N",
            provider_urn=None,
            ap_setting_type="OTH",
            hours_at_provider=20,
            hours_at_school=5,
            start_date=date(2024, 9, 9),
        ),
    )
    return f


def test_consolidate_config_reaches_the_workers_x006_feedback_and_the_report(tmp_path):
    returns = tmp_path / "returns"
    returns.mkdir()
    unregistered_provider_with_sen_support_pupil_full_time().save(returns / "provider.xlsm")
    hidden_setting_log("100001", "Oak School", 81, sen="K").save(returns / "oak.xlsm")
    hidden_setting_log("100002", "Elm School", 82).save(returns / "elm.xlsm")
    summaries = {}
    for label, extra in (("default", ()), ("act", ("--config", config(tmp_path, ACT)))):
        out = tmp_path / label
        result = run("consolidate", returns, "-o", out, "--jobs", "2", "--feedback", *extra)
        assert result.exit_code == 0, result.output
        summaries[label] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    default, act = summaries["default"], summaries["act"]
    assert (default["registration_test"], act["registration_test"]) == ("guidance-2024", "act-2026")
    # the provider's own return (X006 as R031 on it) and the setting that sent none
    assert (default["reconciliation"]["X006"], act["reconciliation"]["X006"]) == (0, 2)
    assert "R031" not in default["issues_by_code"] and act["issues_by_code"]["R031"] == 1  # checked on workers
    overview = openpyxl.load_workbook(tmp_path / "act" / "council_report.xlsx", read_only=True)["Overview"]
    lines = [row[0] for row in overview.iter_rows(max_row=8, max_col=1, values_only=True)]
    assert any(
        str(v).startswith("Registration test applied: the Children's Wellbeing and Schools Act 2026") for v in lines
    )
    x006 = [
        row
        for row in openpyxl.load_workbook(tmp_path / "act" / "council_report.xlsx", read_only=True)[
            "Reconciliation"
        ].iter_rows(values_only=True)
        if row and row[0] == "X006"
    ]
    assert [row[4] for row in x006] == ["elm.xlsm", "provider.xlsm"]  # no return: on the first log naming it
    x006 = [row for row in x006 if "Hidden Academy (ID AP-0099)" in row[3]]
    assert "to 2 children of compulsory school age" in x006[0][3] and "elm.xlsm, oak.xlsm" in x006[0][3]
    assert "No return was received from this provider." in x006[0][3]
    copy = openpyxl.load_workbook(tmp_path / "act" / "feedback" / "provider.xlsm")["Validation"]
    assert copy.cell(3, 1).value.startswith("This is a copy the council made")
    assert copy.cell(4, 1).value.startswith("Registration test applied: act-2026")


def test_the_validate_button_applies_the_rule_settings_its_workbook_carries(tmp_path, monkeypatch):
    """A workbook made with `template --config` (act-2026, 20 hours): its Validate button, on
    xlwings' remote engine, checks and says so without the council's settings file."""
    import xlwings as xw

    from ap_sheets import excel
    from ap_sheets.templates import build_workbook
    from test_excel_handlers import NOW, Client, payload_from_file

    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.setenv(excel.LOG_ENV, str(tmp_path / "logs"))
    if "remote" not in [e.name for e in xw.engines]:
        from xlwings.pro import _xlremote

        xw.engines.add(xw.main.Engine(impl=_xlremote.engine))
    path = build_workbook(
        "provider-return", tmp_path / "return.xlsm", settings=Settings(registration_test="act-2026", full_time_hours=20)
    )
    client = Client(payload_from_file(path))
    client.click(excel.validate_book)
    lines = [row[0] for row in client.sheet(excel.VALIDATION_SHEET)[:4]]
    assert any(
        str(v).startswith("Registration test applied: act-2026") and "more than 20 hours" in str(v) for v in lines
    )
    assert NOW  # the handlers' clock, as in test_excel_handlers
