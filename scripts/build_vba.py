"""Build the workbooks' VBA project, src/ap_sheets/assets/vbaProject.bin, from macros/.

    python scripts/build_vba.py                   # build from macros/
    python scripts/build_vba.py --update-xlwings  # first copy xlwings' VBA from the installed xlwings

macros/ holds every standard and class module the templates carry: APSheets.bas (the
Validate and Summary buttons, ours) and xlwings' standalone modules xlwings.bas and
Dictionary.cls (copied unchanged from the pinned xlwings, BSD and MIT licensed; their
headers say so), and xlwings' Remote.bas (RunServerPython, BSD) with the VBA-Web modules it
uses (WebHelpers, WebClient, WebRequest, WebResponse, IWebAuthenticator; MIT), for buttons
that call the council's checking service. Build-time tools only: XlsxWriter and pyOpenVBA (the `dev` extra).

How: XlsxWriter writes a blank .xlsm carrying the VBA project of xlwings' own
quickstart_standalone.xlsm (its references and document modules); pyOpenVBA drops the
quickstart's sample module, adds ours and replaces every module's source with the file in
macros/; the project is then taken out of the saved workbook. Then rebuild the templates:
`python scripts/build_templates.py`.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MACROS = REPO / "macros"
OUT = REPO / "src" / "ap_sheets" / "assets" / "vbaProject.bin"
BASE_BOOK = "quickstart_standalone.xlsm"  # inside the installed xlwings package
SAMPLE_MODULE = "Module1"  # the quickstart's example macro: not ours to ship
XLWINGS_FILES = {
    "xlwings.bas": "xlwings.bas",
    "Dictionary.cls": "addin/Dictionary.cls",
    # RunServerPython, for buttons that call the council's checking service, and
    # VBA-Web (MIT), which it sends the workbook with.
    "Remote.bas": "addin/Remote.bas",
    "WebHelpers.bas": "addin/WebHelpers.bas",
    "WebClient.cls": "addin/WebClient.cls",
    "WebRequest.cls": "addin/WebRequest.cls",
    "WebResponse.cls": "addin/WebResponse.cls",
    "IWebAuthenticator.cls": "addin/IWebAuthenticator.cls",
}
_NAME = re.compile(r'^Attribute VB_Name = "([^"]+)"', re.MULTILINE)


def xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).parent


def update_xlwings(macros: Path = MACROS) -> list[Path]:
    """Copy xlwings' standalone VBA modules from the installed (pinned) xlwings into macros/."""
    written = []
    for name, source in XLWINGS_FILES.items():
        target = macros / name
        shutil.copyfile(xlwings_dir() / source, target)
        written.append(target)
    return written


def module_sources(macros: Path = MACROS) -> dict[str, tuple[str, bool]]:
    """Module name -> (source with CRLF line ends, is a class module), from macros/."""
    modules = {}
    for path in sorted(macros.iterdir()):
        if path.suffix.lower() not in (".bas", ".cls"):
            continue
        text = path.read_text(encoding="utf-8")
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
        match = _NAME.search(text)
        if match is None or match.group(1).casefold() != path.stem.casefold():
            raise SystemExit(f'{path.name}: needs the line Attribute VB_Name = "{path.stem}"')
        modules[match.group(1)] = (text, path.suffix.lower() == ".cls")
    return modules


def build(out: Path = OUT, macros: Path = MACROS) -> Path:
    import xlsxwriter
    from pyopenvba import ExcelFile, VBAModuleKind

    sources = module_sources(macros)
    with tempfile.TemporaryDirectory() as tmp:
        base_bin = Path(tmp) / "base.bin"
        with zipfile.ZipFile(xlwings_dir() / BASE_BOOK) as z:
            base_bin.write_bytes(z.read("xl/vbaProject.bin"))
        book = Path(tmp) / "build.xlsm"
        wb = xlsxwriter.Workbook(str(book))
        wb.add_vba_project(str(base_bin))
        wb.add_worksheet()
        wb.close()
        with ExcelFile(book) as xl:
            project = xl.vba_project()
            names = {m.casefold() for m in xl.module_names()}
            if SAMPLE_MODULE.casefold() in names and SAMPLE_MODULE not in sources:
                project.delete_module(SAMPLE_MODULE)
            for name, (text, is_class) in sources.items():
                if name.casefold() not in names:
                    kind = VBAModuleKind.other if is_class else VBAModuleKind.standard
                    project.add_module(name, text, kind=kind)
            xl.push_modules(macros, strict=True)
            xl.save()
        with zipfile.ZipFile(book) as z:
            data = z.read("xl/vbaProject.bin")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    write_digest(out)
    return out


def write_digest(bin_path: Path) -> Path:
    """The project's digest beside it (`ap_sheets.safety.macros.TEMPLATE_VBA_DIGEST`), so that
    checking a return with the template's macros unchanged needs no decompressing."""
    import hashlib

    from ap_sheets.safety.limits import LIMITS
    from ap_sheets.safety.macros import digest_from_source

    data = bin_path.read_bytes()
    side = bin_path.with_name("vbaProject.digest")
    side.write_text(f"{hashlib.sha256(data).hexdigest()} {digest_from_source(data, (), LIMITS)}\n", encoding="ascii")
    return side


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--update-xlwings",
        action="store_true",
        help="first copy xlwings.bas and Dictionary.cls from the installed xlwings",
    )
    args = parser.parse_args(argv)
    if args.update_xlwings:
        for path in update_xlwings():
            print(f"copied {path.relative_to(REPO)} from xlwings")
    out = build(args.out)
    print(f"wrote {out} ({out.stat().st_size} bytes) from {', '.join(module_sources())}")
    print("now rebuild the templates: python scripts/build_templates.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
