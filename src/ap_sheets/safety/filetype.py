"""What a file really is, from its content (never its name), and the refusal for anything not a workbook."""

from __future__ import annotations

import io

from .refusals import Refused, refuse

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_IMAGES = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG photo",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"BM": "a bitmap image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
}
_ARCHIVES = {b"Rar!\x1a\x07": "RAR", b"7z\xbc\xaf\x27\x1c": "7-Zip", b"\x1f\x8b": "gzip"}


def sniff(data: bytes) -> str:
    """'zip', 'ole' or a refusal code ('pdf', 'image', 'csv', ...) from the first bytes."""
    head = data[:8]
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    for magic in _IMAGES:
        if head.startswith(magic) and (magic != b"BM" or len(data) > 26):
            return "image"
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    for magic in _ARCHIVES:
        if head.startswith(magic):
            return "archive"
    if head.startswith(b"{\\rtf"):
        return "word"
    return _sniff_text(data[:8192])


def _decode_head(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", "replace")
    for cut in range(4):  # a multi-byte character may be cut at the end of the sample
        try:
            return head[: len(head) - cut].decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
    return head.decode("latin-1")


def _sniff_text(head: bytes) -> str:
    text = _decode_head(head)
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    if not text.strip() or printable < 0.95 * len(text):
        return "unknown"
    start = text.lstrip().lower()[:2000]
    if (
        "<?mso-application" in start and "excel.sheet" in start
    ) or "urn:schemas-microsoft-com:office:spreadsheet" in start:
        return "xml2003"
    if start.startswith(("<!doctype html", "<html", "<table", "<meta")) or "<html" in start:
        return "html"
    lines = [ln for ln in text.splitlines()[:6] if ln.strip()]
    if any(lines and all(sep in ln for ln in lines) for sep in (",", "\t", ";")):
        return "csv"
    return "text"


def refusal_for(kind: str, data: bytes) -> Refused:
    """The refusal for a file that `sniff` found is not a workbook (any kind but 'zip')."""
    if kind == "ole":
        return _ole_refusal(data)
    if kind == "image":
        what = next((w for m, w in _IMAGES.items() if data.startswith(m)), "an image")
        return refuse("image", what=what if data[:4] != b"RIFF" else "a WebP image")
    if kind == "archive":
        return refuse("archive", what=next((w for m, w in _ARCHIVES.items() if data.startswith(m)), "archive"))
    return refuse(kind)


def _ole_refusal(data: bytes) -> Refused:
    """An OLE compound file: a password-protected workbook, an old .xls, or another Office file."""
    try:
        import olefile
    except ImportError:  # without olefile: the stream names, as stored (UTF-16), are enough to tell
        names = {
            n.casefold()
            for n in ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book", "WordDocument", "PowerPoint Document")
            if (n + "\x00").encode("utf-16-le") in data
        }
    else:
        try:
            ole = olefile.OleFileIO(io.BytesIO(data))
            try:
                names = {"/".join(p).casefold() for p in ole.listdir(streams=True, storages=True)}
            finally:
                ole.close()
        except Exception as exc:  # olefile raises several types for a broken file
            return refuse("damaged", detail=f"its Office file structure is broken: {type(exc).__name__}")
    if {"encryptioninfo", "encryptedpackage"} & names:
        return refuse("encrypted")
    if {"workbook", "book"} & names:
        return refuse("xls")
    if "worddocument" in names:
        return refuse("word")
    if "powerpoint document" in names:
        return refuse("powerpoint")
    return refuse("office")
