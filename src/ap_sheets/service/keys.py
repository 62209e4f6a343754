"""Per-organisation keys for the workbook buttons' calls to the service.

The keys file (the setting `service_keys_file`) is JSON, readable by its owner only::

    {"keys": {"Meadowgate Academy": {"sha256": "...", "id": "AP-0001",
                                      "added": "2025-01-10T09:30:00Z", "revoked": null}}}

Only a SHA-256 digest of each key is stored: a key is 32 random bytes, so a digest cannot be
turned back into it, and a stolen file gives no working key. `add` returns the key itself
once; nobody can see it again (add the organisation anew to replace a lost key). The service
re-reads the file when it changes, so a revoked key stops working at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

PREFIX = "aps_"


class KeysError(ValueError):
    """The keys file cannot be used or changed; the message says why."""


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_keys(path: str | Path) -> dict[str, dict]:
    """Organisation name -> its entry; an absent file holds no keys."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise KeysError(f"cannot read the keys file {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
        keys = data["keys"]
        if not isinstance(keys, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("sha256"), str) for v in keys.values()
        ):
            raise ValueError
    except (ValueError, KeyError, TypeError) as exc:
        raise KeysError(f"{path} is not an ap-sheets keys file") from exc
    return keys


def _write_keys(path: Path, keys: dict[str, dict]) -> None:
    """Atomically, readable and writable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".keys-", dir=path.parent)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"keys": keys}, handle, indent=2, ensure_ascii=False, sort_keys=True)
            handle.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_key(path: str | Path, name: str, org_id: str | None = None) -> str:
    """A new key for organisation `name` (replacing any key it had); returns the key, once."""
    name = name.strip()
    if not name:
        raise KeysError("give the organisation's name")
    path = Path(path)
    keys = read_keys(path)
    key = PREFIX + secrets.token_urlsafe(32)
    entry = {"sha256": digest(key), "added": _now(), "revoked": None}
    if org_id:
        entry["id"] = org_id.strip()
    elif name in keys and keys[name].get("id"):
        entry["id"] = keys[name]["id"]
    keys[name] = entry
    _write_keys(path, keys)
    return key


def revoke_key(path: str | Path, name: str) -> None:
    path = Path(path)
    keys = read_keys(path)
    if name not in keys:
        known = ", ".join(sorted(keys)) or "none"
        raise KeysError(f"no key for {name!r} in {path} (organisations with keys: {known})")
    keys[name]["revoked"] = keys[name].get("revoked") or _now()
    _write_keys(path, keys)


class KeyRing:
    """The service's view of the keys file, re-read whenever the file changes."""

    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path else None
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._by_digest: dict[str, str] = {}

    def _refresh(self) -> None:
        if self.path is None:
            return
        try:
            st = self.path.stat()
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            stamp = None
        if stamp == self._stamp:
            return
        try:
            keys = read_keys(self.path) if stamp else {}
        except KeysError:
            keys = {}  # a broken file lets nobody in (the log says so)
        self._by_digest = {e["sha256"]: name for name, e in keys.items() if not e.get("revoked")}
        self._stamp = stamp

    def organisation(self, key: str | None) -> str | None:
        """The organisation whose live key this is, or None."""
        if not key:
            return None
        with self._lock:
            self._refresh()
            wanted = digest(key.strip())
            for known, name in self._by_digest.items():
                if hmac.compare_digest(known, wanted):
                    return name
        return None
