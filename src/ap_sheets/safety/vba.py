"""A small MS-OVBA reader: the VBA source code of a vbaProject.bin, with every inflation bounded.

olefile reads the container; the decompression is ours so that a bomb in a module stream is
refused by budget instead of inflated.
"""

from __future__ import annotations

import hashlib
import io
import struct
from collections import OrderedDict
from dataclasses import dataclass

from .limits import LIMITS, Limits


class VbaError(Exception):
    pass


def vba_decompress(buf: bytes, budget: int) -> bytes:
    """MS-OVBA 2.4.1 decompression, refusing to produce more than `budget` bytes."""
    if not buf or buf[0] != 1:
        raise VbaError("not a compressed VBA container")
    out = bytearray()
    pos, n = 1, len(buf)
    while pos < n:
        if pos + 2 > n:
            raise VbaError("truncated chunk header")
        header = buf[pos] | (buf[pos + 1] << 8)
        size = (header & 0x0FFF) + 3
        if (header >> 12) & 0x07 != 0b011:
            raise VbaError("bad chunk signature")
        compressed = header >> 15
        chunk_end = min(n, pos + size)
        pos += 2
        start = len(out)
        if not compressed:
            out += buf[pos : pos + 4096]
            pos += 4096
        else:
            while pos < chunk_end:
                flags = buf[pos]
                pos += 1
                if flags == 0 and pos + 8 <= chunk_end:  # eight literal bytes: copy them at once
                    out += buf[pos : pos + 8]
                    pos += 8
                    continue
                for bit in range(8):
                    if pos >= chunk_end:
                        break
                    if not (flags >> bit) & 1:
                        out.append(buf[pos])
                        pos += 1
                        continue
                    if pos + 2 > chunk_end:
                        raise VbaError("truncated copy token")
                    token = buf[pos] | (buf[pos + 1] << 8)
                    pos += 2
                    bit_count = max((len(out) - start - 1).bit_length(), 4)
                    length = (token & (0xFFFF >> bit_count)) + 3
                    offset = (token >> (16 - bit_count)) + 1
                    src = len(out) - offset
                    if src < start:
                        raise VbaError("copy token points before the chunk")
                    if offset >= length:
                        out += out[src : src + length]
                    else:
                        for i in range(length):
                            out.append(out[src + i])
        if len(out) > budget:
            raise VbaError("VBA source too large to inspect")
    return bytes(out)


_DECOMPRESSED: OrderedDict[bytes, bytes] = OrderedDict()  # sha256 of compressed source -> source
_DECOMPRESSED_MAX = 64


def _decompress_cached(raw: bytes, budget: int) -> bytes:
    """vba_decompress, remembered by content: in a batch, most returns carry the same modules
    (the template's, as Excel saved them), and decompressing in Python costs ~10 ms a module."""
    key = hashlib.sha256(raw).digest()
    hit = _DECOMPRESSED.get(key)
    if hit is not None and len(hit) <= budget:
        _DECOMPRESSED.move_to_end(key)
        return hit
    source = vba_decompress(raw, budget)
    _DECOMPRESSED[key] = source
    if len(_DECOMPRESSED) > _DECOMPRESSED_MAX:
        _DECOMPRESSED.popitem(last=False)
    return source


def _codec(codepage: int) -> str:
    import codecs

    for name in (f"cp{codepage}", "cp1252"):
        try:
            codecs.lookup(name)
            return name
        except LookupError:
            continue
    return "latin-1"


@dataclass
class VbaModule:
    name: str
    stream: list[str]  # path of its stream in the OLE file
    offset: int  # where its compressed source starts in that stream


def read_vba_dir(ole, limits: Limits | None = None) -> tuple[str, list[VbaModule]]:
    """(codec, modules) from a VBA project's `dir` stream (MS-OVBA 2.3.4.2)."""
    limits = limits or LIMITS
    paths = ole.listdir(streams=True, storages=False)
    dir_path = next((p for p in paths if [x.casefold() for x in p[-2:]] == ["vba", "dir"]), None)
    if dir_path is None:
        raise VbaError("no VBA/dir stream")
    prefix = dir_path[:-1]
    d = vba_decompress(_stream(ole, dir_path), limits.vba_source_bytes)
    found: list[dict] = []
    codepage = 1252
    pos = 0
    while pos + 6 <= len(d):
        rid, size = struct.unpack_from("<HI", d, pos)
        pos += 6
        if rid == 0x0009:  # PROJECTVERSION: its "size" is a reserved 4; the record holds 6 bytes
            size = 6
        body = d[pos : pos + size]
        pos += size
        if rid == 0x0003 and len(body) >= 2:  # PROJECTCODEPAGE
            codepage = struct.unpack_from("<H", body)[0]
        elif rid == 0x0019:  # MODULENAME: a new module starts
            found.append({"name": body.decode(_codec(codepage), "replace")})
        elif found and rid == 0x0047:  # MODULENAMEUNICODE
            found[-1]["name"] = body.decode("utf-16-le", "replace")
        elif found and rid == 0x001A:  # MODULESTREAMNAME
            found[-1]["stream"] = body.decode(_codec(codepage), "replace")
        elif found and rid == 0x0032:  # MODULESTREAMNAME, Unicode
            found[-1]["stream_u"] = body.decode("utf-16-le", "replace")
        elif found and rid == 0x0031 and len(body) >= 4:  # MODULEOFFSET
            found[-1]["offset"] = struct.unpack_from("<I", body)[0]
        elif rid == 0x0010:  # end of the dir stream
            break
    modules = []
    for m in found:
        names = [n for n in (m.get("stream_u"), m.get("stream"), m.get("name")) if n]
        path = next(([*prefix, n] for n in names if ole.exists("/".join([*prefix, n]))), None)
        if path is None:
            raise VbaError(f"module {m.get('name')} has no stream")
        modules.append(VbaModule(m.get("name", "?"), path, m.get("offset", 0)))
    return _codec(codepage), modules


def vba_modules(vba: bytes, limits: Limits | None = None) -> dict[str, str]:
    """Module name -> VBA source code of a vbaProject.bin (MS-OVBA), bounded in size.

    Our own small reader (olefile for the container), rather than olevba, so that a
    decompression bomb in a module stream is refused by budget instead of inflated
    (the tests check it gives the same code as olevba).
    """
    limits = limits or LIMITS
    try:
        import olefile

        ole = olefile.OleFileIO(io.BytesIO(vba))
    except Exception as exc:
        raise VbaError(f"not an OLE file: {type(exc).__name__}") from None
    try:
        codec, modules = read_vba_dir(ole, limits)
        out: dict[str, str] = {}
        left = limits.vba_source_bytes
        for m in modules:
            raw = _stream(ole, m.stream)[m.offset :]
            source = _decompress_cached(raw, left) if raw else b""
            left -= len(source)
            out[m.name] = source.decode(codec, "replace")
        return out
    except VbaError:
        raise
    except Exception as exc:  # olefile on a damaged container
        raise VbaError(f"damaged VBA project: {type(exc).__name__}") from None
    finally:
        ole.close()


def _stream(ole, path: list[str]) -> bytes:
    try:
        return ole.openstream(path).read()
    except Exception as exc:
        raise VbaError(f"stream {'/'.join(path)} cannot be read: {type(exc).__name__}") from None
