"""`ap-sheets demo`: a realistic term of returns whose only findings are the planted ones.

The demo is written once per module (real .xlsm files through the template builder) and
checked with the real engine; the CLI writes it a second time for the determinism and
reconciliation tests.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from ap_sheets import demo
from ap_sheets.cli import main
from ap_sheets.validate import check_file, validate_file
from ap_sheets.values import is_postcode

TERM = "2024/25 Autumn"
BRIEF_CODES = {"R001", "R002", "R003", "R010", "R012", "R030", "R040", "R042", "R050", "R052", "R053", "R054", "D003"}
RETURN_GAPS = {"X001", "X002", "X003", "X004", "X005", "X006"}  # found without a directory


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, list[Path]]:
    root = tmp_path_factory.mktemp("demo")
    *returns, directory = demo.write_demo(root)
    assert directory == root / "ap_directory.xlsm"
    return root, returns


@pytest.fixture(scope="module")
def every_file(written) -> list[Path]:
    """The returns and the council's AP Directory the demo writes beside them."""
    root, paths = written
    return [*paths, root / "ap_directory.xlsm"]


@pytest.fixture(scope="module")
def checked(written) -> dict:
    """Every demo file checked: relative path -> validate.Checked (report and typed data)."""
    root, paths = written
    return {_rel(p, root): check_file(p) for p in paths}


@pytest.fixture(scope="module")
def by_cli(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo_cli")
    result = CliRunner().invoke(main, ["demo", str(root)])
    assert result.exit_code == 0, result.output
    assert "Wrote 19 demo returns and the council's AP Directory (ap_directory.xlsm)" in result.output
    assert "--directory" in result.output
    return root


def _findings(reports: dict) -> set[tuple]:
    return {(file, f.sheet, f.row, f.column, f.code) for file, r in reports.items() for f in r.issues}


def _planted(mistakes) -> set[tuple]:
    return {(m.file, m.sheet, m.row, m.column, m.code) for m in mistakes}


# ---- the files ---------------------------------------------------------------------------
def test_one_return_per_provider_and_school_for_the_term(written, checked):
    root, paths = written
    assert len(paths) == len(demo.PROVIDERS) + len(demo.SCHOOLS) == 19
    assert all(p.is_file() and p.suffix == ".xlsm" and p.name.endswith("2024-25 Autumn.xlsm") for p in paths)
    assert sorted(p.parent.name for p in paths) == ["providers"] * 9 + ["schools"] * 10
    assert (root / "providers" / "AP-0003 Bright Futures Academy - 2024-25 Autumn.xlsm").is_file()
    assert (root / "schools" / "Northwood High School - 2024-25 Autumn.xlsm").is_file()
    records = [(c.ret.kind.kind, c.ret.record) for c in checked.values()]
    provider_ids = [r["provider_id"] for kind, r in records if kind == "provider-return"]
    school_urns = [r["school_urn"] for kind, r in records if kind == "school-log"]
    assert len(provider_ids) == len(set(provider_ids)) == 9
    assert len(school_urns) == len(set(school_urns)) == 10
    assert {c.ret.term.label for c in checked.values()} == {TERM}


# ---- the findings ------------------------------------------------------------------------
def test_validate_finds_exactly_the_planted_mistakes(written, every_file):
    root, _ = written
    reports = {_rel(p, root): validate_file(p) for p in every_file}
    assert _findings(reports) == _planted(demo.PLANTED_MISTAKES)


def test_the_planted_mistakes_are_the_ones_users_make():
    assert {m.code for m in demo.PLANTED_MISTAKES} == BRIEF_CODES
    assert len(demo.PLANTED_MISTAKES) == len(set(_planted(demo.PLANTED_MISTAKES)))
    assert all(m.note for m in demo.PLANTED_MISTAKES)


def test_most_files_are_accepted(checked):
    status = {file: c.report.status for file, c in checked.items()}
    rejected = {f for f, s in status.items() if s == "rejected"}
    assert len([f for f in rejected if f.startswith("providers/")]) == 3
    assert len([f for f in rejected if f.startswith("schools/")]) == 3  # R050, R052 and R054 (with R054)
    assert set(status.values()) == {"accepted", "rejected"}
    queries = ("R040", "R042", "R053", "D003")
    with_errors = {m.file for m in demo.PLANTED_MISTAKES if m.code not in queries}
    assert rejected == with_errors


def test_quirks_are_read_as_the_user_meant(checked):
    """Values typed loosely (a text date, ' e ', a lower-case postcode, 'Yes') give no finding."""
    assert len(demo.PLANTED_QUIRKS) >= 4
    expect = {
        "Start date": lambda v: isinstance(v, date),
        "SEN provision": lambda v: v == "E",
        "Postcode": lambda v: isinstance(v, str) and is_postcode(v) and " " in v,
        "Looked after": lambda v: v == "Y",
    }
    for q in demo.PLANTED_QUIRKS:
        ret = checked[q.file].ret
        data = ret.sheets[q.sheet]
        key = next(c.key for c in data.spec.columns if c.header == q.column)
        assert isinstance(q.value, str)  # written as typed text
        assert expect[q.column](data.frame.at[q.row, key]), q
        assert not [f for f in checked[q.file].report.issues if f.row == q.row and f.column == q.column]


def test_a_text_date_in_uk_order_and_a_spaced_code_are_among_the_quirks():
    values = {q.column: q.value for q in demo.PLANTED_QUIRKS}
    day, month, year = values["Start date"].split("/")
    assert len(day) == len(month) == 2 and len(year) == 4
    assert values["SEN provision"] == " e "
    not_a_date = next(m for m in demo.PLANTED_MISTAKES if m.code == "R001")
    assert not_a_date.value.startswith("31/02/")


# ---- determinism -------------------------------------------------------------------------
def test_same_seed_same_returns(written, every_file, by_cli):
    """The CLI writes the default demo: byte for byte the files write_demo wrote."""
    root, _ = written
    for p in every_file:
        assert (by_cli / _rel(p, root)).read_bytes() == p.read_bytes(), p.name
    assert demo.plan_demo(TERM, 7).workbooks == demo.plan_demo(TERM, 7).workbooks


def test_another_seed_other_children_same_kind_of_mistakes():
    a, b = demo.plan_demo(TERM, 2024), demo.plan_demo(TERM, 99)
    upns = lambda plan: {p.child.upn for p in plan.placements}
    assert upns(a) != upns(b)
    assert Counter(m.code for m in a.mistakes) == Counter(m.code for m in b.mistakes)
    assert [g.code for g in a.gaps] == [g.code for g in b.gaps]


def test_other_terms_are_clean_too():
    spring = demo.plan_demo("2025/26 Spring")
    files = {w.path for w in spring.workbooks}
    assert all(w.path.endswith("2025-26 Spring.xlsm") for w in spring.workbooks)
    assert {m.file for m in spring.mistakes} <= files | {"ap_directory.xlsm"}
    assert spring.directory.records["About"]["directory_date"] == spring.term.end - timedelta(7)
    with pytest.raises(ValueError):
        demo.plan_demo("Autumn 2024")


# ---- what the demo contains --------------------------------------------------------------
def _frames(checked, kind: str, sheet: str):
    return {file: c.ret.frame(sheet) for file, c in checked.items() if c.ret.kind.kind == kind}


def test_the_children(checked):
    pupils = _frames(checked, "provider-return", "Pupils")
    records = [c.ret.record for c in checked.values() if c.ret.kind.kind == "provider-return"]
    rows = [r for frame in pupils.values() for _, r in frame.iterrows()]
    upns = {r["upn"] for r in rows}
    assert len(records) >= 8
    assert 140 <= len(upns) <= 160
    assert {r["registered_school"] for r in records} == {"Y", "N"}
    assert {r["in_directory"] for r in records} == {"Y", "N"}
    assert all(r["dfe_urn"] and r["ofsted_report_date"] for r in records if r["registered_school"] == "Y")
    assert all(r["ofsted_judgement"] == "Not inspected" for r in records if r["registered_school"] == "N")
    assert sum(r["sen"] == "E" for r in rows) >= 15
    assert sum(r["looked_after"] == "Y" for r in rows) >= 5
    assert sum(r["end_date"] is not None for r in rows) >= 8
    assert sum(r["destination"] is not None for r in rows) >= 7
    assert 2 <= sum(r["sexual_orientation"] is not None for r in rows) <= 10  # the few aged 16+
    commissioners = Counter(r["commissioner_type"] for r in rows)
    assert set(commissioners) == {
        "School",
        "LA SEND",
        "LA Virtual School",
        "LA Exclusions and Reintegration",
        "LA Medical Needs",
        "Parent",
    }
    assert commissioners["School"] > len(rows) / 2
    attendance = [r["sessions_attended"] / r["sessions_possible"] for r in rows]
    assert min(attendance) >= 0.55 and max(attendance) <= 1.0
    assert 0.75 <= sum(attendance) / len(attendance) <= 0.9
    assert {r["engagement"] for r in rows} == {1, 2, 3, 4}
    assert {r["tier"] for r in rows} == {2, 3, None}
    notes = _frames(checked, "provider-return", "Notifications")
    assert sum(len(f) for f in notes.values()) >= 30
    complaints = [r for f in _frames(checked, "provider-return", "Complaints").values() for _, r in f.iterrows()]
    assert {r["kind"] for r in complaints} == {"Complaint", "Compliment"}


def test_school_logs_agree_with_the_provider_returns(checked):
    """Each school-commissioned child is on that school's log (same UPN, DOB, name, provider),
    except the planted gaps; LA- and parent-commissioned children are on no log."""
    urn_file = {c.ret.record["school_urn"]: file for file, c in checked.items() if c.ret.kind.kind == "school-log"}
    logs = _frames(checked, "school-log", "Placements")
    logged = {(r["upn"], r["provider_id"]): (file, r) for file, f in logs.items() for _, r in f.iterrows()}
    gaps = {(g.code, g.upn) for g in demo.PLANTED_GAPS}
    on_return = set()
    for _file, c in checked.items():
        if c.ret.kind.kind != "provider-return":
            continue
        pid = c.ret.record["provider_id"]
        for _, r in c.ret.frame("Pupils").iterrows():
            on_return.add((r["upn"], pid))
            found = logged.get((r["upn"], pid))
            if r["commissioner_type"] != "School":
                assert found is None
                continue
            if ("X001", r["upn"]) in gaps:
                assert found is None
                continue
            assert found is not None, r["upn"]
            log_file, s = found
            assert log_file == urn_file[r["commissioner_urn"]]
            identity = ("date_of_birth", "surname", "forename")
            assert [s[k] for k in identity] == [r[k] for k in identity]
            assert s["provider_registered"] == c.ret.record["registered_school"]
            assert s["provider_urn"] == c.ret.record["dfe_urn"]
            assert (s["start_date"], s["end_date"], s["hours_at_provider"]) == (
                r["start_date"],
                r["end_date"],
                r["hours_per_week"],
            )
            assert s["sla_agreed"] <= s["start_date"] and s["qa_check"] <= s["start_date"]
            gap = abs(s["attendance_pct"] - 100 * r["sessions_attended"] / r["sessions_possible"])
            assert gap > 10 if ("X004", r["upn"]) in gaps else gap <= 5
    only_on_logs = {upn for upn, pid in set(logged) - on_return}
    assert only_on_logs == {g.upn for g in demo.PLANTED_GAPS if g.code == "X002"}
    assert all(len(f) >= 3 for f in logs.values())


def test_reconciliation_shows_the_planted_gaps(by_cli):
    """X001-X005 over the CLI's copy of the demo: exactly the planted gaps, and the same
    per-file findings as the first copy (checked through the batch's own worker function)."""
    from ap_sheets import batch as consolidate
    from ap_sheets.rules import cross_rules
    from ap_sheets.terms import Term

    items = [(str(p), _rel(p, by_cli)) for p in sorted(by_cli.rglob("*.xlsm"))]
    results = consolidate.check_chunk(items)
    assert _findings({r.file: r.report for r in results}) == _planted(demo.PLANTED_MISTAKES)
    findings, _, superseded = cross_rules.reconcile(results, Term.parse(TERM))
    assert not superseded
    got = {(f.code, f.upn) for f in findings}
    assert got == {(g.code, g.upn) for g in demo.PLANTED_GAPS if g.code in RETURN_GAPS}
    assert {g.code for g in demo.PLANTED_GAPS} == {"X001", "X002", "X004", "X006", "X007", "X008", "X009"}
    (x006,) = [f for f in findings if f.code == "X006"]
    (gap,) = [g for g in demo.PLANTED_GAPS if g.code == "X006"]
    logs = sorted({f"schools/{name} - 2024-25 Autumn.xlsm" for name in gap.school.split(", ")})
    assert len(logs) == 3 and x006.file == logs[0] and x006.value == gap.provider_id == "AP-0021"
    assert "Northgate Tuition Centre (ID AP-0021)" in x006.message
    assert f"to 5 children of compulsory school age: on {', '.join(logs)}." in x006.message
    assert "No return was received from this provider." in x006.message


def test_school_logs_name_unregistered_providers_as_the_census_does(checked):
    """v2 logs: a registered provider by its URN only; an unregistered one by its UKPRN if it
    has one, else its AP setting type (R016 finds nothing)."""
    rows = [r for f in _frames(checked, "school-log", "Placements").values() for _, r in f.iterrows()]
    assert {c.ret.version for c in checked.values() if c.ret.kind.kind == "school-log"} == {"2.0"}
    for r in rows:
        given = [k for k in ("provider_urn", "provider_ukprn", "ap_setting_type") if r[k] is not None]
        assert given == (["provider_urn"] if r["provider_registered"] == "Y" else given[:1]) and len(given) == 1
    unregistered = [r for r in rows if r["provider_registered"] == "N"]
    assert {r["ap_setting_type"] for r in unregistered} == {"OTH", "WBP", None}
    assert {r["provider_ukprn"] for r in unregistered} == {"10047382", None}


def test_the_directory_shows_the_planted_differences(by_cli):
    """`consolidate DIR --directory DIR/ap_directory.xlsm`: X007-X009 find exactly the planted
    differences (a provider Suspended, one with an old URN in the directory, one overdue its QA
    visit, the unregistered setting and the two providers outside the directory), and the
    directory's own check finds only its overdue visit (D003)."""
    import json
    import re

    from ap_sheets import batch as consolidate
    from ap_sheets.rules import cross_rules
    from ap_sheets.rules.directory_cross_rules import load_directory
    from ap_sheets.terms import Term

    load = load_directory(by_cli / "ap_directory.xlsm")
    assert load.directory is not None and load.status == "accepted"
    assert {(f.code, f.row) for f in load.issues} == {
        (m.code, m.row) for m in demo.PLANTED_MISTAKES if m.file == "ap_directory.xlsm"
    }
    items = [(str(p), _rel(p, by_cli)) for p in sorted(by_cli.rglob("*.xlsm")) if p.name != "ap_directory.xlsm"]
    findings, _, _ = cross_rules.reconcile(consolidate.check_chunk(items), Term.parse(TERM), directory=load.directory)
    about = {(f.code, re.search(r"AP-\d{4}", f.message).group()) for f in findings if f.code not in RETURN_GAPS}
    assert about == {(g.code, g.provider_id) for g in demo.PLANTED_GAPS if g.code not in RETURN_GAPS}
    assert {pid for code, pid in about if code == "X007"} == {"AP-0010", "AP-0015", "AP-0018", "AP-0021"}
    (x009,) = [f for f in findings if f.code == "X009"]
    assert x009.file == "ap_directory.xlsm" and x009.sheet == "Directory" and x009.column == "Last QA visit"
    # the same through the CLI: the counts on the terminal and in summary.json
    out = by_cli.parent / (by_cli.name + "_report")
    result = CliRunner().invoke(
        main, ["consolidate", str(by_cli), "--directory", str(by_cli / "ap_directory.xlsm"), "-o", str(out)]
    )
    assert result.exit_code in (0, 1), result.output
    counts = Counter(f.code for f in findings)
    assert f"X007 {counts['X007']}, X008 {counts['X008']}, X009 1." in result.output
    summary = json.loads((out / "summary.json").read_text())
    assert {k: summary["reconciliation"][k] for k in ("X007", "X008", "X009")} == {
        k: counts[k] for k in ("X007", "X008", "X009")
    }
