"""Code lists from the data specification (DATA-SPEC.md, "Code lists").

Each list is a `CodeList`: the canonical codes exactly as the spec writes them, optional
labels shown in the workbook's dropdowns ("3 - Mostly"), and aliases that normalise to a
code (DfE extended ethnicity codes, "Reception" for NC year R). Matching ignores case and
stray spaces, as the spec's conventions require.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, eq=False)  # hashed by identity: each list is a module constant
class CodeList:
    name: str
    codes: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    numeric: bool = False  # codes are small whole numbers (ratings, tiers)

    def __reduce__(self):
        return (code_list_named, (self.name,))

    def dropdown(self) -> list[str]:
        """What the workbook's dropdown offers: code, or "code - label" where a label helps."""
        return [f"{c} - {self.labels[c]}" if c in self.labels else c for c in self.codes]

    def lookup(self) -> dict[str, str | int]:
        """Folded text -> canonical value (int for numeric lists)."""
        table: dict[str, str | int] = {}
        for code in self.codes:
            value: str | int = int(code) if self.numeric else code
            table[fold(code)] = value
            if code in self.labels:
                table[fold(f"{code} - {self.labels[code]}")] = value
                table[fold(self.labels[code])] = value
        for alias, code in self.aliases.items():
            table[fold(alias)] = int(code) if self.numeric else code
        return table


def fold(text: str) -> str:
    """Case- and space-insensitive key: ' gay  OR lesbian ' -> 'gay or lesbian'."""
    return " ".join(str(text).split()).casefold()


SEX = CodeList("Sex", ("M", "F", "U"), aliases={"Male": "M", "Female": "F", "Unknown": "U"})

# DfE main ethnicity codes, with every DfE extended code that rolls up to each: the DfE's
# published census code list, table "DfE extended codes / Approved extended categories / DfE
# main code" (gov.uk "Complete the school census: find a school census code, applicable from
# August 2024", and the same table in "Alternative provision (AP) census: codes",
# https://www.gov.uk/guidance/alternative-provision-ap-census/codes; e.g. WNIR White -
# Northern Irish -> WBRI). WIRI, WIRT, MWBC, MWBA, AIND, ABAN, BCRB, REFU and NOBT have no
# extended codes. A code not listed here is R002.
_EXTENDED_ETHNICITY = {
    "WBRI": "WCOR WENG WNIR WSCO WWEL WOWB",
    "WOTH": "WALB WBOS WCRO WGRE WGRK WGRC WITA WKOS WPOR WSER WTUR WTUK WTUC WEUR WEEU WWEU WOTW",
    "WROM": "WROG WROR WROO",
    "MWAS": "MWAP MWAI MWAO",
    "MOTH": "MAOE MABL MACH MBOE MBCH MCOE MWOE MWCH MOTM",
    "APKN": "AMPK AKPA AOPK",
    "AOTH": "AAFR AKAO ANEP ASNL ASLT ASRO AOTA",
    "BAFR": "BANN BCON BGHA BNGN BSLN BSOM BSUD BAOF",
    "BOTH": "BEUR BNAM BOTB",
    "CHNE": "CHKC CMAL CSNG CTWN COCH",
    "OOTH": "OAFG OARA OEGY OFIL OIRN OIRQ OJPN OKOR OKRD OLAM OLEB OLIB OMAL OMRC OPOL OTHA OVIE OYEM OOEG",
}
ETHNICITY = CodeList(
    "Ethnicity",
    (
        "WBRI",
        "WIRI",
        "WIRT",
        "WOTH",
        "WROM",
        "MWBC",
        "MWBA",
        "MWAS",
        "MOTH",
        "AIND",
        "APKN",
        "ABAN",
        "AOTH",
        "BCRB",
        "BAFR",
        "BOTH",
        "CHNE",
        "OOTH",
        "REFU",
        "NOBT",
    ),
    labels={
        "WBRI": "White British",
        "WIRI": "White Irish",
        "WIRT": "Traveller of Irish heritage",
        "WOTH": "Any other White background",
        "WROM": "Gypsy/Roma",
        "MWBC": "White and Black Caribbean",
        "MWBA": "White and Black African",
        "MWAS": "White and Asian",
        "MOTH": "Any other mixed background",
        "AIND": "Indian",
        "APKN": "Pakistani",
        "ABAN": "Bangladeshi",
        "AOTH": "Any other Asian background",
        "BCRB": "Black Caribbean",
        "BAFR": "Black African",
        "BOTH": "Any other Black background",
        "CHNE": "Chinese",
        "OOTH": "Any other ethnic group",
        "REFU": "Refused",
        "NOBT": "Information not yet obtained",
    },
    aliases={ext: main for main, exts in _EXTENDED_ETHNICITY.items() for ext in exts.split()},
)

SEXUAL_ORIENTATION = CodeList(
    "Sexual orientation",
    ("Heterosexual", "Gay or lesbian", "Bisexual", "Other", "Prefer not to say", "Not asked"),
)
RELIGION = CodeList(
    "Religion",
    ("Buddhist", "Christian", "Hindu", "Jewish", "Muslim", "Sikh", "Other", "No religion", "Prefer not to say"),
)
SEN_PROVISION = CodeList(
    "SEN provision",
    ("E", "K", "N"),
    labels={"E": "EHC plan", "K": "SEN support", "N": "No SEN"},
)
COMMISSIONER_TYPE = CodeList(
    "Commissioner type",
    ("School", "LA SEND", "LA Virtual School", "LA Exclusions and Reintegration", "LA Medical Needs", "Parent"),
)
PLACEMENT_REASON = CodeList(
    "Placement reason",
    (
        "Permanent exclusion",
        "Suspension",
        "At risk of exclusion",
        "Medical or mental health",
        "EHCP interim",
        "EOTAS",
        "Other",
    ),
)
TIER = CodeList(
    "Tier",
    ("2", "3"),
    labels={"2": "Targeted, short-term", "3": "Specialist, longer-term"},
    numeric=True,
)
ENGAGEMENT = CodeList(
    "Engagement",
    ("1", "2", "3", "4"),
    labels={"1": "Not engaged", "2": "Partly", "3": "Mostly", "4": "Fully"},
    numeric=True,
)
PROGRESS = CodeList(
    "Progress",
    ("1", "2", "3", "4"),
    labels={"1": "Not on track", "2": "Partly", "3": "Mostly", "4": "On track or better"},
    numeric=True,
)
SATISFACTION = CodeList(
    "Satisfaction",
    ("1", "2", "3", "4", "5"),
    labels={"1": "Very unhappy", "2": "Unhappy", "3": "Neutral", "4": "Happy", "5": "Very happy"},
    numeric=True,
)
DESTINATION = CodeList(
    "Destination",
    (
        "Returned to home school",
        "New mainstream school",
        "Special school",
        "Further education",
        "Apprenticeship or training",
        "Employment",
        "Another AP",
        "NEET",
        "Unknown",
    ),
)
EVENT_TYPE = CodeList(
    "Event type",
    (
        "Non-attendance",
        "Serious incident",
        "Suspension",
        "Permanent exclusion",
        "Placement ended",
        "Safeguarding concern",
    ),
)
OFSTED_JUDGEMENT = CodeList(
    "Ofsted judgement",
    ("Outstanding", "Good", "Requires improvement", "Inadequate", "Not inspected"),
)
TERM = CodeList("Term", ("Autumn", "Spring", "Summer"))
COMPLAINT_KIND = CodeList("Kind", ("Complaint", "Compliment"))
# NC year: R (reception), Years 1-14 and X (National Curriculum not followed), as the DfE
# census records them. R020 does not apply to X.
NC_YEAR = CodeList(
    "NC year",
    ("R", *tuple(str(n) for n in range(1, 15)), "X"),
    labels={"X": "National Curriculum not followed"},
    aliases={
        "Reception": "R",
        "Rec": "R",
        "0": "R",
        **{f"Year {n}": str(n) for n in range(1, 15)},
        **{f"Y{n}": str(n) for n in range(1, 15)},
    },
)
# AP setting type: the DfE census's AP placement data item "AP type of setting", recorded only
# for a placement with neither a URN nor a UKPRN (school log v2). Labels as the DfE's census
# guide words them (AP census 2023 data items: "NFE for non-maintained further education
# provision, OOT for one-on-one tuition, OTH for other unregistered provider, WBP for
# work-based placement").
AP_SETTING_TYPE = CodeList(
    "AP setting type",
    ("NFE", "OOT", "OTH", "WBP"),
    labels={
        "NFE": "Non-maintained further education provision",
        "OOT": "One-on-one tuition",
        "OTH": "Other unregistered provider",
        "WBP": "Work-based placement",
    },
)
# The council's AP Directory (DATA-SPEC "Workbook 3").
DIRECTORY_STATUS = CodeList("Directory status", ("Listed", "Suspended", "Removed"))
QA_OUTCOME = CodeList("QA outcome", ("Met", "Met with actions", "Not met"))
DELIVERY = CodeList("Delivery", ("On site", "Online", "Both"))
FEE_BASIS = CodeList("Fee basis", ("Hour", "Day", "Week"))

ALL_CODE_LISTS = (
    SEX,
    ETHNICITY,
    SEXUAL_ORIENTATION,
    RELIGION,
    SEN_PROVISION,
    COMMISSIONER_TYPE,
    PLACEMENT_REASON,
    TIER,
    ENGAGEMENT,
    PROGRESS,
    SATISFACTION,
    DESTINATION,
    EVENT_TYPE,
    OFSTED_JUDGEMENT,
    TERM,
    COMPLAINT_KIND,
    NC_YEAR,
    AP_SETTING_TYPE,
    DIRECTORY_STATUS,
    QA_OUTCOME,
    DELIVERY,
    FEE_BASIS,
)


def nc_year_number(code: str) -> int | None:
    """'R' -> 0, '9' -> 9; 'X' (National Curriculum not followed) -> None."""
    if code == "X":
        return None
    return 0 if code == "R" else int(code)


def code_list_named(name: str) -> CodeList:
    return next(c for c in ALL_CODE_LISTS if c.name == name)
