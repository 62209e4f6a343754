"""Faults the batch must survive (issue 11: 4, 10, 11, 12, 14-17), each for real: processes
killed with kill -9, a worker aborting as a native crash would, a full disk (a file-size
limit), a second run into the same folder, workers that cannot start, odd entries in the
returns folder, file names that would rewrite the operator's terminal."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from ap_sheets.batch import LOCK_NAME, REPORT_NAME, SHAREABLE_NAME, SUMMARY_NAME, TMP_PREFIX, consolidate
from ap_sheets.cli import main
from ap_sheets.templates import build_workbook
from ap_sheets.terminal import printable
from test_consolidate import P1_PUPILS, placement, provider_record, pupil, school_record

HERE = Path(__file__).resolve().parent
FAULT_RUN = HERE / "fault_run.py"
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX processes, pipes and limits")


@pytest.fixture(scope="module")
def good_files(tmp_path_factory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("good")
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
    return {p.name: p.read_bytes() for p in root.iterdir()}


def returns_folder(root: Path, good_files: dict[str, bytes], **extra: bytes) -> Path:
    folder = root / "returns"
    folder.mkdir()
    for name, data in {**good_files, **extra}.items():
        (folder / name).write_bytes(data)
    return folder


def fault_env(method: str | None = None, **extra: str) -> dict[str, str]:
    env = {**os.environ, "AP_SHEETS_TEST_FAULT": "1", "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("AP_SHEETS_START_METHOD", None)
    if method:
        env["AP_SHEETS_START_METHOD"] = method
    env.update(extra)
    return env


def children_of(pid: int) -> set[int]:
    """Every process whose parent is `pid` (from /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's reaping is left


# ---- 14: kill -9 of consolidate while checking ---------------------------------------------
@posix_only
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the workers")
@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_exit_when_consolidate_is_killed(good_files, tmp_path, method):
    # a worker is sent its next chunk while it runs one: with four slow files both end up in one
    folder = returns_folder(tmp_path, good_files, **{f"slow{i}.xlsm": b"x" for i in range(4)})
    markers = tmp_path / "markers"
    markers.mkdir()
    proc = subprocess.Popen(
        [sys.executable, str(FAULT_RUN), "consolidate", str(folder), "-o", str(tmp_path / "out"), "--jobs", "2"],
        env=fault_env(method, AP_SHEETS_TEST_MARKERS=str(markers)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while len(list(markers.iterdir())) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        workers = {int(p.name) for p in markers.iterdir()}
        assert len(workers) == 2 and workers <= children_of(proc.pid)  # both workers are in a slow file
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in workers if alive(pid)]
    finally:
        proc.kill()
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


# ---- 4 (7): one file that kills the reader does not take down validate ------------------------------
@posix_only
@pytest.mark.parametrize("method", ["fork"])
def test_validate_survives_a_file_that_kills_the_reader(good_files, tmp_path, method):
    folder = returns_folder(tmp_path, good_files, **{"crash.xlsm": good_files["alpha.xlsm"]})
    res = subprocess.run(
        [sys.executable, str(FAULT_RUN), "validate", str(folder), "--format", "json"],
        env=fault_env(method),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 1, res.stderr
    files = {f["file"]: f for f in json.loads(res.stdout)["files"]}
    assert sorted(files) == ["alpha.xlsm", "crash.xlsm", "school.xlsm"]
    assert files["alpha.xlsm"]["status"] == files["school.xlsm"]["status"] == "accepted"
    assert files["crash.xlsm"]["status"] == "unreadable"
    assert "stopped unexpectedly" in files["crash.xlsm"]["reason"]
    assert "signal 6" in files["crash.xlsm"]["reason"]


# ---- 17: workers that cannot start are not the files' fault -------------------------------------
@posix_only
@pytest.mark.parametrize("command", ["consolidate", "validate"])
def test_workers_that_cannot_start_stop_the_run_without_blaming_the_files(good_files, tmp_path, command):
    folder = returns_folder(tmp_path, good_files)
    out = tmp_path / "out"
    args = [command, str(folder)] + (["-o", str(out)] if command == "consolidate" else [])
    res = subprocess.run(
        [sys.executable, str(FAULT_RUN), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=fault_env("spawn", AP_SHEETS_TEST_EXECUTABLE=shutil.which("false") or "/bin/false"),
    )
    assert res.returncode == 1
    last = res.stderr.strip().splitlines()[-1]  # (after the standard library's own warning, under spawn)
    assert last.startswith(
        "Could not check the returns: the worker processes that check the files could "
        "not be started (a worker process stopped as it started, exit code 1)"
    ), res.stderr
    assert "not of the files" in res.stderr and "Traceback" not in res.stderr
    assert "unreadable" not in (res.stdout + res.stderr).lower()
    assert not out.exists() or sorted(p.name for p in out.iterdir()) == []


# ---- 15: a full disk, and the private folder for working files ----------------------------------
def _limit_file_size():  # in the child, before it runs ap-sheets
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes then fail with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


@posix_only
def test_a_full_disk_is_could_not_write_the_report_and_leaves_nothing_partial(good_files, tmp_path):
    folder = returns_folder(tmp_path, good_files)
    out = tmp_path / "out"
    consolidate(folder, out, progress=False, in_process=True)  # an earlier good report stays as it was
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == sorted([REPORT_NAME, SHAREABLE_NAME, SUMMARY_NAME])
    res = subprocess.run(
        [sys.executable, "-m", "ap_sheets.cli", "consolidate", str(folder), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_file_size,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert res.returncode == 1
    assert res.stderr.startswith("Could not write the report: "), res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary part, no lock left


def test_working_files_go_in_a_private_folder_removed_after_the_run(good_files, tmp_path, monkeypatch):
    import ap_sheets.report as report

    folder = returns_folder(tmp_path, good_files)
    out = tmp_path / "out"
    stale = out / f"{TMP_PREFIX}killed"  # left by a run killed while writing
    stale.mkdir(parents=True)
    (stale / "sheet1.xml").write_text("names and UPNs")
    seen = {}
    real = report.write_council_report

    def spy(batch, path):
        seen["folder"], seen["mode"] = Path(path).parent, stat.S_IMODE(Path(path).parent.stat().st_mode)
        return real(batch, path)

    monkeypatch.setattr(report, "write_council_report", spy)
    consolidate(folder, out, progress=False, in_process=True)
    assert seen["folder"].parent == out and seen["folder"].name.startswith(TMP_PREFIX)
    if os.name == "posix":
        assert seen["mode"] == 0o700
    assert sorted(p.name for p in out.iterdir()) == sorted([REPORT_NAME, SHAREABLE_NAME, SUMMARY_NAME])

    def broken(batch, path):
        Path(path).write_bytes(b"half a report")
        raise RuntimeError("a bug while writing")

    monkeypatch.setattr(report, "write_council_report", broken)
    with pytest.raises(RuntimeError):
        consolidate(folder, out, progress=False, in_process=True)
    assert sorted(p.name for p in out.iterdir()) == sorted([REPORT_NAME, SHAREABLE_NAME, SUMMARY_NAME])


# ---- 16: two runs into the same output folder -----------------------------------------------------
@posix_only
def test_a_second_run_into_the_same_folder_is_told_and_writes_nothing(good_files, tmp_path):
    folder = returns_folder(tmp_path, good_files)
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom ap_sheets.batch import OutputFolder\n"
            "with OutputFolder(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(60)\n",
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(out)])
        assert result.exit_code == 1
        assert f"Another ap-sheets run is writing into {out} (process {holder.pid} on " in result.output
        assert not (out / REPORT_NAME).exists()
    finally:
        holder.kill()  # kill -9: the operating system releases its lock
        holder.wait()
    result = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([REPORT_NAME, SHAREABLE_NAME, SUMMARY_NAME])
    assert not (out / LOCK_NAME).exists()


# ---- 10: control characters in file names ----------------------------------------------------------
EVIL = "evil\x1b]0;pwned\x07\x1b[2J\r\nAll 9 files accepted\u202egsm.xlsm"


def test_printable_escapes_controls_and_direction_marks():
    assert printable(EVIL) == r"evil\x1b]0;pwned\x07\x1b[2J\r\nAll 9 files accepted\u202egsm.xlsm"
    assert printable("AP-0001 Café – Autumn.xlsm") == "AP-0001 Café – Autumn.xlsm"
    assert printable("\x85\x9b\x7f\u2028\u2066") == r"\x85\x9b\x7f\u2028\u2066"


@posix_only
def test_file_names_cannot_rewrite_the_terminal(good_files, tmp_path):
    folder = returns_folder(tmp_path, good_files, **{EVIL: b"not a workbook"})
    unsafe = ("\x1b", "\x07", "\r", "\u202e")
    text = CliRunner().invoke(main, ["validate", str(folder)])
    assert text.exit_code == 1
    assert f"{printable(EVIL)}: UNREADABLE - " in text.output
    assert not any(c in text.output for c in unsafe) and "\nAll 9 files accepted" not in text.output
    as_json = CliRunner().invoke(main, ["validate", str(folder), "--format", "json"])
    assert EVIL in [f["file"] for f in json.loads(as_json.output)["files"]]  # JSON keeps the real name
    run = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(tmp_path / "out")])
    assert run.exit_code == 0, run.output
    assert f"  Unreadable: {printable(EVIL)}\n" in run.output
    assert not any(c in run.output for c in unsafe) and "\nAll 9 files accepted" not in run.output


# ---- 11: a FIFO, a device link, a dangling link -------------------------------------------------------
@posix_only
def test_entries_that_are_not_regular_files_are_named_never_skipped_never_blocking(good_files, tmp_path):
    folder = returns_folder(tmp_path, good_files)
    os.mkfifo(folder / "pipe.xlsx")
    (folder / "device.xlsx").symlink_to("/dev/zero")
    (folder / "gone.xlsx").symlink_to(tmp_path / "nowhere.xlsx")
    (folder / "linked.xlsm").symlink_to(folder / "alpha.xlsm")  # a link to a workbook is read
    expected = {
        "pipe.xlsx": "a named pipe",
        "device.xlsx": "a device (through a link)",
        "gone.xlsx": "a link to a file that does not exist",
    }
    started = time.monotonic()
    outcome = consolidate(folder, tmp_path / "out", progress=False)
    by_file = {r.file: r for r in outcome.consolidation.results}
    for name, what in expected.items():
        assert by_file[name].status == "unreadable"
        assert by_file[name].report.reason.startswith(f"This is not a regular file ({what}), so it was not read.")
    assert by_file["linked.xlsm"].status == "accepted"
    result = CliRunner().invoke(main, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 1
    statuses = {f["file"]: f["status"] for f in json.loads(result.output)["files"]}
    assert statuses == {
        "alpha.xlsm": "accepted",
        "device.xlsx": "unreadable",
        "gone.xlsx": "unreadable",
        "linked.xlsm": "accepted",
        "pipe.xlsx": "unreadable",
        "school.xlsm": "accepted",
    }
    assert time.monotonic() - started < 60


# ---- 12: one discovery rule; nothing to check ---------------------------------------------------------
def test_validate_and_consolidate_find_the_same_files(good_files, tmp_path):
    folder = returns_folder(tmp_path, good_files, **{"pupils.csv": b"UPN,Name\n"})
    (folder / "sub").mkdir()
    (folder / "sub" / "term.ods").write_bytes(b"PK\x03\x04")
    (folder / "~$alpha.xlsm").write_bytes(b"lock")
    (folder / ".hidden.xlsm").write_bytes(b"hidden")
    result = CliRunner().invoke(main, ["validate", str(folder), "--format", "json"])
    validated = {f["file"]: f["status"] for f in json.loads(result.output)["files"]}
    outcome = consolidate(folder, tmp_path / "out", progress=False, in_process=True)
    consolidated = {r.file.rsplit("/", 1)[-1]: r.status for r in outcome.consolidation.results}
    assert (
        validated
        == consolidated
        == {"alpha.xlsm": "accepted", "pupils.csv": "unreadable", "school.xlsm": "accepted", "term.ods": "unreadable"}
    )
    assert result.exit_code == 1


def test_a_folder_with_nothing_to_check_says_so_and_exits_1(tmp_path):
    empty = tmp_path / "returns"
    (empty / "sub").mkdir(parents=True)
    (empty / "~$lock.xlsm").write_bytes(b"lock")
    result = CliRunner().invoke(main, ["validate", str(empty)])
    assert result.exit_code == 1 and f"Nothing to check: no files were found in {empty}." in result.output
    result = CliRunner().invoke(main, ["consolidate", str(empty), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and f"Nothing to check: no files were found in {empty}." in result.output
    assert not (tmp_path / "out").exists()


# ---- the worker pool under spawn, as on Windows -----------------------------------------------------
def test_consolidate_under_spawn_gives_the_same_report(good_files, tmp_path, monkeypatch):
    folder = returns_folder(tmp_path, good_files, **{"letter.pdf": b"%PDF-1.7\n"})
    build_workbook(
        "provider-return",
        folder / "beta.xlsm",
        {"Provider": provider_record("AP-0102", "Beta Provision"), "Pupils": [pupil(11, postcode="NOT A POSTCODE")]},
    )
    here = consolidate(folder, tmp_path / "here", progress=False, in_process=True, feedback=True)
    monkeypatch.setenv("AP_SHEETS_START_METHOD", "spawn")
    spawned = consolidate(folder, tmp_path / "spawn", progress=False, jobs=1, feedback=True)
    assert spawned.summary == here.summary
    assert spawned.outputs["feedback"] == [tmp_path / "spawn" / "feedback" / "beta.xlsm"]
    assert here.outputs["feedback"] == [tmp_path / "here" / "feedback" / "beta.xlsm"]
    assert [(r.file, r.report.to_json()) for r in spawned.consolidation.results] == [
        (r.file, r.report.to_json()) for r in here.consolidation.results
    ]


def test_a_write_that_fails_in_xlsxwriter_is_an_oserror_and_leaves_no_file(tmp_path):
    from xlsxwriter.exceptions import FileCreateError

    from ap_sheets.batch import write_atomic

    def full(path):
        Path(path).write_bytes(b"part of a report")
        try:
            raise OSError(28, "No space left on device")
        except OSError as exc:
            raise FileCreateError(exc) from exc  # as XlsxWriter's Workbook.close() does

    with pytest.raises(OSError, match="No space left on device"):
        write_atomic(tmp_path / REPORT_NAME, full, private=True)
    assert list(tmp_path.iterdir()) == []


def test_chunks_cover_every_file_in_order_and_get_smaller_towards_the_end():
    """Large chunks while there is much to do, small ones last: no worker is left alone with
    a large chunk while the others wait (issue 16)."""
    from ap_sheets.batch import MAX_CHUNK
    from ap_sheets.batch.workers import chunks

    files = list(range(300))
    parts = chunks(files, 2)
    assert [f for part in parts for f in part] == files
    sizes = [len(part) for part in parts]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == 38 and sizes[-1] == 1  # an eighth of all per worker first; one file last
    assert [len(part) for part in chunks(files[:6], 2)] == [1] * 6  # a small folder: a file a chunk
    assert max(len(part) for part in chunks(list(range(3000)), 2)) == MAX_CHUNK


def _collector_on(items):
    import gc

    return [gc.isenabled() for _ in items]


def test_the_collector_is_paused_for_a_run_only_and_on_in_workers(good_files, tmp_path):
    """The main process pauses the garbage collector while it collects and writes a batch
    (`run.gc_paused`); the forked workers turn theirs back on, and so does the run at its end."""
    import gc

    from ap_sheets.batch.run import gc_paused
    from ap_sheets.batch.workers import WorkerPool, run_workers

    with gc_paused():
        assert not gc.isenabled()
        seen: list[bool] = []
        with WorkerPool(2) as pool:
            run_workers([("a", "a"), ("b", "b")], 2, seen.extend, task=_collector_on, pool=pool)
        assert seen == [True, True]
    assert gc.isenabled()
    consolidate(returns_folder(tmp_path, good_files), tmp_path / "out", progress=False)
    assert gc.isenabled()


def test_a_bug_met_while_checking_one_return_costs_only_that_return(good_files, tmp_path, monkeypatch):
    """A fault in ap-sheets itself on one return: that file is unreadable with the
    maintainers' message, the others in the same call are checked as usual."""
    from ap_sheets import validate

    folder = returns_folder(tmp_path, good_files)
    real = validate.check_return

    def check_return(ret, settings=None):
        if ret.source == "alpha.xlsm":
            raise RuntimeError("a bug")
        return real(ret, settings)

    monkeypatch.setattr(validate, "check_return", check_return)
    alpha, school = validate.check_files(
        [(folder / "alpha.xlsm", "alpha.xlsm"), (folder / "school.xlsm", "school.xlsm")]
    )
    assert alpha.report.status == "unreadable" and alpha.ret is None
    assert "could not check this file (RuntimeError)" in alpha.report.reason
    assert school.report.status == "accepted" and school.ret is not None


# ---- a shareable report that cannot be written --------------------------------------------------
def _shareable_writer(monkeypatch, write):
    import ap_sheets.report as report

    monkeypatch.setattr(report, "write_shareable_report", write)


@pytest.mark.parametrize(
    ("fault", "raised", "says"),
    [
        (OSError(28, "No space left on device"), OSError, "No space left on device"),
        (RuntimeError("a bug while writing"), RuntimeError, "a bug while writing"),
    ],
    ids=["disk-full", "bug"],
)
def test_a_shareable_report_that_fails_fails_the_run_and_leaves_nothing(
    good_files, tmp_path, monkeypatch, fault, raised, says
):
    folder = returns_folder(tmp_path, good_files)
    out = tmp_path / "out"
    consolidate(folder, out, progress=False, in_process=True)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(batch, path):
        Path(path).write_bytes(b"half a report")
        raise fault

    _shareable_writer(monkeypatch, broken)
    with pytest.raises(raised, match=says) as caught:
        consolidate(folder, out, progress=False, in_process=True)
    if isinstance(fault, OSError):
        assert caught.value.errno == 28
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the last report, as it was
