"""The rule catalogue: every rule code of DATA-SPEC.md with its severity and a plain title.

Checks refer to rules by code; severity and title live only here. The title is what the
report's data quality sheet shows beside a code; each finding carries its own message.
"""
from __future__ import annotations

from dataclasses import dataclass

ERROR, QUERY = "error", "query"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    applies_to: str
    title: str


RULES: dict[str, Rule] = {r.code: r for r in (
    Rule("R001", ERROR, "any", "A value is not of its column's type (date, whole number, Y/N)"),
    Rule("R002", ERROR, "any", "A value is not in its code list"),
    Rule("R003", ERROR, "any", "A required value is missing"),
    Rule("R004", ERROR, "any", "Wrong workbook kind or version, or a required sheet or column is missing or renamed"),
    Rule("R010", ERROR, "UPN", "UPN is not valid (format or check letter)"),
    Rule("R011", ERROR, "UPN", "The same UPN twice in one sheet with overlapping placement dates"),
    Rule("R012", ERROR, "Postcode", "Not a valid UK postcode"),
    Rule("R013", ERROR, "Contact email", "Not a valid email address"),
    Rule("R014", ERROR, "DfE URN", "DfE URN missing for a registered provider, or not 6 digits"),
    Rule("R020", QUERY, "DOB/NC year", "NC year differs from the one the date of birth gives"),
    Rule("R021", ERROR, "DOB", "Age at term start below 4 or above 25 (query: over compulsory school age without an EHC plan)"),
    Rule("R022", ERROR, "dates", "End date before start date, or start date after the term's end"),
    Rule("R023", ERROR, "sessions", "Sessions attended plus authorised absence exceed sessions possible, or negative"),
    Rule("R030", ERROR, "Pupils", "Unregistered provider timetables more than 18 hours a week (§3.3)"),
    Rule("R031", ERROR, "Provider", "Unregistered provider gives full-time education that requires registration as a school (§3.2)"),
    Rule("R032", QUERY, "Provider", "Ofsted judgement Requires improvement or Inadequate (§14.15)"),
    Rule("R033", QUERY, "Provider", "Last LA QA visit over 12 months before term end, or missing for a directory provider (§10.4)"),
    Rule("R034", ERROR, "Provider", "Not all staff have enhanced DBS checks (§8.4)"),
    Rule("R035", QUERY, "Provider", "Insurance expired, or child protection training older than 3 years"),
    Rule("R040", QUERY, "Notifications", "Notification late or missing (same-day duty, §13.17, §14.7)"),
    Rule("R041", ERROR, "Notifications", "Notification for a UPN not on the Pupils sheet"),
    Rule("R042", QUERY, "Pupils", "Placement ended in the term but no destination (§6.1j)"),
    Rule("R050", ERROR, "Placements", "EHC plan pupil and no SEND officer consulted date (§6.2)"),
    Rule("R051", ERROR, "Placements", "Looked-after pupil and no Virtual School consulted date (§6.3)"),
    Rule("R052", ERROR, "Placements", "SLA or risk assessment missing, or dated after the start date (§6.1a, §8.3)"),
    Rule("R053", QUERY, "Placements", "No reintegration plan (§9.2)"),
    Rule("R054", ERROR, "Placements", "Unregistered provider: over 18 hours, or fewer hours at school than at the provider (§3.5, §8.15)"),
    Rule("R055", QUERY, "Placements", "Last visit over 6 school weeks before term end for an open placement (§7.2)"),
    Rule("R056", QUERY, "Placements", "Ended placement without final report or destination (§6.1g, §6.1j)"),
    Rule("R057", ERROR, "Placements", "DBS not confirmed (§8.4)"),
    Rule("R060", QUERY, "any", "The workbook's macros differ from the council's template"),
    Rule("X001", QUERY, "cross", "Pupil on a provider's return is on no school's placement log"),
    Rule("X002", QUERY, "cross", "Placement on a school's log is on no provider's return"),
    Rule("X003", QUERY, "cross", "Same UPN with a different date of birth or name across returns"),
    Rule("X004", QUERY, "cross", "Attendance differs by more than 10 points between provider return and school log"),
    Rule("X005", ERROR, "cross", "Two returns for the same provider or school and term"),
)}


def severity(code: str) -> str:
    return RULES[code].severity
