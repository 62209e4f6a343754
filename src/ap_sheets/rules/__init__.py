"""The rules of the council's data specification: each declared once, in one place.

One module per group of rules, each holding its rules' declarations (code, severity,
title, what it applies to, message wording, settings read), their checks, and tests:

- `value_rules`: R001 type, R002 code list, R010 UPN, R012 postcode, R013 email
- `required_rules`: R003 required values, and values needed only sometimes
- `structure_rules`: R004 kind, version, sheets and columns; R060 macros
- `pupil_rules`: R011, R015, R020-R022 on a child's row (provider Pupils and school Placements)
- `provider_rules`: R014, R023, R030-R035, R042 on a provider's return
- `notification_rules`: R040, R041
- `placement_rules`: R016 (v2 logs), R050-R057 on a school's placement log
- `directory_rules`: D001-D004 on the council's AP Directory (and its R003, R014 cases)
- `cross_rules`: X001-X006 across the returns of a term
- `directory_cross_rules`: X007-X009, the returns of a term against the council's AP Directory

`declare` says how a rule is declared; `engine` runs them. `RULES` is the catalogue,
built from the declarations (`ap-sheets rules` lists it).
"""

from __future__ import annotations

from . import (  # noqa: F401 (importing a group declares its rules)
    cross_rules,
    directory_cross_rules,
    directory_rules,
    notification_rules,
    placement_rules,
    provider_rules,
    pupil_rules,
    required_rules,
    structure_rules,
    value_rules,
)
from .cross_rules import reconcile
from .declare import DECLARED, Rule, rules_in_order
from .engine import check_return, not_a_return, sort_findings

RULES: dict[str, Rule] = {r.code: r for r in rules_in_order()}

__all__ = ["DECLARED", "RULES", "Rule", "check_return", "not_a_return", "reconcile", "sort_findings"]
