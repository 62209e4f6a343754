"""Local authority numbers a UPN may carry in characters 2-4 (R010).

The DfE's own UPN validation (children-in-need census rule 1530, "UPN invalid (characters
2-4 not a recognised LA code)") accepts a "valid post April 1998 LA code or a recognised
'pseudo LA' code": current and former English LA numbers. This is that list, as the DfE
validator published by data-to-insight for the 2023/24 collection (which added 942
Cumberland and 943 Westmorland and Furness) has it:

    repository data-to-insight/csc-validator-be-cin,
    path cin_validator/rules/cin2023_24/rule_1530.py
    (commit 8141a48113a41d2ee33e9423fd9ad5d50f4a1357)

It agrees with the DfE multiplication tables check's list (DFEAGILEDEVOPS/MTC, upn.service)
and with python-stdnum's `stdnum.gb.upn`, and adds the numbers they lack (838/839 Dorset
and BCP, 940/941 the Northamptonshires, 942/943, and former 820 and 875).
Add a number here when the DfE issues a new one.
"""

from __future__ import annotations


def _ranges(*spans: tuple[int, int] | int) -> frozenset[str]:
    out: set[str] = set()
    for span in spans:
        first, last = (span, span) if isinstance(span, int) else span
        out.update(f"{n:03d}" for n in range(first, last + 1))
    return frozenset(out)


LA_NUMBERS: frozenset[str] = _ranges(
    (1, 5),
    (201, 213),
    (301, 320),
    (330, 336),
    (340, 344),
    (350, 359),
    (370, 373),
    (380, 384),
    (390, 394),
    420,
    (660, 681),
    (701, 708),
    (800, 803),
    (805, 808),
    (810, 813),
    815,
    816,
    (820, 823),
    825,
    826,
    830,
    831,
    (835, 839),
    840,
    841,
    845,
    846,
    (850, 852),
    (855, 857),
    860,
    861,
    (865, 896),
    908,
    909,
    916,
    919,
    921,
    925,
    926,
    928,
    929,
    931,
    933,
    (935, 938),
    (940, 943),
)


def is_la_number(text: str) -> bool:
    """'801' -> True (Bristol); '000' -> False."""
    return text in LA_NUMBERS
