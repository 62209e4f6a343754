"""A real checking service for the tests: `ap-sheets serve` (or the app with test limits)
run by uvicorn in its own process on 127.0.0.1, on a free port, with its own TMPDIR and its
log captured, so the tests can see what it leaves on disk and what it writes to its log."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

LAUNCH = """
import json, logging, sys
from ap_sheets.service import ServiceLimits, create_app, run
logging.basicConfig(level=logging.INFO)
args = json.loads(sys.argv[1])
run(create_app(ServiceLimits(**args["limits"]), keys_file=args["keys"]), "127.0.0.1", args["port"])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    tmp: Path  # the server's TMPDIR
    log: Path

    def client(self, **kw) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **kw)

    def alive(self) -> bool:
        return self.proc.poll() is None and httpx.get(self.url + "/healthz", timeout=10).text == "ok"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def start(root: Path, keys: Path | None = None, limits: dict | None = None, config: Path | None = None) -> Server:
    """`ap-sheets serve --config` when `config` is given, else the app with `limits`."""
    port = free_port()
    tmp = root / "server-tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    log = root / "server.log"
    env = {**os.environ, "TMPDIR": str(tmp), "XLWINGS_LICENSE_KEY": "noncommercial"}
    if config is not None:
        cmd = [sys.executable, "-m", "ap_sheets.cli", "serve", "--config", str(config), "--port", str(port)]
    else:
        cmd = [sys.executable, "-c", LAUNCH, json.dumps({"limits": limits or {}, "keys": str(keys) if keys else None,
                                                         "port": port})]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://127.0.0.1:{port}", proc, tmp, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the service did not start:\n" + log.read_text())
        try:
            if httpx.get(server.url + "/healthz", timeout=2).text == "ok":
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError("the service did not answer in time:\n" + log.read_text())


def files_left(folder: Path) -> list[Path]:
    """Regular files under `folder` (multiprocessing's forkserver keeps a socket there: not a file)."""
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_socket()]
