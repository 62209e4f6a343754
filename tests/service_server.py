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
import pytest
from click.testing import CliRunner

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

    def ready(self) -> Server:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("the service did not start:\n" + self.log.read_text())
            try:
                if httpx.get(self.url + "/healthz", timeout=2).text == "ok":
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("the service did not answer in time:\n" + self.log.read_text())

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


def start(root: Path, keys: Path | None = None, limits: dict | None = None, config: Path | None = None) -> Server:
    """`ap-sheets serve --config` when `config` is given, else the app with `limits`; ready."""
    return launch(root, keys, limits, config).ready()


def launch(root: Path, keys: Path | None = None, limits: dict | None = None, config: Path | None = None) -> Server:
    """The same, started but not waited for (`Server.ready()`), so that several start together."""
    port = free_port()
    tmp = root / "server-tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    log = root / "server.log"
    env = {**os.environ, "TMPDIR": str(tmp), "XLWINGS_LICENSE_KEY": "noncommercial"}
    if config is not None:
        cmd = [sys.executable, "-m", "ap_sheets.cli", "serve", "--config", str(config), "--port", str(port)]
    else:
        cmd = [
            sys.executable,
            "-c",
            LAUNCH,
            json.dumps({"limits": limits or {}, "keys": str(keys) if keys else None, "port": port}),
        ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    return Server(f"http://127.0.0.1:{port}", proc, tmp, log)


def files_left(folder: Path) -> list[Path]:
    """Regular files under `folder` (multiprocessing's forkserver keeps a socket there: not a file)."""
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_socket()]


ORG = "Bright Futures Learning"


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> dict:
    """A keys file made with the CLI: a live key for ORG, a revoked one for another organisation,
    and a council settings file naming it."""
    from ap_sheets.cli import main

    root = tmp_path_factory.mktemp("keys")
    path = root / "keys.json"
    runner = CliRunner()
    out = runner.invoke(main, ["service-key", "add", ORG, "--keys-file", str(path), "--id", "AP-0007"])
    assert out.exit_code == 0, out.output
    good = out.output.splitlines()[-1]
    out = runner.invoke(main, ["service-key", "add", "Old Provider", "--keys-file", str(path)])
    revoked = out.output.splitlines()[-1]
    assert runner.invoke(main, ["service-key", "revoke", "Old Provider", "--keys-file", str(path)]).exit_code == 0
    config = root / "council.toml"
    config.write_text('service_keys_file = "keys.json"\nservice_url = "http://127.0.0.1"\n')
    return {"file": path, "good": good, "revoked": revoked, "config": config}


@pytest.fixture(scope="session")
def servers(tmp_path_factory, keys):
    """Three services, started together (each takes some seconds to start):

    - "server": the app with its default limits, except many requests a minute from the
      tests' address (shared by the HTTP and the browser tests);
    - "tight": small limits: 30 requests a minute from one address, 2 button calls a minute
      with one key, 1 check at a time and no queue, a 1 MB upload limit, 2 s to send a body;
    - "cli": `ap-sheets serve --config` with the council's settings file.
    """
    launched = {
        "server": launch(
            tmp_path_factory.mktemp("server"), keys=keys["file"], limits={"per_address_per_minute": 10_000}
        ),
        "tight": launch(
            tmp_path_factory.mktemp("tight"),
            keys=keys["file"],
            limits={
                "per_address_per_minute": 30,
                "per_key_per_minute": 2,
                "concurrent_checks": 1,
                "queue": 0,
                "upload_bytes": 1_000_000,
                "receive_seconds": 2.0,
            },
        ),
        "cli": launch(tmp_path_factory.mktemp("cli"), config=keys["config"]),
    }
    try:
        yield {name: s.ready() for name, s in launched.items()}
    finally:
        for s in launched.values():
            s.stop()


@pytest.fixture(scope="session")
def server(servers):
    return servers["server"]
