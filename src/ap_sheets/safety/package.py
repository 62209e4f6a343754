"""A workbook's zip parts inflated straight from the file's bytes in memory, each at most once.

zipfile's reader spends ~0.1 ms of Python on each part, and a return has ~35. Here a part is
inflated with one zlib call, never beyond the size the zip directory declares (nor the
caller's limit), and refused as zipfile's reader refuses it: a bad local header, bytes
missing, a bad CRC (over every byte inflated) or fewer bytes than declared is "damaged";
more than the caller's limit is "oversized".
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from .limits import size_text
from .refusals import refuse
from .verdicts import CONTENTS, MISSING, VERDICTS

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # a local file header (zipfile.structFileHeader)
_UNSUPPORTED = 0x20 | 0x40  # compressed patched data, strong encryption: zipfile refuses them too


class Package:
    """The parts of one zip (already opened by zipfile, whose directory is used as it is)."""

    def __init__(self, data: bytes, infos: list[zipfile.ZipInfo]):
        self.data = memoryview(data)
        self.infos = {i.filename: i for i in infos}  # as zipfile.getinfo: the last of a name
        self._raw: dict[str, memoryview] = {}
        self._keys: dict[str, tuple] = {}
        self._kept: dict[str, bytes] = {}

    def raw(self, name: str) -> memoryview:
        """The part's compressed bytes, after its local header is checked against the directory."""
        found = self._raw.get(name)
        if found is None:
            found = self._raw[name] = self._locate(self.infos[name])
        return found

    def _locate(self, info: zipfile.ZipInfo) -> memoryview:
        at = info.header_offset
        head = self.data[at : at + _LOCAL.size] if at >= 0 else b""
        if len(head) != _LOCAL.size or info.flag_bits & _UNSUPPORTED:
            raise _damaged(info.filename)
        magic, _, _, flags, *_, name_len, extra_len = _LOCAL.unpack(head)
        if magic != zipfile.stringFileHeader:
            raise _damaged(info.filename)
        start = at + _LOCAL.size
        raw_name = bytes(self.data[start : start + name_len])
        try:  # ASCII reads the same in both encodings zipfile knows (and decodes at C speed)
            name = raw_name.decode("ascii" if raw_name.isascii() else "utf-8" if flags & 0x800 else "cp437")
        except UnicodeDecodeError:
            raise _damaged(info.filename) from None
        if name != info.orig_filename:
            raise _damaged(info.filename)
        start += name_len + extra_len
        raw = self.data[start : start + info.compress_size]
        if len(raw) != info.compress_size:  # the file ends before the part does
            raise _damaged(info.filename)
        return raw

    def key(self, name: str) -> tuple:
        """What identifies the part's content: name, method, CRC, sizes, digest of its compressed bytes."""
        found = self._keys.get(name)
        if found is None:
            i = self.infos[name]
            digest = hashlib.sha256(self.raw(name)).digest()  # SHA-256: done in hardware here, twice BLAKE2b's speed
            found = self._keys[name] = (name, i.compress_type, i.CRC, i.compress_size, i.file_size, digest)
        return found

    def read(self, name: str, limit: int) -> bytes:
        """The whole part, inflated once, refusing more than `limit` bytes (whatever the directory says)."""
        data = self._kept.get(name)
        if data is None:
            data = self._inflate(self.infos[name], self.raw(name), limit)
            if _read_again(name):
                self._kept[name] = data
        elif len(data) > limit:
            raise refuse("oversized", detail=f"the part {name} expands to more than {size_text(limit)}")
        return data

    def read_shared(self, name: str, limit: int) -> bytes:
        """As `read`, but a part byte-identical to one read before (in this process) is not
        inflated again: the very same bytes object is returned (the VBA project, whose digest
        is remembered by content, `macros._digest`)."""
        key = (self.key(name), limit)
        data = CONTENTS.recall(key)
        if data is MISSING:
            data = self.read(name, limit)
            CONTENTS.remember(key, data)
        return data

    def fact(
        self,
        name: str,
        what: str,
        limit: int,
        work: Callable[[bytes], Any],
        context: Any = None,
        small: Callable[[Any], bool] | None = None,
    ) -> Any:
        """`work(the part's bytes)`, remembered for byte-identical parts (`verdicts`) unless it
        refuses, or is not `small` (memory stays flat). `context`: what else the work depends on."""
        key = (what, self.key(name), limit, context)
        value = VERDICTS.recall(key)
        if value is MISSING:
            value = work(self.read(name, limit))
            if small is None or small(value):
                VERDICTS.remember(key, value)
        return value

    def _inflate(self, info: zipfile.ZipInfo, raw: memoryview, limit: int) -> bytes:
        name, size = info.filename, info.file_size
        # Never past the declared size (as zipfile: what follows is never inflated, and the CRC
        # is of the declared bytes); one byte past the limit, to see that it would go over.
        want = min(size, limit + 1)
        try:
            if info.compress_type == zipfile.ZIP_STORED:
                data = bytes(raw[:want])
            else:
                data = zlib.decompressobj(-15).decompress(raw, want)
        except zlib.error:
            raise _damaged(name) from None
        if size > limit:
            if len(data) > limit:
                raise refuse("oversized", detail=f"the part {name} expands to more than {size_text(limit)}")
            raise _damaged(name)
        if len(data) != size or zlib.crc32(data) != info.CRC:  # cut short, or not what was declared
            raise _damaged(name)
        return data


def _read_again(name: str) -> bool:
    """Small parts read more than once (relationships, the workbook, tables): kept once inflated."""
    low = name.casefold()
    return low.endswith(".rels") or low == "xl/workbook.xml" or low.startswith("xl/tables/")


def _damaged(name: str):
    return refuse("damaged", detail=f"the part {name} is corrupted")
