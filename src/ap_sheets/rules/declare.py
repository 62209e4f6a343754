"""How a rule is declared: once, with its code, severity, title, what it applies to, its
message wording, the settings it reads and its check, all in one place.

    R053 = rule(
        "R053", QUERY, "Placements", title="No reintegration plan (§9.2)",
        message="There is no reintegration plan. Plan the pupil's return from the start of "
                "the placement (§9.2), or explain why not.",
    )

    @R053.check(Kind.SCHOOL_LOG, "Placements")
    def reintegration_plan(ret):
        for idx, r in rows(ret.table("Placements"), "reintegration_plan"):
            if r["reintegration_plan"] == "N":
                yield R053.hit(idx, "reintegration_plan", value="N")

A check takes a normalised `Return` (plus, as keywords, the settings the rule declares)
and yields `Hit`s: which row and column, which message, the value. The engine
(`rules.engine`) turns hits into findings with sheet, Excel row, A1 cell and severity, so a
check never deals with cell references or output formats.

Value rules (a value's type, code list or format: R001, R002, R010, R012-R014) declare a
predicate per value type or column instead (`Rule.value_check`); the engine runs them as
vectorised Pandera checks over many returns at once. Cross rules (X codes) declare a
function over the consolidated returns of a term (`Rule.cross_check`).

Messages are `str.format` templates with named fields. They are written for a school
clerk, say what to do, and never carry a pupil's UPN, name, date of birth or postcode: the
privacy test checks every template's fields, and every rule test checks the messages it
produces (`ap_sheets.testing`).
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from string import Formatter
from typing import Any

from ..findings import display_value
from ..spec import ERROR, QUERY, Column, Kind, Severity, ValueType

__all__ = ["DECLARED", "ERROR", "QUERY", "CellCheck", "Check", "Hit", "Rule", "ValueCheck", "rule", "rules_in_order"]

# Template fields that would put a pupil's identity into a message: never allowed.
PERSONAL_FIELDS = frozenset({"upn", "surname", "forename", "name", "date_of_birth", "dob", "born", "postcode", "pupil"})


@dataclass(frozen=True)
class Hit:
    """One thing a check found. `index` is the table's index (the Excel row on table sheets,
    0 on form sheets, None for the whole sheet); `column` the column key it is about.

    `sheet`, `row`, `cell` and `header` are given only where the check knows better than
    the sheet it is attached to (structure rules about any sheet, cells outside the
    columns ap-sheets knows)."""

    index: object
    column: str | None
    message: str
    value: object = None
    severity: Severity | None = None  # only where a rule has two levels (R021)
    sheet: str | None = None
    row: int | None = None
    cell: str | None = None
    header: str | None = None


@dataclass(frozen=True)
class Check:
    """Where a rule's check function runs: one sheet of one kind of workbook (kind None:
    every kind), for the template versions given (None: every version)."""

    rule: Rule
    kind: Kind | None
    sheet: str | None
    fn: Callable[..., Iterable[Hit]]
    versions: frozenset[str] | None = None

    def applies(self, kind: str, version: str | None) -> bool:
        return (self.kind is None or self.kind == kind) and (self.versions is None or version in self.versions)

    def run(self, ret, settings) -> Iterator[Hit]:
        kwargs = {name: getattr(settings, name) for name in self.rule.settings}
        return iter(self.fn(ret, **kwargs))


@dataclass(frozen=True)
class ValueCheck:
    """A value rule for the columns of some value types (or some named columns, which take
    precedence): `predicate_for(column)(value)` is True for a good (normalised, non-blank)
    value.

    `message` names the rule's message to use, or is a function (column, value) -> name;
    `fields(column, value)` gives the message's fields."""

    rule: Rule
    predicate_for: Callable[[Column], Callable[[Any], bool]]
    types: frozenset[ValueType]
    columns: frozenset[str]
    message: str | Callable[[Column, Any], str]
    fields: Callable[[Column, Any], Mapping[str, Any]]

    def says(self, column: Column, value) -> str:
        key = self.message(column, value) if callable(self.message) else self.message
        return self.rule.say(key, **self.fields(column, value))


@dataclass(frozen=True)
class CellCheck:
    """A rule about what a cell holds, whatever its column: a cell whose value is one of
    `classes` fails, and gets only this finding (not also its column's value check).
    Found by the cells' types at C speed, since almost no return has one."""

    rule: Rule
    classes: tuple[type, ...]
    message: str | Callable[[Column, Any], str]
    fields: Callable[[Column, Any], Mapping[str, Any]]

    def says(self, column: Column, value) -> str:
        key = self.message(column, value) if callable(self.message) else self.message
        return self.rule.say(key, **self.fields(column, value))


@dataclass(eq=False)
class Rule:
    """One rule of the data specification, as declared (see the module doc)."""

    code: str
    severity: Severity
    applies_to: str  # in the specification's words: "UPN", "Placements", "cross" ...
    title: str
    messages: dict[str, str]
    settings: tuple[str, ...] = ()
    module: str = ""
    checks: list[Check] = field(default_factory=list)
    value_checks: list[ValueCheck] = field(default_factory=list)
    cell_checks: list[CellCheck] = field(default_factory=list)
    cross: Callable[..., list] | None = None
    unidentified: Callable[..., Any] | None = None  # words a workbook that is not a standard return (R004)

    # ---- attaching checks -------------------------------------------------------------
    def check(self, kind: Kind | None, sheet: str | None, versions: Iterable[str] | None = None):
        """Decorator: `fn(ret, **settings)` yields this rule's hits on `sheet` of `kind`."""

        def attach(fn):
            self._check_signature(fn)
            self.checks.append(Check(self, kind, sheet, fn, frozenset(versions) if versions else None))
            return fn

        return attach

    def value_check(
        self,
        predicate: Callable[[Any], bool] | None = None,
        *,
        predicate_for: Callable[[Column], Callable[[Any], bool]] | None = None,
        types: Iterable[ValueType] = (),
        columns: Iterable[str] = (),
        message: str | Callable = "default",
        fields: Callable[[Column, Any], Mapping[str, Any]] | None = None,
    ) -> ValueCheck:
        """Declare the predicate for some value types' (or named columns') values; give
        `predicate_for(column)` instead where it depends on the column (its code list)."""
        if predicate_for is None:
            if predicate is None:
                raise ValueError(f"{self.code}: give predicate or predicate_for")
            fixed = predicate
            predicate_for = lambda column: fixed
        elif predicate is not None:
            raise ValueError(f"{self.code}: give predicate or predicate_for, not both")
        vc = ValueCheck(
            self, predicate_for, frozenset(types), frozenset(columns), message, fields or (lambda column, value: {})
        )
        self.value_checks.append(vc)
        return vc

    def cell_check(
        self,
        classes: tuple[type, ...],
        *,
        message: str | Callable = "default",
        fields: Callable[[Column, Any], Mapping[str, Any]] | None = None,
    ) -> CellCheck:
        """Declare that a cell holding one of `classes` (markers the reader puts where a cell
        showed an Excel error, or could not be read) is this rule's finding in any column."""
        cc = CellCheck(self, tuple(classes), message, fields or (lambda column, value: {}))
        self.cell_checks.append(cc)
        return cc

    def cross_check(self, fn):
        """Decorator: `fn(providers, schools, term, **settings)` returns this rule's findings
        over the consolidated returns of a term."""
        self.cross = fn
        return fn

    def when_unidentified(self, fn):
        """Decorator: `fn(NotAReturn) -> Finding`, the one finding for a workbook that is not
        a standard return of a version ap-sheets reads (nothing else is checked)."""
        self.unidentified = fn
        return fn

    def _check_signature(self, fn) -> None:
        wanted = set(self.settings)
        given = {p.name for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY}
        if wanted != given:
            raise TypeError(
                f"{self.code}: {fn.__name__} must take exactly the settings the rule declares "
                f"as keyword-only arguments ({sorted(wanted)}), not {sorted(given)}"
            )

    # ---- wording ----------------------------------------------------------------------
    def say(self, key: str = "default", **fields) -> str:
        """The message `key` with its fields filled in (dates as a clerk writes them)."""
        template = self.messages[key]
        shown = {k: _shown(v) for k, v in fields.items()}
        return template.format(**shown)

    def hit(
        self,
        index,
        column: str | None,
        key: str = "default",
        *,
        value=None,
        severity: Severity | None = None,
        at: Mapping[str, Any] | None = None,
        **fields,
    ) -> Hit:
        """A hit with message `key`. `at` may give sheet, row, cell and header outright
        (for findings about a whole sheet or a cell outside the known columns)."""
        return Hit(index, column, self.say(key, **fields), value, severity, **(at or {}))

    def message_fields(self) -> dict[str, set[str]]:
        """Each message's template fields (what the privacy test reads)."""
        return {key: {name for _, name, _, _ in Formatter().parse(t) if name} for key, t in self.messages.items()}


def _shown(value):
    if isinstance(value, date):
        return display_value(value)
    return value


DECLARED: dict[str, Rule] = {}


def rule(
    code: str,
    severity: Severity,
    applies_to: str,
    *,
    title: str,
    message: str | None = None,
    messages: Mapping[str, str] | None = None,
    settings: Iterable[str] = (),
) -> Rule:
    """Declare a rule. Give `message` (one wording) or `messages` (wordings by name)."""
    if code in DECLARED:
        raise ValueError(f"rule {code} is declared twice ({DECLARED[code].module} and again)")
    if (message is None) == (messages is None):
        raise ValueError(f"{code}: give message or messages")
    texts = {"default": message} if message is not None else dict(messages or {})
    # The declaring module's name, from the caller's frame (inspect.stack() would read the
    # source of every frame on the stack: about a second of start-up over all the rules).
    module = sys._getframe(1).f_globals.get("__name__", "")
    declared = Rule(code, Severity(severity), applies_to, title, texts, tuple(settings), module)
    for key, fields in declared.message_fields().items():
        bad = fields & PERSONAL_FIELDS
        if bad:
            raise ValueError(f"{code} message {key!r} would show a pupil's {', '.join(sorted(bad))}")
    DECLARED[code] = declared
    return declared


def rules_in_order() -> list[Rule]:
    """Every declared rule, in code order (R before X: the specification's order)."""
    return sorted(DECLARED.values(), key=lambda r: (r.code[0] != "R", r.code))
