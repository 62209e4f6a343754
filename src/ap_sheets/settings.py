"""The council's settings file: every setting a council may change, in one place.

Defaults are below. A council changes them with `--config FILE` (for `validate`,
`consolidate` and `template`), where FILE is TOML (or JSON) with any of these keys; an
unknown key is refused with the list of known ones, so a typo is never silently ignored::

    # ap-sheets.toml
    national_attendance_pct = 57.5
    national_attendance_label = "State-funded AP (incl. PRUs), England, full year 2023/24 (DfE)"
    registration_test = "act-2026"   # or "guidance-2024" (the default)
    full_time_hours = 18
    zero_suspensions_target_pct = 85
    reintegration_target_pct = 60
    suppress_below = 5

Percentages are percentage points (85 means 85%).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    """The settings file cannot be used; the message says why."""


# The tests a council may apply to decide that an unregistered setting must register as a
# school (R031, X006; DATA-SPEC "Conventions"). Messages say "by law" only for the Act.
# The settings the rules read, which a workbook made with `template --config` carries itself.
RULE_SETTINGS = ("registration_test", "full_time_hours")
# What the Validation sheet says about the test applied, in a line (the Definitions sheet says it all).
REGISTRATION_TEST_NAMES = {
    "guidance-2024": "the council's guidance, §3.2",
    "act-2026": "the Children's Wellbeing and Schools Act 2026 s.43",
}
REGISTRATION_TESTS = {
    "guidance-2024": "the council's guidance (§3.2): five or more pupils of compulsory school age "
    "in full-time education, or one with an EHC plan or looked after",
    "act-2026": "the Children's Wellbeing and Schools Act 2026 s.43: five or more pupils of compulsory "
    "school age in full-time education, or one who is looked after or has special "
    "educational needs",
}


@dataclass(frozen=True)
class Settings:
    # H&F priority 2: "attendance for children and young people attending AP is above national
    # comparators". Default: the latest full-year national figure for state-funded AP schools
    # (incl. PRUs), pupils aged 5-15 (compulsory school age), England: 2023/24 (six half terms),
    # overall absence 42.50% (DfE, "Pupil absence in schools in England", data set "Absence in
    # state-funded alternative provision", national row: 3,563,862 of 8,384,708 sessions
    # missed), so attendance 57.5%. Update it each year from the DfE release, or set the
    # comparator the council uses.
    national_attendance_pct: float = 57.5
    national_attendance_label: str = (
        "State-funded AP schools (incl. PRUs), pupils of compulsory school age (5-15), full year 2023/24, England (DfE)"
    )
    # Rule settings (R030, R031, R054, X006): which registration test, and how many hours a week
    # make full-time education (more than this is full time, §3.3; regulations may set hours).
    registration_test: str = "guidance-2024"
    full_time_hours: float = 18.0
    # H&F priority 3: 85% of pupils receive zero suspensions, 95% zero permanent exclusions.
    zero_suspensions_target_pct: float | None = 85.0
    zero_permanent_exclusions_target_pct: float | None = 95.0
    # Neither strategy sets a number for these: None shows "no target set".
    reintegration_target_pct: float | None = None  # ended placements back to mainstream
    neet_max_pct: float | None = None  # ended placements with destination NEET (at most)
    # Progress towards outcomes is rated 1-4; a placement is "on track" at this rating or above
    # (3 = Mostly on track, 4 = On track or better).
    on_track_min_rating: int = 3
    outcomes_on_track_target_pct: float | None = None
    # X004: provider and school attendance more than this many points apart.
    attendance_gap_points: float = 10.0
    # Shareable workbook: counts from 1 to suppress_below - 1 are shown as "c".
    suppress_below: int = 5
    suppress_zeros: bool = False
    # Shown on every report sheet, on the templates' Start here and in the document properties.
    council_name: str = ""
    # On the Start here sheet of `ap-sheets template --config`: when returns are due (free
    # text, e.g. "Friday 13 December 2024") and how to send them (the council's secure route,
    # e.g. "upload to the AP returns folder on the council's secure file-transfer site").
    return_deadline: str = ""
    send_returns_to: str = ""
    restricted_marking: str = "OFFICIAL-SENSITIVE"
    shareable_marking: str = "OFFICIAL"
    # The checking service (`ap-sheets serve`): the address providers' workbooks call (e.g.
    # "https://apcheck.example.gov.uk"), and the file of organisations' keys, stored hashed
    # (`ap-sheets service-key add`); a relative path is taken from the settings file's folder.
    service_url: str = ""
    service_keys_file: str = ""

    def __post_init__(self):
        if self.registration_test not in REGISTRATION_TESTS:
            raise SettingsError(
                f"registration_test must be one of {', '.join(map(repr, REGISTRATION_TESTS))}, "
                f"not {self.registration_test!r}"
            )
        if (
            isinstance(self.full_time_hours, bool)
            or not isinstance(self.full_time_hours, (int, float))
            or not 0 < self.full_time_hours < float("inf")
        ):
            raise SettingsError(
                f"full_time_hours must be a positive number of hours a week (e.g. 18), not {self.full_time_hours!r}"
            )

    @property
    def registration_test_description(self) -> str:
        """What the Validation sheet and the reports say about the test applied."""
        return REGISTRATION_TESTS[self.registration_test]

    def rule_settings_line(self, form: str = "full") -> str:
        """The registration test and the full-time line the checks applied, in one line:
        "short" for the Validation sheet, "plain" (no section references) for an Overview,
        "full" for the Definitions sheet."""
        test, hours = self.registration_test, self.full_time_hours
        if form == "plain":
            name = (
                "the council's guidance" if test == "guidance-2024" else "the Children's Wellbeing and Schools Act 2026"
            )
            return f"Registration test applied: {name}. Full-time education is more than {hours:g} hours a week."
        if form == "short":
            return (
                f"Registration test applied: {test} ({REGISTRATION_TEST_NAMES[test]}). "
                f"Full-time education is more than {hours:g} hours a week (DfE guidance, §3.3)."
            )
        return (
            f"Registration test applied: {test} ({self.registration_test_description}); "
            f"full-time education is more than {hours:g} hours a week (DfE guidance, §3.3)."
        )

    def workbook_rules(self) -> dict[str, str]:
        """The rule settings that differ from the defaults, as `ap-sheets template --config`
        writes them on a workbook's hidden meta sheet (so its Validate button, which cannot
        read the council's file, checks as the council does)."""
        default = Settings()
        out = {}
        for key in RULE_SETTINGS:
            value = getattr(self, key)
            if value != getattr(default, key):
                out[key] = f"{value:g}" if isinstance(value, float) else str(value)
        return out

    def with_workbook_rules(self, meta: dict[str, str]) -> Settings:
        """These settings with the rule settings a workbook carries (its hidden meta sheet); a
        value that is not one the settings file would accept is ignored."""
        changes: dict[str, Any] = {}
        test = meta.get("registration_test")
        if test in REGISTRATION_TESTS:
            changes["registration_test"] = test
        try:
            hours = float(meta.get("full_time_hours", ""))
        except ValueError:
            hours = 0.0
        if 0 < hours < 168:
            changes["full_time_hours"] = hours
        return replace(self, **changes) if changes else self

    def with_overrides(self, **changes) -> Settings:
        changes = {k: v for k, v in changes.items() if v is not None}
        return replace(self, **changes) if changes else self


def load_settings(path: str | Path | None) -> Settings:
    """Defaults, overridden by a TOML or JSON file if given."""
    if path is None:
        return Settings()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import tomllib

            data = tomllib.loads(text)
    except ValueError as exc:  # JSONDecodeError and TOMLDecodeError are ValueErrors
        raise SettingsError(
            f"{path} is not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {exc}"
        ) from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{path} should hold settings as key = value pairs")
    known = {f.name: f for f in fields(Settings)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise SettingsError(
            f"unknown setting{'s' if len(unknown) > 1 else ''} in {path}: {', '.join(unknown)}. "
            f"Known settings: {', '.join(known)}"
        )
    clean: dict[str, Any] = {}
    for key, value in data.items():
        default = getattr(Settings(), key)
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, str):
            ok = isinstance(value, str)
        elif isinstance(default, int) and key in ("suppress_below", "on_track_min_rating"):
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:  # numbers, some optional
            ok = value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
        if not ok:
            raise SettingsError(f"{key} in {path} has the wrong type: {value!r}")
        clean[key] = float(value) if isinstance(value, int) and isinstance(default, float) else value
    try:
        config = replace(Settings(), **clean)
    except SettingsError as exc:
        raise SettingsError(f"{exc} (in {path})") from None
    if config.suppress_below < 1:
        raise SettingsError("suppress_below must be 1 or more")
    if not 1 <= config.on_track_min_rating <= 4:
        raise SettingsError("on_track_min_rating must be 1 to 4")
    return config
