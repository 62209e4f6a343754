"""Rules on a provider's Notifications sheet: same-day notification (R040), known pupils (R041)."""

from __future__ import annotations

from ..spec import ERROR, QUERY, Kind
from ..values import is_date
from .common import rows
from .declare import rule

KIND = Kind.PROVIDER_RETURN
WHO = {
    "referrer_notified": "the referrer",
    "school_notified": "the school",
    "council_notified": "the council",
    "parents_notified": "parents or carers",
}
# Who must be told on the same day, by event (§13.17 non-attendance and serious incidents;
# §14.7 placement ended, suspension, exclusion; §13.18 a child at risk).
MUST_NOTIFY = {
    "Non-attendance": ("referrer_notified", "school_notified"),
    "Serious incident": ("referrer_notified", "school_notified"),
    "Suspension": tuple(WHO),
    "Permanent exclusion": tuple(WHO),
    "Placement ended": tuple(WHO),
    "Safeguarding concern": ("referrer_notified",),
}
EVENT_PHRASE = {
    "Non-attendance": "non-attendance",
    "Serious incident": "a serious incident",
    "Suspension": "a suspension",
    "Permanent exclusion": "a permanent exclusion",
    "Placement ended": "a placement ending",
    "Safeguarding concern": "a safeguarding concern",
}

R040 = rule(
    "R040",
    QUERY,
    "Notifications",
    title="Notification late or missing (same-day duty, §13.17, §14.7)",
    messages={
        "missing": "No date for telling {who}. For {event}, {who} must be told on the same day: give the date you "
        "told them.",
        "late": "{Who} {verb} told on {told}, {days} day{s} after the event ({when}). The duty is to tell them on "
        "the same day.",
    },
)


def _school_placed(ret) -> set[str]:
    """UPNs of pupils a school placed: only for them is there a school to tell."""
    pupils = ret.table("Pupils")
    return {u for u, t in zip(pupils["upn"], pupils["commissioner_type"]) if t == "School"}


@R040.check(KIND, "Notifications")
def notified_same_day(ret):
    table = ret.table("Notifications")
    school_placed = _school_placed(ret)
    for idx, r in rows(table, "upn", "event_type", "event_date", *WHO):
        event, when = r["event_type"], r["event_date"]
        needed = set(MUST_NOTIFY.get(event, ()))
        if r["upn"] not in school_placed:
            needed.discard("school_notified")  # e.g. a permanently excluded child placed by the LA
        for key, who in WHO.items():
            told = r[key]
            if told is None and key in needed:
                yield R040.hit(idx, key, "missing", who=who, event=EVENT_PHRASE[event])
            elif is_date(told) and is_date(when) and told > when:
                days = (told - when).days
                yield R040.hit(
                    idx,
                    key,
                    "late",
                    value=told,
                    Who=who[0].upper() + who[1:],
                    verb="were" if key == "parents_notified" else "was",
                    told=told,
                    days=days,
                    s="s" if days != 1 else "",
                    when=when,
                )


R041 = rule(
    "R041",
    ERROR,
    "Notifications",
    title="Notification for a UPN not on the Pupils sheet",
    message="This UPN is not on the Pupils sheet. Every notification must be about a pupil on this return: check "
    "the UPN, or add the pupil.",
)


@R041.check(KIND, "Notifications")
def upn_on_pupils_sheet(ret):
    pupils = ret.sheets["Pupils"]
    if "upn" in pupils.missing:
        return
    known = {u for u in pupils.table["upn"] if isinstance(u, str)}
    for idx, r in rows(ret.table("Notifications"), "upn"):
        upn = r["upn"]
        if isinstance(upn, str) and upn not in known:
            yield R041.hit(idx, "upn", value=upn)


# ---- Tests -------------------------------------------------------------------------------------
# Run by pytest. Each starts from a clean return built in memory (`ap_sheets.testing`), changes
# what a provider gets wrong, and asserts the exact findings and their messages.


def test_r040_late_and_missing_notifications():
    from datetime import date

    from ap_sheets.testing import found, provider_return, said

    b = provider_return()  # row 2: a placement ended on 29/11/2024, everyone told that day
    b.set_cell("Notifications", 2, "school_notified", date(2024, 12, 2))
    b.set_cell("Notifications", 2, "council_notified", None)
    assert found(b) == [
        ("R040", "Notifications", 2, "School notified", "E2"),
        ("R040", "Notifications", 2, "Council notified", "F2"),
    ]
    assert said(b) == [
        "The school was told on 02/12/2024, 3 days after the event (29/11/2024). The duty is to tell them on the "
        "same day.",
        "No date for telling the council. For a placement ending, the council must be told on the same day: give "
        "the date you told them.",
    ]


def test_r040_council_need_not_hear_of_non_attendance():
    from datetime import date

    from ap_sheets.testing import found, provider_return, said

    b = provider_return()  # row 3 is a non-attendance with only referrer and school told: fine
    b.set_cell("Notifications", 3, "referrer_notified", date(2024, 10, 4))
    assert found(b) == [("R040", "Notifications", 3, "Referrer notified", "D3")]
    assert said(b) == [
        "The referrer was told on 04/10/2024, 1 day after the event (03/10/2024). The duty is to "
        "tell them on the same day."
    ]


def test_r040_school_need_not_be_told_when_no_school_placed_the_child():
    from datetime import date

    from ap_sheets.testing import UPN1, UPN3, found, provider_return, said

    b = provider_return()
    b.add_row(
        "Notifications",
        {
            "upn": UPN3,
            "event_type": "Serious incident",
            "event_date": date(2024, 11, 5),
            "referrer_notified": date(2024, 11, 5),
        },
    )  # placed by the LA's SEND team
    assert found(b) == []
    b.add_row(
        "Notifications",
        {
            "upn": UPN1,
            "event_type": "Serious incident",
            "event_date": date(2024, 11, 5),
            "referrer_notified": date(2024, 11, 5),
        },
    )  # placed by a school
    assert found(b) == [("R040", "Notifications", 5, "School notified", "E5")]
    assert said(b) == [
        "No date for telling the school. For a serious incident, the school must be told on the "
        "same day: give the date you told them."
    ]


def test_r041_notification_for_unknown_pupil():
    from ap_sheets.testing import found, make_upn, provider_return, said

    b = provider_return()
    b.set_cell("Notifications", 3, "upn", make_upn(99))
    assert found(b) == [("R041", "Notifications", 3, "UPN", "A3")]
    assert said(b) == [
        "This UPN is not on the Pupils sheet. Every notification must be about a pupil on this "
        "return: check the UPN, or add the pupil."
    ]
