"""Opening the register database: an SQLite file (a path) or a server (a URL), its schema
brought up to date by the packaged Alembic migrations, and the lock a writer holds.

- A path is an SQLite file, created readable and writable by its owner only (0600): it holds
  special-category data. SQLite's journal takes the same permissions.
- A URL (`postgresql+psycopg://user@host/db`) is a database server (`pip install
  "ap-sheets[postgres]"` for the driver).
- A database whose schema revision this ap-sheets does not know (made by a newer version)
  is refused with `RegisterError`, before anything is written to it.

Writers take the database for the whole of their one transaction: on SQLite `BEGIN
IMMEDIATE` (a second writer waits up to `BUSY_SECONDS`, then is told the database is busy);
on PostgreSQL a transaction-scoped advisory lock (a second writer waits).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_SECONDS = 60.0  # how long a second writer on SQLite waits before giving up
LOCK_KEY = 0x61707368  # PostgreSQL advisory lock key ("apsh")


class RegisterError(Exception):
    """The register database cannot be used: the message says why and what to do."""


def is_url(target) -> bool:
    return isinstance(target, str) and "://" in target


def shown(target) -> str:
    """The database as named to the user: a path, or a URL without its password."""
    if is_url(target):
        return make_url(target).render_as_string(hide_password=True)
    return str(target)


def open_register(target, *, upgrade: bool = True) -> Engine:
    """An engine for the register at `target` (path or URL), with the schema brought up to
    date (`upgrade`) or just checked. RegisterError if it cannot be used."""
    if is_url(target):
        url = make_url(target)
        if not url.drivername.startswith("postgresql"):
            if url.drivername.startswith("sqlite"):
                path = url.database
                if not path or path == ":memory:":
                    raise RegisterError("The register must be kept in a file: give --db a file path.")
                return open_register(path, upgrade=upgrade)
            raise RegisterError(f"{shown(target)}: only SQLite files and PostgreSQL servers are supported.")
        try:
            engine = create_engine(url, pool_pre_ping=True)
        except ModuleNotFoundError:
            raise RegisterError('A PostgreSQL register needs its driver: pip install "ap-sheets[postgres]".') from None
    else:
        engine = _sqlite_engine(Path(target))
    try:
        check_revision(engine, upgrade=upgrade)
    except RegisterError:
        engine.dispose()
        raise
    except Exception as exc:  # cannot connect, not a database ...
        engine.dispose()
        raise RegisterError(f"Could not open the register database {shown(target)}: {_reason(exc)}.") from exc
    return engine


def _reason(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    if "database is locked" in text:
        return (
            f"another run has been using it for more than {busy_seconds():g} seconds. Wait for it to finish, "
            "then run this again"
        )
    return text.splitlines()[0] if text else type(orig).__name__


def _sqlite_engine(path: Path) -> Engine:
    path = path.expanduser()
    if path.is_dir():
        raise RegisterError(f"{path} is a folder: give --db a file name, e.g. register.db")
    if not path.exists():
        if not path.parent.is_dir():
            raise RegisterError(f"The folder {path.parent} does not exist: create it first.")
        with contextlib.suppress(FileExistsError):  # made here, owner-only, before SQLite opens it
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    engine = create_engine(f"sqlite:///{path.resolve()}", connect_args={"timeout": busy_seconds()})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # transactions begun below, not by the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock now: one writer at a time

    return engine


def busy_seconds() -> float:
    """How long a second writer waits for the first: BUSY_SECONDS, or AP_SHEETS_DB_WAIT seconds."""
    try:
        return float(os.environ.get("AP_SHEETS_DB_WAIT", BUSY_SECONDS))
    except ValueError:
        return BUSY_SECONDS


def lock(conn: Connection) -> None:
    """Hold the register for this transaction (SQLite already has it from BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def _alembic_config(conn: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def check_revision(engine: Engine, upgrade: bool = True) -> None:
    """Refuse a database made by a newer ap-sheets; bring an older (or empty) one up to date."""
    from alembic import command
    from alembic.script import ScriptDirectory

    with engine.begin() as conn:
        lock(conn)
        current = current_revision(conn)
        cfg = _alembic_config(conn)
        script = ScriptDirectory.from_config(cfg)
        known = {rev.revision for rev in script.walk_revisions()}
        if current is not None and current not in known:
            raise RegisterError(
                f"This register database was written by a newer version of ap-sheets (schema revision {current}; "
                f"this version knows up to {script.get_current_head()}). Upgrade ap-sheets "
                "(pip install --upgrade ap-sheets) to use it; it has not been changed."
            )
        if current != script.get_current_head():
            if not upgrade:
                raise RegisterError("This register database is older than this ap-sheets: open it once to upgrade it.")
            command.upgrade(cfg, "head")
