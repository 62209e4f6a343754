"""The checking service's pages in a real browser: Debian's Chromium, headless, driven by
Playwright for Python. A clerk uploads a return, reads the findings and downloads the
marked copy, with the keyboard alone; axe-core (bundled by axe-playwright-python) finds no
WCAG 2.2 A or AA violation on the upload page (blank and with its error) or the findings."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from conftest import UPN3, provider_return
from service_server import files_left, keys, server, servers  # noqa: F401 (fixtures)

sync_api = pytest.importorskip("playwright.sync_api")
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


def test_axe_finds_a_violation_when_there_is_one(browser):
    """The scan itself works: a page with an unlabelled field and no language fails it."""
    page = browser.new_page()
    page.set_content("<html><body><input type='text'></body></html>")
    assert any(v.startswith("label:") for v in violations(page))
    page.close()


def violations(page) -> list[str]:
    results = axe_module.Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    )
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in results.response["violations"]]


def test_a_clerk_uploads_a_return_reads_the_findings_and_downloads_the_marked_copy(server, browser, tmp_path):
    bad = provider_return()
    bad.set_cell("Pupils", 4, "upn", UPN3[:-1] + str((int(UPN3[-1]) + 1) % 10))
    path = bad.save(tmp_path / "Our return.xlsm")
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        assert page.title() == "Upload a return - Check an alternative provision return"
        assert violations(page) == []

        # keyboard only: the skip link first, then the file field
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to main content"

        # no file chosen: the error summary, linked to the field
        with page.expect_navigation():
            page.get_by_role("button", name="Check the return").click()
        assert page.title().startswith("Error: ")
        summary = page.get_by_role("alert")
        assert "There is a problem" in summary.inner_text()
        assert page.get_by_role("link", name="Select the return you want to check").get_attribute("href") == "#file"
        assert violations(page) == []

        # the upload, by label
        page.get_by_label("Upload your return").set_input_files(str(path))
        page.get_by_label("Upload your return").focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Check the return"
        with page.expect_navigation():
            page.keyboard.press("Enter")  # the submit button, from the keyboard
        assert (
            page.get_by_role("heading", level=1).inner_text()
            == "Your return needs changes before the council can accept it"
        )
        assert "REJECTED: 1 error and 0 queries" in page.inner_text("main")
        table = page.get_by_role("table", name="Pupils")
        row = table.get_by_role("row").nth(1).inner_text()
        assert "R010" in row and "A4" in row and "The UPN has the wrong check letter" in row
        assert violations(page) == []

        with page.expect_download() as info:
            page.get_by_role("link", name="Download your return with the cells marked").click()
        download = info.value
        assert download.suggested_filename == "Our return - checked.xlsm"
        saved = tmp_path / "downloaded.xlsm"
        download.save_as(saved)
        book = openpyxl.load_workbook(saved)
        assert book.active.title == "Validation" and book["Pupils"]["A4"].fill.fill_type == "solid"
    finally:
        context.close()
    assert files_left(server.tmp) == []
