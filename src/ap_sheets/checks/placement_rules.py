"""Rules on a school's placement log (R050-R057, §6-§9 of the Hillingdon guidance)."""
from __future__ import annotations

from .common import d, hours, is_date, is_num, rows
from .registry import Hit, rule

KIND, SHEET = "school-log", "Placements"
FULL_TIME_HOURS = 18
VISIT_WEEKS = 6  # §7.2: visit pupils at their provision regularly


def _rows(ret, *keys):
    return rows(ret.frame(SHEET), *keys)


@rule("R003", KIND, SHEET)
def provider_urn_for_registered(ret):
    for idx, r in _rows(ret, "provider_registered", "provider_urn"):
        if r["provider_registered"] == "Y" and r["provider_urn"] is None:
            yield Hit(idx, "provider_urn", "Provider URN is missing. For a registered provider, give its "
                      "6-digit URN (find it on Get Information about Schools).")


@rule("R050", KIND, SHEET)
def send_officer_for_ehcp(ret):
    for idx, r in _rows(ret, "sen", "send_officer_consulted"):
        if r["sen"] == "E" and r["send_officer_consulted"] is None:
            yield Hit(idx, "send_officer_consulted", "The pupil has an EHC plan but no date is given for "
                      "consulting their SEND officer, which must happen before placing them (§6.2).")


@rule("R051", KIND, SHEET)
def virtual_school_for_looked_after(ret):
    for idx, r in _rows(ret, "looked_after", "virtual_school_consulted"):
        if r["looked_after"] == "Y" and r["virtual_school_consulted"] is None:
            yield Hit(idx, "virtual_school_consulted", "The pupil is looked after but no date is given for "
                      "consulting the Virtual School, which must happen before placing them (§6.3).")


@rule("R052", KIND, SHEET)
def sla_and_risk_assessment_first(ret):
    what = {"sla_agreed": ("service level agreement", "§6.1a"), "risk_assessment": ("risk assessment", "§8.3")}
    for idx, r in _rows(ret, "start_date", *what):
        start = r["start_date"]
        for key, (name, section) in what.items():
            when = r[key]
            if when is None:
                yield Hit(idx, key, f"No date for the {name}. It must be in place before the placement "
                          f"starts ({section}).")
            elif is_date(when) and is_date(start) and when > start:
                yield Hit(idx, key, f"The {name} ({d(when)}) is dated after the placement started "
                          f"({d(start)}). It must be in place before the start ({section}).", when)


@rule("R053", KIND, SHEET)
def reintegration_plan(ret):
    for idx, r in _rows(ret, "reintegration_plan"):
        if r["reintegration_plan"] == "N":
            yield Hit(idx, "reintegration_plan", "There is no reintegration plan. Plan the pupil's return "
                      "from the start of the placement (§9.2), or explain why not.", "N")


@rule("R054", KIND, SHEET)
def unregistered_hours(ret):
    for idx, r in _rows(ret, "provider_registered", "hours_at_provider", "hours_at_school"):
        if r["provider_registered"] != "N":
            continue
        at_provider, at_school = r["hours_at_provider"], r["hours_at_school"]
        if is_num(at_provider) and at_provider > FULL_TIME_HOURS:
            yield Hit(idx, "hours_at_provider", f"{hours(at_provider)} hours a week at an unregistered "
                      f"provider is full-time education, which it may not give: no more than "
                      f"{FULL_TIME_HOURS} hours (§3.3, §3.5).", at_provider)
        elif is_num(at_provider) and is_num(at_school) and at_school < at_provider:
            yield Hit(idx, "hours_at_school", f"The pupil has fewer hours at school ({hours(at_school)}) than "
                      f"at an unregistered provider ({hours(at_provider)}). Most of their education must "
                      "come from school or a registered provider (§3.5, §8.15).", at_school)


@rule("R055", KIND, SHEET)
def visited_recently(ret):
    """Open placements need a visit in the last 6 school weeks of term (counted back from
    the last teaching day, so holidays don't count); one that started within those weeks
    is not yet due a visit."""
    if ret.term is None:
        return
    due_since = ret.term.school_weeks_before_end(VISIT_WEEKS)
    for idx, r in _rows(ret, "start_date", "end_date", "last_visit"):
        end, visit, start = r["end_date"], r["last_visit"], r["start_date"]
        if is_date(end) and end <= ret.term.end:
            continue  # ended: not open
        if visit is None:
            if not (is_date(start) and start > due_since):
                yield Hit(idx, "last_visit", "No date for your last visit to the pupil at the provider. Visit "
                          "pupils regularly (§7.2): at least every 6 school weeks.")
        elif is_date(visit) and visit < due_since:
            yield Hit(idx, "last_visit", f"The last visit ({d(visit)}) was more than {VISIT_WEEKS} school weeks "
                      f"before the end of term (about {d(ret.term.last_teaching_day)}). Visit pupils regularly "
                      "(§7.2).", visit)


@rule("R056", KIND, SHEET)
def ended_placement_records(ret):
    if ret.term is None:
        return
    for idx, r in _rows(ret, "end_date", "final_report_received", "destination"):
        end = r["end_date"]
        if not (is_date(end) and end <= ret.term.end):
            continue
        if r["final_report_received"] != "Y":
            yield Hit(idx, "final_report_received", f"The placement ended on {d(end)} but the provider's "
                      "final report has not been received. Ask the provider for it (§6.1g).",
                      r["final_report_received"])
        if r["destination"] is None:
            yield Hit(idx, "destination", f"The placement ended on {d(end)} but no destination is given. "
                      "Record where the pupil went next (§6.1j).")


@rule("R057", KIND, SHEET)
def dbs_confirmed(ret):
    for idx, r in _rows(ret, "dbs_confirmed"):
        if r["dbs_confirmed"] == "N":
            yield Hit(idx, "dbs_confirmed", "DBS checks are not confirmed for this provider. Every adult in "
                      "contact with the pupil must be checked before the placement (§8.4).", "N")
