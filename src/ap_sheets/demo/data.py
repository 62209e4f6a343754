"""The demo's invented data: names, ethnicity mix, postcodes, schools, providers, the
children the mistakes and gaps are planted on, and the term's calendar."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_TERM = "2024/25 Autumn"
DEFAULT_SEED = 2024
# As templates.py lays the sheets out: table headers in row 1, form items from row 2.
FIRST_TABLE_ROW = 2
FIRST_FORM_ROW = 2
LA_NUMBER = "312"  # the DfE number of the council whose returns these are (Hillingdon)
TEACHING_WEEKS = {"Autumn": 14, "Spring": 11, "Summer": 13}  # school weeks in each term
FULL_WEEK_HOURS = 25  # a full-time school week
# School holidays, roughly, as (month, day) ranges: nothing happens at school in these.
HOLIDAYS = (
    ((7, 24), (9, 2)),
    ((10, 28), (11, 1)),
    ((12, 21), (12, 31)),
    ((1, 1), (1, 3)),
    ((2, 17), (2, 21)),
    ((3, 31), (4, 11)),
    ((5, 26), (5, 30)),
)


# =====================================================================================
# Data: names
# =====================================================================================
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Forenames (boys, girls) and surnames by heritage, so a child's name fits their ethnicity.
NAMES = {
    "british": (
        _words(
            "Jack Harry Charlie Alfie Tyler Kai Callum Liam Connor Mason Riley Jayden Kieran "
            "Reece Lewis Ethan Jake Louie Frankie Tommy Archie Logan Oscar Finley"
        ),
        _words(
            "Amelia Olivia Ellie Chloe Lacey Jessica Megan Holly Keira Summer Paige Millie "
            "Freya Poppy Skye Demi Lily Evie Ruby Macy"
        ),
        _words(
            "Smith Jones Taylor Brown Wilson Evans Walker Wright Robinson Thompson Hughes "
            "Edwards Green Hall Wood Harris Clarke Lewis Cooper King Baker Turner Hill Ward "
            "Morris Fletcher Marsh Dawson Barnes Pearce Webb Sutton Bennett Lloyd Price"
        ),
    ),
    "irish": (
        _words("Sean Cian Conor Darragh Oisin Ronan Patrick"),
        _words("Niamh Aoife Ciara Siobhan Roisin Erin"),
        ("Murphy", "Kelly", "O'Brien", "Byrne", "Doyle", "Ryan", "Quinn", "McDonagh", "O'Connor", "Ward"),
    ),
    "roma": (
        _words("Florin Marian Ionut Adrian Denis"),
        _words("Denisa Sorina Ramona Alina Roxana"),
        _words("Stoica Dumitru Lingurar Radu Balaz Horvath"),
    ),
    "european": (
        ("Jakub", "Kacper", "Filip", "Andrei", "Mihai", "Rafael", "Tiago", "Luka", "Ardit", "Matei", "Szymon"),
        ("Zofia", "Maja", "Alicja", "Ioana", "Bianca", "Beatriz", "Inês", "Elena", "Antonia", "Zoë"),
        (
            "Nowak",
            "Kowalski",
            "Wiśniewski",
            "Popescu",
            "Ionescu",
            "Silva",
            "Santos",
            "Ferreira",
            "Petrov",
            "Hoxha",
            "Kaczmarek",
            "Rossi",
        ),
    ),
    "caribbean": (
        _words("Tyrese Jermaine Kyrie Malachi Jaheim Reuben Isaiah Marcus Andre"),
        _words("Shanice Kiara Jada Aaliyah Tia Nia Imani Destiny"),
        _words("Campbell Williams Johnson Thomas Francis Grant Reid Henry Morgan Gayle Clarke"),
    ),
    "african": (
        _words("David Daniel Emmanuel Samuel Tobi Kwame Kofi Chidi Tunde Joshua Abdirahman"),
        _words("Grace Blessing Favour Precious Amara Adaeze Hodan Efua Zainab Ayan"),
        _words("Okafor Adeyemi Mensah Osei Boateng Nwosu Abdi Warsame Farah Okonkwo Adebayo Asante Mohamud"),
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
    (
        "AIND",
        8,
        {"Sikh": 45, "Hindu": 42, "Muslim": 8, "Christian": 5},
        {"Sikh": "sikh", "Hindu": "hindu", "Muslim": "muslim", "Christian": "hindu"},
    ),
    ("APKN", 6, {"Muslim": 97, "Prefer not to say": 3}, "muslim"),
    ("ABAN", 2, {"Muslim": 100}, "muslim"),
    (
        "AOTH",
        3,
        {"Hindu": 45, "Muslim": 35, "Christian": 20},
        {"Hindu": "tamil", "Muslim": "arab_afghan", "Christian": "tamil"},
    ),
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
POSTCODE_DISTRICTS = {
    "UB3": 16,
    "UB4": 14,
    "UB7": 10,
    "UB8": 14,
    "UB9": 4,
    "UB10": 10,
    "HA4": 14,
    "HA5": 5,
    "HA6": 6,
    "UB5": 3,
    "UB6": 2,
}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters a postcode's last part can use
# Grown-ups who fill in the returns (contacts and DSLs are named in the data below).
ADULT_NAMES = (
    _words(
        "Claire Joanne Michelle Sarah Nicola Amanda Rebecca Helen Kerry Lisa Sunita Bukola "
        "Farzana Agnieszka Paul Mark Darren Gareth Simon Richard Imran Rajesh Chinedu Marek"
    ),
    _words(
        "Harrison Doherty Patel Okoye Chambers Whitlock Hammond Sandhu Kowalczyk Bishop "
        "Nash Rahman Achebe Foster Reilly Gupta"
    ),
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
    School("St Brendan's Catholic High School", "102471", "4605", "secondary", "Teresa Doyle", "Teresa Doyle"),
    School("Hayes Bridge Academy", "141907", "4003", "secondary", "Marcus Grant", "Nadia Rahman"),
    School("Eastcote Grange School", "136255", "4019", "secondary", "Sarah Whitfield", "Priya Chauhan"),
    School("Ickenham Vale Academy", "145380", "4010", "secondary", "Daniel Osei", "Daniel Osei"),
    School("Yeading Brook School", "139964", "4027", "secondary", "Amrit Sandhu", "Claire Bennett"),
    School("Moorfield Community College", "102468", "4033", "secondary", "Paul Kaczmarek", "Joanne Fletcher"),
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
    # How a school's census (and its v2 placement log) names an unregistered provider: its
    # UKPRN if it has one, else its AP setting type (NFE, OOT, OTH, WBP).
    ukprn: str | None = None
    setting_type: str | None = None


PROVIDERS = (
    Provider(
        "AP-0001",
        "Meadowgate Academy",
        True,
        "147203",
        "Good",
        True,
        28,
        {7: 1, 8: 2, 9: 3, 10: 4, 11: 4},
        ((25, 5), (25, 5), (15, 3)),
        {"School": 60, "LA Exclusions and Reintegration": 30, "LA Virtual School": 5, "LA SEND": 5},
        "Karen Whitlock",
        "meadowgate.academy",
        "Half-termly reviews with every commissioning school; weekly surgery with the Youth "
        "Justice Service; CAMHS in-reach worker on site on Thursdays.",
    ),
    Provider(
        "AP-0003",
        "Bright Futures Academy",
        True,
        "148756",
        "Outstanding",
        True,
        24,
        {4: 1, 5: 2, 6: 2, 7: 2, 8: 3, 9: 3, 10: 3, 11: 2},
        ((25, 5), (15, 3), (10, 2)),
        {"School": 75, "LA SEND": 10, "LA Virtual School": 5, "LA Exclusions and Reintegration": 10},
        "Olu Adebayo",
        "brightfuturesacademy.org.uk",
        "Joint planning with the Educational Psychology Service for pupils with EHC plans; "
        "family worker shared with the Early Help team.",
    ),
    Provider(
        "AP-0004",
        "Riverside Independent School",
        True,
        "149022",
        "Good",
        True,
        20,
        {7: 1, 8: 2, 9: 2, 10: 3, 11: 3, 12: 2, 13: 1},
        ((27.5, 5), (25, 5)),
        {"LA SEND": 60, "School": 30, "LA Virtual School": 10},
        "Deborah Kwan",
        "riverside-independent.org.uk",
        "Annual reviews held jointly with SEND officers; speech and language therapy "
        "through the NHS trust; careers guidance for Years 10-13.",
    ),
    Provider(
        "AP-0007",
        "Beacon Medical Education Centre",
        True,
        "150417",
        "Good",
        True,
        14,
        {7: 1, 8: 2, 9: 2, 10: 3, 11: 3},
        ((15, 3), (10, 2), (12.5, 5)),
        {"LA Medical Needs": 55, "School": 45},
        "Dr Anita Mistry",
        "beaconmedicaleducation.org.uk",
        "Weekly liaison with CAMHS and the hospital school; return-to-school meetings with "
        "home schools for every pupil.",
    ),
    Provider(
        "AP-0009",
        "Gearshift Motor Vehicle Project",
        False,
        None,
        "Not inspected",
        True,
        16,
        {10: 1, 11: 1},
        ((12, 2), (6, 1), (12, 2)),
        {"School": 85, "LA Virtual School": 5, "LA Exclusions and Reintegration": 10},
        "Steve Barnes",
        "gearshiftproject.co.uk",
        "Work experience placements with two local garages; Youth Justice Service referrals.",
        setting_type="WBP",
    ),
    Provider(
        "AP-0010",
        "Frays Valley Forest School",
        False,
        None,
        "Not inspected",
        True,
        12,
        {3: 1, 4: 2, 5: 3, 6: 3, 7: 2, 8: 1},
        ((6, 1), (5, 1), (10, 2)),
        {"School": 92, "Parent": 8},
        "Hannah Cole",
        "fraysvalleyforestschool.org.uk",
        "Shared sessions with the Early Help team's family workers.",
        setting_type="OTH",
    ),
    Provider(
        "AP-0012",
        "Second Round Boxing and Mentoring CIC",
        False,
        None,
        "Not inspected",
        True,
        14,
        {8: 1, 9: 2, 10: 3, 11: 3},
        ((6, 1), (10, 2), (12, 2)),
        {"School": 80, "LA Virtual School": 10, "Parent": 10},
        "Marlon Reid",
        "secondroundboxing.org.uk",
        "Mentoring linked with the Youth Justice Service and the Safer Neighbourhood team.",
        setting_type="OTH",
    ),
    Provider(
        "AP-0015",
        "Grand Union Construction Skills",
        False,
        None,
        "Not inspected",
        False,
        11,
        {10: 1, 11: 1},
        ((12, 2), (6, 1)),
        {"School": 80, "Parent": 20},
        "Gary Hoxha",
        "granduniongroup.co.uk",
        "",
        ukprn="10047382",
    ),
    Provider(
        "AP-0018",
        "Studio 21 Music and Media",
        False,
        None,
        "Not inspected",
        False,
        11,
        {8: 1, 9: 2, 10: 3, 11: 2},
        ((10, 2), (6, 1), (12, 2.5)),
        {"School": 80, "LA Virtual School": 10, "LA Medical Needs": 10},
        "Jade Francis",
        "studio21music.org.uk",
        "Arts Award moderation with a neighbouring borough's music hub.",
        setting_type="OTH",
    ),
)

PLACEMENT_REASONS = {
    "School": {"At risk of exclusion": 60, "Suspension": 8, "Medical or mental health": 10, "Other": 22},
    "LA SEND": {"EHCP interim": 60, "EOTAS": 25, "Other": 15},
    "LA Virtual School": {"At risk of exclusion": 40, "Other": 60},
    "LA Exclusions and Reintegration": {"Permanent exclusion": 100},
    "LA Medical Needs": {"Medical or mental health": 100},
    "Parent": {"Other": 100},
}
DESTINATIONS = {
    "Returned to home school": 45,
    "New mainstream school": 15,
    "Special school": 10,
    "Another AP": 12,
    "Unknown": 3,
}
POST16_DESTINATIONS = {
    "Further education": 50,
    "Apprenticeship or training": 25,
    "Employment": 5,
    "NEET": 15,
    "Unknown": 5,
}
SEXUAL_ORIENTATIONS = {"Heterosexual": 62, "Prefer not to say": 18, "Not asked": 10, "Bisexual": 6, "Gay or lesbian": 4}
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
    (
        "Communication with parents",
        (
            "Upheld in part: weekly phone call home agreed with the parent.",
            "Resolved: parent now gets a text each afternoon.",
        ),
    ),
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
        {
            "tag": "bad-upn",
            "commissioner": "LA Exclusions and Reintegration",
            "quiet": True,
            "ended": False,
            "attendance": 0.91,
        },
        {"tag": "no-ethnicity"},
        {"tag": "bad-postcode", "postcode_district": "UB10", "postcode_digit": 0},
        {"tag": "no-reintegration-plan", "commissioner": "School", "school": "St Brendan's Catholic High School"},
    ),
    "AP-0003": (
        {"tag": "text-date", "start_in_term": True},
        {"tag": "no-send-officer", "commissioner": "School", "school": "Hayes Bridge Academy", "sen": "E"},
        {
            "tag": "missing-from-return",
            "commissioner": "School",
            "school": "Uxbridge Park Academy",
            "late_start": True,
            "on_return": False,
        },
    ),
    "AP-0004": (
        {
            "tag": "late-council-notice",
            "suspensions": 1,
            "commissioner": "School",
            "school": "Moorfield Community College",
        },
        {"tag": "missing-from-log", "commissioner": "School", "school": "Yeading Brook School", "on_school_log": False},
    ),
    "AP-0007": ({"tag": "spaced-sen", "sen": "E"},),
    "AP-0009": (
        {"tag": "no-destination", "ended": True},
        {"tag": "attendance-differs", "commissioner": "School", "school": "Ickenham Vale Academy", "attendance": 0.64},
        {"tag": "move-1", "ended": True, "destination": "Another AP", "early_end": True, "commissioner": "School"},
    ),
    "AP-0010": ({"tag": "lower-case-postcode"},),
    "AP-0012": (
        {"tag": "wrong-code"},
        {"tag": "move-2", "ended": True, "destination": "Another AP", "early_end": True, "commissioner": "School"},
    ),
    "AP-0015": (
        {
            "tag": "22-hours",
            "commissioner": "Parent",
            "sen": "N",
            "looked_after": "N",
            "nc_year": 10,
            "hours": (22, 4.5),
        },
    ),
    "AP-0018": (
        {"tag": "late-parent-notice", "incidents": 7},
        {"tag": "yes-for-looked-after", "looked_after": "Y"},
        {"tag": "no-risk-assessment", "commissioner": "School", "school": "Eastcote Grange School"},
    ),
}
# An unregistered setting that sends the council no return: five children of compulsory
# school age, each 20 hours a week (full time), placed by three schools, none more than two.
# Each school's log breaks R054 on its own rows; only X006, adding up every school's log,
# sees that the setting may be operating as an unregistered school.
UNREGISTERED_SETTING = Provider(
    "AP-0021",
    "Northgate Tuition Centre",
    False,
    None,
    "Not inspected",
    False,
    5,
    {8: 1, 9: 2, 10: 2},
    ((20, 4),),
    {"School": 100},
    "Faisal Qureshi",
    "northgatetuition.co.uk",
    "",
    setting_type="OTH",
)
UNREGISTERED_SETTING_PLACED_BY = (
    "Hayes Bridge Academy",
    "Hayes Bridge Academy",
    "Eastcote Grange School",
    "Eastcote Grange School",
    "Yeading Brook School",
)
# Children who left one provider for another during the term (destination "Another AP").
MOVES = {"move-1": "AP-0001", "move-2": "AP-0003"}
