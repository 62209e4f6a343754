"""Data protection: how each data item is degraded for a pseudonymised register, declared once.

Every column of the standard workbooks (`spec.workbooks`, by `Column.key`) has one
`Treatment` here: keep it, drop it, replace it with a salted hash, cut a date to its month,
or cut a postcode to its sector. `pseudonymise_register` applies them in one place; report
code never decides for itself what is personal. A test makes sure every column in the spec
is declared, so a new column cannot slip into an output unconsidered, and a column this
module does not know (one the report added) is dropped unless the caller names it in
`keep`: the safe default.

The salt for the UPN hash is the council's secret (e.g. kept in its own key store and
passed in at run time). It is never written to any output; without it, a pseudonym cannot
be turned back into a UPN by trying every possible UPN.

`safe_text` neutralises formula injection for any text written to an output cell or CSV.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sys
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from .values import is_postcode, parse_date, parse_postcode, parse_upn


class Handling(Enum):
    KEEP = "kept as it is"
    DROP = "removed"
    HASH = "replaced by a salted hash (HMAC-SHA256 with the council's secret salt)"
    MONTH = "cut to the first of its month"
    SECTOR = "cut to the postcode sector (e.g. UB8 1)"


class Category(Enum):
    IDENTIFIER = "direct identifier"
    QUASI = "quasi-identifier (identifying in combination)"
    SPECIAL = "special category data (UK GDPR Article 9)"
    SENSITIVE = "sensitive about a child"
    FREE_TEXT = "free text about a child (may name people or health details)"
    STAFF = "personal data about staff"


@dataclass(frozen=True)
class Treatment:
    handling: Handling
    category: Category | None = None  # None: not personal data in itself
    output_key: str | None = None  # the column's name in the pseudonymised output, if renamed
    why: str = ""

    @property
    def personal(self) -> bool:
        return self.category is not None


K, D = Handling.KEEP, Handling.DROP
_ = Treatment(K)  # organisational or placement facts: kept

# Every column key of every sheet in the spec. Keys shared by sheets mean the same thing.
TREATMENTS: dict[str, Treatment] = {
    # --- the child: identifiers and quasi-identifiers ---
    "upn": Treatment(
        Handling.HASH,
        Category.IDENTIFIER,
        "pupil_id",
        "links the same child across returns and terms without showing the UPN",
    ),
    "surname": Treatment(D, Category.IDENTIFIER, why="never needed once the UPN is hashed"),
    "forename": Treatment(D, Category.IDENTIFIER, why="never needed once the UPN is hashed"),
    "date_of_birth": Treatment(
        Handling.MONTH, Category.QUASI, "birth_month", "the month is enough for age and NC year checks"
    ),
    "postcode": Treatment(
        Handling.SECTOR, Category.QUASI, "postcode_sector", "the sector is enough to map need by area"
    ),
    "sex": Treatment(K, Category.QUASI, why="reported in the council's breakdowns"),
    # --- special category data ---
    "ethnicity": Treatment(
        K,
        Category.SPECIAL,
        why="kept (as a DfE code) for equality monitoring; counts "
        "by ethnicity are suppressed below the threshold in anything shared",
    ),
    "religion": Treatment(D, Category.SPECIAL, why="not needed for the AP measures"),
    "sexual_orientation": Treatment(D, Category.SPECIAL, why="not needed for the AP measures"),
    # --- sensitive facts the council's measures need ---
    "sen": Treatment(K, Category.SENSITIVE, why="§14.4: children with EHC plans"),
    "looked_after": Treatment(K, Category.SENSITIVE, why="§14.4: looked-after children"),
    "safeguarding_concerns": Treatment(K, Category.SENSITIVE, why="a count, for oversight"),
    "suspensions": Treatment(K, Category.SENSITIVE, why="H&F measure: % with zero suspensions"),
    "behaviour_incidents": Treatment(K, Category.SENSITIVE, why="a count, for oversight"),
    # --- free text about a child ---
    "barriers": Treatment(D, Category.FREE_TEXT),
    "impact": Treatment(D, Category.FREE_TEXT),
    "achievements": Treatment(D, Category.FREE_TEXT),
    "pupil_view": Treatment(D, Category.FREE_TEXT),
    # --- staff ---
    "contact_name": Treatment(D, Category.STAFF),
    "contact_email": Treatment(D, Category.STAFF),
    "completed_by": Treatment(D, Category.STAFF),
    "dsl": Treatment(D, Category.STAFF),
    # --- the placement, the provider, the school: not personal in themselves ---
    **{
        key: _
        for key in (
            "nc_year",
            "commissioner_type",
            "commissioner_name",
            "commissioner_urn",
            "placement_reason",
            "tier",
            "start_date",
            "planned_end_date",
            "end_date",
            "hours_per_week",
            "sessions_possible",
            "sessions_attended",
            "sessions_authorised",
            "attendance_pct",
            "engagement",
            "progress_outcomes",
            "progress_learning",
            "quals_entered",
            "quals_achieved",
            "pupil_satisfaction",
            "parent_satisfaction",
            "reintegration_plan",
            "destination",
            "event_type",
            "event_date",
            "referrer_notified",
            "school_notified",
            "council_notified",
            "parents_notified",
            "provider_name",
            "provider_id",
            "provider_registered",
            "provider_urn",
            "provider_ukprn",
            "ap_setting_type",
            "days_at_provider",
            "hours_at_provider",
            "hours_at_school",
            "sla_agreed",
            "risk_assessment",
            "qa_check",
            "dbs_confirmed",
            "send_officer_consulted",
            "virtual_school_consulted",
            "planned_return_date",
            "last_visit",
            "progress",
            "final_report_received",
            # Provider and School records, Complaints
            "academic_year",
            "term",
            "registered_school",
            "dfe_urn",
            "ofsted_judgement",
            "ofsted_report_date",
            "in_directory",
            "last_qa_visit",
            "all_staff_dbs",
            "cp_training_date",
            "insurance_expiry",
            "new_sites",
            "joint_working",
            "date_completed",
            "school_name",
            "school_urn",
            "date_received",
            "kind",
            "date_resolved",
            # The council's AP Directory: about providers, not children
            "council_name",
            "directory_date",
            "address",
            "provider_postcode",
            "ukprn",
            "directory_status",
            "listed_since",
            "initial_qa_visit",
            "qa_outcome",
            "safeguarding_checked",
            "delivery",
            "specialisms",
            "standard_fee",
            "fee_basis",
        )
    },
    # Complaint text can describe a child or a family: dropped from anything pseudonymised.
    "category": Treatment(D, Category.FREE_TEXT),
    "outcome": Treatment(D, Category.FREE_TEXT),
}

PERSONAL_KEYS: frozenset[str] = frozenset(k for k, t in TREATMENTS.items() if t.personal)
SPECIAL_CATEGORY_KEYS: frozenset[str] = frozenset(k for k, t in TREATMENTS.items() if t.category is Category.SPECIAL)

MIN_SALT_BYTES = 16
PSEUDONYM_HEX = 16  # 64 bits: no collisions in practice for any council's number of children


def new_salt() -> str:
    """A fresh random salt for the council to keep secret (and reuse, so pseudonyms stay stable)."""
    return secrets.token_urlsafe(32)


def _salt_bytes(salt: str | bytes) -> bytes:
    key = salt.encode("utf-8") if isinstance(salt, str) else bytes(salt)
    if len(key) < MIN_SALT_BYTES:
        raise ValueError(f"the salt must be at least {MIN_SALT_BYTES} bytes (use privacy.new_salt())")
    return key


def pupil_pseudonym(upn, salt: str | bytes) -> str | None:
    """The same child gets the same pseudonym under the same salt, however the UPN was typed."""
    text = parse_upn(upn)
    if text is None:
        return None
    return hmac.new(_salt_bytes(salt), text.encode("utf-8"), hashlib.sha256).hexdigest()[:PSEUDONYM_HEX]


def month_of(value) -> date | None:
    """A date cut to the first of its month; anything that is not a date becomes None (never leaked)."""
    if _blank(value):
        return None
    parsed = parse_date(value)
    if isinstance(parsed, datetime):
        parsed = parsed.date()
    return parsed.replace(day=1) if isinstance(parsed, date) else None


def postcode_sector(value) -> str | None:
    """'UB8 1UW' -> 'UB8 1'; anything that is not a valid postcode becomes None (never leaked)."""
    if _blank(value):
        return None
    text = parse_postcode(value)
    if not isinstance(text, str) or not is_postcode(text):
        return None
    outward, inward = text.split(" ")
    return f"{outward} {inward[0]}"


def _blank(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pandas NA/NaT
    except (TypeError, ValueError):
        return False


def _apply(treatment: Treatment, value, key: bytes):
    h = treatment.handling
    if h is Handling.KEEP:
        return None if _blank(value) else value
    if h is Handling.HASH:
        return None if _blank(value) else pupil_pseudonym(value, key)
    if h is Handling.MONTH:
        return month_of(value)
    if h is Handling.SECTOR:
        return postcode_sector(value)
    raise ValueError(h)  # DROP never gets here


def output_columns(keys, keep=()) -> list[tuple[str, str, Treatment]]:
    """(input key, output key, treatment) for the columns a pseudonymised output keeps, in order."""
    out = []
    for k in keys:
        t = TREATMENTS.get(k)
        if t is None:
            t = _ if k in keep else Treatment(D)
        if t.handling is Handling.DROP:
            continue
        out.append((k, t.output_key or k, t))
    return out


def pseudonymise_register(frame, salt: str | bytes, keep=()):
    """The register with personal data degraded as `TREATMENTS` declares.

    `frame`: a pandas DataFrame, or a list of dicts, keyed by `Column.key`. Returns the same
    kind of thing: dropped columns gone, UPN -> `pupil_id` (salted hash), date of birth ->
    `birth_month`, postcode -> `postcode_sector`. Columns this module does not know are
    dropped unless named in `keep` (use it for the report's own, non-personal columns such
    as a term label). The salt is used, never stored.
    """
    key = _salt_bytes(salt)
    keep = frozenset(keep)
    pd = sys.modules.get("pandas")  # a DataFrame means pandas is loaded; a list never loads it
    if pd is not None and isinstance(frame, pd.DataFrame):
        cols = output_columns(list(frame.columns), keep)
        data = {out: [_apply(t, v, key) for v in frame[k].tolist()] for k, out, t in cols}
        return pd.DataFrame(data, index=frame.index, columns=[out for _, out, _ in cols], dtype=object)
    rows = list(frame)
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    cols = output_columns(keys, keep)
    return [{out: _apply(t, row.get(k), key) for k, out, t in cols} for row in rows]


def handling_table() -> list[dict]:
    """The declarations as rows, for documentation and the report's 'About this data' sheet."""
    return [
        {
            "key": k,
            "personal": t.personal,
            "category": t.category.value if t.category else "",
            "handling": t.handling.value,
            "output": "" if t.handling is Handling.DROP else (t.output_key or k),
            "why": t.why,
        }
        for k, t in sorted(TREATMENTS.items())
    ]


# ---------------------------------------------------------------------------------------
# Formula injection
# ---------------------------------------------------------------------------------------
# What makes Excel, LibreOffice or Google Sheets treat a typed or imported cell as a formula
# (OWASP "CSV injection"), plus the full-width forms some Excel versions also accept.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")

# For XlsxWriter outputs: never turn text into formulas, links or numbers behind our back.
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def safe_text(value):
    """Text that cannot run as a formula when opened in a spreadsheet: a leading apostrophe
    is added to text starting (after any spaces) with = + - @, a tab or a line break.
    Numbers, dates and None pass through unchanged (they are written as values, not text).
    Use for every CSV cell and every text written to an output workbook from a return.
    """
    if not isinstance(value, str) or not value:
        return value
    first = value[0] if value[0] in FORMULA_TRIGGERS else value.lstrip(" \u00a0")[:1]
    return "'" + value if first in FORMULA_TRIGGERS and first else value


def safe_row(row):
    """`safe_text` over a dict's values or a list/tuple's items."""
    if isinstance(row, dict):
        return {k: safe_text(v) for k, v in row.items()}
    return [safe_text(v) for v in row]
