"""`ap-sheets demo DIR`: a realistic term of filled-in returns to try everything on.

Writes one provider return per AP provider and one placement log per school, for one term,
through the real template builder. Everything is invented: names come from varied UK name
lists, UPNs are made up (with a correct DfE check letter), postcodes have a valid shape in
Hillingdon-area districts, URNs are invented. The same seed always gives the same files.

Most returns are clean. A handful carry the mistakes users really make; each is planted on
purpose and listed in `PLANTED_MISTAKES` (file, sheet, Excel row, column, rule code), so
tests can check the checker finds exactly these and nothing else. `PLANTED_QUIRKS` lists
values typed the way people type them that the checker must accept (a text date, " e ").
`PLANTED_GAPS` lists the differences between provider returns and school logs that the
reconciliation (X001-X004) should show.

Layout of the module: the data (name lists, schools, providers, the planted children),
then small functions that each make one thing (a child, a placement, a row, a sheet),
then `plan_demo` which puts a term together and `write_demo` which writes it.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

from .spec import KINDS, Layout
from .terms import TERM_ORDER, Term, age_on
from .values import upn_check_letter

DEFAULT_TERM = "2024/25 Autumn"
DEFAULT_SEED = 2024
# As templates.py lays the sheets out: table headers in row 1, form items from row 2.
FIRST_TABLE_ROW = 2
FIRST_FORM_ROW = 2
LA_NUMBER = "312"  # the DfE number of the council whose returns these are (Hillingdon)
TEACHING_WEEKS = {"Autumn": 14, "Spring": 11, "Summer": 13}  # school weeks in each term
FULL_WEEK_HOURS = 25  # a full-time school week
# School holidays, roughly, as (month, day) ranges: nothing happens at school in these.
HOLIDAYS = (((7, 24), (9, 2)), ((10, 28), (11, 1)), ((12, 21), (12, 31)), ((1, 1), (1, 3)),
            ((2, 17), (2, 21)), ((3, 31), (4, 11)), ((5, 26), (5, 30)))


# =====================================================================================
# Data: names
# =====================================================================================
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Forenames (boys, girls) and surnames by heritage, so a child's name fits their ethnicity.
NAMES = {
    "british": (
        _words("Jack Harry Charlie Alfie Tyler Kai Callum Liam Connor Mason Riley Jayden Kieran "
               "Reece Lewis Ethan Jake Louie Frankie Tommy Archie Logan Oscar Finley"),
        _words("Amelia Olivia Ellie Chloe Lacey Jessica Megan Holly Keira Summer Paige Millie "
               "Freya Poppy Skye Demi Lily Evie Ruby Macy"),
        _words("Smith Jones Taylor Brown Wilson Evans Walker Wright Robinson Thompson Hughes "
               "Edwards Green Hall Wood Harris Clarke Lewis Cooper King Baker Turner Hill Ward "
               "Morris Fletcher Marsh Dawson Barnes Pearce Webb Sutton Bennett Lloyd Price"),
    ),
    "irish": (
        _words("Sean Cian Conor Darragh Oisin Ronan Patrick"),
        _words("Niamh Aoife Ciara Siobhan Roisin Erin"),
        ("Murphy", "Kelly", "O'Brien", "Byrne", "Doyle", "Ryan", "Quinn", "McDonagh", "O'Connor",
         "Ward"),
    ),
    "roma": (
        _words("Florin Marian Ionut Adrian Denis"),
        _words("Denisa Sorina Ramona Alina Roxana"),
        _words("Stoica Dumitru Lingurar Radu Balaz Horvath"),
    ),
    "european": (
        ("Jakub", "Kacper", "Filip", "Andrei", "Mihai", "Rafael", "Tiago", "Luka", "Ardit", "Matei",
         "Szymon"),
        ("Zofia", "Maja", "Alicja", "Ioana", "Bianca", "Beatriz", "Inês", "Elena", "Antonia", "Zoë"),
        ("Nowak", "Kowalski", "Wiśniewski", "Popescu", "Ionescu", "Silva", "Santos", "Ferreira",
         "Petrov", "Hoxha", "Kaczmarek", "Rossi"),
    ),
    "caribbean": (
        _words("Tyrese Jermaine Kyrie Malachi Jaheim Reuben Isaiah Marcus Andre"),
        _words("Shanice Kiara Jada Aaliyah Tia Nia Imani Destiny"),
        _words("Campbell Williams Johnson Thomas Francis Grant Reid Henry Morgan Gayle Clarke"),
    ),
    "african": (
        _words("David Daniel Emmanuel Samuel Tobi Kwame Kofi Chidi Tunde Joshua Abdirahman"),
        _words("Grace Blessing Favour Precious Amara Adaeze Hodan Efua Zainab Ayan"),
        _words("Okafor Adeyemi Mensah Osei Boateng Nwosu Abdi Warsame Farah Okonkwo Adebayo "
               "Asante Mohamud"),
    ),
    "sikh": (
        _words("Jaskaran Manveer Harjot Arjun Gurveer Karanveer"),
        _words("Harleen Simran Navneet Jasleen Amrit Gurleen"),
        _words("Singh Kaur Gill Sandhu Dhillon Sidhu Bains Grewal"),
    ),
    "hindu": (
        _words("Rohan Aarav Dev Krish Vihaan Neel Aryan"),
        _words("Priya Anika Diya Riya Isha Kavya Tara"),
        _words("Patel Sharma Shah Mistry Chauhan Joshi Parmar Vaghela"),
    ),
    "muslim": (
        _words("Mohammed Ibrahim Zain Hamza Ayaan Yusuf Bilal Rayyan Abdullah Idris"),
        _words("Aisha Maryam Hafsa Zara Inaya Fatima Noor Sumaiya Amina"),
        _words("Khan Hussain Ahmed Ali Akhtar Iqbal Rahman Begum Uddin Chowdhury Miah Islam Mahmood"),
    ),
    "tamil": (
        _words("Arun Kishan Thivakar Sanjay"),
        _words("Keerthana Abirami Nila Sharanya"),
        _words("Sivakumar Rajan Nadarajah Kumar Selvaraj"),
    ),
    "chinese": (
        _words("Ethan Jun Hao Wei Ryan"),
        _words("Mei Lin Xin Jessica Chloe"),
        _words("Chen Wong Li Zhang Liu Cheung"),
    ),
    "arab_afghan": (
        _words("Omar Ahmad Karim Reza Hassan Mustafa Samir"),
        _words("Layla Yasmin Sara Mariam Nadia Farida"),
        _words("Haidari Karimi Hassan Mohammadi Rahimi Saleh Ahmadzai"),
    ),
}

# (DfE code, weight, religions with weights, name heritage; a dict of religion -> heritage
# where the name follows the religion). Weights roughly follow Hillingdon's pupil population,
# tilted the way AP populations are.
ETHNICITY_MIX = (
    ("WBRI", 34, {"No religion": 55, "Christian": 35, "Prefer not to say": 10}, "british"),
    ("WIRI", 2, {"Christian": 70, "No religion": 30}, "irish"),
    ("WIRT", 2, {"Christian": 90, "No religion": 10}, "irish"),
    ("WOTH", 9, {"Christian": 65, "No religion": 25, "Muslim": 10}, "european"),
    ("WROM", 2, {"Christian": 85, "No religion": 15}, "roma"),
    ("MWBC", 7, {"Christian": 40, "No religion": 50, "Prefer not to say": 10}, "caribbean"),
    ("MWBA", 3, {"Christian": 50, "No religion": 40, "Muslim": 10}, "british"),
    ("MWAS", 2, {"No religion": 50, "Muslim": 30, "Christian": 20}, "british"),
    ("MOTH", 3, {"No religion": 60, "Christian": 30, "Other": 10}, "british"),
    ("AIND", 8, {"Sikh": 45, "Hindu": 42, "Muslim": 8, "Christian": 5},
     {"Sikh": "sikh", "Hindu": "hindu", "Muslim": "muslim", "Christian": "hindu"}),
    ("APKN", 6, {"Muslim": 97, "Prefer not to say": 3}, "muslim"),
    ("ABAN", 2, {"Muslim": 100}, "muslim"),
    ("AOTH", 3, {"Hindu": 45, "Muslim": 35, "Christian": 20},
     {"Hindu": "tamil", "Muslim": "arab_afghan", "Christian": "tamil"}),
    ("BCRB", 4, {"Christian": 60, "No religion": 35, "Other": 5}, "caribbean"),
    ("BAFR", 7, {"Christian": 55, "Muslim": 42, "No religion": 3}, "african"),
    ("BOTH", 2, {"Christian": 60, "No religion": 40}, "caribbean"),
    ("CHNE", 1, {"No religion": 60, "Buddhist": 20, "Christian": 20}, "chinese"),
    ("OOTH", 3, {"Muslim": 85, "Christian": 15}, "arab_afghan"),
    ("REFU", 1, {"Prefer not to say": 100}, "british"),
    ("NOBT", 1, {"Prefer not to say": 100}, "european"),
)

# Postcode districts around Hillingdon: Hayes, Yeading, West Drayton, Uxbridge, Harefield,
# Hillingdon/Ickenham, Ruislip, Eastcote, Northwood.
POSTCODE_DISTRICTS = {"UB3": 16, "UB4": 14, "UB7": 10, "UB8": 14, "UB9": 4, "UB10": 10,
                      "HA4": 14, "HA5": 5, "HA6": 6, "UB5": 3, "UB6": 2}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters a postcode's last part can use
# Grown-ups who fill in the returns (contacts and DSLs are named in the data below).
ADULT_NAMES = (
    _words("Claire Joanne Michelle Sarah Nicola Amanda Rebecca Helen Kerry Lisa Sunita Bukola "
           "Farzana Agnieszka Paul Mark Darren Gareth Simon Richard Imran Rajesh Chinedu Marek"),
    _words("Harrison Doherty Patel Okoye Chambers Whitlock Hammond Sandhu Kowalczyk Bishop "
           "Nash Rahman Achebe Foster Reilly Gupta"),
)


# =====================================================================================
# Data: schools and providers (all invented)
# =====================================================================================
@dataclass(frozen=True)
class School:
    name: str
    urn: str
    estab: str  # 4-digit DfE establishment number (in UPNs it allocated)
    phase: str  # "primary" or "secondary"
    dsl: str
    completed_by: str


SCHOOLS = (
    School("Northwood High School", "138412", "4021", "secondary", "Helen Marsh", "Gary Pritchard"),
    School("St Brendan's Catholic High School", "102471", "4605", "secondary", "Teresa Doyle",
           "Teresa Doyle"),
    School("Hayes Bridge Academy", "141907", "4003", "secondary", "Marcus Grant", "Nadia Rahman"),
    School("Eastcote Grange School", "136255", "4019", "secondary", "Sarah Whitfield",
           "Priya Chauhan"),
    School("Ickenham Vale Academy", "145380", "4010", "secondary", "Daniel Osei", "Daniel Osei"),
    School("Yeading Brook School", "139964", "4027", "secondary", "Amrit Sandhu", "Claire Bennett"),
    School("Moorfield Community College", "102468", "4033", "secondary", "Paul Kaczmarek",
           "Joanne Fletcher"),
    School("Uxbridge Park Academy", "143118", "4040", "secondary", "Rachel Adeyemi", "Tom Harris"),
    School("Pinn Meadow Primary School", "102395", "2044", "primary", "Lucy Webb", "Lucy Webb"),
    School("Cowley Lane Primary School", "131782", "2107", "primary", "Imran Akhtar", "Sian Lloyd"),
)

LA_COMMISSIONERS = {
    "LA SEND": "Hillingdon SEND Service",
    "LA Virtual School": "Hillingdon Virtual School",
    "LA Exclusions and Reintegration": "Hillingdon Exclusions and Reintegration Team",
    "LA Medical Needs": "Hillingdon Medical Needs Team",
    "Parent": "Parent/carer (self-funded)",
}


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    registered: bool
    urn: str | None
    ofsted: str
    in_directory: bool
    pupils: int  # children on roll at some time this term
    nc_years: dict  # NC year -> weight
    offers: tuple  # (hours a week, days a week) a placement can have; repeated = more common
    commissioners: dict  # commissioner type -> weight
    contact: str
    domain: str
    joint_working: str


PROVIDERS = (
    Provider("AP-0001", "Meadowgate Academy", True, "147203", "Good", True, 28,
             {7: 1, 8: 2, 9: 3, 10: 4, 11: 4}, ((25, 5), (25, 5), (15, 3)),
             {"School": 60, "LA Exclusions and Reintegration": 30, "LA Virtual School": 5, "LA SEND": 5},
             "Karen Whitlock", "meadowgate.academy",
             "Half-termly reviews with every commissioning school; weekly surgery with the Youth "
             "Justice Service; CAMHS in-reach worker on site on Thursdays."),
    Provider("AP-0003", "Bright Futures Academy", True, "148756", "Outstanding", True, 24,
             {4: 1, 5: 2, 6: 2, 7: 2, 8: 3, 9: 3, 10: 3, 11: 2}, ((25, 5), (15, 3), (10, 2)),
             {"School": 75, "LA SEND": 10, "LA Virtual School": 5, "LA Exclusions and Reintegration": 10},
             "Olu Adebayo", "brightfuturesacademy.org.uk",
             "Joint planning with the Educational Psychology Service for pupils with EHC plans; "
             "family worker shared with the Early Help team."),
    Provider("AP-0004", "Riverside Independent School", True, "149022", "Good", True, 20,
             {7: 1, 8: 2, 9: 2, 10: 3, 11: 3, 12: 2, 13: 1}, ((27.5, 5), (25, 5)),
             {"LA SEND": 60, "School": 30, "LA Virtual School": 10},
             "Deborah Kwan", "riverside-independent.org.uk",
             "Annual reviews held jointly with SEND officers; speech and language therapy "
             "through the NHS trust; careers guidance for Years 10-13."),
    Provider("AP-0007", "Beacon Medical Education Centre", True, "150417", "Good", True, 14,
             {7: 1, 8: 2, 9: 2, 10: 3, 11: 3}, ((15, 3), (10, 2), (12.5, 5)),
             {"LA Medical Needs": 55, "School": 45},
             "Dr Anita Mistry", "beaconmedicaleducation.org.uk",
             "Weekly liaison with CAMHS and the hospital school; return-to-school meetings with "
             "home schools for every pupil."),
    Provider("AP-0009", "Gearshift Motor Vehicle Project", False, None, "Not inspected", True, 16,
             {10: 1, 11: 1}, ((12, 2), (6, 1), (12, 2)),
             {"School": 85, "LA Virtual School": 5, "LA Exclusions and Reintegration": 10},
             "Steve Barnes", "gearshiftproject.co.uk",
             "Work experience placements with two local garages; Youth Justice Service referrals."),
    Provider("AP-0010", "Frays Valley Forest School", False, None, "Not inspected", True, 12,
             {3: 1, 4: 2, 5: 3, 6: 3, 7: 2, 8: 1}, ((6, 1), (5, 1), (10, 2)),
             {"School": 92, "Parent": 8},
             "Hannah Cole", "fraysvalleyforestschool.org.uk",
             "Shared sessions with the Early Help team's family workers."),
    Provider("AP-0012", "Second Round Boxing and Mentoring CIC", False, None, "Not inspected", True,
             14, {8: 1, 9: 2, 10: 3, 11: 3}, ((6, 1), (10, 2), (12, 2)),
             {"School": 80, "LA Virtual School": 10, "Parent": 10},
             "Marlon Reid", "secondroundboxing.org.uk",
             "Mentoring linked with the Youth Justice Service and the Safer Neighbourhood team."),
    Provider("AP-0015", "Grand Union Construction Skills", False, None, "Not inspected", False, 11,
             {10: 1, 11: 1}, ((12, 2), (6, 1)),
             {"School": 80, "Parent": 20},
             "Gary Hoxha", "granduniongroup.co.uk", ""),
    Provider("AP-0018", "Studio 21 Music and Media", False, None, "Not inspected", False, 11,
             {8: 1, 9: 2, 10: 3, 11: 2}, ((10, 2), (6, 1), (12.5, 2.5)),
             {"School": 80, "LA Virtual School": 10, "LA Medical Needs": 10},
             "Jade Francis", "studio21music.org.uk",
             "Arts Award moderation with a neighbouring borough's music hub."),
)

PLACEMENT_REASONS = {
    "School": {"At risk of exclusion": 60, "Suspension": 8, "Medical or mental health": 10, "Other": 22},
    "LA SEND": {"EHCP interim": 60, "EOTAS": 25, "Other": 15},
    "LA Virtual School": {"At risk of exclusion": 40, "Other": 60},
    "LA Exclusions and Reintegration": {"Permanent exclusion": 100},
    "LA Medical Needs": {"Medical or mental health": 100},
    "Parent": {"Other": 100},
}
DESTINATIONS = {"Returned to home school": 45, "New mainstream school": 15, "Special school": 10,
                "Another AP": 12, "Unknown": 3}
POST16_DESTINATIONS = {"Further education": 50, "Apprenticeship or training": 25, "Employment": 5,
                       "NEET": 15, "Unknown": 5}
SEXUAL_ORIENTATIONS = {"Heterosexual": 62, "Prefer not to say": 18, "Not asked": 10, "Bisexual": 6,
                       "Gay or lesbian": 4}
BARRIERS = (
    "Anxiety about returning to a large school site.",
    "Reading age around three years below chronological age.",
    "Irregular attendance linked to caring for a younger sibling.",
    "Family moved to temporary accommodation out of borough; long journey.",
    "Conflict with peers outside the provision (police involved).",
    "Undiagnosed needs: referral for an ADHD assessment made.",
    "Sleep problems; often arrives late.",
)
IMPACTS = (
    "Attendance up from about 60% to over 80% since half term.",
    "Working at Entry Level 3 in English and maths; on track for Level 1 by summer.",
    "Fewer behaviour incidents after the move to a smaller group.",
    "Taking part in two lessons a week back at the home school.",
    "Mentor sessions weekly; pupil now engages with the key worker.",
    "Travel training completed: now travels independently.",
)
ACHIEVEMENTS = (
    "Functional Skills English Entry 3 passed.",
    "Arts Award Discover completed.",
    "AQA Unit Award: health and safety in the workshop.",
    "Full attendance in November.",
    "CSCS card training started.",
    "Back in two lessons a week at school.",
    "Reading age up by 18 months.",
)
PUPIL_VIEWS = (
    "I like that the groups are small and staff listen.",
    "I want to go back to school for my GCSEs.",
    "Better than school but the bus takes ages.",
    "I'd come every day if I could.",
    "The practical stuff is good, the English is boring.",
    "Staff help me calm down when I'm stressed.",
)
COMPLAINT_TOPICS = (
    ("Communication with parents", ("Upheld in part: weekly phone call home agreed with the parent.",
                                    "Resolved: parent now gets a text each afternoon.")),
    ("Transport", ("Resolved: taxi pick-up time moved to 8:15.", "Referred to the council's transport team.")),
    ("Behaviour management", ("Not upheld: behaviour policy explained; parent satisfied.",)),
    ("Staff conduct", ("Investigated under the complaints policy; not upheld.",)),
)
COMPLIMENT_TOPICS = (
    ("Staff support", "Shared with the staff team."),
    ("Pupil progress", "Passed on to the key worker."),
    ("Communication", "Shared at the staff briefing."),
    ("Activities", "Shared with the session leaders."),
)


# =====================================================================================
# Data: the children the mistakes and gaps are planted on
# =====================================================================================
# Each entry forces what the planted mistake needs (e.g. an EHC plan for " e ") and tags the
# child so the mistake can be placed on their row later. "school" names the commissioning
# school. Anything not forced is drawn at random like every other child.
SPECIAL_CHILDREN = {
    "AP-0001": (
        # no events to notify: a notification would repeat the UPN (R041 or R010 again)
        {"tag": "bad-upn", "commissioner": "LA Exclusions and Reintegration", "quiet": True,
         "ended": False, "attendance": 0.91},
        {"tag": "no-ethnicity"},
        {"tag": "bad-postcode", "postcode_district": "UB10", "postcode_digit": 0},
        {"tag": "no-reintegration-plan", "commissioner": "School",
         "school": "St Brendan's Catholic High School"},
    ),
    "AP-0003": (
        {"tag": "text-date", "start_in_term": True},
        {"tag": "no-send-officer", "commissioner": "School", "school": "Hayes Bridge Academy",
         "sen": "E"},
        {"tag": "missing-from-return", "commissioner": "School", "school": "Uxbridge Park Academy",
         "late_start": True, "on_return": False},
    ),
    "AP-0004": (
        {"tag": "late-council-notice", "suspensions": 1, "commissioner": "School",
         "school": "Moorfield Community College"},
        {"tag": "missing-from-log", "commissioner": "School", "school": "Yeading Brook School",
         "on_school_log": False},
    ),
    "AP-0007": (
        {"tag": "spaced-sen", "sen": "E"},
    ),
    "AP-0009": (
        {"tag": "no-destination", "ended": True},
        {"tag": "attendance-differs", "commissioner": "School", "school": "Ickenham Vale Academy",
         "attendance": 0.64},
        {"tag": "move-1", "ended": True, "destination": "Another AP", "early_end": True,
         "commissioner": "School"},
    ),
    "AP-0010": (
        {"tag": "lower-case-postcode"},
    ),
    "AP-0012": (
        {"tag": "wrong-code"},
        {"tag": "move-2", "ended": True, "destination": "Another AP", "early_end": True,
         "commissioner": "School"},
    ),
    "AP-0015": (
        {"tag": "22-hours", "commissioner": "Parent", "sen": "N", "looked_after": "N",
         "nc_year": 10, "hours": (22, 4.5)},
    ),
    "AP-0018": (
        {"tag": "late-parent-notice", "incidents": 7},
        {"tag": "yes-for-looked-after", "looked_after": "Y"},
        {"tag": "no-risk-assessment", "commissioner": "School", "school": "Eastcote Grange School"},
    ),
}
# Children who left one provider for another during the term (destination "Another AP").
MOVES = {"move-1": "AP-0001", "move-2": "AP-0003"}


# =====================================================================================
# What the demo is made of
# =====================================================================================
class Planted(NamedTuple):
    """A value planted on purpose: where it is, and the rule that must report it (None: none)."""

    file: str  # path inside the demo folder
    sheet: str
    row: int  # Excel row
    column: str  # column header
    code: str | None
    value: object
    note: str


class Gap(NamedTuple):
    """A difference between provider returns and school logs the reconciliation should show."""

    code: str  # X001, X002, X004
    upn: str
    provider_id: str
    school: str
    note: str


@dataclass
class Child:
    tag: str | None
    upn: str
    surname: str
    forename: str
    born: date
    sex: str
    ethnicity: str
    religion: str
    sexual_orientation: str | None
    postcode: str
    nc_year: int
    sen: str
    looked_after: str
    commissioner: str
    school: School | None


@dataclass
class Placement:
    child: Child
    provider: Provider
    reason: str
    tier: int | None
    start: date
    planned_end: date
    end: date | None
    destination: str | None
    hours: float
    days: float
    sessions_possible: int
    sessions_attended: int
    sessions_authorised: int
    engagement: int
    progress_outcomes: int
    progress_learning: int
    quals_entered: int
    quals_achieved: int
    suspensions: int
    safeguarding: int
    incidents: int
    reintegration_plan: str
    on_return: bool = True
    on_school_log: bool = True
    extras: dict = field(default_factory=dict)  # satisfaction, barriers, impact

    @property
    def attendance(self) -> float:
        return self.sessions_attended / self.sessions_possible if self.sessions_possible else 0.0


@dataclass
class WorkbookPlan:
    """One file to write: where, which kind, and the records for the template builder."""

    path: str
    kind: str
    records: dict


@dataclass
class Demo:
    term: Term
    workbooks: list[WorkbookPlan]
    placements: list[Placement]
    mistakes: list[Planted]
    quirks: list[Planted]
    gaps: list[Gap]


# =====================================================================================
# Small helpers
# =====================================================================================
def _pick(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _in_holiday(day: date) -> bool:
    return any(first <= (day.month, day.day) <= last for first, last in HOLIDAYS)


def _school_day(rng: random.Random, lo: date, hi: date) -> date:
    """A random school day from lo to hi (a weekday if all are in holidays; lo if none)."""
    days = [lo + timedelta(n) for n in range((hi - lo).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5]
    open_days = [d for d in weekdays if not _in_holiday(d)]
    return rng.choice(open_days or weekdays) if weekdays else lo


def _next_weekday(day: date, n: int = 1) -> date:
    """The n-th working day after day."""
    while n:
        day += timedelta(1)
        n -= day.weekday() < 5
    return day


def _adult_name(rng: random.Random) -> str:
    forenames, surnames = ADULT_NAMES
    return f"{rng.choice(forenames)} {rng.choice(surnames)}"


def _email(name: str, domain: str) -> str:
    first, *rest = name.replace("Dr ", "").split()
    return f"{first[0].lower()}.{''.join(c for c in rest[-1].lower() if c.isalpha())}@{domain}"


def term_file_label(term: Term) -> str:
    """'2024/25 Autumn' as it can appear in a file name: '2024-25 Autumn'."""
    return f"{term.academic_year.replace('/', '-')} {term.term}"


def provider_file(provider: Provider, term: Term) -> str:
    return f"providers/{provider.id} {provider.name} - {term_file_label(term)}.xlsm"


def school_file(school: School, term: Term) -> str:
    return f"schools/{school.name} - {term_file_label(term)}.xlsm"


# =====================================================================================
# One child
# =====================================================================================
class _Maker:
    """Draws children and placements for one term from one random stream."""

    def __init__(self, term: Term, seed: int):
        self.term = term
        self.rng = random.Random(seed)
        self.upns: set[str] = set()
        self.names: set[tuple[str, str]] = set()

    # -- identity --
    def upn(self, school_estab: str, reception_year: int) -> str:
        """LA number + school + year allocated + serial, with its DfE check letter."""
        while True:
            body = f"{LA_NUMBER}{school_estab}{reception_year % 100:02d}{self.rng.randrange(1, 999):03d}"
            upn = upn_check_letter("A" + body) + body
            if upn not in self.upns:
                self.upns.add(upn)
                return upn

    def born(self, nc_year: int) -> date:
        """A birthday that puts the child in nc_year (1 September cut-off)."""
        first = date(self.term.start_year - nc_year - 5, 9, 1)
        return first + timedelta(self.rng.randrange(365))

    def postcode(self, district: str | None = None, digit: int | None = None) -> str:
        district = district or _pick(self.rng, POSTCODE_DISTRICTS)
        letters = "".join(self.rng.choice(INWARD_LETTERS) for _ in range(2))
        return f"{district} {self.rng.randrange(10) if digit is None else digit}{letters}"

    def name(self, heritage: str, sex: str) -> tuple[str, str]:
        boys, girls, surnames = NAMES[heritage]
        while True:
            pool = boys if sex == "M" else girls if sex == "F" else boys + girls
            forename, surname = self.rng.choice(pool), self.rng.choice(surnames)
            if (forename, surname) not in self.names:
                self.names.add((forename, surname))
                return forename, surname

    def child(self, provider: Provider, force: dict) -> Child:
        rng = self.rng
        nc = force.get("nc_year") or _pick(rng, provider.nc_years)
        if force.get("school") and not 7 <= nc <= 11:  # placed by a named secondary school
            nc = rng.choice([y for y in provider.nc_years if 7 <= y <= 11])
        commissioner = force.get("commissioner") or ("LA SEND" if nc >= 12 else _pick(rng, provider.commissioners))
        school = None
        if commissioner == "School":
            phase = "primary" if nc <= 6 else "secondary"
            named = force.get("school")
            school = next(s for s in SCHOOLS if s.name == named) if named else \
                rng.choice([s for s in SCHOOLS if s.phase == phase])
        sen = force.get("sen") or ("E" if commissioner == "LA SEND" or nc >= 12 else
                                   _pick(rng, {"E": 15, "K": 42, "N": 43}))
        looked_after = force.get("looked_after") or (
            "Y" if commissioner == "LA Virtual School" else "Y" if rng.random() < 0.06 else "N")
        code, _, religions, heritage = rng.choices(ETHNICITY_MIX, [e[1] for e in ETHNICITY_MIX])[0]
        religion = _pick(rng, religions)
        if isinstance(heritage, dict):
            heritage = heritage[religion]
        sex = _pick(rng, {"M": 70, "F": 29, "U": 1})
        forename, surname = self.name(heritage, sex)
        born = self.born(nc)
        home = school or rng.choice(SCHOOLS)  # the school that allocated the UPN
        upn = self.upn(home.estab, self.term.start_year - nc)
        orientation = _pick(rng, SEXUAL_ORIENTATIONS) if age_on(born, self.term.start) >= 16 else None
        postcode = self.postcode(force.get("postcode_district"), force.get("postcode_digit"))
        return Child(force.get("tag"), upn, surname, forename, born, sex, code, religion, orientation,
                     postcode, nc, sen, looked_after, commissioner, school)

    # -- one placement of a child with a provider --
    def dates(self, force: dict, after: date | None) -> tuple[date, date, date | None]:
        """(start, planned end, end) for a placement open at some time in the term."""
        rng, term = self.rng, self.term
        year_end = date(term.start_year + 1, 7, 18)
        if after is not None:  # moved on from another provider
            start = _school_day(rng, after + timedelta(5), after + timedelta(16))
        elif force.get("late_start"):
            start = _school_day(rng, term.end - timedelta(28), term.end - timedelta(22))
        elif force.get("start_in_term") or rng.random() < 0.6:
            start = _school_day(rng, term.start + timedelta(2), term.end - timedelta(35))
        else:
            start = _school_day(rng, term.start - timedelta(330), term.start - timedelta(45))
        ended = force.get("ended", after is None and rng.random() < 0.13)
        if not ended:
            planned = rng.choice([year_end, _school_day(rng, term.end + timedelta(60), term.end + timedelta(100))])
            return start, max(planned, start + timedelta(42)), None
        latest = term.end - timedelta(45 if force.get("early_end") else 14)
        end = _school_day(rng, max(start + timedelta(28), term.start + timedelta(10)), latest)
        if end > latest or end < start:  # started too late to have ended: start earlier
            end = _school_day(rng, term.start + timedelta(10), latest)
            start = _school_day(rng, end - timedelta(200), end - timedelta(28))
        planned = end if rng.random() < 0.5 else _school_day(rng, end + timedelta(14), end + timedelta(90))
        return start, planned, end

    def destination(self, child: Child, force: dict) -> str:
        if force.get("destination"):
            return force["destination"]
        if child.nc_year >= 12:
            return _pick(self.rng, POST16_DESTINATIONS)
        return _pick(self.rng, DESTINATIONS)

    def sessions(self, start: date, end: date | None, days: float, force: dict) -> tuple[int, int, int]:
        """(possible, attended, authorised absence) for the part of the term in placement."""
        term = self.term
        first, last = max(start, term.start), min(end or term.end, term.end)
        share = max((last - first).days, 7) / (term.end - term.start).days
        possible = max(2, round(TEACHING_WEEKS[term.term] * share * days * 2))
        rate = force.get("attendance") or self.rng.triangular(0.58, 0.97, 0.87)
        attended = round(possible * rate)
        authorised = round((possible - attended) * self.rng.uniform(0.2, 0.6))
        return possible, attended, authorised

    def placement(self, child: Child, provider: Provider, force: dict, after: date | None = None) -> Placement:
        rng = self.rng
        reason = force.get("reason") or _pick(rng, PLACEMENT_REASONS[child.commissioner])
        if child.sen == "E" and child.commissioner == "School" and rng.random() < 0.3:
            reason = "EHCP interim"
        tier = None if rng.random() < 0.1 else (2 if reason in ("At risk of exclusion", "Suspension") else 3)
        start, planned_end, end = self.dates(force, after)
        destination = self.destination(child, force) if end else None
        if "hours" in force:
            hours, days = force["hours"]
        else:
            offers = [o for o in provider.offers if o[0] <= 12.5] if child.nc_year <= 6 else []
            hours, days = rng.choice(offers or list(provider.offers))
        possible, attended, authorised = self.sessions(start, end, days, force)
        rate = attended / possible
        engagement = max(1, min(4, (4 if rate >= 0.9 else 3 if rate >= 0.8 else 2 if rate >= 0.68 else 1)
                                + rng.choice((-1, 0, 0, 0, 1))))
        outcomes = max(1, min(4, engagement + rng.choice((-1, 0, 0, 1))))
        learning = max(1, min(4, outcomes + rng.choice((-1, 0, 0))))
        entered = rng.choice((0, 1, 1, 2, 3)) if child.nc_year >= 10 else 0
        quiet = force.get("quiet")  # no events to notify (suspensions, serious incidents ...)
        suspensions = force.get("suspensions", 0 if quiet else rng.choices((0, 1, 2), (86, 11, 3))[0])
        incidents = force.get("incidents", rng.choices(range(9), (30, 20, 15, 10, 8, 6, 5, 3, 3))[0])
        incidents = min(incidents, 5) if quiet else incidents
        safeguarding = 0 if quiet else rng.choices((0, 1, 2), (88, 10, 2))[0]
        # Post-16 pupils placed by the council often move on to college, not back to school.
        plan = "N" if child.tag == "no-reintegration-plan" or (
            child.nc_year >= 12 and child.commissioner != "School" and rng.random() < 0.5) else "Y"
        extras = {
            "pupil_satisfaction": rng.choice((None, 3, 4, 4, 5, 5, 2)),
            "parent_satisfaction": rng.choice((None, None, 3, 4, 5, 5)),
            "barriers": rng.choice(BARRIERS) if rng.random() < 0.45 else None,
            "impact": rng.choice(IMPACTS) if rng.random() < 0.5 else None,
        }
        return Placement(child, provider, reason, tier, start, planned_end, end, destination, hours, days,
                         possible, attended, authorised, engagement, outcomes, learning, entered,
                         min(entered, rng.choice((0, 0, 0, 1))), suspensions, safeguarding, incidents, plan,
                         on_return=force.get("on_return", True),
                         on_school_log=force.get("on_school_log", True), extras=extras)


# =====================================================================================
# One row of each sheet
# =====================================================================================
def pupil_record(p: Placement) -> dict:
    """A row of a provider's Pupils sheet."""
    c = p.child
    return {
        "upn": c.upn, "surname": c.surname, "forename": c.forename, "date_of_birth": c.born,
        "sex": c.sex, "ethnicity": c.ethnicity, "sexual_orientation": c.sexual_orientation,
        "religion": c.religion, "postcode": c.postcode, "nc_year": c.nc_year, "sen": c.sen,
        "looked_after": c.looked_after, "commissioner_type": c.commissioner,
        "commissioner_name": c.school.name if c.school else LA_COMMISSIONERS[c.commissioner],
        "commissioner_urn": c.school.urn if c.school else None,
        "placement_reason": p.reason, "tier": p.tier, "start_date": p.start,
        "planned_end_date": p.planned_end, "end_date": p.end, "hours_per_week": p.hours,
        "sessions_possible": p.sessions_possible, "sessions_attended": p.sessions_attended,
        "sessions_authorised": p.sessions_authorised, "engagement": p.engagement,
        "progress_outcomes": p.progress_outcomes, "progress_learning": p.progress_learning,
        "quals_entered": p.quals_entered, "quals_achieved": p.quals_achieved,
        "suspensions": p.suspensions, "safeguarding_concerns": p.safeguarding,
        "behaviour_incidents": p.incidents, **p.extras,
        "reintegration_plan": p.reintegration_plan, "destination": p.destination,
    }


def notification_records(rng: random.Random, term: Term, placements: list[Placement]) -> list[dict]:
    """The events a provider had to report this term, each reported on the same day."""
    events = []
    for p in placements:
        first = max(p.start, term.start)
        last = min(p.end or term.end - timedelta(10), term.end - timedelta(10))
        everyone = ("referrer_notified", "school_notified", "council_notified", "parents_notified")
        happened = []
        happened += [("Suspension", everyone)] * p.suspensions
        if p.attendance < 0.72:
            happened.append(("Non-attendance", ("referrer_notified", "school_notified", "parents_notified")))
        if p.incidents >= 6:
            happened.append(("Serious incident", ("referrer_notified", "school_notified", "parents_notified")))
        happened += [("Safeguarding concern", ("referrer_notified", "school_notified"))] * p.safeguarding
        used: set[date] = set()
        for event, told in happened:
            day = _school_day(rng, first, last)
            for _ in range(10):  # one event a day for a child
                if day not in used:
                    break
                day = _school_day(rng, first, last)
            used.add(day)
            events.append({"upn": p.child.upn, "event_type": event, "event_date": day,
                           **{who: day for who in told}})
        if p.end:
            events.append({"upn": p.child.upn, "event_type": "Placement ended", "event_date": p.end,
                           **{who: p.end for who in everyone}})
    return sorted(events, key=lambda e: (e["event_date"], e["upn"], e["event_type"]))


def complaint_records(rng: random.Random, term: Term) -> list[dict]:
    rows = []
    for _ in range(rng.choices((0, 1, 2, 3), (20, 35, 30, 15))[0]):
        received = _school_day(rng, term.start + timedelta(7), term.end - timedelta(12))
        if rng.random() < 0.6:
            category, outcome = rng.choice(COMPLIMENT_TOPICS)
            rows.append({"date_received": received, "kind": "Compliment", "category": category,
                         "date_resolved": None, "outcome": outcome})
        else:
            category, outcomes = rng.choice(COMPLAINT_TOPICS)
            still_open = rng.random() < 0.2
            rows.append({"date_received": received, "kind": "Complaint", "category": category,
                         "date_resolved": None if still_open else _next_weekday(received, rng.randint(2, 12)),
                         "outcome": None if still_open else rng.choice(outcomes)})
    return sorted(rows, key=lambda r: r["date_received"])


def provider_record(rng: random.Random, term: Term, provider: Provider) -> dict:
    """The Provider sheet."""
    completed = _school_day(rng, term.end + timedelta(4), term.end + timedelta(12))
    return {
        "provider_name": provider.name, "provider_id": provider.id,
        "academic_year": term.academic_year, "term": term.term,
        "registered_school": "Y" if provider.registered else "N", "dfe_urn": provider.urn,
        "ofsted_judgement": provider.ofsted,
        "ofsted_report_date": None if provider.ofsted == "Not inspected" else
        _school_day(rng, term.start - timedelta(1300), term.start - timedelta(150)),
        "in_directory": "Y" if provider.in_directory else "N",
        "last_qa_visit": _school_day(rng, term.end - timedelta(320), term.end - timedelta(40))
        if provider.in_directory else None,
        "all_staff_dbs": "Y",
        "cp_training_date": _school_day(rng, term.end - timedelta(800), term.end - timedelta(60)),
        "insurance_expiry": rng.choice((date(term.end.year + 1, 3, 31), date(term.end.year + 1, 7, 31),
                                        date(term.end.year + 1, 9, 30))),
        "new_sites": "Y" if rng.random() < 0.15 else "N",
        "joint_working": provider.joint_working or None,
        "contact_name": provider.contact, "contact_email": _email(provider.contact, provider.domain),
        "completed_by": provider.contact if rng.random() < 0.7 else _adult_name(rng),
        "date_completed": completed,
    }


def placement_record(rng: random.Random, term: Term, p: Placement) -> dict:
    """A row of the commissioning school's Placements sheet, as the school keeps it."""
    c, prov = p.child, p.provider
    due_since = term.end - timedelta(38)
    if p.end:
        visit = _school_day(rng, p.start, p.end)
    elif p.start + timedelta(3) > term.end - timedelta(12):
        visit = None  # started in the last weeks of term: not yet visited
    else:
        visit = _school_day(rng, max(p.start + timedelta(3), due_since), term.end - timedelta(12))
    attendance = min(1.0, max(0.0, p.attendance + rng.uniform(-0.03, 0.03)))
    if c.tag == "attendance-differs":
        attendance = p.attendance + 0.21  # the school copied a figure from before half term
    return {
        "upn": c.upn, "surname": c.surname, "forename": c.forename, "date_of_birth": c.born,
        "nc_year": c.nc_year, "sen": c.sen, "looked_after": c.looked_after,
        "provider_name": prov.name, "provider_id": prov.id,
        "provider_registered": "Y" if prov.registered else "N", "provider_urn": prov.urn,
        "placement_reason": p.reason, "start_date": p.start, "planned_end_date": p.planned_end,
        "end_date": p.end, "days_at_provider": p.days, "hours_at_provider": p.hours,
        "hours_at_school": 0 if p.hours >= 22 else FULL_WEEK_HOURS - p.hours,
        "sla_agreed": _school_day(rng, p.start - timedelta(25), p.start - timedelta(5)),
        "risk_assessment": _school_day(rng, p.start - timedelta(10), p.start - timedelta(1)),
        "qa_check": _school_day(rng, p.start - timedelta(45), p.start - timedelta(10)),
        "dbs_confirmed": "Y",
        "send_officer_consulted": _school_day(rng, p.start - timedelta(50), p.start - timedelta(14))
        if c.sen == "E" else None,
        "virtual_school_consulted": _school_day(rng, p.start - timedelta(30), p.start - timedelta(7))
        if c.looked_after == "Y" else None,
        "reintegration_plan": p.reintegration_plan,
        "planned_return_date": p.planned_end if p.tier == 2 and not p.end else None,
        "last_visit": visit,
        "attendance_pct": round(attendance, 3),
        "progress": p.progress_outcomes if rng.random() < 0.85 else None,
        "achievements": rng.choice(ACHIEVEMENTS) if rng.random() < 0.4 else None,
        "pupil_view": rng.choice(PUPIL_VIEWS) if rng.random() < 0.4 else None,
        "final_report_received": "Y" if p.end else None,
        "destination": p.destination,
    }


def school_record(rng: random.Random, term: Term, school: School) -> dict:
    return {
        "school_name": school.name, "school_urn": school.urn, "academic_year": term.academic_year,
        "term": term.term, "dsl": school.dsl, "completed_by": school.completed_by,
        "date_completed": _school_day(rng, term.end + timedelta(5), term.end + timedelta(14)),
    }


# =====================================================================================
# Planting: change one value and record where it went
# =====================================================================================
class _Planter:
    def __init__(self, plans: dict[str, WorkbookPlan]):
        self.plans = plans
        self.mistakes: list[Planted] = []
        self.quirks: list[Planted] = []

    def row_of(self, file: str, sheet: str, match) -> int:
        """Index of the first row on a table sheet for which match(record) is true."""
        return next(i for i, r in enumerate(self.plans[file].records[sheet]) if match(r))

    def put(self, file: str, sheet: str, key: str, value, code: str | None, note: str,
            row_index: int | None = None) -> None:
        plan = self.plans[file]
        spec = KINDS[plan.kind].sheet(sheet)
        if spec.layout is Layout.FORM:
            plan.records[sheet][key] = value
            row = FIRST_FORM_ROW + [c.key for c in spec.data_columns].index(key)
        else:
            plan.records[sheet][row_index][key] = value
            row = FIRST_TABLE_ROW + row_index
        found = Planted(file, sheet, row, spec.column(key).header, code, value, note)
        (self.mistakes if code else self.quirks).append(found)

    def on_child(self, file: str, sheet: str, upn: str, key: str, value, code: str | None, note: str):
        self.put(file, sheet, key, value, code, note, self.row_of(file, sheet, lambda r: r["upn"] == upn))


def _transposed_upn(upn: str) -> str:
    """The UPN with two neighbouring different digits swapped: a typing slip the check letter catches."""
    for i in range(5, 12):
        if upn[i] != upn[i + 1]:
            return upn[:i] + upn[i + 1] + upn[i] + upn[i + 2:]
    raise ValueError(upn)


def _plant(planter: _Planter, term: Term, tagged: dict[str, Placement]) -> None:
    """The mistakes users really make, and values typed oddly that are fine."""
    def pfile(pid):
        return provider_file(next(p for p in PROVIDERS if p.id == pid), term)

    def sfile(tag):
        return school_file(tagged[tag].child.school, term)

    def upn(tag):
        return tagged[tag].child.upn

    # Meadowgate: rejected (R010, R003, R012).
    f = pfile("AP-0001")
    planter.on_child(f, "Pupils", upn("bad-upn"), "upn", _transposed_upn(upn("bad-upn")), "R010",
                     "two digits of the UPN swapped, so the check letter is wrong")
    planter.on_child(f, "Pupils", upn("no-ethnicity"), "ethnicity", None, "R003", "ethnicity left blank")
    pc = tagged["bad-postcode"].child.postcode  # e.g. UB10 0HJ typed with a letter O
    planter.on_child(f, "Pupils", upn("bad-postcode"), "postcode", pc[:-3] + "O" + pc[-2:], "R012",
                     "letter O typed for the zero in the postcode")
    # Second Round Boxing: rejected (R001, R002).
    f = pfile("AP-0012")
    planter.put(f, "Provider", "cp_training_date", f"31/02/{term.start_year}", "R001",
                "a date that does not exist")
    planter.on_child(f, "Pupils", upn("wrong-code"), "placement_reason", "Behaviour", "R002",
                     "free text instead of a placement reason from the list")
    # Grand Union Construction: rejected (R030), unregistered and 22 hours a week.
    planter.on_child(pfile("AP-0015"), "Pupils", upn("22-hours"), "hours_per_week", 22, "R030",
                     "unregistered provider timetabling 22 hours a week")
    # Accepted returns with queries: a late notification (R040), no destination (R042).
    f = pfile("AP-0004")
    i = planter.row_of(f, "Notifications",
                       lambda r: r["upn"] == upn("late-council-notice") and r["event_type"] == "Suspension")
    told = _next_weekday(planter.plans[f].records["Notifications"][i]["event_date"], 2)
    planter.put(f, "Notifications", "council_notified", told, "R040",
                "council told of a suspension two working days late", i)
    f = pfile("AP-0018")
    i = planter.row_of(f, "Notifications",
                       lambda r: r["upn"] == upn("late-parent-notice") and r["event_type"] == "Serious incident")
    told = _next_weekday(planter.plans[f].records["Notifications"][i]["event_date"], 1)
    planter.put(f, "Notifications", "parents_notified", told, "R040",
                "parents told of a serious incident the next day", i)
    planter.on_child(pfile("AP-0009"), "Pupils", upn("no-destination"), "destination", None, "R042",
                     "placement ended, destination not recorded")
    # Values typed oddly that the checker accepts.
    start = tagged["text-date"].start
    planter.on_child(pfile("AP-0003"), "Pupils", upn("text-date"), "start_date", start.strftime("%d/%m/%Y"),
                     None, "start date typed as text, UK order")
    planter.on_child(pfile("AP-0007"), "Pupils", upn("spaced-sen"), "sen", " e ", None,
                     "SEN code in lower case with stray spaces")
    pc = tagged["lower-case-postcode"].child.postcode
    planter.on_child(pfile("AP-0010"), "Pupils", upn("lower-case-postcode"), "postcode",
                     pc.replace(" ", "").lower(), None, "postcode in lower case without its space")
    planter.on_child(pfile("AP-0018"), "Pupils", upn("yes-for-looked-after"), "looked_after", "Yes", None,
                     "'Yes' typed for Y")
    # School logs: two rejected (R050, R052), one accepted with a query (R053).
    planter.on_child(sfile("no-send-officer"), "Placements", upn("no-send-officer"),
                     "send_officer_consulted", None, "R050", "EHC plan pupil, SEND officer not consulted")
    planter.on_child(sfile("no-risk-assessment"), "Placements", upn("no-risk-assessment"),
                     "risk_assessment", None, "R052", "no risk assessment date")
    planter.on_child(sfile("no-reintegration-plan"), "Placements", upn("no-reintegration-plan"),
                     "reintegration_plan", "N", "R053", "no reintegration plan")


# =====================================================================================
# A term of returns
# =====================================================================================
def _term(term) -> Term:
    parsed = term if isinstance(term, Term) else Term.parse(term)
    if parsed is None:
        raise ValueError(f"not a term: {term!r} (expected e.g. '2024/25 Autumn')")
    return parsed


def _provider(pid: str) -> Provider:
    return next(p for p in PROVIDERS if p.id == pid)


def _placements(maker: _Maker) -> tuple[list[Placement], dict[str, Placement]]:
    """Every placement of the term, and the planted children's placements by tag."""
    placements: list[Placement] = []
    tagged: dict[str, Placement] = {}
    for provider in PROVIDERS:
        specials = SPECIAL_CHILDREN.get(provider.id, ())
        on_roll = sum(1 for force in specials if force.get("on_return", True))
        for force in list(specials) + [{}] * (provider.pupils - on_roll):
            p = maker.placement(maker.child(provider, force), provider, force)
            placements.append(p)
            if force.get("tag"):
                tagged[force["tag"]] = p
    for tag, to in MOVES.items():  # the same child, placed with the next provider
        before = tagged[tag]
        placements.append(maker.placement(before.child, _provider(to), {"reason": before.reason},
                                          after=before.end))
    return placements, tagged


def plan_demo(term=DEFAULT_TERM, seed: int = DEFAULT_SEED, earlier: tuple[Demo, ...] = ()) -> Demo:
    """Everything the demo writes, in memory: the workbooks' records, the planted values, the gaps.
    `earlier`: the demo's earlier terms of a year (`plan_year`), whose children carry on."""
    term = _term(term)
    maker = _Maker(term, seed)
    rng = maker.rng
    for before in earlier:  # no child of an earlier term is drawn again as someone new
        maker.upns.update(p.child.upn for p in before.placements)
        maker.names.update((p.child.forename, p.child.surname) for p in before.placements)
    placements, tagged = _placements(maker)
    if earlier:
        _carry_on(maker, placements, earlier)
    plans: dict[str, WorkbookPlan] = {}
    for provider in PROVIDERS:
        rows = sorted((p for p in placements if p.provider is provider and p.on_return),
                      key=lambda p: (p.child.surname, p.child.forename))
        path = provider_file(provider, term)
        plans[path] = WorkbookPlan(path, "provider-return", {
            "Provider": provider_record(rng, term, provider),
            "Pupils": [pupil_record(p) for p in rows],
            "Notifications": notification_records(rng, term, rows),
            "Complaints": complaint_records(rng, term),
        })
    for school in SCHOOLS:
        rows = sorted((p for p in placements if p.child.school is school and p.on_school_log),
                      key=lambda p: (p.start, p.child.surname, p.child.forename))
        path = school_file(school, term)
        plans[path] = WorkbookPlan(path, "school-log", {
            "School": school_record(rng, term, school),
            "Placements": [placement_record(rng, term, p) for p in rows],
        })
    planter = _Planter(plans)
    _plant(planter, term, tagged)
    gaps = [
        _gap("X001", tagged["missing-from-log"],
             "placed by a school that left the placement off its log"),
        _gap("X002", tagged["missing-from-return"],
             "a placement that started late in term and is not yet on the provider's return"),
        _gap("X004", tagged["attendance-differs"],
             "the school's log shows about 21 points more attendance than the provider's sessions"),
    ]
    return Demo(term, list(plans.values()), placements, planter.mistakes, planter.quirks, gaps)


def _carry_on(maker: _Maker, placements: list[Placement], earlier: tuple[Demo, ...]) -> None:
    """Children of the earlier terms in this term: each placement still open at the end of the
    last term carries on at the same provider from the same start date (it may end now), and
    two children who went back to school in an earlier term come back into AP at a new provider.
    Each takes the place of a newly drawn placement at that provider, so returns keep their size."""
    term = maker.term
    spare = [p for p in placements if p.child.tag is None and p.on_return and p.on_school_log]
    last = earlier[-1]
    carried = [p for p in last.placements
               if p.end is None and p.child.tag is None and p.on_return and p.on_school_log]
    back = [p for demo in earlier for p in demo.placements
            if p.end is not None and p.destination in ("Returned to home school", "New mainstream school")
            and p.child.tag is None]
    for before in carried:
        place = next((p for p in spare if p.provider is before.provider), None)
        if place is None:
            continue
        spare.remove(place)
        now = maker.placement(_grown(maker, before.child), before.provider, {"reason": before.reason})
        start = before.start
        possible, attended, authorised = maker.sessions(start, now.end, before.days, {})
        placements[placements.index(place)] = replace(
            now, start=start, planned_end=max(now.planned_end, before.planned_end, start + timedelta(42)),
            hours=before.hours, days=before.days, tier=before.tier, sessions_possible=possible,
            sessions_attended=attended, sessions_authorised=authorised)
    here = {p.child.upn for p in placements}
    returning = 0
    for before in back:
        if before.child.upn in here or returning == 2:  # already back (or still placed), or two are
            continue
        here.add(before.child.upn)
        returning += 1
        place = next((p for p in reversed(spare) if p.provider is not before.provider), None)
        if place is None:
            continue
        spare.remove(place)
        placements[placements.index(place)] = maker.placement(_grown(maker, before.child), place.provider, {},
                                                              after=max(before.end, term.start))


def _grown(maker: _Maker, child: Child) -> Child:
    """The child this term: asked their sexual orientation once they are 16."""
    if child.sexual_orientation is None and age_on(child.born, maker.term.start) >= 16:
        return replace(child, sexual_orientation=_pick(maker.rng, SEXUAL_ORIENTATIONS))
    return child


def plan_year(first_term=DEFAULT_TERM, terms: int = 3, seed: int = DEFAULT_SEED) -> list[Demo]:
    """`terms` consecutive terms from `first_term` (3: a whole academic year), the children
    carrying on from term to term (`_carry_on`)."""
    term, demos = _term(first_term), []
    for i in range(terms):
        demos.append(plan_demo(term, seed + i, tuple(demos)))
        names = list(TERM_ORDER)
        nxt = names.index(term.term) + 1
        term = Term(term.start_year + nxt // 3, names[nxt % 3])
    return demos


def write_year(directory, first_term=DEFAULT_TERM, terms: int = 3, seed: int = DEFAULT_SEED) -> dict[Term, list[Path]]:
    """Each term of `plan_year` into its own folder, `directory/2024-25 Autumn/...`, ready to
    load term by term into the register database."""
    from .templates import build_workbook

    written = {}
    for demo in plan_year(first_term, terms, seed):
        folder = Path(directory) / term_file_label(demo.term)
        written[demo.term] = []
        for plan in demo.workbooks:
            path = folder / plan.path
            path.parent.mkdir(parents=True, exist_ok=True)
            written[demo.term].append(build_workbook(plan.kind, path, plan.records))
    return written


def _gap(code: str, p: Placement, note: str) -> Gap:
    return Gap(code, p.child.upn, p.provider.id, p.child.school.name, note)


def write_demo(directory, term=DEFAULT_TERM, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the term's provider returns and school logs under `directory`; return their paths."""
    from .templates import build_workbook

    directory = Path(directory)
    written = []
    for plan in plan_demo(term, seed).workbooks:
        path = directory / plan.path
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(build_workbook(plan.kind, path, plan.records))
    return written


_DEFAULT = plan_demo()
# What the default demo (2024/25 Autumn, seed 2024) plants; `plan_demo(term, seed)` gives
# the same for any other term or seed (the same mistakes, on the rows the seed puts them).
PLANTED_MISTAKES: tuple[Planted, ...] = tuple(_DEFAULT.mistakes)
PLANTED_QUIRKS: tuple[Planted, ...] = tuple(_DEFAULT.quirks)
PLANTED_GAPS: tuple[Gap, ...] = tuple(_DEFAULT.gaps)
del _DEFAULT
