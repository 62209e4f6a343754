"""The web application: routes, headers, limits. Thin over the library: the checks are
`validate.check_file`, the marked copy `feedback.write_feedback`, the buttons' handlers
`excel.validate_book` / `excel.summary_book` (all run in a child process, `worker`)."""

from __future__ import annotations

import logging
import re
import time
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path, PureWindowsPath
from urllib.parse import quote

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..findings import unreadable
from ..safety.limits import size_text
from . import pages, worker
from .downloads import Downloads
from .keys import KeyRing
from .limits import Busy, Gate, RateLimiter, ServiceLimits
from .receive import BadRequest, TooBig, TooSlow, receive_body, receive_file

log = logging.getLogger("ap_sheets.service")

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]
ROUTES = {"/", "/check", "/healthz", "/assets/app.css", "/xlwings/validate", "/xlwings/summary"}
MEDIA = {
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
UNAUTHORISED = (
    "The council's checking service did not accept this workbook's key. Ask the council's AP "
    "team for a new copy of the workbook, or check your return on the council's checking web page."
)
BUSY = "The checking service is busy. Please wait a minute and try again."
TOO_MANY = "You have sent a lot of checks in a short time. Please wait a minute and try again."
TOO_SLOW = "The upload took too long to arrive, so it was stopped. Please try again."
FAILED = (
    "Sorry: the checking service could not finish with this workbook. Save it, and try again; if this "
    "keeps happening, send the workbook to the council's AP team as it is."
)


class SecurityHeaders:
    """Strict headers on every answer, no caching (except the stylesheet), and an access log
    line with no personal data: method, route (a download's token left out), status, time."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        path = scope.get("path", "")
        status = {"code": 0}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in (b"cache-control", b"server")
                ]
                cache = b"public, max-age=3600" if path.startswith("/assets/") else b"no-store"
                headers += [*HEADERS, (b"cache-control", cache)]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            shown = (
                "/download/<token>" if path.startswith("/download/") else path if path in ROUTES else "<other address>"
            )  # nothing a client made up
            log.info(
                "%s %s %s %.0f ms", scope.get("method"), shown, status["code"], (time.perf_counter() - start) * 1000
            )


def upload_name(filename: str | None) -> str:
    """The name shown for an upload: its last part only (browsers may send a whole path),
    without control characters, not too long."""
    name = PureWindowsPath(filename or "").name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()[:200]
    return name or "upload.xlsx"


def marked_name(name: str) -> str:
    path = Path(name)
    return f"{path.stem} - checked{worker.safe_suffix(name)}"


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def create_app(limits: ServiceLimits | None = None, keys_file: str | Path | None = None) -> FastAPI:
    limits = limits or ServiceLimits()
    keys = KeyRing(keys_file)
    downloads = Downloads(limits.download_seconds, limits.download_bytes)
    per_address = RateLimiter(limits.per_address_per_minute)
    per_key = RateLimiter(limits.per_key_per_minute)
    state: dict = {}
    css = resources.files("ap_sheets.service").joinpath("static/app.css").read_bytes()

    @asynccontextmanager
    async def lifespan(app):
        state["gate"] = Gate(limits.concurrent_checks, limits.queue)
        await anyio.to_thread.run_sync(worker.warm)  # start the forkserver before the first upload
        yield

    app = FastAPI(
        title="ap-sheets checking service", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.downloads = downloads

    def problem(request: Request, status: int, title: str, message: str, headers: dict | None = None):
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status, headers=headers)
        return HTMLResponse(pages.problem_page(title, message), status_code=status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return problem(request, 404, "Page not found", "There is no page at this address.")
        if exc.status_code == 405:
            return problem(
                request, 405, "Not allowed", "This address does not take that kind of request.", headers=exc.headers
            )
        return problem(request, exc.status_code, "There is a problem", str(exc.detail))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        log.error("internal error %s on %s", type(exc).__name__, request.url.path.split("/download/")[0])
        return problem(request, 500, "Sorry, there is a problem with the service", FAILED)

    @app.get("/healthz", response_class=PlainTextResponse)
    async def healthz():
        return "ok"

    @app.get("/assets/app.css")
    async def stylesheet():
        return Response(css, media_type="text/css")

    @app.get("/", response_class=HTMLResponse)
    async def index():
        return pages.upload_page(limit_text=size_text(limits.upload_bytes))

    def too_big(request: Request, name: str):
        reason = (
            f"The file is larger than the {size_text(limits.upload_bytes)} the checking service accepts. "
            "A return is normally well under 1 MB: check that it is the right file, remove any pictures "
            "or extra sheets, and try again."
        )
        if wants_json(request):
            return JSONResponse({"files": [unreadable(name, reason).to_json()]}, status_code=413)
        return HTMLResponse(pages.upload_page(reason, size_text(limits.upload_bytes)), status_code=413)

    def over_limit(*names: tuple[RateLimiter, str]) -> dict | None:
        """The Retry-After header when one of these names has had its share this minute."""
        for limiter, name in names:
            if not limiter.allow(name):
                return {"Retry-After": str(limiter.retry_after())}
        return None

    @app.post("/check")
    async def check(request: Request):
        retry = over_limit((per_address, client_address(request)))
        if retry:
            return problem(request, 429, "Too many checks", TOO_MANY, headers=retry)
        try:
            part = await receive_file(request, pages.FIELD, limits.upload_bytes, limits.receive_seconds)
        except TooBig:
            return too_big(request, "upload")
        except TooSlow:
            return problem(request, 408, "The upload took too long", TOO_SLOW, headers={"Connection": "close"})
        except BadRequest as exc:
            return bad_upload(request, str(exc))
        if not part.found or (not part.filename and not part.data):
            return bad_upload(request, "Select the return you want to check")
        name = upload_name(part.filename)
        data, part.data = bytes(part.data), bytearray()
        try:
            async with state["gate"]:
                result = await anyio.to_thread.run_sync(
                    worker.check_upload, data, name, limits.seconds_per_check, not wants_json(request)
                )
        except Busy:
            return problem(request, 503, "The service is busy", BUSY, headers={"Retry-After": "30"})
        finally:
            del data
        log.info("checked an upload: %s, %d issues", result.report["status"], len(result.report.get("issues", [])))
        if wants_json(request):
            return JSONResponse({"files": [result.report]})
        token = None
        if result.marked:
            token = downloads.put(result.marked, marked_name(name), MEDIA[worker.safe_suffix(name)])
        return HTMLResponse(pages.result_page(result.report, token))

    def bad_upload(request: Request, message: str):
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=400)
        return HTMLResponse(pages.upload_page(message, size_text(limits.upload_bytes)), status_code=400)

    @app.get("/download/{token}")
    async def download(token: str):
        held = downloads.get(token)
        if held is None:
            return HTMLResponse(
                pages.problem_page(
                    "This download has expired",
                    "Marked copies are kept for 10 minutes only. Check your return again to get a new one.",
                ),
                status_code=404,
            )
        return Response(
            held.data,
            media_type=held.media_type,
            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(held.filename)}"},
        )

    async def xlwings_call(request: Request, handler: str):
        organisation = keys.organisation(request.headers.get("authorization"))
        if organisation is None:
            return PlainTextResponse(UNAUTHORISED, status_code=401)
        retry = over_limit((per_key, organisation), (per_address, client_address(request)))
        if retry:
            return PlainTextResponse(TOO_MANY, status_code=429, headers=retry)
        try:
            body = await receive_body(request, limits.upload_bytes, limits.receive_seconds)
        except TooBig:
            return PlainTextResponse(
                "This workbook is too large for the checking service. Remove any pictures "
                "or extra sheets and try again.",
                status_code=413,
            )
        except TooSlow:
            return PlainTextResponse(TOO_SLOW, status_code=408, headers={"Connection": "close"})
        try:
            async with state["gate"]:
                status, answer = await anyio.to_thread.run_sync(
                    worker.run_xlwings, handler, body, limits.seconds_per_check
                )
        except Busy:
            return PlainTextResponse(BUSY, status_code=503, headers={"Retry-After": "30"})
        finally:
            del body
        log.info("%s for a workbook of %s: %s", handler, organisation, status)
        if status == "bad":
            return PlainTextResponse("The request did not come from the workbook's button.", status_code=400)
        if status != "ok":
            return PlainTextResponse(FAILED, status_code=500)
        return JSONResponse(answer)

    @app.post("/xlwings/validate")
    async def xlwings_validate(request: Request):
        return await xlwings_call(request, "validate")

    @app.post("/xlwings/summary")
    async def xlwings_summary(request: Request):
        return await xlwings_call(request, "summary")

    return SecurityHeaders(app)
