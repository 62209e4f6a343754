"""File safety: every return is treated as possibly broken or hostile (docs/limits-and-safety.md).

One job a module:

- `limits`: every limit on a file (`LIMITS`) and the per-file clock (`Deadline`);
- `refusals`: `Refused` and the plain-English reason for each refusal code;
- `preflight`: `inspect`, which reads a file once and runs the checks below in order;
- `filetype`: what a file really is, from its first bytes;
- `zipparts`: the zip directory checked before inflating, and each part's checks;
- `package`: each part inflated once, bounded, straight from the file's bytes;
- `verdicts`: what was found in a part, remembered for byte-identical parts;
- `relationships`: which zip part is the workbook and which part holds each sheet;
- `xmlscan`: the bounded XML pass (no DTDs) and where a worksheet's values are;
- `vba`: the VBA source of a vbaProject.bin, read within bounds;
- `macros`: the digest of a workbook's macros and of the council's template's (for R060).

Everything callers use is importable from `ap_sheets.safety` itself.
"""

from __future__ import annotations

from .filetype import OLE_MAGIC, ZIP_MAGICS, sniff
from .limits import LIMITS, MB, Deadline, Limits
from .macros import (
    EARLIER_TEMPLATE_DIGESTS,
    TEMPLATE_VBA,
    councils_vba_digests,
    normalise_vba,
    template_vba_digest,
    vba_digest,
)
from .preflight import Inspection, inspect, load_bytes
from .refusals import REASONS, SAVE_AGAIN, SAVE_AS_XLSM, SEND_WORKBOOK, Refused, refuse
from .relationships import WORKBOOK_PART
from .vba import VbaError, VbaModule, read_vba_dir, vba_decompress, vba_modules
from .xmlscan import SheetExtent

__all__ = [
    "EARLIER_TEMPLATE_DIGESTS",
    "LIMITS",
    "MB",
    "OLE_MAGIC",
    "REASONS",
    "SAVE_AGAIN",
    "SAVE_AS_XLSM",
    "SEND_WORKBOOK",
    "TEMPLATE_VBA",
    "WORKBOOK_PART",
    "ZIP_MAGICS",
    "Deadline",
    "Inspection",
    "Limits",
    "Refused",
    "SheetExtent",
    "VbaError",
    "VbaModule",
    "councils_vba_digests",
    "inspect",
    "load_bytes",
    "normalise_vba",
    "read_vba_dir",
    "refuse",
    "sniff",
    "template_vba_digest",
    "vba_decompress",
    "vba_digest",
    "vba_modules",
]
