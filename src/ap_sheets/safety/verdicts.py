"""What was found in a zip part, remembered per process for byte-identical parts.

Returns saved by the same Excel from the same template share many parts byte for byte (the
theme, styles, comments and their drawings, untouched sheets, the VBA project), so a batch
checks each of them once. A verdict is keyed by the part's name, its CRC and sizes from the
zip directory, and a SHA-256 digest of its *compressed* bytes (plus the limits and what was
asked): such a part inflates to the same bytes, so it gets the same verdict. Only accepted
parts are remembered; a refusal is always worked out again. Bounded: least recently used out.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from typing import Any

MISSING: Any = object()


class Remembered:
    """A bounded least-recently-used map, safe to share between threads."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = Lock()

    def recall(self, key: Any) -> Any:
        with self._lock:
            value = self.items.get(key, MISSING)
            if value is not MISSING:
                self.items.move_to_end(key)
            return value

    def remember(self, key: Any, value: Any) -> None:
        with self._lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self.items.clear()


VERDICTS = Remembered(256)  # small facts: a part passed its checks, a sheet's extent, a parsed rels part
CONTENTS = Remembered(8)  # inflated VBA projects (up to LIMITS.vba_bytes each): a batch has one or two
