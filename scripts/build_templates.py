"""Rebuild the committed blank templates in workbook_templates/ from the spec.

    python scripts/build_templates.py [DIR]

Builds are reproducible, so an unchanged spec gives unchanged files (a clean git diff).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ap_sheets.templates import build_committed_templates

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    directory = Path(argv[0]) if argv else REPO / "workbook_templates"
    for path in build_committed_templates(directory):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
