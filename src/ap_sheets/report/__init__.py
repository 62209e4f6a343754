"""The council's termly report: the restricted workbook, the shareable one, and summary.json.

`consolidate` gathers and reconciles the returns; this package turns the result into
outputs. Figures are defined once (`measures`), suppression lives in `suppression`, and
the settings (comparator, targets, threshold) in `ap_sheets.settings`.
"""

from .overview import build_summary
from .restricted import write_council_report
from .shareable import write_shareable_report

__all__ = ["build_summary", "write_council_report", "write_shareable_report"]
