"""Benchmark the checking service over HTTP on this machine.

Builds one 40-pupil provider return with the real template builder (the plan of
bench_consolidate.py), starts `ap-sheets serve`'s app with uvicorn on 127.0.0.1 in its own
process, then measures:

  (0) for comparison, `validate.check_file` on it in the benchmark's own process, warm;
  (a) a warm check of that return, one client: `Accept: application/json` (the findings
      only) and the HTML page (findings and the marked copy); p50 / p95 / max;
  (b) 8 concurrent clients: each request's latency and the throughput;
  (c) memory after many checks: RSS of the server process and of its forkserver after
      the warm-up, and after --checks more uploads (the checks' children end each time,
      so it should stay flat).

    python benchmarks/bench_service.py                    # 40 pupils, 500 checks for memory
    python benchmarks/bench_service.py --checks 100       # quicker
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"


def build_return(folder: Path, pupils: int) -> Path:
    import openpyxl
    from bench_consolidate import plan

    from ap_sheets.templates import build_workbook

    _name, kind, records = plan(1, pupils, 1)[0]
    path = build_workbook(kind, folder / "return.xlsm", records)
    book = openpyxl.load_workbook(path, keep_vba=True)  # one mistake, so that there is a marked copy
    book["Pupils"]["A3"] = "A123"
    book.save(path)
    return path


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    """Child processes started by any of the process's threads."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            out += [int(p) for p in (task / "children").read_text().split()]
    return out


def timed(client: httpx.Client, data: bytes, as_json: bool) -> float:
    start = time.perf_counter()
    r = client.post(
        "/check", headers={"Accept": "application/json"} if as_json else {}, files={"file": ("return.xlsm", data, XLSM)}
    )
    r.raise_for_status()
    return (time.perf_counter() - start) * 1000


def line(label: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"{label:<44} p50 {statistics.median(ms):6.0f} ms   p95 {p95:6.0f} ms   max {ms[-1]:6.0f} ms   (n={len(ms)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-p", "--pupils", type=int, default=40)
    ap.add_argument("-n", "--repeat", type=int, default=40, help="sequential checks timed in (a)")
    ap.add_argument("--checks", type=int, default=500, help="checks between the memory readings (c)")
    args = ap.parse_args()

    from service_server import start

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = build_return(root, args.pupils)
        data = path.read_bytes()
        from ap_sheets.validate import check_file

        for _ in range(3):
            check_file(path)
        inproc = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            check_file(path)
            inproc.append((time.perf_counter() - t) * 1000)
        server = start(root / "server", limits={"per_address_per_minute": 1_000_000, "queue": 64})
        try:
            with server.client() as c:
                report = c.post(
                    "/check", headers={"Accept": "application/json"}, files={"file": ("return.xlsm", data, XLSM)}
                ).json()["files"][0]
                print(
                    f"{args.pupils}-pupil provider return, {len(data) / 1024:.0f} KiB: {report['status']}, "
                    f"{len(report['issues'])} issues; {os.cpu_count()} cores; "
                    f"load {os.getloadavg()[0]:.1f}"
                )
                for _ in range(5):
                    timed(c, data, True)
                    timed(c, data, False)
                print(line("(0) the same check in this process", inproc))
                print(line("(a) one client, JSON (findings)", [timed(c, data, True) for _ in range(args.repeat)]))
                print(line("(a) one client, page + marked copy", [timed(c, data, False) for _ in range(args.repeat)]))

            def client_run(_):
                with server.client() as c:
                    return [timed(c, data, True) for _ in range(10)]

            start_all = time.perf_counter()
            with ThreadPoolExecutor(8) as pool:
                lat = [ms for run in pool.map(client_run, range(8)) for ms in run]
            took = time.perf_counter() - start_all
            print(line("(b) 8 concurrent clients, JSON", lat) + f"   {len(lat) / took:.1f} checks/s")

            pid = server.proc.pid
            fork = children(pid)

            def memory() -> str:
                return f"server {rss_mib(pid):.0f} MiB" + "".join(f", child {f} {rss_mib(f):.0f} MiB" for f in fork)

            before = memory()
            with server.client() as c, ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda i: timed(c, data, i % 2 == 0), range(args.checks)))
            print(f"(c) memory after the warm-up and (b): {before}")
            print(f"    after {args.checks} more checks:      {memory()}")
            print(
                f"    marked copies held in memory: at most {args.checks // 2} x {len(data) / 1024:.0f} KiB "
                f"(they expire after 10 minutes)"
            )
        finally:
            server.stop()
        print(
            json.dumps(
                {
                    "files_left": [
                        str(p) for p in (root / "server" / "server-tmp").rglob("*") if p.is_file() and not p.is_socket()
                    ]
                }
            )
        )


if __name__ == "__main__":
    main()
