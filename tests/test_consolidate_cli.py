"""`ap-sheets consolidate` on the command line, its settings file, and the worker pool's
handling of files that crash or hang a worker."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ap_sheets.batch import FileResult, run_workers
from ap_sheets.cli import main
from ap_sheets.findings import FileReport
from ap_sheets.settings import Settings, SettingsError, load_settings
from ap_sheets.templates import build_workbook
from test_consolidate import P1_PUPILS, placement, provider_record, school_record


@pytest.fixture(scope="module")
def small_term(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("small")
    build_workbook(
        "provider-return",
        root / "alpha.xlsm",
        {"Provider": provider_record("AP-0101", "Alpha Provision"), "Pupils": P1_PUPILS[:2]},
    )
    build_workbook(
        "school-log",
        root / "school.xlsm",
        {"School": school_record("100001", "School One"), "Placements": [placement(1, "AP-0101", "Alpha Provision")]},
    )
    (root / "letter.pdf").write_bytes(b"%PDF-1.7\n")
    return root


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_consolidate_writes_the_three_outputs_and_exits_0(small_term, tmp_path):
    result = invoke("consolidate", small_term, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (
        "Term 2024/25 Autumn (the term most returns are for): 3 files - 2 accepted, 0 rejected, 1 unreadable."
        in result.output
    )
    assert "Unreadable: letter.pdf" in result.output
    assert "X001 1" in result.output  # c2 is on no school log
    for name in ("council_report.xlsx", "council_report_shareable.xlsx", "summary.json"):
        assert (tmp_path / "out" / name).is_file()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["children"] == 2 and summary["files"]["unreadable"] == 1


def test_consolidate_usage_mistakes_exit_2(small_term, tmp_path):
    assert invoke("consolidate", small_term, "-o", tmp_path, "--term", "Autumn 2024").exit_code == 2
    assert invoke("consolidate", small_term).exit_code == 2  # no -o
    assert invoke("consolidate", tmp_path / "missing", "-o", tmp_path).exit_code == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("suppress_bellow = 3\n")
    result = invoke("consolidate", small_term, "-o", tmp_path, "--config", bad)
    assert result.exit_code == 2 and "suppress_bellow" in result.output


def test_config_file_and_suppress_below_option(small_term, tmp_path):
    cfg = tmp_path / "report.toml"
    cfg.write_text(
        'national_attendance_pct = 90\nnational_attendance_label = "England, all schools"\n'
        "reintegration_target_pct = 50\n"
    )
    result = invoke("consolidate", small_term, "-o", tmp_path / "out", "--config", cfg, "--suppress-below", "3")
    assert result.exit_code == 0, result.output
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert s["national_attendance_pct"] == 90 and s["suppress_below"] == 3
    assert s["kpis"]["attendance"]["status"] == "Below comparator"  # 80% against 90%
    assert s["kpis"]["reintegration"]["target_pct"] == 50.0


def test_load_settings_defaults_json_and_type_errors(tmp_path):
    assert load_settings(None) == Settings()
    assert Settings().zero_suspensions_target_pct == 85.0
    j = tmp_path / "c.json"
    j.write_text(json.dumps({"zero_suspensions_target_pct": 90, "neet_max_pct": None}))
    assert load_settings(j).zero_suspensions_target_pct == 90.0
    j.write_text(json.dumps({"suppress_below": "five"}))
    with pytest.raises(SettingsError, match="wrong type"):
        load_settings(j)
    j.write_text("{not json")
    with pytest.raises(SettingsError, match="not valid JSON"):
        load_settings(j)


# ---- the worker pool --------------------------------------------------------------------
def flaky_task(chunk):
    """A stand-in for check_chunk: dies on 'crash' files, hangs on 'hang' files."""
    for _, shown in chunk:
        if "crash" in shown:
            os.kill(os.getpid(), signal.SIGKILL)  # as a native abort in the reader would
        if "hang" in shown:
            time.sleep(120)
    return [FileResult(shown, FileReport(shown, "provider-return", "accepted")) for _, shown in chunk]


def test_a_worker_that_dies_or_hangs_costs_only_its_file(tmp_path):
    names = [f"f{i:02d}.xlsm" for i in range(12)]
    names[3], names[8] = "crash.xlsm", "hang.xlsm"
    items = [(str(tmp_path / n), n) for n in names]
    results: list[FileResult] = []
    started = time.monotonic()
    run_workers(items, 2, results.extend, task=flaky_task, per_file=0.5, grace=1.0)
    assert time.monotonic() - started < 30
    by_name = {r.file: r for r in results}
    assert sorted(by_name) == sorted(names) and len(results) == len(names)
    assert (
        by_name["crash.xlsm"].status == "unreadable" and "stopped unexpectedly" in by_name["crash.xlsm"].report.reason
    )
    assert by_name["hang.xlsm"].status == "unreadable" and "took longer than" in by_name["hang.xlsm"].report.reason
    assert all(by_name[n].status == "accepted" for n in names if n not in ("crash.xlsm", "hang.xlsm"))


def test_demo_gaps_are_exactly_what_reconciliation_finds(tmp_path):
    from ap_sheets.batch import consolidate
    from ap_sheets.demo import PLANTED_GAPS, write_demo

    *_, ap_directory = write_demo(tmp_path / "demo")
    outcome = consolidate(tmp_path / "demo", tmp_path / "out", progress=False)
    found = {(f.code, f.upn) for f in outcome.consolidation.cross}
    assert found == {(g.code, g.upn) for g in PLANTED_GAPS if g.code not in ("X007", "X008", "X009")}
    assert outcome.summary["term"] == "2024/25 Autumn"
    # the directory beside the returns is not read as one, nor used unless given
    assert outcome.consolidation.decisions["ap_directory.xlsm"].startswith("No: an AP Directory, not a return")
    outcome = consolidate(tmp_path / "demo", tmp_path / "out2", progress=False, ap_directory=ap_directory)
    found = {(f.code, f.upn or f.value) for f in outcome.consolidation.cross}
    assert {(g.code, g.provider_id) for g in PLANTED_GAPS if g.code == "X007"} <= found


def test_a_stuck_worker_is_stopped_and_the_rest_carries_on(tmp_path):
    names = [f"f{i:02d}.xlsm" for i in range(6)] + ["hang.xlsm"]
    items = [(str(tmp_path / n), n) for n in names]
    results: list[FileResult] = []
    run_workers(items, 2, results.extend, task=flaky_task, per_file=0.3, grace=0.5)
    by_name = {r.file: r.status for r in results}
    assert len(results) == len(names)
    assert by_name.pop("hang.xlsm") == "unreadable"
    assert set(by_name.values()) == {"accepted"}


def test_output_folder_must_not_be_the_returns_folder(small_term):
    result = CliRunner().invoke(main, ["consolidate", str(small_term), "-o", str(small_term)])
    assert result.exit_code == 2 and "folder of returns itself" in result.output


# ---- command-line polish ------------------------------------------------------------------------
def test_a_term_with_no_returns_says_which_terms_the_folder_holds_and_writes_nothing(small_term, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["consolidate", str(small_term), "-o", str(out), "--term", "2024/25 Spring"])
    assert result.exit_code == 1
    assert (
        "No return in the folder is for 2024/25 Spring. The returns it holds are for: 2024/25 Autumn "
        "(2 files). Nothing was written."
    ) in result.output
    assert not out.exists()


def test_consolidate_help_gives_every_exit_status():
    text = " ".join(invoke("consolidate", "--help").output.split())
    assert "0 when the report was written" in text and "1 when nothing was written" in text
    assert "2 for a usage mistake" in text and "-o, --output OUTDIR" in text


def test_template_names_the_workbook_and_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "r.xlsm"
    first = invoke("template", "provider-return", "-o", target)
    assert (
        first.exit_code == 0 and f"Wrote a blank workbook, the AP provider termly return, to {target}" in first.output
    )
    target.write_bytes(b"the provider's own work")
    again = invoke("template", "provider-return", "-o", target)
    assert again.exit_code == 2 and "exists" in again.output and "--force" in again.output
    assert target.read_bytes() == b"the provider's own work"
    forced = invoke("template", "provider-return", "-o", target, "--force")
    assert forced.exit_code == 0 and target.read_bytes()[:2] == b"PK"


def test_template_config_puts_the_council_on_start_here(tmp_path):
    import openpyxl

    cfg = tmp_path / "council.toml"
    cfg.write_text(
        'council_name = "Northbridge Council"\nreturn_deadline = "13 December 2024"\n'
        'send_returns_to = "the AP returns folder on the secure file-transfer site"\n'
    )
    result = invoke("template", "school-log", "-o", tmp_path / "log.xlsm", "--config", cfg)
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(tmp_path / "log.xlsm")["Start here"]
    rows = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    assert rows["Council"] == "Northbridge Council" and rows["Send it by"] == "13 December 2024"
    assert rows["How to send it"] == "the AP returns folder on the secure file-transfer site"


def test_demo_refuses_to_overwrite_without_force(tmp_path):
    from ap_sheets.demo import demo_paths

    target = demo_paths(tmp_path)[0]
    target.parent.mkdir(parents=True)
    target.write_bytes(b"a real return")
    result = invoke("demo", tmp_path)
    assert result.exit_code == 2 and "--force" in result.output
    assert target.read_bytes() == b"a real return"
