"""Benchmark the register database against consolidating one term (issue 13's goals).

Builds N provider returns (P pupils each) and N school logs with `bench_consolidate`'s
builder, then, in the same run:

  (a) `consolidate(...)` of the term (300 returns by default), as `ap-sheets consolidate`;
  (b) `load_term` of that batch into a new register database: goal at most 25% of (a);
  (c) a year of 900 returns: the same returns loaded again as Spring and Summer (copies of
      the files with one byte added, so each has its own content hash, and the term changed),
      then `register report` for Summer (the year's figures, Trends from the three terms and
      the three reports, from the database alone): goal no slower than (a).

    python benchmarks/bench_register.py                       # SQLite, 150 + 150 returns
    python benchmarks/bench_register.py -n 20                 # quick
    python benchmarks/bench_register.py --db postgresql+psycopg://user@host/db   # an empty database
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))


def other_term(batch, term, folder: Path):
    """The batch as if its returns had come again for `term`: copies with a byte added."""
    from ap_sheets.batch import assemble

    src = Path(batch.root)
    results = []
    for r in batch.results:
        copy = folder / r.file
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / r.file, copy)
        with open(copy, "ab") as f:
            f.write(term.label.encode())
        record = {**r.record, "term": term.term}
        results.append(dataclasses.replace(r, term=term if r.term else None, record=record))
    out = assemble(results, term, batch.config)
    out.root = str(folder)
    out.produced = batch.produced
    return out


def main(argv=None) -> int:
    import bench_consolidate as bc

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--providers", type=int, default=150, help="provider returns (and as many school logs)")
    ap.add_argument("-p", "--pupils", type=int, default=40, help="pupils on each provider return")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--db", default=None, help="an empty database URL (default: an SQLite file in a temporary folder)")
    args = ap.parse_args(argv)

    from click.testing import CliRunner

    from ap_sheets.batch import consolidate
    from ap_sheets.cli import main as cli
    from ap_sheets.db import load_term, open_register
    from ap_sheets.terms import Term

    root = Path(tempfile.mkdtemp(prefix="ap-bench-register-"))
    try:
        data = root / "returns"
        started = time.perf_counter()
        bc.build(data, args.providers, args.pupils, args.providers, args.jobs)
        print(
            f"built {args.providers} provider returns x {args.pupils} pupils + {args.providers} school logs "
            f"in {time.perf_counter() - started:.1f} s"
        )
        consolidate(data, root / "warm", progress=False, jobs=args.jobs)  # page cache, imports

        started = time.perf_counter()
        outcome = consolidate(data, root / "out", progress=False, jobs=args.jobs)
        term_seconds = time.perf_counter() - started
        batch = outcome.consolidation
        print(f"(a) consolidate {len(batch.results)} returns:            {term_seconds:6.2f} s")

        db = args.db or str(root / "register.db")
        engine = open_register(db)
        started = time.perf_counter()
        loaded = load_term(engine, batch)
        load_seconds = time.perf_counter() - started
        print(
            f"(b) load_term ({loaded.placements} placement rows):       {load_seconds:6.2f} s = "
            f"{load_seconds / term_seconds:.0%} of (a)   (goal: at most 25%)"
        )

        for name in ("Spring", "Summer"):
            term = Term(batch.term.start_year, name)
            load_term(engine, other_term(batch, term, root / name.lower()))
        engine.dispose()
        started = time.perf_counter()
        run = CliRunner().invoke(
            cli,
            [
                "register",
                "report",
                "--db",
                db,
                "-o",
                str(root / "year"),
                "--term",
                f"{batch.term.academic_year} Summer",
            ],
        )
        report_seconds = time.perf_counter() - started
        assert run.exit_code == 0, run.output
        print(
            f"(c) register report, a year of {3 * len(batch.results)} returns: {report_seconds:6.2f} s = "
            f"{report_seconds / term_seconds:.2f}x (a)   (goal: at most 1x)"
        )
        print("   ", run.output.strip().splitlines()[1])
        ok = load_seconds <= 0.25 * term_seconds and report_seconds <= term_seconds
        print("goals met" if ok else "GOALS NOT MET")
        return 0 if ok else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
