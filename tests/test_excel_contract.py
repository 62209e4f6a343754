"""The contract between the committed templates, the VBA in macros/ and the Python handlers.

Read back from the real files with oletools' olevba (no Excel needed): the VBA is there,
every button calls a macro that exists, the VBA is exactly macros/ (which holds xlwings'
own standalone modules, of the pinned version, and ours), and every RunPython command
imports a callable. Tests that need pyOpenVBA (the `dev` extra) rebuild the VBA project
and run the button macros in pyOpenVBA's VBA interpreter; they skip without it.
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
import zipfile
from pathlib import Path

import pytest
import python_calamine

from ap_sheets.excel_config import CONF_SHEET, xlwings_conf_rows
from ap_sheets.spec import KINDS

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "workbook_templates"
MACROS = ROOT / "macros"
ASSET = ROOT / "src" / "ap_sheets" / "assets" / "vbaProject.bin"
KIND_NAMES = sorted(KINDS)
RUNPYTHON = re.compile(r'RunPython\s+"import\s+([\w.]+)\s+as\s+(\w+);\s*\2\.(\w+)\(\)"')
DOCUMENT_MODULE = re.compile(r"^(ThisWorkbook|Sheet\d+)$")


def template(kind: str) -> Path:
    return TEMPLATES / KINDS[kind].filename


def vba_modules(path: Path) -> dict[str, str]:
    """Module name -> source, as olevba reads them from the workbook."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def comparable(source: str) -> list[str]:
    """Source lines without what the VBA editor keeps apart from the code (a class file's
    VERSION/BEGIN...END preamble and Attribute lines), line ends and trailing blanks."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].startswith("VERSION "):
        lines = lines[lines.index("END") + 1 :]
    lines = [line.rstrip() for line in lines if not line.startswith("Attribute VB_")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def macro_files() -> dict[str, Path]:
    return {p.stem: p for p in sorted(MACROS.iterdir()) if p.suffix in (".bas", ".cls")}


def public_subs(modules: dict[str, str]) -> set[str]:
    subs = set()
    for code in modules.values():
        subs |= set(re.findall(r"^(?:Public\s+)?Sub\s+(\w+)\s*\(", code, re.MULTILINE | re.IGNORECASE))
    return subs


def button_macros(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as z:
        vml = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/drawings/") and n.endswith(".vml")]
    return {m for text in vml for m in re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", text)}


# ---------------------------------------------------------------- the committed templates


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_olevba_reads_our_vba_back_with_no_stale_compiled_code(kind):
    from oletools.olevba import VBA_Parser

    modules = vba_modules(template(kind))
    assert {"APSheets", "xlwings", "Dictionary", "ThisWorkbook"} <= set(modules)
    parser = VBA_Parser(str(template(kind)))
    try:
        assert not parser.detect_vba_stomping()  # the source is what Excel compiles and runs
    finally:
        parser.close()


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_every_button_calls_a_macro_that_exists(kind):
    macros = button_macros(template(kind))
    assert macros == ({"ValidateReturn"} if kind == "ap-directory" else {"ValidateReturn", "ShowSummary"})
    assert macros <= public_subs(vba_modules(template(kind)))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_the_vba_is_exactly_macros(kind):
    modules = vba_modules(template(kind))
    files = macro_files()
    for name, path in files.items():
        assert comparable(modules[name]) == comparable(path.read_text(encoding="utf-8")), name
    extra = {m for m in modules if m not in files and not DOCUMENT_MODULE.match(m)}
    assert extra == set(), "modules in the workbook that macros/ does not have"
    with zipfile.ZipFile(template(kind)) as z:
        assert z.read("xl/vbaProject.bin") == ASSET.read_bytes()


def test_every_runpython_target_imports_and_is_callable():
    targets = set()
    for path in macro_files().values():
        for module, _, function in RUNPYTHON.findall(path.read_text(encoding="utf-8")):
            targets.add((module, function))
    assert targets == {("ap_sheets.excel", "validate"), ("ap_sheets.excel", "summary")}
    for module, function in targets:
        fn = getattr(importlib.import_module(module), function)
        assert callable(fn)
        assert all(p.default is not p.empty for p in inspect.signature(fn).parameters.values())


def test_buttons_call_python_only_through_runpython():
    code = "\n".join(
        line
        for line in comparable(macro_files()["APSheets"].read_text(encoding="utf-8"))
        if not line.lstrip().startswith("'")
    )
    assert len(re.findall(r"\bRunPython\b", code)) == len(RUNPYTHON.findall(code)) == 2


# ---------------------------------------------------------------- xlwings' own VBA, pinned


def test_xlwings_vba_is_xlwings_own_of_the_pinned_version():
    import xlwings

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    package = Path(xlwings.__file__).parent
    assert comparable((MACROS / "xlwings.bas").read_text()) == comparable((package / "xlwings.bas").read_text())
    assert comparable((MACROS / "Dictionary.cls").read_text()) == comparable(
        (package / "addin" / "Dictionary.cls").read_text()
    )
    version = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', (MACROS / "xlwings.bas").read_text()).group(1)
    assert version == xlwings.__version__
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for extra in ("excel", "test"):
        assert f"xlwings=={version}" in extras[extra]
    assert not any(
        d.lower().startswith("pyopenvba")
        for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    )


# ---------------------------------------------------------------- the xlwings.conf sheet


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_xlwings_conf_sheet_holds_the_settings(kind):
    book = python_calamine.CalamineWorkbook.from_path(str(template(kind)))
    try:
        assert CONF_SHEET in book.sheet_names
        grid = book.get_sheet_by_name(CONF_SHEET).to_python(skip_empty_area=False)
    finally:
        book.close()
    # xlwings reads keys from A1 down to the first blank, values beside them, as text
    assert [(row[0], row[1]) for row in grid if row and row[0]] == xlwings_conf_rows()
    assert all(row[0] for row in grid[: len(xlwings_conf_rows())])


# ---------------------------------------------------------------- with pyOpenVBA (dev extra)


def test_the_vba_project_is_rebuilt_from_macros_byte_for_byte(tmp_path):
    pytest.importorskip("pyopenvba")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_vba
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    out = build_vba.build(tmp_path / "vbaProject.bin")
    assert out.read_bytes() == ASSET.read_bytes(), (
        "macros/ changed: run python scripts/build_vba.py && python scripts/build_templates.py"
    )


XLWINGS_STUB = """Public Interpreter As String
Public Found As Boolean
Public Calls As String
Function GetConfig(configKey As String, Optional default As String = "", Optional source As String = "") As Variant
    If configKey = "INTERPRETER_WIN" Then GetConfig = Interpreter Else GetConfig = default
End Function
Function FileExists(ByVal FileSpec As String) As Boolean
    FileExists = Found
End Function
Public Function RunPython(PythonCommand As String)
    Calls = Calls & PythonCommand & "|"
End Function
Sub Configure(path As String, exists As Boolean)
    Interpreter = path
    Found = exists
End Sub
Function CallsMade() As String
    CallsMade = Calls
End Function
"""


@pytest.mark.parametrize("found", [True, False])
def test_buttons_run_python_or_explain_that_python_is_missing(found):
    """APSheets.bas in pyOpenVBA's VBA interpreter, with xlwings' functions stubbed."""
    excel_app = pytest.importorskip("pyopenvba.apps.excel")
    app = excel_app.ExcelApplication()
    app.add_workbook()
    app.add_module(XLWINGS_STUB, name="xlwings")
    source = macro_files()["APSheets"].read_text(encoding="utf-8")
    app.add_module("\n".join(comparable(source)), name="APSheets")
    app.run("Configure", r"C:\Users\clerk\AppData\Local\ap-sheets\venv\Scripts\python.exe", found)
    app.run("ValidateReturn")
    app.run("ShowSummary")
    calls = app.run("CallsMade")
    if found:
        assert calls == "import ap_sheets.excel as x; x.validate()|import ap_sheets.excel as x; x.summary()|"
        assert app.dialogs == []
    else:
        assert calls == ""
        assert len(app.dialogs) == 2
        assert "xlwings.conf" in str(app.dialogs[0]) and "python.exe" in str(app.dialogs[0])
