"""The digest of a workbook's macros, and of the council's template's (rule R060 compares them)."""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from .limits import LIMITS, Limits
from .vba import VbaError, vba_modules

TEMPLATE_VBA = Path(__file__).parent.parent / "assets" / "vbaProject.bin"
# Beside it, written with it by scripts/build_vba.py: "<SHA-256 of vbaProject.bin> <its digest>".
# A return carrying the template's VBA project unchanged (nearly every one) then needs no
# decompressing (about 80 ms, once in each process that checks: every worker, every
# `validate`). tests/test_macro_digest.py holds it to the digest worked out from the source.
TEMPLATE_VBA_DIGEST = TEMPLATE_VBA.with_name("vbaProject.digest")


# Lines that are not code: `Attribute VB_Name = ...` module headers and `Attribute Item.VB_...`
# member attributes (descriptions, the default member), which LibreOffice drops when it saves
# an .xlsm; and `Option ClassModule`, which LibreOffice adds to class modules.
_NOT_CODE = re.compile(r"^\s*(?:attribute\s+(?:[a-z_][\w]*\.)?vb_\w*\s*=.*|option\s+classmodule)\s*$", re.I)


def normalise_vba(code: str) -> str:
    """Source as compared: line endings unified, trailing spaces and blank lines gone, and
    lines that are metadata rather than code (`Attribute ... VB_...`, `Option ClassModule`)
    left out, so that a save by Excel or LibreOffice does not look like changed code."""
    lines = (ln.rstrip() for ln in code.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(ln for ln in lines if ln and not _NOT_CODE.match(ln))


def vba_digest(
    vba: bytes | None,
    macro_sheets: dict[str, bytes] | None = None,
    oversized: bool = False,
    limits: Limits | None = None,
) -> str | None:
    """A digest of a workbook's macros, or None if it has none.

    Over the normalised source of every module that has code (an empty module, like the one
    Excel adds for each new sheet, does not count), in sorted order, so that saving in another
    Excel, renaming a sheet or adding a sheet does not change it; editing, adding or removing
    code does. Excel 4.0 macro sheets always count as different.
    """
    if vba is None and not macro_sheets and not oversized:
        return None
    if oversized:
        return "oversized"
    return _digest(vba, tuple(sorted((macro_sheets or {}).items())), limits or LIMITS)


@lru_cache(maxsize=64)
def _digest(vba: bytes | None, macro_sheets: tuple, limits: Limits) -> str:
    """Remembered by content: in a batch most returns carry the very same VBA project, and
    decompressing and normalising its ~200 KB of source costs several ms a file."""
    if vba is not None and not macro_sheets and limits == LIMITS:
        shipped = shipped_digest()
        if shipped is not None and hashlib.sha256(vba).hexdigest() == shipped[0]:
            return shipped[1]
    return digest_from_source(vba, macro_sheets, limits)


@lru_cache(maxsize=1)
def shipped_digest() -> tuple[str, str] | None:
    """(SHA-256 of the packaged vbaProject.bin, the digest of its macros), as written beside it."""
    try:
        bin_sha256, digest = TEMPLATE_VBA_DIGEST.read_text(encoding="ascii").split()
    except (OSError, ValueError):
        return None
    return bin_sha256, digest


def digest_from_source(vba: bytes | None, macro_sheets: tuple, limits: Limits) -> str:
    """The digest worked out from the macros' source (see `vba_digest`)."""
    macro_sheets = dict(macro_sheets)
    h = hashlib.sha256()
    if vba is not None:
        try:
            codes = sorted(c for c in (normalise_vba(s) for s in vba_modules(vba, limits).values()) if c)
        except VbaError:
            return "unreadable:" + hashlib.sha256(vba).hexdigest()[:16]
        for code in codes:
            h.update(code.encode("utf-8") + b"\x00")
    for name in sorted(macro_sheets or {}):
        h.update(b"xlm:" + name.encode() + hashlib.sha256(macro_sheets[name]).digest())
    return "sha256:" + h.hexdigest()


@lru_cache(maxsize=4)
def _template_digest(path: str, size: int, mtime: float) -> str | None:
    return vba_digest(Path(path).read_bytes())


# The macros of every template the council has released before this one: a return made on
# last term's workbook carries them, and they are the council's own, not tampered with.
# When the VBA changes (macros/, scripts/build_vba.py), add the digest of the release it replaces.
EARLIER_TEMPLATE_DIGESTS = (
    # ap-sheets 0.1.0: Validate and Summary through local Python (xlwings RunPython) only
    "sha256:37e19f23b98575be2260ba0206f752fbe4b334c3a3c3aa90c261f491b7d9bd3a",
)


def councils_vba_digests() -> frozenset[str]:
    """The digests of the council's own macros: this release's template and every earlier one."""
    current = template_vba_digest()
    return frozenset(EARLIER_TEMPLATE_DIGESTS) | ({current} if current else set())


def template_vba_digest(path: Path | None = None) -> str | None:
    """The digest of the official template's macros, from the packaged vbaProject.bin (cached)."""
    path = path or TEMPLATE_VBA
    try:
        st = path.stat()
    except OSError:
        return None
    return _template_digest(str(path), st.st_size, st.st_mtime)
