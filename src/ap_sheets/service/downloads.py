"""Marked copies waiting to be downloaded: in memory only, each behind an unguessable token,
gone after `ttl` seconds (or sooner when the store is full: the oldest go first)."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass
class Held:
    data: bytes
    filename: str
    media_type: str
    expires: float


class Downloads:
    def __init__(self, ttl: float, max_bytes: int):
        self.ttl, self.max_bytes = ttl, max_bytes
        self._items: OrderedDict[str, Held] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def put(self, data: bytes, filename: str, media_type: str) -> str | None:
        """Keep a copy; returns its token, or None when it is too big to keep at all."""
        if len(data) > self.max_bytes:
            return None
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._expire()
            while self._items and self._bytes + len(data) > self.max_bytes:
                self._drop(next(iter(self._items)))
            self._items[token] = Held(data, filename, media_type, time.monotonic() + self.ttl)
            self._bytes += len(data)
        return token

    def get(self, token: str) -> Held | None:
        with self._lock:
            self._expire()
            return self._items.get(token)

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._items)

    def _expire(self) -> None:
        now = time.monotonic()
        for token in [t for t, h in self._items.items() if h.expires <= now]:
            self._drop(token)

    def _drop(self, token: str) -> None:
        held = self._items.pop(token)
        self._bytes -= len(held.data)
