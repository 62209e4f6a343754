"""Start-up: commands that do not check files must not import the heavy libraries.

`ap-sheets --help` and `ap-sheets rules` are typed by people waiting for an answer; importing
pandas and Pandera alone takes about a second. Each case runs in a fresh interpreter and
asserts which modules were imported (a fact, not a timing)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "pandera", "numpy", "openpyxl", "xlsxwriter", "sqlalchemy", "fastapi", "python_calamine")


def imported_after(code: str) -> set[str]:
    """The heavy top-level modules in sys.modules after running `code` in a fresh Python."""
    probe = (
        "import sys, json\n"
        f"{code}\n"
        f"print(json.dumps(sorted(m for m in {list(HEAVY)!r} if m in sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def run_cli(args: list[str]) -> str:
    return f"from ap_sheets.cli import main\ntry:\n    main({args!r})\nexcept SystemExit:\n    pass"


@pytest.mark.parametrize(
    "code",
    [
        "import ap_sheets.cli",
        run_cli(["--help"]),
        run_cli(["rules"]),
        run_cli(["rules", "--format", "json"]),
        run_cli(["consolidate", "--help"]),
        run_cli(["validate", "--help"]),
    ],
    ids=["import-cli", "help", "rules", "rules-json", "consolidate-help", "validate-help"],
)
def test_no_heavy_imports(code):
    assert imported_after(code) == set()


def test_the_probe_sees_an_import():
    """The probe is real: building the Pandera schema imports pandas and Pandera."""
    assert {"pandas", "pandera"} <= imported_after(
        "import ap_sheets.rules.engine as e, ap_sheets.spec as s\ne.schema_for(next(iter(s.KINDS.values())).sheets[0])"
    )


def test_checking_a_return_does_not_import_pandera():
    """Checking runs the engine's own value pass: Pandera (~0.6 s to import and first use)
    is only for the schema given to analysts."""
    modules = imported_after("from ap_sheets.batch.tasks import warm_up\nwarm_up()")
    assert "pandera" not in modules


def test_consolidating_imports_neither_pandas_nor_numpy(tmp_path, provider_filler, school_filler):
    """A real consolidation of real workbooks (checks, figures, both reports, the register
    database) runs on plain lists: pandas and numpy (0.3 s to import) are for analysts only."""
    returns = tmp_path / "returns"
    returns.mkdir()
    provider_filler.save(returns / "provider.xlsm")
    school_filler.save(returns / "school.xlsm")
    args = ["consolidate", str(returns), "-o", str(tmp_path / "out"), "--db", str(tmp_path / "register.db")]
    modules = imported_after(run_cli(args))
    assert {"python_calamine", "xlsxwriter", "sqlalchemy"} <= modules  # the probe saw the run
    assert modules.isdisjoint({"pandas", "numpy", "pandera"})
    assert (tmp_path / "out" / "council_report.xlsx").is_file()


def test_a_sheet_is_still_a_dataframe_for_analysts(provider_filler, tmp_path):
    """`Return.frame` gives pandas what the checks walk as lists: the same values, by Excel row."""
    from ap_sheets.normalise import to_return
    from ap_sheets.read import read_workbook

    ret = to_return(read_workbook(provider_filler.save(tmp_path / "p.xlsm")))
    table, frame = ret.table("Pupils"), ret.frame("Pupils")
    assert list(frame.index) == table.index and list(frame.columns) == list(table.keys)
    assert all(frame[k].tolist() == table[k] for k in table.keys)
    assert ret.record == ret.frame("Provider").iloc[0].to_dict()


def _console(args: list[str], **kw) -> subprocess.CompletedProcess:
    """`ap-sheets ARGS` as the console script runs it (`python -m ap_sheets.cli`, the same `run`)."""
    return subprocess.run([sys.executable, "-m", "ap_sheets.cli", *args], capture_output=True, timeout=120, **kw)


def test_quick_exit_flushes_everything_and_keeps_the_exit_code(tmp_path):
    """`run` ends the process without Python's teardown: what was printed still arrives whole
    (a pipe, so buffered), exit handlers still run, and the command's exit code is kept."""
    done = _console(["rules", "--format", "json"])
    assert done.returncode == 0
    from ap_sheets.rules import RULES

    assert [r["code"] for r in json.loads(done.stdout)] == list(RULES)  # every rule: the JSON complete
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    done = _console(["validate", str(bad)])
    assert done.returncode == 1, done.stderr  # the CLI contract: 1 when a file has errors or cannot be read
    assert b"notes.xlsx" in done.stdout
    assert _console(["validate", str(tmp_path / "missing.xlsx")]).returncode == 2  # a usage error


def test_quick_exit_runs_the_exit_handlers(tmp_path):
    marker = tmp_path / "ran"
    code = (
        "import atexit, pathlib, sys\n"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes')\n"
        "sys.argv = ['ap-sheets', '--version']\n"
        "from ap_sheets.cli import run\nrun()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "ap-sheets" in done.stdout
    assert marker.read_text() == "yes"
