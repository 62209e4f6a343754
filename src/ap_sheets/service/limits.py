"""How much the service takes on: its limits, the rate limiter and the gate on concurrent checks."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass

from ..safety import LIMITS


@dataclass(frozen=True)
class ServiceLimits:
    upload_bytes: int = LIMITS.file_bytes  # the same size limit as `validate`
    seconds_per_check: float = 30.0  # one file's check (its child process is killed after this)
    receive_seconds: float = 60.0  # to receive one request's body (slow senders are cut off)
    concurrent_checks: int = max(1, min(4, os.cpu_count() or 1))
    queue: int = 16  # checks waiting for a free slot; beyond this, 503
    per_address_per_minute: int = 30  # checks (uploads and button calls) from one address
    per_key_per_minute: int = 60  # button calls with one organisation's key
    download_seconds: float = 600.0  # a marked copy is kept (in memory) this long
    download_bytes: int = 200 * 1_000_000  # all marked copies held together, at most


class RateLimiter:
    """At most `limit` events per `window` seconds for each name, counted in fixed windows.
    Memory is bounded by the traffic of one window."""

    def __init__(self, limit: int, window: float = 60.0):
        self.limit, self.window = limit, window
        self._current = -1
        self._counts: dict[str, int] = {}

    def allow(self, name: str) -> bool:
        now = int(time.monotonic() // self.window)
        if now != self._current:
            self._current, self._counts = now, {}
        n = self._counts.get(name, 0) + 1
        self._counts[name] = n
        return n <= self.limit

    def retry_after(self) -> int:
        return max(1, int(self.window - time.monotonic() % self.window) + 1)


class Busy(Exception):
    """Every check slot is in use and the queue is full."""


class Gate:
    """At most `slots` checks at once; at most `queue` more waiting; beyond that, Busy."""

    def __init__(self, slots: int, queue: int):
        self._sem = asyncio.Semaphore(slots)
        self.queue = queue
        self.waiting = 0
        self.running = 0

    async def __aenter__(self):
        if self._sem.locked():
            if self.waiting >= self.queue:
                raise Busy
            self.waiting += 1
            try:
                await self._sem.acquire()
            finally:
                self.waiting -= 1
        else:
            await self._sem.acquire()
        self.running += 1
        return self

    async def __aexit__(self, *exc):
        self.running -= 1
        self._sem.release()
