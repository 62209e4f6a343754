"""Every limit ap-sheets puts on a file, how a size reads in a message, and the clock for one file."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .refusals import refuse

MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    """Every limit ap-sheets puts on a file, in one place (docs/limits-and-safety.md)."""

    file_bytes: int = 20 * MB  # the file itself (a real return is well under 1 MB)
    parts: int = 1_000  # entries in the workbook's zip
    part_bytes: int = 40 * MB  # one part, uncompressed (declared and actually inflated)
    total_bytes: int = 100 * MB  # all parts together, uncompressed
    compression_ratio: int = 100  # uncompressed / compressed, for parts of ratio_floor or more
    ratio_floor: int = 1 * MB  # smaller parts may compress as well as they like
    rows: int = 5_000  # Excel rows read from each sheet (1..rows)
    columns: int = 80  # Excel columns read from each sheet (A..CB)
    cells: int = 2_000_000  # last used row x last used column of a sheet: above this, not read at all
    cell_text: int = 32_767  # characters in one cell (Excel's own limit); longer is cut, with a finding
    vba_bytes: int = 4 * MB  # the VBA project (vbaProject.bin) inspected for the macro check
    vba_source_bytes: int = 8 * MB  # VBA source code after decompression
    seconds_per_file: float = 60.0  # wall time to check one file (the batch worker's timeout)
    cells_named: int = 5  # how many out-of-area cells a message names


LIMITS = Limits()


def size_text(n: int) -> str:
    """A size as a clerk reads it in a refusal: megabytes, or bytes when small."""
    return f"{n / MB:,.1f} MB" if n >= 100_000 else f"{n:,} bytes"


class Deadline:
    """Wall-clock budget for one file, checked as work goes on."""

    def __init__(self, seconds: float | None = None):
        self.seconds = LIMITS.seconds_per_file if seconds is None else seconds
        self.end = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.end:
            raise refuse("timeout", seconds=self.seconds)
