"""Rules on a provider's return: the Provider record (R014, R031-R035), pupils' hours and
sessions (R023, R030), ended placements (R042). Policy sections are the Hillingdon guidance's.
"""
from __future__ import annotations

from ..terms import age_on, school_age
from .common import d, hours, is_date, is_num, rows, years_before
from .registry import Hit, rule

KIND = "provider-return"
FULL_TIME_HOURS = 18  # §3.3: more than 18 hours a week is full-time education


def _record(ret) -> dict:
    return ret.record


@rule("R014", KIND, "Provider")
def dfe_urn_for_registered_school(ret):
    rec = _record(ret)
    if rec.get("registered_school") == "Y" and rec.get("dfe_urn") is None:
        yield Hit(0, "dfe_urn", "DfE URN is missing. A registered school must give its 6-digit DfE URN.")


@rule("R003", KIND, "Provider")
def ofsted_report_date_needed(ret):
    rec = _record(ret)
    judgement = rec.get("ofsted_judgement")
    if judgement in ("Outstanding", "Good", "Requires improvement", "Inadequate") and rec.get("ofsted_report_date") is None:
        yield Hit(0, "ofsted_report_date", "Ofsted report date is missing. Give the date of the report "
                  "that made the judgement, or choose 'Not inspected'.")


def _compulsory_school_age(born, term) -> bool:
    """Reception age 5+ to Year 11: the ages §3.2's registration duty counts."""
    return age_on(born, term.start) >= 5 and school_age(born, term.start_year) < 16


@rule("R031", KIND, "Provider")
def must_register_as_school(ret):
    """§3.2: full-time (>18h) for 5+ pupils, or any with an EHC plan or looked after."""
    rec = _record(ret)
    if rec.get("registered_school") != "N" or ret.term is None:
        return
    full_time = []
    for idx, r in rows(ret.frame("Pupils"), "hours_per_week", "date_of_birth", "sen", "looked_after"):
        h, born = r["hours_per_week"], r["date_of_birth"]
        if is_num(h) and h > FULL_TIME_HOURS and (not is_date(born) or _compulsory_school_age(born, ret.term)):
            full_time.append((idx, r))
    if not full_time:
        return
    vulnerable = [idx for idx, r in full_time if r["sen"] == "E" or r["looked_after"] == "Y"]
    where = ", ".join(str(i) for i, _ in full_time[:10]) + (" ..." if len(full_time) > 10 else "")
    if len(full_time) >= 5:
        yield Hit(0, "registered_school", f"You are not a registered school but give full-time education "
                  f"(more than {FULL_TIME_HOURS} hours a week) to {len(full_time)} pupils (Pupils rows {where}). "
                  "By law you must register as an independent school (§3.2). Talk to the council.", "N")
    elif vulnerable:
        yield Hit(0, "registered_school", f"You are not a registered school but give full-time education to "
                  f"a pupil with an EHC plan or who is looked after (Pupils rows "
                  f"{', '.join(map(str, vulnerable))}). By law you must register as an independent school "
                  "(§3.2). Talk to the council.", "N")


@rule("R032", KIND, "Provider")
def ofsted_concern(ret):
    judgement = _record(ret).get("ofsted_judgement")
    if judgement in ("Requires improvement", "Inadequate"):
        yield Hit(0, "ofsted_judgement", f"Ofsted judged the provision '{judgement}'. Commissioners may move "
                  "pupils (§14.15): send the council your improvement plan.", judgement)


@rule("R033", KIND, "Provider")
def qa_visit_due(ret):
    rec = _record(ret)
    visit = rec.get("last_qa_visit")
    if visit is None:
        if rec.get("in_directory") == "Y":
            yield Hit(0, "last_qa_visit", "Last LA QA visit is missing. Providers in the council's AP "
                      "directory have a QA visit every year (§10.4): give its date.")
        return
    if is_date(visit) and ret.term is not None and visit < years_before(ret.term.end, 1):
        yield Hit(0, "last_qa_visit", f"The last LA QA visit ({d(visit)}) was more than 12 months before the "
                  f"end of term. Visits are annual (§10.4): ask the council to arrange one.", visit)


@rule("R034", KIND, "Provider")
def staff_dbs(ret):
    if _record(ret).get("all_staff_dbs") == "N":
        yield Hit(0, "all_staff_dbs", "Not all staff have enhanced DBS checks. Every adult in contact with "
                  "children must be checked (§8.4): tell the council now.", "N")


def reference_date(ret):
    """The day the provider's certificates are judged at: term end, or completion if later."""
    rec = _record(ret)
    days = [x for x in (ret.term.end if ret.term else None, rec.get("date_completed")) if is_date(x)]
    return max(days) if days else None


@rule("R035", KIND, "Provider")
def insurance_and_training(ret):
    rec = _record(ret)
    when = reference_date(ret)
    if when is None:
        return
    expiry = rec.get("insurance_expiry")
    if is_date(expiry) and expiry < when:
        yield Hit(0, "insurance_expiry", f"Your insurance expired on {d(expiry)}. Send the council your "
                  "current certificate (§8.8).", expiry)
    trained = rec.get("cp_training_date")
    if is_date(trained) and trained < years_before(when, 3):
        yield Hit(0, "cp_training_date", f"Child protection training was last done on {d(trained)}, more "
                  "than 3 years ago. Staff need refresher training (§8.11).", trained)


@rule("R023", KIND, "Pupils")
def sessions_add_up(ret):
    keys = ("sessions_possible", "sessions_attended", "sessions_authorised")
    for idx, r in rows(ret.frame("Pupils"), *keys):
        negative = [k for k in keys if is_num(r[k]) and r[k] < 0]
        for k in negative:
            label = ret.sheets["Pupils"].header(k)
            yield Hit(idx, k, f"{label} is negative ({r[k]}). Sessions are counted 0 or more.", r[k])
        if negative or not all(is_num(r[k]) for k in keys):
            continue
        if r["sessions_attended"] + r["sessions_authorised"] > r["sessions_possible"]:
            yield Hit(idx, "sessions_attended", f"Sessions attended ({r['sessions_attended']}) plus authorised "
                      f"absence ({r['sessions_authorised']}) is more than sessions possible "
                      f"({r['sessions_possible']}). Check the three counts.", r["sessions_attended"])


@rule("R030", KIND, "Pupils")
def unregistered_part_time_only(ret):
    if _record(ret).get("registered_school") != "N":
        return
    for idx, r in rows(ret.frame("Pupils"), "hours_per_week"):
        h = r["hours_per_week"]
        if is_num(h) and h > FULL_TIME_HOURS:
            yield Hit(idx, "hours_per_week", f"{hours(h)} hours a week is full-time education, which an "
                      f"unregistered provider may not give: no more than {FULL_TIME_HOURS} hours (§3.3).", h)


@rule("R042", KIND, "Pupils")
def destination_when_ended(ret):
    if ret.term is None:
        return
    for idx, r in rows(ret.frame("Pupils"), "end_date", "destination"):
        end = r["end_date"]
        if is_date(end) and ret.term.start <= end <= ret.term.end and r["destination"] is None:
            yield Hit(idx, "destination", f"The placement ended on {d(end)} but no destination is given. "
                      "Record where the pupil went next (§6.1j).")
