"""Render what people read to PNG images, so anyone can look at them without Excel.

    python scripts/render.py [OUTDIR] [--config FILE]

Builds the demo (`ap-sheets demo`), consolidates it with feedback copies, writes both blank
templates, then converts every sheet of council_report.xlsx, council_report_shareable.xlsx,
both templates and one feedback copy to PDF with LibreOffice (headless) and each PDF page to
PNG with pdftoppm. Images go to OUTDIR/png/<workbook>-<page>.png (default OUTDIR: render/).
Pages come out as the workbook would print (its print area, orientation, fit to width), so
this also shows what a printed report looks like.

Needs LibreOffice Calc and poppler: `apt-get install -y libreoffice-calc poppler-utils`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def ap_sheets(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "ap_sheets.cli", *args], check=True)


def to_pngs(workbook: Path, pdf_dir: Path, png_dir: Path, name: str, dpi: int) -> list[Path]:
    """Every sheet of `workbook` as PNG pages named `name-N.png`."""
    with tempfile.TemporaryDirectory() as profile:  # a private profile: runs never collide
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(pdf_dir),
                str(workbook),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    pdf = pdf_dir / (workbook.stem + ".pdf")
    target = pdf_dir / f"{name}.pdf"
    pdf.replace(target)
    for old in png_dir.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(target), str(png_dir / name)], check=True)
    return sorted(png_dir.glob(f"{name}-*.png"))


def page_titles(pdf: Path) -> list[str]:
    """A line of text naming each page: the report footer's sheet name, else the page's first line."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    out = []
    for page in text.split("\f")[:-1] if text.endswith("\f") else text.split("\f"):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        footer = next((ln for ln in reversed(lines) if "Page " in ln and " of " in ln), None)
        out.append(" ".join(footer.split()) if footer else (lines[0][:80] if lines else "(blank)"))
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", type=Path, default=REPO / "render")
    parser.add_argument("--config", type=Path, help="settings file for consolidate and template")
    parser.add_argument("--dpi", type=int, default=90)
    args = parser.parse_args(argv)
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} not found: apt-get install -y libreoffice-calc poppler-utils", file=sys.stderr)
            return 2
    out: Path = args.outdir
    demo, report, books = out / "demo", out / "report", out / "workbooks"
    pdfs, pngs = out / "pdf", out / "png"
    for d in (demo, report):
        shutil.rmtree(d, ignore_errors=True)
    for d in (books, pdfs, pngs):
        d.mkdir(parents=True, exist_ok=True)
    config = ["--config", str(args.config)] if args.config else []
    ap_sheets("demo", str(demo))
    subprocess.run(
        [sys.executable, "-m", "ap_sheets.cli", "consolidate", str(demo), "-o", str(report), "--feedback", *config],
        check=False,
    )
    for kind, name in (("provider-return", "provider_return.xlsm"), ("school-log", "school_placement_log.xlsm")):
        ap_sheets("template", kind, "-o", str(books / name), "--force", *config)
    feedback = sorted((report / "feedback").rglob("*.xlsm"))
    targets = [
        (report / "council_report.xlsx", "report"),
        (report / "council_report_shareable.xlsx", "shareable"),
        (books / "provider_return.xlsm", "template-provider"),
        (books / "school_placement_log.xlsm", "template-school"),
    ]
    if feedback:
        targets.append((feedback[0], "feedback"))
    index = []
    for workbook, name in targets:
        pages = to_pngs(workbook, pdfs, pngs, name, args.dpi)
        print(f"{name}: {len(pages)} page{'s' * (len(pages) != 1)} from {workbook.name}")
        index += [f"{png.name}\t{title}" for png, title in zip(pages, page_titles(pdfs / f"{name}.pdf"))]
    (pngs / "index.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"Images in {pngs} (index.txt says which sheet each page shows)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
