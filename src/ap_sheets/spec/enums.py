"""The small vocabularies every layer shares: a finding's severity, a file's status, a workbook's kind.

String enums, so they compare equal to (and serialise as) the plain words the data
specification and the JSON contract use: `Severity.ERROR == "error"`.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """DfE COLLECT's convention: an error must be fixed before the return is accepted; a query
    must be fixed or explained."""

    ERROR = "error"
    QUERY = "query"


class Status(StrEnum):
    """What became of a file: accepted (no errors), rejected (errors to fix), unreadable."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    UNREADABLE = "unreadable"


class Kind(StrEnum):
    """The kinds of standard workbook, as each workbook records its own kind."""

    PROVIDER_RETURN = "provider-return"
    SCHOOL_LOG = "school-log"
    AP_DIRECTORY = "ap-directory"  # the council's directory of quality-assured providers


ERROR, QUERY = Severity.ERROR, Severity.QUERY
