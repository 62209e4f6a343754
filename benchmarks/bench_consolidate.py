"""Benchmark `ap-sheets consolidate` against the floor of the job (issue 16).

The floor, measured in the same run on the same files: (1) python-calamine reading every
sheet of every file to Python values, in one process, plus (2) bare XlsxWriter, in constant
memory mode, writing a register-sized sheet of plain values (the rows of the run's own
Register, made ready beforehand). No tool that reads these files and writes a register can
do less. The goal: `ap-sheets consolidate` as the council runs it (the command, in its own
process, start-up included) at most 2.0x the floor, median of 3 runs, each beside its own
floor. "Beside": the floor is measured just before and just after each run of the command,
and the run is compared with their mean. This machine's speed drifts by a third within
seconds (the same work, one core, timed again and again); a floor on one side only could
be measured in a fast spell and the command in a slow one, or the other way round, and
the two sides together cancel most of that drift. Both sides are printed.

It builds the returns with the real templates (N providers x P pupils + N school logs),
then prints: the floor and the command's time for each run and their ratios; where the
time goes (one in-process run: `Outcome.phases`, each step as a share of the run and as a
multiple of the floor); optionally peak memory against the number of returns (--memory)
and time against the number of returns (--scale).

    python benchmarks/bench_consolidate.py                          # 150 providers x 40 pupils + 150 logs
    python benchmarks/bench_consolidate.py --keep /tmp/bench        # reuse the built returns next time
    python benchmarks/bench_consolidate.py --memory --scale 3000    # + memory at 150/300/600, time at 3,000
    python benchmarks/bench_consolidate.py -n 20 -p 20 --runs 1     # quick
    python benchmarks/bench_consolidate.py --profile                # + cProfile of an in-process run
    python benchmarks/bench_consolidate.py --startup                # + cold --help, rules, validate ONE_FILE
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

TERM_YEAR, TERM = "2024/25", "Autumn"
COMMISSIONERS = ("School",) * 7 + ("LA SEND", "LA Virtual School", "LA Medical Needs")


def make_upn(serial: int) -> str:
    from ap_sheets.values import upn_check_letter

    body = f"31220{serial:07d}"[:11] + str(serial % 10)
    return upn_check_letter("A" + body) + body


def school_urn(s: int) -> str:
    return f"{200000 + s}"


def plan(n_providers: int, pupils: int, n_schools: int, seed: int = 7):
    """Records for every workbook: (file name, kind, records)."""
    from ap_sheets.terms import expected_nc_year

    rng = random.Random(seed)
    providers = []
    placements_by_school: dict[int, list] = {s: [] for s in range(n_schools)}
    serial = 0
    for p in range(n_providers):
        pid = f"AP-{p + 1:04d}"
        pname = f"Provider {p + 1}"
        rows = []
        notes = []
        for _ in range(pupils):
            serial += 1
            upn = make_upn(serial)
            born = date(2009, 9, 1) + timedelta(days=rng.randrange(0, 5 * 365))
            ctype = COMMISSIONERS[rng.randrange(len(COMMISSIONERS))]
            s = rng.randrange(n_schools) if n_schools else None
            start = date(2024, 9, 2) + timedelta(days=rng.randrange(0, 60))
            ended = rng.random() < 0.15
            end = start + timedelta(days=rng.randrange(20, 40)) if ended else None
            possible = rng.randrange(40, 130)
            attended = rng.randrange(possible // 2, possible)
            authorised = rng.randrange(0, possible - attended + 1)
            sen = rng.choice("EKKNNN")
            lac = "Y" if rng.random() < 0.08 else "N"
            nc = expected_nc_year(born, 2024)
            row = {
                "upn": upn,
                "surname": f"Surname{serial}",
                "forename": f"Child{serial}",
                "date_of_birth": born,
                "sex": rng.choice("MF"),
                "ethnicity": "WBRI",
                "religion": "No religion",
                "postcode": "UB8 1UW",
                "nc_year": str(nc),
                "sen": sen,
                "looked_after": lac,
                "commissioner_type": ctype,
                "commissioner_name": f"School {s}" if ctype == "School" else "Council",
                "commissioner_urn": school_urn(s) if ctype == "School" else None,
                "placement_reason": "At risk of exclusion",
                "tier": 2,
                "start_date": start,
                "planned_end_date": start + timedelta(days=120),
                "end_date": end,
                "hours_per_week": 15,
                "sessions_possible": possible,
                "sessions_attended": attended,
                "sessions_authorised": authorised,
                "engagement": rng.randint(1, 4),
                "progress_outcomes": rng.randint(1, 4),
                "progress_learning": rng.randint(1, 4),
                "quals_entered": rng.randint(0, 3),
                "quals_achieved": 0,
                "suspensions": rng.choice((0, 0, 0, 1)),
                "safeguarding_concerns": 0,
                "behaviour_incidents": rng.randint(0, 5),
                "reintegration_plan": "Y",
                "destination": "Returned to home school" if ended else None,
                "sexual_orientation": "Not asked" if born < date(2008, 9, 1) else None,
            }
            rows.append(row)
            if ctype == "School":
                placements_by_school[s].append((pid, pname, row))
            if rng.random() < 0.1:
                notes.append(
                    {
                        "upn": upn,
                        "event_type": "Non-attendance",
                        "event_date": start + timedelta(days=7),
                        "referrer_notified": start + timedelta(days=7),
                        "school_notified": start + timedelta(days=7),
                    }
                )
        record = {
            "provider_name": pname,
            "provider_id": pid,
            "academic_year": TERM_YEAR,
            "term": TERM,
            "registered_school": "Y",
            "dfe_urn": f"{300000 + p}",
            "ofsted_judgement": "Good",
            "ofsted_report_date": date(2023, 5, 1),
            "in_directory": "Y",
            "last_qa_visit": date(2024, 6, 1),
            "all_staff_dbs": "Y",
            "cp_training_date": date(2023, 1, 10),
            "insurance_expiry": date(2025, 8, 31),
            "new_sites": "N",
            "contact_name": "A Person",
            "contact_email": "office@provider.org.uk",
            "completed_by": "A Person",
            "date_completed": date(2024, 12, 16),
        }
        providers.append(
            (f"providers/{pid}.xlsm", "provider-return", {"Provider": record, "Pupils": rows, "Notifications": notes})
        )
    schools = []
    for s in range(n_schools):
        rows = []
        for pid, pname, pupil in placements_by_school[s]:
            start = pupil["start_date"]
            rows.append(
                {
                    "upn": pupil["upn"],
                    "surname": pupil["surname"],
                    "forename": pupil["forename"],
                    "date_of_birth": pupil["date_of_birth"],
                    "nc_year": pupil["nc_year"],
                    "sen": pupil["sen"],
                    "looked_after": pupil["looked_after"],
                    "provider_name": pname,
                    "provider_id": pid,
                    "provider_registered": "Y",
                    "provider_urn": "300001",
                    "placement_reason": "At risk of exclusion",
                    "start_date": start,
                    "planned_end_date": pupil["planned_end_date"],
                    "end_date": pupil["end_date"],
                    "days_at_provider": 3,
                    "hours_at_provider": 15,
                    "hours_at_school": 10,
                    "sla_agreed": start - timedelta(days=5),
                    "risk_assessment": start - timedelta(days=5),
                    "qa_check": start - timedelta(days=10),
                    "dbs_confirmed": "Y",
                    "send_officer_consulted": start - timedelta(days=7) if pupil["sen"] == "E" else None,
                    "virtual_school_consulted": start - timedelta(days=7) if pupil["looked_after"] == "Y" else None,
                    "reintegration_plan": "Y",
                    "last_visit": date(2024, 12, 2),
                    "attendance_pct": round(100 * pupil["sessions_attended"] / pupil["sessions_possible"], 1),
                    "final_report_received": "Y" if pupil["end_date"] else None,
                    "destination": pupil["destination"],
                }
            )
        record = {
            "school_name": f"School {s}",
            "school_urn": school_urn(s),
            "academic_year": TERM_YEAR,
            "term": TERM,
            "dsl": "D Lead",
            "completed_by": "A Clerk",
            "date_completed": date(2024, 12, 16),
        }
        schools.append((f"schools/{school_urn(s)}.xlsm", "school-log", {"School": record, "Placements": rows}))
    return providers + schools


def _build_one(args):
    from ap_sheets.templates import build_workbook

    root, name, kind, records = args
    path = Path(root) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    build_workbook(kind, path, records)
    return name


def build(root: Path, n_providers: int, pupils: int, n_schools: int, jobs: int) -> list[Path]:
    items = [(str(root), name, kind, records) for name, kind, records in plan(n_providers, pupils, n_schools)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        names = list(pool.map(_build_one, items, chunksize=4))
    return [root / n for n in names]


def calamine_read_all(files: list[Path]) -> int:
    """Floor, part 1: every sheet of every file to Python values, in this process."""
    import python_calamine as calamine

    cells = 0
    for path in files:
        book = calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            cells += sum(len(r) for r in rows)
        book.close()
    return cells


def register_rows(batch) -> list[list]:
    """The run's Register as plain rows (header first), made before the floor is timed."""
    from ap_sheets.report import measures
    from ap_sheets.report.restricted import register_row

    rows = [register_row(entry, batch.term) for entry in measures.register(batch)]
    width = max((len(r) for r in rows), default=1)
    return [[f"Column {c + 1}" for c in range(width)], *rows]


def write_plain(rows: list[list], path: Path) -> None:
    """Floor, part 2: one sheet of plain values, bare XlsxWriter in constant memory mode
    (no formats, table, other sheets)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Register")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, value)
            else:
                sheet.write_number(r, c, value)
    book.close()


def floor(files: list[Path], rows: list[list], where: Path) -> tuple[float, float]:
    """(read seconds, write seconds) of the floor."""
    read = _timed(lambda: calamine_read_all(files))
    write = _timed(lambda: write_plain(rows, where / "floor.xlsx"))
    return read, write


def byte_compile() -> None:
    """Compile ap-sheets' modules to bytecode first, as pip does when it installs a package.
    An editable install (`pip install -e .`) leaves that to Python's first import, which a
    machine with PYTHONDONTWRITEBYTECODE set (as this sandbox is) never does: every run would
    compile all the package's sources again (about 0.15 s), which no installed copy does."""
    import compileall

    import ap_sheets

    compileall.compile_dir(Path(ap_sheets.__file__).parent, quiet=1)


def ap_sheets_command() -> list[str]:
    """`ap-sheets`, as installed beside this Python (the console script), else `-m`."""
    script = Path(sys.executable).with_name("ap-sheets")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ap_sheets.cli"]


def startup(one_file: Path, runs: int = 3) -> None:
    """Cold start-up: `--help`, `rules` and `validate ONE_FILE`, each in a fresh process
    (median of `runs`), and what `validate` spends its start-up on (python -X importtime)."""
    command = ap_sheets_command()
    for args in (["--help"], ["rules"], ["validate", str(one_file)]):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([*command, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - started)
        shown = " ".join(a if a != str(one_file) else "ONE_FILE" for a in args)
        print(f"  ap-sheets {shown:20s} {statistics.median(times):5.2f} s")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ap_sheets.cli", "validate", str(one_file)],
        capture_output=True,
        text=True,
    )
    cumulative: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cum, name = line.split("|")
            if cum.strip().isdigit():
                cumulative.setdefault(name.strip(), int(cum) / 1e6)  # the top-level import of each
    top = ("pandas", "pandera", "numpy", "python_calamine", "ap_sheets.rules", "ap_sheets.normalise", "ap_sheets.cli")
    print(
        "  validate's imports (cumulative, -X importtime): "
        + ", ".join(f"{name} {cumulative[name]:.2f} s" for name in top if name in cumulative)
    )


def import_seconds(runs: int = 3) -> float:
    """What `ap-sheets consolidate` imports before it checks a file, in a fresh process
    (median of `runs`): the start-up the command pays and the in-process run does not."""
    probe = (
        "import time\nt = time.perf_counter()\n"
        "import ap_sheets.cli, ap_sheets.batch.run\nprint(time.perf_counter() - t)"
    )
    times = [
        float(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)
        for _ in range(runs)
    ]
    return statistics.median(times)


def run_command(data: Path, out: Path, jobs: int | None) -> float:
    """`ap-sheets consolidate DATA -o OUT` in its own process, start-up included (seconds)."""
    cmd = [*ap_sheets_command(), "consolidate", str(data), "-o", str(out)]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def _vm_hwm_mib() -> float:
    """This process's peak resident memory (VmHWM), in MiB: getrusage's ru_maxrss survives exec."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    except OSError:
        pass
    return own


_PEAKS: Path | None = None  # where `--child` runs note each process's peak memory


def _note_peak(who: str) -> None:
    if _PEAKS is not None:
        with open(_PEAKS, "a") as f:
            f.write(f"{who} {_vm_hwm_mib()}\n")


def _measured_check_chunk(items, settings=None):
    """The workers' task, noting the worker's peak memory after each chunk (sent to the
    forked workers by name, so it lives at the top of this module)."""
    from ap_sheets.batch.tasks import check_chunk

    out = check_chunk(items, settings)
    _note_peak("worker")
    return out


def child_run(directory: str, outdir: str) -> None:
    """The command, run in this fresh process; prints its time and peak memory as JSON last:
    this (main) process's and the largest worker's."""
    import tempfile

    import ap_sheets.batch.run as run
    from ap_sheets.cli import main as cli

    global _PEAKS
    _PEAKS = Path(tempfile.mkdtemp(prefix="ap-bench-mem-")) / "peaks"
    run.check_chunk = _measured_check_chunk
    started = time.perf_counter()
    cli.main(["consolidate", directory, "-o", outdir], standalone_mode=False)
    seconds = time.perf_counter() - started
    peaks: dict[str, float] = {}
    for line in _PEAKS.read_text().splitlines():
        who, mib = line.split()
        peaks[who] = max(peaks.get(who, 0.0), float(mib))
    shutil.rmtree(_PEAKS.parent, ignore_errors=True)
    print(json.dumps({"seconds": seconds, "main_mib": _vm_hwm_mib(), "worker_mib": peaks.get("worker", 0.0)}))


def corpus(root: Path, returns: int, pupils: int, jobs: int) -> tuple[Path, list[Path]]:
    """A folder of `returns` files (half provider returns, half school logs), built once."""
    data = root / f"returns-{returns}"
    if not data.exists():
        started = time.perf_counter()
        tmp = root / f"building-{returns}"
        shutil.rmtree(tmp, ignore_errors=True)
        build(tmp, returns // 2, pupils, returns - returns // 2, jobs)
        tmp.rename(data)
        print(f"  (built {returns} returns in {time.perf_counter() - started:.0f} s)")
    return data, sorted(data.rglob("*.xlsm"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--providers", type=int, default=150, help="provider returns (and as many school logs)")
    ap.add_argument("-p", "--pupils", type=int, default=40, help="pupils on each provider return")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: the command's, one per core)")
    ap.add_argument("--runs", type=int, default=3, help="runs of the command, each beside its own floor (median)")
    ap.add_argument("--keep", type=Path, default=None, help="build into (or reuse) this folder")
    ap.add_argument("--memory", action="store_true", help="also peak memory at 150, 300 and 600 returns")
    ap.add_argument("--scale", type=int, default=None, metavar="RETURNS", help="also time the command at this many")
    ap.add_argument("--profile", action="store_true", help="also profile an in-process consolidate (cProfile)")
    ap.add_argument("--startup", action="store_true", help="also time --help, rules and validate of one file, cold")
    ap.add_argument("--child", nargs=2, metavar=("DIR", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_run(*args.child)
        return 0

    from ap_sheets.batch import consolidate

    byte_compile()
    tmp = None
    if args.keep:
        root = args.keep
        root.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix="ap-bench-")
        root = Path(tmp)
    build_jobs = os.cpu_count() or 1
    try:
        returns = 2 * args.providers
        data, files = corpus(root, returns, args.pupils, build_jobs)
        size = sum(p.stat().st_size for p in files) / 2**20
        print(
            f"{len(files)} returns ({args.providers} providers x {args.pupils} pupils + {args.providers} school logs), "
            f"{size:.1f} MiB, {os.cpu_count()} cores"
        )

        # One in-process run (workers as the command starts them): the steps, and the Register's rows.
        outcome = consolidate(data, root / "out-steps", progress=False, jobs=args.jobs)
        rows = register_rows(outcome.consolidation)
        calamine_read_all(files)  # warm the page cache and the libraries before timing
        write_plain(rows, root / "floor.xlsx")

        print(
            f"\nfloor: bare python-calamine read of every sheet + bare XlsxWriter (constant memory) "
            f"writing {len(rows) - 1} register rows x {len(rows[0])} columns of plain values"
        )
        ratios, commands, floors = [], [], []
        after = floor(files, rows, root)
        for i in range(args.runs):
            before = after
            seconds = run_command(data, root / "out", args.jobs)
            after = floor(files, rows, root)
            read, write = (before[0] + after[0]) / 2, (before[1] + after[1]) / 2
            floors.append(read + write)
            commands.append(seconds)
            ratios.append(seconds / (read + write))
            print(
                f"  run {i + 1}: floor {sum(before):5.2f} s before, {sum(after):5.2f} s after, mean {read:5.2f} s read "
                f"+ {write:5.2f} s write = {read + write:5.2f} s;  ap-sheets consolidate {seconds:5.2f} s;  "
                f"ratio {seconds / (read + write):4.2f}x"
            )
        print(
            f"median: floor {statistics.median(floors):5.2f} s, ap-sheets consolidate "
            f"{statistics.median(commands):5.2f} s, ratio {statistics.median(ratios):4.2f}x   (goal: at most 2.0x)"
        )

        phases = {"start-up (imports, fresh process)": import_seconds(), **outcome.phases}
        total = sum(phases.values())
        base = statistics.median(floors)
        print(f"\nwhere the time goes (start-up in a fresh process, then one in-process run; {total:.2f} s):")
        for step, seconds in phases.items():
            print(f"  {step:34s} {seconds:6.2f} s  {100 * seconds / total:4.0f}%  {seconds / base:5.2f}x floor")
        summary = json.loads((root / "out" / "summary.json").read_text())
        print(f"report: {summary['children']} children, files {summary['files']}")

        if args.startup:
            print("\nstart-up (a fresh process each, median of 3):")
            startup(files[0])
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            consolidate(data, root / "out-profile", progress=False, in_process=True)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
        if args.memory:
            print("\nmemory against the number of returns (the command in a fresh process each):")
            for n in (150, 300, 600):
                sub, _ = corpus(root, n, args.pupils, build_jobs)
                res = subprocess.run(
                    [sys.executable, __file__, "--child", str(sub), str(root / f"out-mem-{n}")],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                rec = json.loads(res.stdout.strip().splitlines()[-1])
                print(
                    f"  {n:5d} returns: {rec['seconds']:5.1f} s, peak main process {rec['main_mib']:4.0f} MiB, "
                    f"largest worker {rec['worker_mib']:4.0f} MiB"
                )
        if args.scale:
            print("\ntime against the number of returns (the command, one run each, beside its floor):")
            for n in sorted({returns, args.scale}):
                sub, sub_files = corpus(root, n, args.pupils, build_jobs)
                sub_out = consolidate(sub, root / f"out-steps-{n}", progress=False, jobs=args.jobs)
                sub_rows = register_rows(sub_out.consolidation)
                calamine_read_all(sub_files)
                read, write = floor(sub_files, sub_rows, root)
                seconds = run_command(sub, root / f"out-{n}", args.jobs)
                print(
                    f"  {n:5d} returns: ap-sheets consolidate {seconds:6.1f} s "
                    f"({1000 * seconds / n:4.1f} ms a return), "
                    f"floor {read + write:5.1f} s, ratio {seconds / (read + write):4.2f}x"
                )
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
