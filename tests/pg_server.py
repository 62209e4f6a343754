"""A throwaway PostgreSQL server for the tests, from Debian's `postgresql` package.

`initdb` + `pg_ctl` in a temporary directory, listening only on a unix socket there (no TCP
port), trust authentication for the one test role. PostgreSQL refuses to run as root: as
root the directory is given to the `postgres` user (the package creates it; else `nobody`)
and the server is started as that user with `runuser`.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path


def pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


class PgServer:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="ap-sheets-pg-"))
        self.data = self.dir / "data"
        self.user = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    self.user = pwd.getpwnam(name)
                    break
                except KeyError:
                    continue
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        self._run(
            [pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "ap", "-E", "UTF8", "--no-sync", "--locale=C"]
        )
        self._run(
            [
                pg_bin("pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.dir / "log"),
                "-w",
                "-t",
                "60",
                "-o",
                f"-k {self.dir} -c listen_addresses='' -F -c max_connections=40",
                "start",
            ]
        )
        self.count = 0

    def _run(self, cmd: list[str]) -> None:
        if self.user is not None:
            cmd = ["runuser", "-u", self.user.pw_name, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, cwd=self.dir)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://ap@/{database}?host={self.dir}"

    def new_database(self) -> str:
        """A fresh empty database; its SQLAlchemy URL."""
        import psycopg

        self.count += 1
        name = f"register_{self.count}"
        with psycopg.connect(host=str(self.dir), user="ap", dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run([pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
