"""The council's data specification as code: code lists, workbook layouts, rule catalogue."""
from .codes import ALL_CODE_LISTS, CodeList, fold
from .rules import ERROR, QUERY, RULES, Rule
from .workbooks import (
    KINDS, LISTS_SHEET, META_SHEET, PROVIDER_RETURN, SCHOOL_LOG, SUPPORTED_VERSIONS,
    TEMPLATE_VERSION, Column, Layout, Need, Sheet, ValueType, WorkbookKind,
)

__all__ = [
    "ALL_CODE_LISTS", "CodeList", "fold", "ERROR", "QUERY", "RULES", "Rule", "KINDS",
    "LISTS_SHEET", "META_SHEET", "PROVIDER_RETURN", "SCHOOL_LOG", "SUPPORTED_VERSIONS",
    "TEMPLATE_VERSION", "Column", "Layout", "Need", "Sheet", "ValueType", "WorkbookKind",
]
