"""Benchmark `ap-sheets consolidate` against a bare python-calamine read of the same files.

Builds N provider returns (P pupils each) and N school placement logs with the real
template builder into a temporary folder, then, in the same run:

  (a) baseline: python-calamine opens every file and reads every sheet to Python values,
      in this one process (what any tool reading these files must at least do);
  (b) `consolidate(...)`: the in-process call behind `ap-sheets consolidate` (it checks the
      files on a worker pool, reconciles, and writes both workbooks and summary.json);

and prints the time of each and their ratio. With --memory it also runs consolidate in a
fresh process at N and N/2 returns and reports peak RSS of the main process and of the
largest worker, to show memory does not grow with the number of files.

    python benchmarks/bench_consolidate.py                 # 150 providers x 40 pupils + 150 logs
    python benchmarks/bench_consolidate.py -n 20 -p 20     # quick
    python benchmarks/bench_consolidate.py --memory        # also peak RSS at N and N/2
    python benchmarks/bench_consolidate.py --profile       # cProfile of an in-process run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
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
    """The baseline: every sheet of every file to Python values, in this process."""
    import python_calamine as calamine

    cells = 0
    for path in files:
        book = calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows = book.get_sheet_by_name(name).to_python()
            cells += sum(len(r) for r in rows)
        book.close()
    return cells


def register_values_only(batch, path: Path) -> None:
    """The least any xlsx council report must do: write the Register's values with XlsxWriter,
    one plain worksheet, no formats, table, charts or other sheets."""
    import xlsxwriter

    from ap_sheets.report import measures
    from ap_sheets.report.restricted import register_row

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Register")
    for r, entry in enumerate(measures.register(batch)):
        for c, value in enumerate(register_row(entry, batch.term)):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, value)
            else:
                sheet.write_number(r, c, value)
    book.close()


def _peak_mib() -> tuple[float, float]:
    """(this process, largest finished child) peak RSS in MiB.

    This process's own peak comes from /proc/self/status (VmHWM) where there is one:
    getrusage's ru_maxrss survives exec, so a process started from a big parent would
    report the parent's peak. Workers are forked, so their peak includes pages they share
    with the main process.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    except OSError:
        pass
    return own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def child_run(directory: str, outdir: str) -> None:
    """Run consolidate in this (fresh) process and print its time and peak memory as JSON."""
    from ap_sheets.batch import consolidate

    started = time.perf_counter()
    outcome = consolidate(directory, outdir, progress=False)
    seconds = time.perf_counter() - started
    main_mib, worker_mib = _peak_mib()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "main_mib": main_mib,
                "worker_mib": worker_mib,
                "files": outcome.summary["files_detail"]["total"],
                "children": outcome.summary["children"],
            }
        )
    )


def measure_memory(root: Path, n_providers: int, pupils: int, jobs: int) -> list[dict]:
    """Peak RSS of consolidate in a fresh process, at N and N/2 providers (and as many logs)."""
    out = []
    for n in (n_providers // 2, n_providers):
        sub = root / f"mem-{n}"
        if not sub.exists():
            build(sub, n, pupils, n, jobs)
        res = subprocess.run(
            [sys.executable, __file__, "--child", str(sub), str(root / f"mem-out-{n}")],
            capture_output=True,
            text=True,
            check=True,
        )
        rec = json.loads(res.stdout.strip().splitlines()[-1])
        rec["providers"] = n
        out.append(rec)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--providers", type=int, default=150, help="provider returns (and as many school logs)")
    ap.add_argument("-p", "--pupils", type=int, default=40, help="pupils on each provider return")
    ap.add_argument("--schools", type=int, default=None, help="school logs (default: as many as providers)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--keep", type=Path, default=None, help="build into (or reuse) this folder")
    ap.add_argument("--memory", action="store_true", help="also measure peak RSS at N and N/2 (fresh processes)")
    ap.add_argument("--profile", action="store_true", help="also profile an in-process consolidate (cProfile)")
    ap.add_argument("--repeat", type=int, default=1, help="time each step this many times; report the best")
    ap.add_argument("--child", nargs=2, metavar=("DIR", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_run(*args.child)
        return 0

    from ap_sheets.batch import consolidate

    schools = args.providers if args.schools is None else args.schools
    tmp = None
    if args.keep:
        root = args.keep
        root.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix="ap-bench-")
        root = Path(tmp)
    try:
        data = root / "returns"
        started = time.perf_counter()
        if not data.exists():
            build(data, args.providers, args.pupils, schools, args.jobs)
            print(
                f"built {args.providers} provider returns x {args.pupils} pupils + {schools} school logs "
                f"in {time.perf_counter() - started:.1f} s"
            )
        files = sorted(p for p in data.rglob("*.xlsm"))
        size = sum(p.stat().st_size for p in files) / 2**20
        print(f"{len(files)} files, {size:.1f} MiB, {args.jobs} cores")
        calamine_read_all(files)  # warm the page cache and the library

        base = min(_timed(lambda: calamine_read_all(files)) for _ in range(args.repeat))
        print(f"(a) bare python-calamine read, every sheet, 1 process: {base:6.2f} s")
        out = root / "out"
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            outcome = consolidate(data, out, progress=False, jobs=args.jobs)
            runs.append((time.perf_counter() - started, outcome))
        run, outcome = min(runs, key=lambda r: r[0])
        print(f"(b) consolidate (check, reconcile, write reports):  {run:6.2f} s")
        print(f"ratio (b)/(a): {run / base:.2f}x   (goal: 1.5x)")
        print("    where (b)'s time goes, each step as a multiple of (a):")
        for step, seconds in outcome.phases.items():
            print(f"      {step:28s} {seconds:6.2f} s  {seconds / base:5.2f}x")
        floor = min(
            _timed(lambda: register_values_only(outcome.consolidation, root / "floor.xlsx")) for _ in range(args.repeat)
        )
        print(
            f"(c) floor: XlsxWriter writing only the Register's values (no formats, tables or other "
            f"sheets): {floor:5.2f} s = {floor / base:.2f}x (a)"
        )
        main_mib, worker_mib = _peak_mib()
        print(f"peak RSS: this process {main_mib:.0f} MiB (includes the baseline), largest worker {worker_mib:.0f} MiB")
        summary = json.loads((out / "summary.json").read_text())
        print(f"report: {summary['children']} children, files {summary['files']}")
        if args.profile:
            import cProfile
            import pstats

            prof = cProfile.Profile()
            prof.enable()
            consolidate(data, root / "out-profile", progress=False, in_process=True)
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(40)
        if args.memory:
            print("memory against the number of files (fresh process each):")
            for rec in measure_memory(root, args.providers, args.pupils, args.jobs):
                print(
                    f"  {rec['files']:4d} files, {rec['children']:5d} children: {rec['seconds']:5.2f} s, "
                    f"main {rec['main_mib']:.0f} MiB, largest worker {rec['worker_mib']:.0f} MiB"
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
