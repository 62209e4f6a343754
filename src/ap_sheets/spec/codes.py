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

# DfE main ethnicity codes, with the extended codes (CBDS) that roll up to each.
_EXTENDED_ETHNICITY = {
    "WBRI": "WENG WSCO WWEL WOWB WCOR",
    "WOTH": "WALB WBOS WCRO WGRE WGRK WGRC WITA WKOS WPOR WSER WTUR WTUK WTUC WEUR WEEU WWEU WOTW",
    "WROM": "WROG WROR WROO",
    "MWAS": "MWAP MWAI MWAO",
    "MOTH": "MABL MACH MAOE MBOE MCOE MWOE MOTM",
    "APKN": "AMPK AKPA AOPK",
    "AOTH": "AAFR AKAO ANEP ASNL ASLT ASRO AOTA",
    "BAFR": "BANN BCON BGHA BNGN BSLN BSOM BSUD BAOF",
    "BOTH": "BEUR BNAM BOTB",
    "CHNE": "CHKC CMAL CTWN COCH",
    "OOTH": "OAFG OARA OEGY OFIL OIRN OIRQ OJPN OKOR OLAM OLEB OLIB OMAL OMRC OPOL OTHA OVIE OYEM OOEG",
}
ETHNICITY = CodeList(
    "Ethnicity",
    ("WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
     "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT"),
    labels={
        "WBRI": "White British", "WIRI": "White Irish", "WIRT": "Traveller of Irish heritage",
        "WOTH": "Any other White background", "WROM": "Gypsy/Roma",
        "MWBC": "White and Black Caribbean", "MWBA": "White and Black African",
        "MWAS": "White and Asian", "MOTH": "Any other mixed background", "AIND": "Indian",
        "APKN": "Pakistani", "ABAN": "Bangladeshi", "AOTH": "Any other Asian background",
        "BCRB": "Black Caribbean", "BAFR": "Black African", "BOTH": "Any other Black background",
        "CHNE": "Chinese", "OOTH": "Any other ethnic group", "REFU": "Refused",
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
    ("Buddhist", "Christian", "Hindu", "Jewish", "Muslim", "Sikh", "Other", "No religion",
     "Prefer not to say"),
)
SEN_PROVISION = CodeList(
    "SEN provision", ("E", "K", "N"),
    labels={"E": "EHC plan", "K": "SEN support", "N": "No SEN"},
)
COMMISSIONER_TYPE = CodeList(
    "Commissioner type",
    ("School", "LA SEND", "LA Virtual School", "LA Exclusions and Reintegration",
     "LA Medical Needs", "Parent"),
)
PLACEMENT_REASON = CodeList(
    "Placement reason",
    ("Permanent exclusion", "Suspension", "At risk of exclusion", "Medical or mental health",
     "EHCP interim", "EOTAS", "Other"),
)
TIER = CodeList(
    "Tier", ("2", "3"),
    labels={"2": "Targeted, short-term", "3": "Specialist, longer-term"}, numeric=True,
)
ENGAGEMENT = CodeList(
    "Engagement", ("1", "2", "3", "4"),
    labels={"1": "Not engaged", "2": "Partly", "3": "Mostly", "4": "Fully"}, numeric=True,
)
PROGRESS = CodeList(
    "Progress", ("1", "2", "3", "4"),
    labels={"1": "Not on track", "2": "Partly", "3": "Mostly", "4": "On track or better"},
    numeric=True,
)
SATISFACTION = CodeList(
    "Satisfaction", ("1", "2", "3", "4", "5"),
    labels={"1": "Very unhappy", "2": "Unhappy", "3": "Neutral", "4": "Happy", "5": "Very happy"},
    numeric=True,
)
DESTINATION = CodeList(
    "Destination",
    ("Returned to home school", "New mainstream school", "Special school", "Further education",
     "Apprenticeship or training", "Employment", "Another AP", "NEET", "Unknown"),
)
EVENT_TYPE = CodeList(
    "Event type",
    ("Non-attendance", "Serious incident", "Suspension", "Permanent exclusion",
     "Placement ended", "Safeguarding concern"),
)
OFSTED_JUDGEMENT = CodeList(
    "Ofsted judgement",
    ("Outstanding", "Good", "Requires improvement", "Inadequate", "Not inspected"),
)
TERM = CodeList("Term", ("Autumn", "Spring", "Summer"))
COMPLAINT_KIND = CodeList("Kind", ("Complaint", "Compliment"))
# NC year: R (reception) and Years 1-14, as the DfE census records them.
NC_YEAR = CodeList(
    "NC year", ("R",) + tuple(str(n) for n in range(1, 15)),
    aliases={"Reception": "R", "Rec": "R", "0": "R", **{f"Year {n}": str(n) for n in range(1, 15)},
             **{f"Y{n}": str(n) for n in range(1, 15)}},
)

ALL_CODE_LISTS = (
    SEX, ETHNICITY, SEXUAL_ORIENTATION, RELIGION, SEN_PROVISION, COMMISSIONER_TYPE,
    PLACEMENT_REASON, TIER, ENGAGEMENT, PROGRESS, SATISFACTION, DESTINATION, EVENT_TYPE,
    OFSTED_JUDGEMENT, TERM, COMPLAINT_KIND, NC_YEAR,
)


def nc_year_number(code: str) -> int:
    """'R' -> 0, '9' -> 9."""
    return 0 if code == "R" else int(code)


def code_list_named(name: str) -> CodeList:
    return next(c for c in ALL_CODE_LISTS if c.name == name)
