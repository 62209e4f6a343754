"""The checking service against a real server: uvicorn on 127.0.0.1 (started by
`service_server.start`), requests over HTTP with httpx.

- `ap-sheets serve --config` with a keys file made by `ap-sheets service-key add`: the JSON
  answer is exactly `ap-sheets validate --format json`'s, the page lists the findings and
  offers the marked copy, the xlwings endpoints answer the payloads Remote.bas builds and
  refuse missing, wrong and revoked keys, the hostile corpus gets its verdicts, concurrent
  uploads, strict headers, nothing left on disk, no personal data in the log.
- The app with small limits: rate limits (429), a full queue (503), the time limit per check,
  a slow sender (408), an over-size upload (413).
"""

from __future__ import annotations

import json
import os
import socket
import stat
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import openpyxl
import pytest
from click.testing import CliRunner

from ap_sheets.cli import main
from ap_sheets.settings import load_settings
from conftest import UPN3, provider_return, school_log
from service_server import ORG, files_left, keys, server, servers  # noqa: F401 (fixtures)

pytest.importorskip("fastapi")
xw = pytest.importorskip("xlwings")

BAD_UPN3 = UPN3[:-1] + str((int(UPN3[-1]) + 1) % 10)
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"


# ---------------------------------------------------------------- the server


@pytest.fixture(scope="module")
def returns(tmp_path_factory) -> dict[str, Path]:
    """A rejected provider return (one bad UPN: R010 at Pupils!A4), a clean one, a school log."""
    root = tmp_path_factory.mktemp("returns")
    bad = provider_return()
    bad.set_cell("Pupils", 4, "upn", BAD_UPN3)
    bad.set_cell("Pupils", 2, "ethnicity", None)
    return {
        "rejected": bad.save(root / "AP-0007 Bright Futures - rejected.xlsm"),
        "accepted": provider_return().save(root / "AP-0007 Bright Futures - clean.xlsm"),
        "school": school_log().save(root / "Northwood High School log.xlsm"),
    }


def test_ap_sheets_serve_runs_the_service_with_the_councils_keys(servers, keys, returns):
    body = payload(returns["accepted"])
    with servers["cli"].client() as c:
        assert c.get("/healthz").text == "ok"
        assert c.post("/xlwings/validate", json=body).status_code == 401
        assert c.post("/xlwings/validate", json=body, headers={"Authorization": keys["good"]}).status_code == 200
        assert upload(c, returns["accepted"], as_json=True).json() == validate_json(returns["accepted"])


def upload(client: httpx.Client, path: Path, as_json: bool = False, name: str | None = None) -> httpx.Response:
    headers = {"Accept": "application/json"} if as_json else {}
    return client.post("/check", headers=headers, files={"file": (name or path.name, path.read_bytes(), XLSM)})


def validate_json(*paths: Path) -> dict:
    out = CliRunner().invoke(main, ["validate", "--format", "json", *map(str, paths)])
    return json.loads(out.output)


# ---------------------------------------------------------------- keys


def test_a_key_is_printed_once_alone_on_its_last_line_and_stored_hashed(keys):
    text = keys["file"].read_text()
    assert keys["good"].startswith("aps_") and len(keys["good"]) > 40
    assert keys["good"] not in text and keys["revoked"] not in text
    assert stat.S_IMODE(keys["file"].stat().st_mode) == 0o600
    entries = json.loads(text)["keys"]
    assert entries[ORG]["id"] == "AP-0007" and entries[ORG]["revoked"] is None
    assert entries["Old Provider"]["revoked"]


def test_revoking_an_unknown_organisation_says_so(keys):
    out = CliRunner().invoke(main, ["service-key", "revoke", "Nobody", "--keys-file", str(keys["file"])])
    assert out.exit_code == 1 and "no key for 'Nobody'" in out.output


def test_the_service_settings_are_read_from_the_councils_file(keys):
    settings = load_settings(keys["config"])
    assert (settings.service_keys_file, settings.service_url) == ("keys.json", "http://127.0.0.1")


# ---------------------------------------------------------------- checking over HTTP


def test_health_check_and_strict_headers(server):
    with server.client() as c:
        r = c.get("/healthz")
        assert (r.status_code, r.text) == (200, "ok")
        for page in ("/healthz", "/"):
            h = c.get(page).headers
            assert h["cache-control"] == "no-store"
            assert "frame-ancestors 'none'" in h["content-security-policy"]
            assert "default-src 'none'" in h["content-security-policy"]
            assert "script-src" not in h["content-security-policy"]  # no scripts at all
            assert h["x-content-type-options"] == "nosniff"
            assert h["referrer-policy"] == "no-referrer"
            assert h["x-frame-options"] == "DENY"
            assert "server" not in h


def test_cors_is_closed(server):
    with server.client() as c:
        pre = c.options("/check", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        assert pre.status_code == 405
        r = c.get("/healthz", headers={"Origin": "https://evil.example"})
        for resp in (pre, r):
            assert not any(k.startswith("access-control-") for k in resp.headers)


def test_json_answer_is_exactly_validate_json(server, returns, tmp_path):
    text = tmp_path / "notes.xlsx"
    text.write_bytes(b"Dear council,\r\nPlease find our return attached.\r\n")
    paths = [returns["rejected"], returns["accepted"], returns["school"], text]
    expected = validate_json(*paths)["files"]
    assert [f["status"] for f in expected] == ["rejected", "accepted", "accepted", "unreadable"]
    with server.client() as c:
        for path, want in zip(paths, expected):
            r = upload(c, path, as_json=True)
            assert r.status_code == 200 and r.headers["content-type"] == "application/json"
            assert r.headers["cache-control"] == "no-store"
            assert r.json() == {"files": [want]}


def test_a_browser_sends_a_whole_path_and_only_the_name_is_used(server, returns):
    with server.client() as c:
        r = upload(c, returns["accepted"], as_json=True, name="C:\\fakepath\\My return.xlsm")
    assert r.json()["files"][0]["file"] == "My return.xlsm"


def test_the_page_lists_findings_by_sheet_errors_first_and_offers_the_marked_copy(server, returns):
    with server.client() as c:
        r = upload(c, returns["rejected"])
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        page = r.text
        assert "REJECTED: 2 errors and 0 queries" in page
        assert page.index('<h2 class="heading-m" id="sheet-1">Pupils</h2>') < page.index("R010")
        assert "The UPN has the wrong check letter: check it against the pupil&#x27;s school record." in page
        assert "Ethnicity is missing. Please fill it in." in page
        token = page.split('href="/download/')[1].split('"')[0]
        assert len(token) >= 40
        d = c.get(f"/download/{token}")
        assert d.status_code == 200 and d.headers["content-type"] == XLSM
        assert (
            d.headers["content-disposition"]
            == "attachment; filename*=UTF-8''AP-0007%20Bright%20Futures%20-%20rejected%20-%20checked.xlsm"
        )
        assert d.headers["cache-control"] == "no-store"
        marked = Path(server.tmp.parent / "marked.xlsm")
        marked.write_bytes(d.content)
        book = openpyxl.load_workbook(marked)
        assert "Validation" in book.sheetnames
        assert book["Pupils"]["A4"].fill.fgColor.rgb.endswith("FFC7CE") or book["Pupils"]["A4"].fill.fill_type
        marked.unlink()
        assert c.get("/download/" + "x" * 43).status_code == 404


def test_an_accepted_return_has_no_download(server, returns):
    with server.client() as c:
        page = upload(c, returns["accepted"]).text
    assert "ACCEPTED: 0 errors and 0 queries" in page and "/download/" not in page


def test_no_file_chosen_shows_the_error_summary(server):
    with server.client() as c:
        r = c.post("/check", files={"file": ("", b"", "application/octet-stream")})
        assert r.status_code == 400
        assert "There is a problem" in r.text and 'href="#file">Select the return you want to check' in r.text
        assert "<title>Error: " in r.text and 'aria-describedby="file-hint file-error"' in r.text
        r = c.post("/check", data={"other": "x"})
        assert r.status_code == 400 and "form upload" in r.text


def test_every_hostile_file_gets_its_verdict_and_the_service_stays_up(server, tmp_path):
    from test_hostile_files import CORPUS

    clean = provider_return().save(tmp_path / "clean.xlsm").read_bytes()
    with server.client() as c:
        for case, (name, build, _code, words) in CORPUS.items():
            try:
                data = build(clean)
            except pytest.skip.Exception:
                continue
            r = c.post("/check", headers={"Accept": "application/json"}, files={"file": (name, data, XLSM)})
            assert r.status_code == 200, case
            report = r.json()["files"][0]
            assert report["status"] == "unreadable" and words in report["reason"], case
            html = c.post("/check", files={"file": (name, data, XLSM)})
            assert html.status_code == 200 and "This file could not be checked" in html.text, case
    assert server.alive()


def test_concurrent_uploads_all_get_their_own_answer(server, returns):
    paths = [returns["rejected"], returns["accepted"], returns["school"]] * 3
    with server.client() as c, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda p: upload(c, p, as_json=True), paths))
    assert [a.status_code for a in answers] == [200] * len(paths)
    assert [a.json()["files"][0]["file"] for a in answers] == [p.name for p in paths]
    assert [a.json()["files"][0]["status"] for a in answers] == ["rejected", "accepted", "accepted"] * 3


# ---------------------------------------------------------------- the workbook buttons (xlwings)


def payload(path: Path) -> dict:
    from test_excel_handlers import payload_from_file

    return payload_from_file(path)


def test_button_calls_need_a_live_key(server, returns, keys):
    body = payload(returns["rejected"])
    with server.client() as c:
        for headers in ({}, {"Authorization": "aps_not-a-key"}, {"Authorization": keys["revoked"]}):
            r = c.post("/xlwings/validate", json=body, headers=headers)
            assert r.status_code == 401 and "did not accept this workbook's key" in r.text
        assert c.post("/xlwings/summary", json=body).status_code == 401


def test_validate_button_answers_xlwings_actions(server, returns, keys):
    from ap_sheets.excel import ERROR_FILL, VALIDATION_SHEET

    with server.client() as c:
        r = c.post("/xlwings/validate", json=payload(returns["rejected"]), headers={"Authorization": keys["good"]})
    assert r.status_code == 200, r.text
    actions = r.json()["actions"]
    assert any(a["func"] == "addSheet" and a["args"][1] == VALIDATION_SHEET for a in actions)
    sheets = [s["name"] for s in payload(returns["rejected"])["sheets"]]
    fills = {
        (sheets[a["sheet_position"]], a["start_row"], a["start_column"]): a["args"][0]
        for a in actions
        if a["func"] == "setRangeColor" and a["sheet_position"] < len(sheets)
    }  # the return's own sheets, not the new Validation sheet's look
    assert fills[("Pupils", 3, 0)] == ERROR_FILL  # A4 (0-based row and column)
    texts = [v for a in actions if a["func"] == "setValues" for row in a["values"] for v in row]
    assert any(isinstance(v, str) and v.startswith("REJECTED: 2 errors and 0 queries.") for v in texts)


def test_summary_button_answers_xlwings_actions(server, returns, keys):
    from ap_sheets.excel import SUMMARY_SHEET

    with server.client() as c:
        r = c.post("/xlwings/summary", json=payload(returns["school"]), headers={"Authorization": keys["good"]})
    assert r.status_code == 200
    actions = r.json()["actions"]
    assert any(a["func"] == "addSheet" and a["args"][1] == SUMMARY_SHEET for a in actions)


def test_a_revoked_key_stops_working_at_once(server, returns, tmp_path_factory, keys):
    runner = CliRunner()
    out = runner.invoke(main, ["service-key", "add", "Short Lived", "--keys-file", str(keys["file"])])
    key = out.output.splitlines()[-1]
    body = payload(returns["accepted"])
    with server.client() as c:
        assert c.post("/xlwings/validate", json=body, headers={"Authorization": key}).status_code == 200
        runner.invoke(main, ["service-key", "revoke", "Short Lived", "--keys-file", str(keys["file"])])
        assert c.post("/xlwings/validate", json=body, headers={"Authorization": key}).status_code == 401


def test_a_button_call_that_is_not_a_workbook_is_refused(server, keys):
    with server.client() as c:
        auth = {"Authorization": keys["good"]}
        assert c.post("/xlwings/validate", content=b"{not json", headers=auth).status_code == 400
        assert c.post("/xlwings/validate", json={"sheets": "x"}, headers=auth).status_code == 400
        r = c.post("/xlwings/validate", json={"book": {}, "sheets": [{"nonsense": 1}]}, headers=auth)
        assert r.status_code == 500 and "could not finish" in r.text
    assert server.alive()


# ---------------------------------------------------------------- nothing kept, nothing told


def test_nothing_is_left_on_disk_and_the_log_holds_no_personal_data(server, returns):
    with server.client() as c:
        upload(c, returns["rejected"])
        upload(c, returns["rejected"], as_json=True)
        assert c.get("/Okafor%0AFAKE%20LOG%20LINE").status_code == 404
    time.sleep(0.5)
    assert files_left(server.tmp) == []
    log = server.log.read_text()
    assert "POST /check 200" in log and "GET <other address> 404" in log and "FAKE LOG LINE" not in log
    for secret in (
        "Bright Futures - rejected",
        "AP-0007 Bright",
        "Okafor",
        "Begum",
        "UB8 1UW",
        BAD_UPN3,
        "/download/" + "x",
    ):
        assert secret not in log


# ---------------------------------------------------------------- limits


@pytest.fixture(scope="module")
def tight(servers):
    return servers["tight"]


def test_an_over_size_upload_is_refused_while_it_arrives(tight):
    big = b"PK\x03\x04" + os.urandom(1_200_000)
    with tight.client() as c:
        r = c.post("/check", headers={"Accept": "application/json"}, files={"file": ("big.xlsm", big, XLSM)})
        assert r.status_code == 413
        assert (
            r.json()["files"][0]["status"] == "unreadable"
            and "larger than the 1.0 MB" in r.json()["files"][0]["reason"]
        )

        def chunks():  # no Content-Length: the size is counted as it arrives
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.xlsm"\r\n\r\n'
            for _ in range(20):
                yield b"\0" * 100_000

        r = c.post("/check", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert r.status_code == 413 and "There is a problem" in r.text
    assert tight.alive()


def test_a_slow_sender_is_cut_off(tight):
    host, port = tight.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(
            b"POST /check HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 5000\r\n\r\n--b\r\n"
        )
        start = time.monotonic()
        answer = s.recv(200)
    assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - start < 8


def test_a_full_queue_is_503_and_the_service_recovers(tight, returns):
    with tight.client() as c:
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda _: upload(c, returns["rejected"], as_json=True), range(6)))
        codes = sorted(a.status_code for a in answers)
        assert 200 in codes and 503 in codes and set(codes) <= {200, 503}
        busy = next(a for a in answers if a.status_code == 503)
        assert busy.headers["retry-after"] == "30" and "busy" in busy.json()["error"]
        assert upload(c, returns["rejected"], as_json=True).status_code == 200


def early_in_a_minute(margin: float) -> None:
    """Wait, if need be, until at least `margin` seconds of the current minute are left: the
    rate limiters count in fixed minutes of the system's monotonic clock, which the server
    shares with this process, so a test of a limit must not straddle a minute's end."""
    left = 60.0 - time.monotonic() % 60.0
    if left < margin:
        time.sleep(left + 0.2)


def test_per_key_rate_limit(tight, returns, keys):
    body = payload(returns["accepted"])
    early_in_a_minute(15)
    with tight.client() as c:
        codes = [
            c.post("/xlwings/validate", json=body, headers={"Authorization": keys["good"]}).status_code
            for _ in range(3)
        ]
    assert codes[:2] == [200, 200] and codes[2] == 429


def test_per_address_rate_limit(tight):
    """Run last of the tight server's tests: from here on its address is over its limit.

    The requests start with most of a minute left (`early_in_a_minute`): then the 31st of the
    minute is refused on any machine that answers within about 1.3 s a request."""
    early_in_a_minute(40)
    with tight.client() as c:
        for _ in range(61):  # 30 a minute: a 429 comes by the 31st request of one minute
            r = c.post("/check", files={"file": ("notes.xlsx", b"Dear council", XLSM)})
            if r.status_code == 429:
                break
            assert r.status_code == 200
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 61 and "wait a minute" in r.text
    assert files_left(tight.tmp) == []


def test_a_check_that_runs_too_long_is_stopped_with_its_verdict(returns, tmp_path, monkeypatch):
    from ap_sheets.service import worker

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    monkeypatch.setattr(worker, "PRELOAD", ["ap_sheets.service.worker"])  # no warm-up: quicker to start
    monkeypatch.setattr(worker, "_CONTEXT", None)
    result = worker.check_upload(returns["rejected"].read_bytes(), "slow.xlsm", timeout=0.01)
    assert result.report["status"] == "unreadable" and "longer than 0.01 seconds" in result.report["reason"]
    assert result.marked is None and files_left(tmp_path) == []


# ---------------------------------------------------------------- templates whose buttons call the service

MACROS = Path(__file__).resolve().parents[1] / "macros"
REMOTE_FILES = {
    "Remote.bas": "addin/Remote.bas",
    "WebHelpers.bas": "addin/WebHelpers.bas",
    "WebClient.cls": "addin/WebClient.cls",
    "WebRequest.cls": "addin/WebRequest.cls",
    "WebResponse.cls": "addin/WebResponse.cls",
    "IWebAuthenticator.cls": "addin/IWebAuthenticator.cls",
}


def test_the_remote_vba_is_xlwings_own_of_the_pinned_version():
    import tomllib

    package = Path(xw.__file__).parent

    def lines(path: Path) -> list[str]:
        return [ln.rstrip() for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()]

    for name, source in REMOTE_FILES.items():
        assert lines(MACROS / name) == lines(package / source), name
    extras = tomllib.loads((MACROS.parent / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert f"xlwings=={xw.__version__}" in extras["service"]
    buttons = (MACROS / "APSheets.bas").read_text()
    assert 'RunServerPython ServiceUrl() & "/xlwings/" & action, auth:=CStr(GetConfig("SERVICE_KEY", ""))' in buttons
    assert 'CallService "validate"' in buttons and 'CallService "summary"' in buttons


def conf_rows(path: Path) -> dict:
    book = openpyxl.load_workbook(path)
    return {row[0].value: row[1].value for row in book["xlwings.conf"].iter_rows()}


def test_a_template_made_for_an_organisation_calls_the_service_with_its_own_key(server, keys, tmp_path):
    runner = CliRunner()
    out = runner.invoke(
        main, ["service-key", "add", "Riverside School", "--id", "AP-0042", "--keys-file", str(keys["file"])]
    )
    old_key = out.output.splitlines()[-1]
    path = tmp_path / "riverside.xlsm"
    out = runner.invoke(
        main,
        ["template", "provider-return", "-o", str(path), "--config", str(keys["config"]), "--for", "Riverside School"],
    )
    assert out.exit_code == 0, out.output
    assert "any earlier key of theirs no longer works" in out.output
    conf = conf_rows(path)
    assert conf["Service_URL"] == "http://127.0.0.1" and conf["Service_Key"].startswith("aps_")
    assert "Interpreter_Win" not in conf
    book = openpyxl.load_workbook(path)
    form = {row[0].value: row[1].value for row in book["Provider"].iter_rows() if row[0].value}
    assert (form["Provider name"], form["Provider ID"]) == ("Riverside School", "AP-0042")

    body = payload(path)
    with server.client() as c:
        r = c.post("/xlwings/validate", json=body, headers={"Authorization": conf["Service_Key"]})
        assert r.status_code == 200
        assert any(a["func"] == "addSheet" and a["args"][1] == "Validation" for a in r.json()["actions"])
        assert c.post("/xlwings/validate", json=body, headers={"Authorization": old_key}).status_code == 401


def test_a_template_for_the_service_without_an_organisation_has_a_blank_key(keys, tmp_path):
    path = tmp_path / "log.xlsm"
    out = CliRunner().invoke(main, ["template", "school-log", "-o", str(path), "--config", str(keys["config"])])
    assert out.exit_code == 0 and "its buttons call http://127.0.0.1" in out.output
    assert conf_rows(path) == {"Service_URL": "http://127.0.0.1", "Service_Key": ""}  # for the key to be typed in


def test_for_needs_the_service_in_the_settings(tmp_path):
    plain = tmp_path / "plain.toml"
    plain.write_text("suppress_below = 5\n")
    out = CliRunner().invoke(
        main, ["template", "school-log", "-o", str(tmp_path / "x.xlsm"), "--config", str(plain), "--for", "Someone"]
    )
    assert out.exit_code == 2 and "--for needs service_url" in out.output
    out = CliRunner().invoke(main, ["template", "school-log", "-o", str(tmp_path / "y.xlsm"), "--config", str(plain)])
    assert out.exit_code == 0 and "Interpreter_Win" in conf_rows(tmp_path / "y.xlsm")


def test_a_check_that_takes_too_much_memory_gets_a_verdict(monkeypatch):
    from ap_sheets.service import worker

    monkeypatch.setattr(worker, "PRELOAD", ["ap_sheets.service.worker"])
    monkeypatch.setattr(worker, "_CONTEXT", None)
    monkeypatch.setattr(worker, "CHILD_MEMORY_BYTES", 50_000_000)
    status, _ = worker._run(bytearray, (400_000_000,), 30)  # 400 MB, over the 50 MB allowed
    assert status == "error"
    status, value = worker._run(bytearray, (1_000_000,), 30)
    assert status == "ok" and len(value) == 1_000_000
