"""Receiving a request body within the limits: its size (counted as it arrives, so an
over-size upload is refused without being held) and the time to send it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header

MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file


class TooBig(Exception):
    """The body is larger than allowed."""


class TooSlow(Exception):
    """The body did not arrive in time."""


class BadRequest(Exception):
    """The body is not what this address takes; the message says what was wrong."""


async def body_chunks(request, limit: int, seconds: float):
    """The request body, chunk by chunk: TooBig past `limit` bytes, TooSlow past `seconds`."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooBig
    stream = request.stream().__aiter__()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    total = 0
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise TooSlow
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), remaining)
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise TooSlow from None
        total += len(chunk)
        if total > limit:
            raise TooBig
        if chunk:
            yield chunk


@dataclass
class FilePart:
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)
    found: bool = False


async def receive_file(request, field_name: str, limit: int, seconds: float) -> FilePart:
    """The file sent in multipart field `field_name` (held in memory, never on disk)."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or not params.get(b"boundary"):
        raise BadRequest("Send the workbook as a form upload (multipart/form-data) in the field 'file'.")
    out = FilePart()
    state = {"headers": {}, "field": b"", "value": b"", "in_file": False}

    def on_part_begin():
        state["headers"], state["in_file"] = {}, False

    def on_header_field(data, start, end):
        state["field"] += data[start:end]

    def on_header_value(data, start, end):
        state["value"] += data[start:end]

    def on_header_end():
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished():
        _, disp = parse_options_header(state["headers"].get(b"content-disposition", b""))
        if disp.get(b"name", b"").decode("utf-8", "replace") == field_name and not out.found:
            state["in_file"] = out.found = True
            out.filename = disp.get(b"filename", b"").decode("utf-8", "replace")

    def on_part_data(data, start, end):
        if state["in_file"]:
            out.data += data[start:end]

    def on_part_end():
        state["in_file"] = False

    parser = MultipartParser(
        params[b"boundary"],
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
        max_header_count=16,
    )
    try:
        async for chunk in body_chunks(request, limit + MULTIPART_OVERHEAD, seconds):
            parser.write(chunk)
            if len(out.data) > limit:
                raise TooBig
        parser.finalize()
    except MultipartParseError:
        raise BadRequest(
            "The upload could not be read (the form data was incomplete or damaged). "
            "Please choose the file and try again."
        ) from None
    return out


async def receive_body(request, limit: int, seconds: float) -> bytes:
    """The whole body (e.g. the JSON xlwings' client sends), within the limits."""
    body = bytearray()
    async for chunk in body_chunks(request, limit, seconds):
        body += chunk
    return bytes(body)
