"""Rules on a provider's Notifications sheet: same-day notification (R040), known pupils (R041)."""
from __future__ import annotations

from .common import d, is_date, rows
from .registry import Hit, rule

KIND = "provider-return"
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


def _school_placed(ret) -> set[str]:
    """UPNs of pupils a school placed: only for them is there a school to tell."""
    pupils = ret.frame("Pupils")
    return {u for u, t in zip(pupils["upn"], pupils["commissioner_type"]) if t == "School"}


@rule("R040", KIND, "Notifications")
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
                yield Hit(idx, key, f"No date for telling {who}. For {EVENT_PHRASE[event]}, {who} must be told "
                          "on the same day: give the date you told them.")
            elif is_date(told) and is_date(when) and told > when:
                days = (told - when).days
                verb = "were" if key == "parents_notified" else "was"
                yield Hit(idx, key, f"{who[0].upper() + who[1:]} {verb} told on {d(told)}, {days} day"
                          f"{'s' if days != 1 else ''} after the event ({d(when)}). The duty is to tell them "
                          "on the same day.", told)


@rule("R041", KIND, "Notifications")
def upn_on_pupils_sheet(ret):
    pupils = ret.sheets["Pupils"]
    if "upn" in pupils.missing:
        return
    known = {u for u in pupils.frame["upn"] if isinstance(u, str)}
    for idx, r in rows(ret.frame("Notifications"), "upn"):
        upn = r["upn"]
        if isinstance(upn, str) and upn not in known:
            yield Hit(idx, "upn", "This UPN is not on the Pupils sheet. Every notification must be about a "
                      "pupil on this return: check the UPN, or add the pupil.", upn)
