"""What the Summary sheet shows: its titled tables, built from `figures.return_figures`."""

from __future__ import annotations

from dataclasses import dataclass

from ..figures import NOT_RECORDED
from ..spec import Kind
from ..spec import codes as C


@dataclass
class Block:
    """A titled table on the Summary sheet: rows of [label, value, ...]."""

    title: str
    rows: list[list]
    header: bool = False  # the first row holds column headings
    chart: str | None = None  # xlwings chart type to draw from this table


def summary_blocks(figures: dict) -> list[Block]:
    """The Summary sheet's tables, from `figures.return_figures`."""
    if figures["kind"] == Kind.PROVIDER_RETURN:
        return _provider_blocks(figures)
    return _school_blocks(figures)


def _provider_blocks(f: dict) -> list[Block]:
    att, notes = f["attendance"], f["notifications"]
    ratings = f["ratings"]
    keys = ("engagement", "progress_towards_outcomes", "progress_in_learning")
    rating_rows = [
        [_rating_label(code, C.ENGAGEMENT, C.PROGRESS)] + [ratings[k].get(code, 0) for k in keys]
        for code in _codes_in(*(ratings[k] for k in keys))
    ]
    return [
        Block(
            "Children",
            [
                ["Children (each counted once)", f["children"]],
                ["Rows on the Pupils sheet", f["pupil_rows"]],
                ["With an EHC plan", f["with_ehcp"]],
                ["Looked after", f["looked_after"]],
            ],
        ),
        Block(
            "Attendance",
            [
                ["Sessions possible", att["sessions_possible"]],
                ["Sessions attended", att["sessions_attended"]],
                ["Sessions of authorised absence", att["sessions_authorised_absence"]],
                ["Attendance % (sessions attended / possible)", _pct(att["attendance_pct"])],
            ],
        ),
        _distribution("Placements by commissioner type", "Commissioner type", f["by_commissioner_type"]),
        _distribution("Placements by reason", "Placement reason", f["by_placement_reason"], chart="bar_clustered"),
        Block(
            "Progress ratings",
            [["Rating", "Engagement", "Progress towards outcomes", "Progress in learning"], *rating_rows],
            header=True,
            chart="column_clustered",
        ),
        Block("Ended placements", [["Placements ended by the end of term", f["ended_placements"]]]),
        _distribution("Destinations of ended placements", "Destination", f["destinations"]),
        Block(
            "Notifications",
            [
                ["Events reported", notes["total"]],
                ["On time (everyone told on the day)", notes["on_time"]],
                ["Late, or someone not told", notes["late_or_missing"]],
            ],
        ),
        _distribution("Notifications by event", "Event type", notes["by_event_type"]),
        Block(
            "Complaints",
            [
                ["Complaints", f["complaints"]["complaints"]],
                ["Complaints not yet resolved", f["complaints"]["complaints_open"]],
                ["Compliments", f["complaints"]["compliments"]],
            ],
        ),
    ]


def _school_blocks(f: dict) -> list[Block]:
    reg, att = f["provider_registered"], f["attendance"]
    return [
        Block(
            "Placements",
            [
                ["Placements", f["placements"]],
                ["Children (each counted once)", f["children"]],
                ["With an EHC plan", f["with_ehcp"]],
                ["Looked after", f["looked_after"]],
            ],
        ),
        Block(
            "Providers",
            [
                ["Placements with registered providers", reg["registered"]],
                ["Placements with unregistered providers", reg["unregistered"]],
            ]
            + ([["Provider registered not recorded", reg[NOT_RECORDED]]] if reg[NOT_RECORDED] else []),
        ),
        _distribution("Placements by provider", "Provider", f["by_provider"], chart="bar_clustered"),
        _distribution("Placements by reason", "Placement reason", f["by_placement_reason"]),
        Block(
            "Attendance",
            [
                ["Placements with attendance recorded", att["placements_with_attendance"]],
                ["Average attendance %", _pct(att["average_attendance_pct"])],
            ],
        ),
        _distribution(
            "Progress ratings",
            "Rating",
            {_rating_label(k, C.PROGRESS): n for k, n in f["progress"].items()},
            chart="column_clustered",
        ),
        Block("Ended placements", [["Placements ended by the end of term", f["ended_placements"]]]),
        _distribution("Destinations of ended placements", "Destination", f["destinations"]),
    ]


def _distribution(title: str, label: str, counts: dict, chart: str | None = None) -> Block:
    return Block(
        title,
        [[label, "Placements" if label != "Event type" else "Notifications"]] + [[k, n] for k, n in counts.items()],
        header=True,
        chart=chart,
    )


def _codes_in(*counts: dict) -> list[str]:
    """Rating codes in order, with Not recorded last if any table has it."""
    return list(C.PROGRESS.codes) + ([NOT_RECORDED] if any(NOT_RECORDED in c for c in counts) else [])


def _rating_label(code: str, *lists: C.CodeList) -> str:
    """'1 Not engaged / Not on track': the code with its words from the rating lists (words,
    so that a chart takes the labels as categories, not as numbers to plot)."""
    words = []
    for codes in lists:
        label = codes.labels.get(code)
        if label and label not in words:
            words.append(label)
    return f"{code} {' / '.join(words)}" if words else code


def _pct(value) -> object:
    return value if value is not None else "not available"
