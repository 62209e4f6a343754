"""The council's settings file: every setting a council may change, in one place.

Defaults are below. A council changes them with `--config FILE` (for `validate`,
`consolidate` and `template`), where FILE is TOML (or JSON) with any of these keys; an
unknown key is refused with the list of known ones, so a typo is never silently ignored::

    # ap-sheets.toml
    national_attendance_pct = 57.5
    national_attendance_label = "State-funded AP, England, 2023/24 (DfE)"
    zero_suspensions_target_pct = 85
    reintegration_target_pct = 60
    suppress_below = 5

Percentages are percentage points (85 means 85%).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from pathlib import Path


class SettingsError(ValueError):
    """The settings file cannot be used; the message says why."""


@dataclass(frozen=True)
class Settings:
    # H&F priority 2: "attendance for children and young people attending AP is above national
    # comparators". Default: state-funded AP (incl. PRUs), England, 2023/24 full year, overall
    # absence 42.5% (DfE, Pupil absence in schools in England), so attendance 57.5%.
    # Update it each year from the DfE release, or set the comparator the council uses.
    national_attendance_pct: float = 57.5
    national_attendance_label: str = "State-funded AP (incl. PRUs), England, 2023/24 (DfE)"
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
    # Shown on every sheet and in the document properties.
    council_name: str = ""
    restricted_marking: str = "OFFICIAL-SENSITIVE"
    shareable_marking: str = "OFFICIAL"
    # The checking service (`ap-sheets serve`): the address providers' workbooks call (e.g.
    # "https://apcheck.example.gov.uk"), and the file of organisations' keys, stored hashed
    # (`ap-sheets service-key add`); a relative path is taken from the settings file's folder.
    service_url: str = ""
    service_keys_file: str = ""

    def with_overrides(self, **changes) -> "Settings":
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
        raise SettingsError(f"{path} is not valid {'JSON' if path.suffix.lower() == '.json' else 'TOML'}: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{path} should hold settings as key = value pairs")
    known = {f.name: f for f in fields(Settings)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise SettingsError(f"unknown setting{'s' if len(unknown) > 1 else ''} in {path}: {', '.join(unknown)}. "
                          f"Known settings: {', '.join(known)}")
    clean = {}
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
    config = replace(Settings(), **clean)
    if config.suppress_below < 1:
        raise SettingsError("suppress_below must be 1 or more")
    if not 1 <= config.on_track_min_rating <= 4:
        raise SettingsError("on_track_min_rating must be 1 to 4")
    return config
