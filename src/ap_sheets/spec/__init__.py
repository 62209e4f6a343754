"""The council's data specification as code: vocabularies, code lists and workbook layouts.

The rules themselves are declared in `ap_sheets.rules` (one declaration per rule)."""

from .codes import ALL_CODE_LISTS, CodeList, fold
from .enums import ERROR, QUERY, Kind, Severity, Status
from .workbooks import (
    AP_DIRECTORY,
    KINDS,
    LISTS_SHEET,
    META_SHEET,
    PROVIDER_RETURN,
    SCHOOL_LOG,
    START_SHEET,
    SUPPORTED_VERSIONS,
    TEMPLATE_VERSION,
    Column,
    Layout,
    Need,
    Sheet,
    ValueType,
    WorkbookKind,
)

__all__ = [
    "ALL_CODE_LISTS",
    "AP_DIRECTORY",
    "ERROR",
    "KINDS",
    "LISTS_SHEET",
    "META_SHEET",
    "PROVIDER_RETURN",
    "QUERY",
    "SCHOOL_LOG",
    "START_SHEET",
    "SUPPORTED_VERSIONS",
    "TEMPLATE_VERSION",
    "CodeList",
    "Column",
    "Kind",
    "Layout",
    "Need",
    "Severity",
    "Sheet",
    "Status",
    "ValueType",
    "WorkbookKind",
    "fold",
]
