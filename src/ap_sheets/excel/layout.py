"""Where things sit on the Validation sheet: the findings table and, beside it, the marks list."""

from __future__ import annotations

VALIDATION_SHEET = "Validation"
FINDING_HEADERS = ("Severity", "Rule", "Sheet", "Cell", "Column", "Value", "Message")
FINDING_WIDTHS = (9, 7, 14, 8, 26, 18, 100)
MARK_HEADERS = ("Marked sheet", "Marked cell", "Fill before")
TABLE_ROW = 5  # Excel row of the findings table's headings; the marks list sits beside it
MARKS_COLUMN = len(FINDING_HEADERS) + 3  # 1-based: J, after a gap column
MARKS_NOTE = (
    "For Validate: the cells it coloured and their colour before, so it can clear them next time. "
    "Please leave this list."
)
