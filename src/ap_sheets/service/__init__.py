"""The council's checking service (`ap-sheets serve`): the same checks as `ap-sheets validate`
over HTTP, so providers and schools need nothing installed.

- `GET /` an upload page, `POST /check` the findings (HTML, or the `validate` JSON) and a
  marked copy to download; `POST /xlwings/validate|summary` the workbook buttons' handlers on
  xlwings' remote engine, behind per-organisation keys; `GET /healthz`.
- Nothing is stored: an upload is checked in a private temporary file deleted at once, in a
  child process with a time limit; a marked copy lives in memory for 10 minutes.

Modules: `app` (routes, headers), `worker` (the checks in child processes), `receive` (a
request body within the size and time limits), `limits` (limits, rate limiter, the gate on
concurrent checks), `downloads` (marked copies in memory), `keys` (the keys file), `pages`
(the HTML).
"""

from __future__ import annotations

from .limits import ServiceLimits


def create_app(limits: ServiceLimits | None = None, keys_file=None):
    """The ASGI application (FastAPI inside the headers middleware)."""
    from .app import create_app as _create

    return _create(limits, keys_file)


def run(app, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve `app` with uvicorn as `ap-sheets serve` does: no access log (the app logs each
    request without personal data), no Server header, the client's address taken from
    X-Forwarded-For only when the proxy is trusted (uvicorn's FORWARDED_ALLOW_IPS, default
    127.0.0.1), short keep-alive, and a cap on open connections."""
    import uvicorn

    uvicorn.run(
        app,
        host=host,
        port=port,
        access_log=False,
        server_header=False,
        proxy_headers=True,
        timeout_keep_alive=5,
        limit_concurrency=200,
        log_level="info",
    )


__all__ = ["ServiceLimits", "create_app", "run"]
