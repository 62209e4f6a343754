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
    "Non-attendance": "non-attendance", "Serious incident": "a serious incident",
    "Suspension": "a suspension", "Permanent exclusion": "a permanent exclusion",
    "Placement ended": "a placement ending", "Safeguarding concern": "a safeguarding concern",
}

R040 = rule(
    "R040", QUERY, "Notifications", title="Notification late or missing (same-day duty, §13.17, §14.7)",
    messages={
        "missing": "No date for telling {who}. For {event}, {who} must be told on the same day: give the date you "
                   "told them.",
        "late": "{Who} {verb} told on {told}, {days} day{s} after the event ({when}). The duty is to tell them on "
                "the same day.",
    },
)


def _school_placed(ret) -> set[str]:
    """UPNs of pupils a school placed: only for them is there a school to tell."""
    pupils = ret.frame("Pupils")
    return {u for u, t in zip(pupils["upn"], pupils["commissioner_type"]) if t == "School"}


@R040.check(KIND, "Notifications")
def notified_same_day(ret):
    frame = ret.frame("Notifications")
    school_placed = _school_placed(ret)
    for idx, r in rows(frame, "upn", "event_type", "event_date", *WHO):
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
                yield R040.hit(idx, key, "late", value=told, Who=who[0].upper() + who[1:],
                               verb="were" if key == "parents_notified" else "was", told=told, days=days,
                               s="s" if days != 1 else "", when=when)


R041 = rule(
    "R041", ERROR, "Notifications", title="Notification for a UPN not on the Pupils sheet",
    message="This UPN is not on the Pupils sheet. Every notification must be about a pupil on this return: check "
            "the UPN, or add the pupil.",
)


@R041.check(KIND, "Notifications")
def upn_on_pupils_sheet(ret):
    pupils = ret.sheets["Pupils"]
    if "upn" in pupils.missing:
        return
    known = {u for u in pupils.frame["upn"] if isinstance(u, str)}
    for idx, r in rows(ret.frame("Notifications"), "upn"):
        upn = r["upn"]
        if isinstance(upn, str) and upn not in known:
            yield R041.hit(idx, "upn", value=upn)
