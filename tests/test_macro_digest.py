"""The digest of the template's macros written beside its VBA project (issue 16): a return
carrying the template's project unchanged is recognised without decompressing it, and the
digest written there is the one worked out from the macros' source."""

from __future__ import annotations

import hashlib

from ap_sheets.safety.limits import LIMITS
from ap_sheets.safety.macros import (
    TEMPLATE_VBA,
    TEMPLATE_VBA_DIGEST,
    _digest,
    digest_from_source,
    shipped_digest,
    vba_digest,
)


def test_the_digest_beside_the_project_is_current():
    """Fails when vbaProject.bin is rebuilt without its digest (scripts/build_vba.py writes both)."""
    data = TEMPLATE_VBA.read_bytes()
    assert shipped_digest() == (hashlib.sha256(data).hexdigest(), digest_from_source(data, (), LIMITS))


def test_the_templates_project_is_recognised_without_decompressing(monkeypatch):
    import ap_sheets.safety.macros as macros

    def no_decompressing(*args):
        raise AssertionError("decompressed")

    monkeypatch.setattr(macros, "vba_modules", no_decompressing)
    _digest.cache_clear()
    try:
        assert vba_digest(TEMPLATE_VBA.read_bytes()) == shipped_digest()[1]
    finally:
        _digest.cache_clear()


def test_any_other_project_is_worked_out_from_its_source():
    """One byte changed: not the template's project, so its digest is worked out (and a
    project that cannot be read says so), never taken from the file beside the template's."""
    data = bytearray(TEMPLATE_VBA.read_bytes())
    data[-1] ^= 0xFF
    _digest.cache_clear()
    try:
        assert vba_digest(bytes(data)) == digest_from_source(bytes(data), (), LIMITS)
    finally:
        _digest.cache_clear()


def test_without_the_file_beside_it_the_digest_is_worked_out(monkeypatch, tmp_path):
    import ap_sheets.safety.macros as macros

    monkeypatch.setattr(macros, "TEMPLATE_VBA_DIGEST", tmp_path / "missing")
    macros.shipped_digest.cache_clear()
    _digest.cache_clear()
    try:
        assert vba_digest(TEMPLATE_VBA.read_bytes()) == TEMPLATE_VBA_DIGEST.read_text().split()[1]
    finally:
        macros.shipped_digest.cache_clear()
        _digest.cache_clear()
