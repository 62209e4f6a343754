"""Copy xlwings' standalone VBA project into ap-sheets as the templates' default macros.

Stopgap: the templates need *a* vbaProject.bin so that they are real macro-enabled
workbooks. This takes the one inside xlwings' `quickstart_standalone.xlsm` (the xlwings
VBA module, no add-in needed). It will be replaced by a project that also carries our own
module built from `macros/`.

    python scripts/extract_xlwings_vba.py [--out PATH]
"""
from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "src" / "ap_sheets" / "assets" / "vbaProject.bin"
SOURCE_BOOK = "quickstart_standalone.xlsm"
MEMBER = "xl/vbaProject.bin"


def xlwings_book() -> Path:
    """The quickstart workbook shipped inside the installed xlwings package."""
    import xlwings

    path = Path(xlwings.__file__).parent / SOURCE_BOOK
    if not path.exists():
        raise SystemExit(f"{SOURCE_BOOK} not found in the installed xlwings ({path.parent})")
    return path


def extract(book: Path, out: Path) -> Path:
    with zipfile.ZipFile(book) as zf:
        data = zf.read(MEMBER)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    book = xlwings_book()
    out = extract(book, args.out)
    print(f"wrote {out} ({out.stat().st_size} bytes) from {book}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
