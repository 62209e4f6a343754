"""Rules about the workbook itself: is it a standard return of a version we read, with every
sheet and column (R004); are its macros the council's (R060)?

The reader and the normaliser only record facts (which sheets and columns were found, data
outside the area read, the macros' digest); these rules word them.
"""

from __future__ import annotations

from ..cells import cell_ref, column_letters
from ..findings import Finding
from ..normalise import NotAReturn
from ..safety import LIMITS, councils_vba_digests, template_vba_digest
from ..spec import ERROR, KINDS, QUERY, Layout
from .declare import rule

R004 = rule(
    "R004",
    ERROR,
    "any",
    title="Wrong workbook kind or version, or a required sheet or column is missing or renamed",
    messages={
        "not-standard": "This is not one of the council's standard AP workbooks, so it cannot be checked.{hint} "
        "Please copy your data into a fresh copy of the standard workbook.",
        "unknown-kind": "This workbook says it is a '{kind}', which ap-sheets does not know. Please use the "
        "council's standard workbook.",
        "version": "This workbook is template version {version}, but this checker reads version {supported} of "
        "the {title}. Please copy your data into the current standard workbook from the council.",
        "missing-sheet": "The {sheet} sheet is missing (it may have been renamed or deleted). Please use the "
        "council's standard workbook, which has it.",
        "missing-column": "The column '{header}' is missing from the {sheet} sheet (it may have been renamed or "
        "deleted). Put the heading back exactly as in the standard workbook.",
        "missing-item": "The item '{header}' is missing from the {sheet} sheet (it may have been renamed or "
        "deleted). Put the label back in column A exactly as in the standard workbook.",
        "twin-tabs": "The workbook has {count} tabs called {sheet} ({listed}: the names differ only in spaces or "
        "capital letters), so ap-sheets cannot tell which holds the return. It read '{chosen}'. Copy "
        "anything you need into that tab, delete the other, and send the workbook again.",
        "outside": "The {sheet} sheet has data outside the area ap-sheets reads (rows 1 to {rows:,}, columns A "
        "to {last}): {listed}. It was not checked. If it was typed by mistake, delete it; if your "
        "return really needs more rows or columns, contact the council's AP team.",
    },
)


@R004.when_unidentified
def not_a_return(exc: NotAReturn) -> Finding:
    """The one finding for a workbook that is not a standard return of a version we read."""
    if exc.problem == "not-standard":
        hint = (
            f" It looks like a {exc.guess.title.lower()} that was copied into a new workbook."
            if exc.guess is not None
            else ""
        )
        message, value = R004.say("not-standard", hint=hint), None
    elif exc.problem == "unknown-kind":
        message, value = R004.say("unknown-kind", kind=exc.kind_name), exc.kind_name
    else:
        kind = KINDS[exc.kind_name or ""]
        message = R004.say(
            "version", version=exc.version or "unknown", supported=" or ".join(kind.reads), title=kind.title.lower()
        )
        value = exc.version
    return Finding(None, None, None, None, R004.code, R004.severity, message, value)


@R004.check(None, None)
def data_outside_the_area_read(ret):
    """Typed values beyond the rows and columns read: named, so nothing is silently dropped."""
    for out in ret.outside:
        row, col = out.first or (None, None)
        more = out.count - len(out.cells)
        cells = ", ".join(out.cells)
        listed = f"{cells} and {more:,} more cell{'s' * (more != 1)}" if more > 0 else cells
        yield R004.hit(
            None,
            None,
            "outside",
            at={"sheet": out.sheet, "row": row, "cell": cell_ref(row, col) if row and col else None},
            sheet=out.sheet,
            rows=LIMITS.rows,
            last=column_letters(LIMITS.columns),
            listed=listed,
        )


@R004.check(None, None)
def one_tab_per_sheet(ret):
    """Two tabs whose names differ only in spaces or case: which one is the return?"""
    for twin in ret.twins:
        yield R004.hit(
            None,
            None,
            "twin-tabs",
            at={"sheet": twin.sheet},
            count=len(twin.names),
            sheet=twin.sheet,
            listed=" and ".join(f"'{n}'" for n in twin.names),
            chosen=twin.chosen,
        )


@R004.check(None, None)
def sheets_and_columns_present(ret):
    """Every sheet of the kind, and every column (or form item) of each, by its heading."""
    for sheet in ret.kind.sheets:
        if sheet.name in ret.missing_sheets:
            yield R004.hit(None, None, "missing-sheet", at={"sheet": sheet.name}, sheet=sheet.name)
            continue
        data = ret.sheets[sheet.name]
        key = "missing-item" if sheet.layout is Layout.FORM else "missing-column"
        for column in sheet.data_columns:
            if column.key in data.missing:
                yield R004.hit(
                    None,
                    None,
                    key,
                    at={"sheet": sheet.name, "header": column.header},
                    sheet=sheet.name,
                    header=column.header,
                )


R060 = rule(
    "R060",
    QUERY,
    "any",
    title="The workbook's macros differ from the council's template",
    messages={
        "differ": "This workbook's macros are not the ones in the council's standard workbook (they have been "
        "changed or added to). ap-sheets never runs macros, but please copy your data into a fresh "
        "copy of the standard workbook, or tell the council why the macros were changed.",
        "unreadable": "This workbook's macros could not be inspected ({why}), so they cannot be confirmed as the "
        "council's. ap-sheets never runs macros, but please copy your data into a fresh copy of the "
        "standard workbook.",
    },
)


def macro_problem(digest: str | None, template: str | None = None) -> tuple[str, dict] | None:
    """(message, fields) when a workbook carries macros that are not the council's (this
    release's template or an earlier one: `safety.councils_vba_digests`); else None."""
    if digest is None:
        return None
    councils = councils_vba_digests() if template is None else {template}
    if digest in councils:
        return None
    if digest == "oversized":
        return "unreadable", {"why": "the macro project is unusually large"}
    if digest.startswith("unreadable:"):
        return "unreadable", {"why": "the macro project is damaged"}
    return "differ", {}


@R060.check(None, None)
def macros_are_the_councils(ret):
    found = macro_problem(ret.vba_digest)
    if found is not None:
        key, fields = found
        yield R060.hit(None, None, key, **fields)


# ---- Tests -------------------------------------------------------------------------------------
# Run by pytest. Each builds a return in memory (`ap_sheets.testing`) as the reader gives it from
# a workbook, changes its structure the way users do, and asserts the exact findings and messages.


def test_r004_clean_returns_of_both_kinds_have_no_findings():
    from ap_sheets.testing import check, provider_return, school_log

    for built, kind in ((provider_return(), "provider-return"), (school_log(), "school-log")):
        report = check(built)
        assert report.issues == [], kind
        assert report.status == "accepted" and report.kind == kind


def test_r004_renamed_column_is_reported_not_crashed():
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    b.rename_header("Pupils", "date_of_birth", "DOB")
    report = check(b)
    assert [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues] == [
        ("R004", "Pupils", None, "Date of birth", None)
    ]
    assert report.issues[0].message == (
        "The column 'Date of birth' is missing from the Pupils sheet (it may have "
        "been renamed or deleted). Put the heading back exactly as in the standard "
        "workbook."
    )
    assert report.status == "rejected"


def test_r004_renamed_form_label():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    b.rename_header("Provider", "contact_email", "Email")
    assert found(b) == [("R004", "Provider", None, "Contact email", None)]
    assert said(b) == [
        "The item 'Contact email' is missing from the Provider sheet (it may have been renamed or "
        "deleted). Put the label back in column A exactly as in the standard workbook."
    ]


def test_r004_moved_columns_still_read_and_findings_name_the_new_cell():
    from ap_sheets.testing import found, provider_return

    b = provider_return()
    b.swap_columns("Pupils", "surname", "forename")  # Surname now in C, Forename in B
    assert found(b) == []
    b.set_cell("Pupils", 3, "surname", None)
    assert found(b) == [("R003", "Pupils", 3, "Surname", "C3")]


def test_r004_missing_sheet():
    from ap_sheets.testing import found, provider_return, said

    b = provider_return()
    b.drop_sheet("Complaints")
    assert found(b) == [("R004", "Complaints", None, None, None)]
    assert said(b) == [
        "The Complaints sheet is missing (it may have been renamed or deleted). Please use the "
        "council's standard workbook, which has it."
    ]


def test_r004_unknown_template_version_is_not_misread():
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    b.version = "0.9"  # what the workbook's hidden sheet says
    report = check(b)
    assert [(f.code, f.sheet, f.row, f.column, f.cell, f.value) for f in report.issues] == [
        ("R004", None, None, None, None, "0.9")
    ]
    assert report.issues[0].message == (
        "This workbook is template version 0.9, but this checker reads version 1.0 of the ap provider termly "
        "return. Please copy your data into the current standard workbook from the council."
    )
    assert report.status == "rejected"


def test_r004_plain_workbook_is_not_a_return():
    from ap_sheets.normalise import to_return
    from ap_sheets.read import RawSheet, RawWorkbook

    plain = RawWorkbook("my list.xlsx", {"Sheet": RawSheet("Sheet", [["UPN", "Surname"]])})
    try:
        to_return(plain)
    except NotAReturn as exc:
        finding = not_a_return(exc)
    else:
        raise AssertionError("a plain workbook was taken for a return")
    assert (finding.code, finding.sheet, finding.row, finding.severity) == ("R004", None, None, "error")
    assert finding.message == R004.say("not-standard", hint="")


def test_r060_macros_that_are_not_the_councils_are_a_query():
    from ap_sheets.testing import check, provider_return, school_log

    b = provider_return()
    b.vba_digest = template_vba_digest()  # the council's own macros: nothing to say
    assert check(b).issues == []
    b.vba_digest = "sha256:" + "0" * 64  # changed or added to
    report = check(b)
    assert [(f.code, f.sheet, f.row, f.cell, f.severity) for f in report.issues] == [
        ("R060", None, None, None, "query")
    ]
    assert report.issues[0].message == (
        "This workbook's macros are not the ones in the council's standard workbook (they have been changed or "
        "added to). ap-sheets never runs macros, but please copy your data into a fresh copy of the standard "
        "workbook, or tell the council why the macros were changed."
    )
    assert report.status == "accepted"
    log = school_log()
    log.vba_digest = "oversized"
    assert [(f.code, f.message) for f in check(log).issues] == [
        (
            "R060",
            "This workbook's macros could not be inspected (the macro project is unusually large), so they "
            "cannot be confirmed as the council's. ap-sheets never runs macros, but please copy your data "
            "into a fresh copy of the standard workbook.",
        )
    ]
    log.vba_digest = "unreadable:bad-dir-stream"
    assert "(the macro project is damaged)" in check(log).issues[0].message


def test_r004_data_outside_the_area_read():
    from ap_sheets.read import OutsideData
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    b.outside.append(OutsideData("Complaints", ("A5001", "B5001", "CC2"), 5, (5001, 1)))  # as the reader says
    report = check(b)
    assert [(f.code, f.sheet, f.row, f.column, f.cell) for f in report.issues] == [
        ("R004", "Complaints", 5001, None, "A5001")
    ]
    assert report.issues[0].message == (
        "The Complaints sheet has data outside the area ap-sheets reads (rows 1 to 5,000, columns A to CB): A5001, "
        "B5001, CC2 and 2 more cells. It was not checked. If it was typed by mistake, delete it; if your return "
        "really needs more rows or columns, contact the council's AP team."
    )
    assert report.status == "rejected"


def test_r060_macros_of_an_earlier_council_template_are_the_councils():
    """A return made on last term's workbook carries the macros of that release: not tampered."""
    from ap_sheets.safety import EARLIER_TEMPLATE_DIGESTS
    from ap_sheets.testing import check, provider_return

    b = provider_return()
    b.vba_digest = EARLIER_TEMPLATE_DIGESTS[0]
    assert check(b).issues == []
    assert macro_problem(EARLIER_TEMPLATE_DIGESTS[0]) is None
    assert macro_problem("sha256:" + "1" * 64) == ("differ", {})
