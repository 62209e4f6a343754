"""The register database (ap_sheets.db): loading terms, superseding, the year figures, a
killed load, migrations, newer-revision refusal, purge and file permissions, on SQLite and on
a real PostgreSQL server (tests/pg_server.py)."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from ap_sheets.batch import FileResult, assemble
from ap_sheets.db import RegisterError, load_term, open_register, plan_purge, purge, year_figures
from ap_sheets.db import schema as S
from ap_sheets.db.store import head_revision
from ap_sheets.findings import ACCEPTED, REJECTED, FileReport, Finding
from ap_sheets.return_rows import PlacementRow, PupilRow
from ap_sheets.terms import Term
from conftest import make_upn

AUTUMN, SPRING, SUMMER = Term(2024, "Autumn"), Term(2024, "Spring"), Term(2024, "Summer")
A, B, C, D, E = (make_upn(n) for n in (1, 2, 3, 4, 5))
NAMES = {A: ("Able", "Amy"), B: ("Baker", "Ben"), C: ("Cole", "Cara"), D: ("Dunn", "Dev"), E: ("Ede", "Eve")}


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A new, empty register: an SQLite file, or a database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "register.db")
    return request.getfixturevalue("pg").new_database()


# ---- returns as the batch sees them ------------------------------------------------------------
def pupil(upn, start, end=None, destination=None, row=10, **changes) -> PupilRow:
    surname, forename = NAMES[upn]
    values = {f: None for f in PupilRow._fields}
    values.update(
        row=row,
        upn=upn,
        surname=surname,
        forename=forename,
        date_of_birth=date(2011, 5, 1),
        sex="Female",
        ethnicity="WBRI",
        nc_year="8",
        sen="K",
        looked_after="N",
        commissioner_type="School",
        commissioner_name="Hill School",
        commissioner_urn="100001",
        placement_reason="Medical",
        start_date=start,
        end_date=end,
        destination=destination,
        hours_per_week=25.0,
        sessions_possible=100,
        sessions_attended=90,
    )
    values.update(changes)
    return PupilRow(**values)


def placed(upn, provider_id, start, end=None, row=10) -> PlacementRow:
    surname, forename = NAMES[upn]
    values = {f: None for f in PlacementRow._fields}
    values.update(
        row=row,
        upn=upn,
        surname=surname,
        forename=forename,
        date_of_birth=date(2011, 5, 1),
        provider_id=provider_id,
        provider_name=f"Provider {provider_id}",
        start_date=start,
        end_date=end,
    )
    return PlacementRow(**values)


def provider(file, pid, term, rows, status=ACCEPTED, completed=None) -> FileResult:
    issues = (
        []
        if status == ACCEPTED
        else [
            Finding("Pupils", 10, "Ethnicity", "F10", "R003", "error", "Ethnicity is missing. Please fill it in.", None)
        ]
    )
    record = {
        "provider_id": pid,
        "provider_name": f"Provider {pid}",
        "academic_year": term.academic_year,
        "term": term.term,
        "date_completed": completed or term.end,
    }
    return FileResult(
        file,
        FileReport(file, "provider-return", status, issues),
        kind="provider-return",
        term=term,
        record=record,
        rows=rows,
        has_data=True,
    )


def school(file, urn, term, rows) -> FileResult:
    record = {
        "school_urn": urn,
        "school_name": "Hill School",
        "academic_year": term.academic_year,
        "term": term.term,
        "date_completed": term.end,
    }
    return FileResult(
        file,
        FileReport(file, "school-log", ACCEPTED),
        kind="school-log",
        term=term,
        record=record,
        rows=rows,
        has_data=True,
    )


def batch(folder: Path, results, term):
    """The Consolidation `consolidate` would build; each file written with its own content."""
    folder.mkdir(parents=True, exist_ok=True)
    for r in results:
        if not (folder / r.file).exists():
            (folder / r.file).write_text(f"{r.file}\n{r.status}\n{[tuple(x) for x in r.rows]}")
    out = assemble(results, term)
    out.root = str(folder)
    return out


def autumn_batch(root):
    return batch(
        root / "autumn",
        [
            provider(
                "p1.xlsm",
                "AP-001",
                AUTUMN,
                [
                    pupil(A, date(2024, 9, 9), row=10),
                    pupil(B, date(2024, 9, 9), date(2024, 11, 29), "Returned to home school", row=11),
                    pupil(C, date(2024, 9, 16), row=12),
                ],
            ),
            provider("p2.xlsm", "AP-002", AUTUMN, [pupil(D, date(2024, 10, 1))], status=REJECTED),
            school("s1.xlsm", "100001", AUTUMN, [placed(A, "AP-001", date(2024, 9, 9))]),
        ],
        AUTUMN,
    )


def corrected_batch(root):
    """The rejected Autumn return of AP-002, corrected and sent again."""
    return batch(
        root / "autumn-corrected",
        [
            provider(
                "p2 corrected.xlsm",
                "AP-002",
                AUTUMN,
                [pupil(D, date(2024, 10, 1), date(2024, 12, 13), "New mainstream school")],
                completed=date(2025, 1, 10),
            ),
        ],
        AUTUMN,
    )


def spring_batch(root):
    return batch(
        root / "spring",
        [
            provider(
                "p1.xlsm",
                "AP-001",
                SPRING,
                [
                    pupil(A, date(2024, 9, 9), row=10),
                    pupil(C, date(2024, 9, 16), date(2025, 3, 28), "Further education", row=11),
                    pupil(B, date(2025, 2, 3), row=12),
                ],
            ),
        ],
        SPRING,
    )


def summer_batch(root):
    return batch(
        root / "summer",
        [
            provider("p1.xlsm", "AP-001", SUMMER, [pupil(A, date(2024, 9, 9), date(2025, 4, 11), "Another AP")]),
            provider(
                "p2.xlsm",
                "AP-002",
                SUMMER,
                [
                    pupil(E, date(2025, 4, 22), date(2025, 7, 18), "Returned to home school", row=10),
                    pupil(A, date(2025, 4, 22), row=11, surname="Able-Smith"),
                ],
            ),
        ],
        SUMMER,
    )


YEAR = {
    "academic_year": "2024/25",
    "terms": ["2024/25 Autumn", "2024/25 Spring", "2024/25 Summer"],
    "children": 5,  # A B C D E
    "placements": 7,  # A@1, B@1 twice, C@1, D@2, E@2, A@2
    "children_placed_more_than_once": 2,  # A (moved provider), B (came back)
    "returned_to_mainstream": 3,  # B (29/11), D (13/12, on the corrected return), E (18/07)
    "back_in_ap": 1,  # B, from 03/02
    # ended: D 73 days, B 81, E 87, C 193, A 214 -> the median is E's 87 days = 12.4 weeks
    "median_placement_weeks": 12.4,
    "children_purged": 0,
}


def count(engine, table, where=None) -> int:
    with engine.connect() as conn:
        q = select(func.count()).select_from(table)
        return conn.scalar(q if where is None else q.where(where))


def test_a_year_loaded_term_by_term(db, tmp_path):
    engine = open_register(db)
    first = load_term(engine, autumn_batch(tmp_path))
    assert (
        first.loaded == ["p1.xlsm", "p2.xlsm", "s1.xlsm"] and first.placements == 5
    )  # the rejected one's held, not counted
    autumn = year_figures(engine, AUTUMN)
    assert (autumn["terms"], autumn["children"], autumn["placements"], autumn["returned_to_mainstream"]) == (
        ["2024/25 Autumn"],
        3,
        3,
        1,
    )
    fixed = load_term(engine, corrected_batch(tmp_path))
    assert fixed.superseded == ["p2.xlsm"]
    spring = spring_batch(tmp_path)
    load_term(engine, spring)
    again = load_term(engine, spring)  # the same files twice: nothing changes
    assert again.loaded == [] and again.already_held == ["p1.xlsm"] and again.placements == 0
    load_term(engine, summer_batch(tmp_path))
    assert year_figures(engine, SUMMER) == YEAR
    assert year_figures(engine, AUTUMN) == YEAR  # the same academic year, whichever term is asked
    assert year_figures(engine, Term(2025, "Autumn"))["children"] == 0
    # one record per child; A's second surname is kept beside the first (X003), not written over it
    assert count(engine, S.children) == 5
    with engine.connect() as conn:
        names = (
            conn.execute(
                select(S.identities.c.surname).join(S.children).where(S.children.c.upn == A).order_by(S.identities.c.id)
            )
            .scalars()
            .all()
        )
    assert names == ["Able", "Able-Smith"]
    assert count(engine, S.returns) == 7
    engine.dispose()


def test_a_corrected_return_supersedes_the_earlier_one_and_both_stay_logged(db, tmp_path):
    engine = open_register(db)
    load_term(engine, autumn_batch(tmp_path))
    load_term(engine, corrected_batch(tmp_path))
    with engine.connect() as conn:
        logged = {r.file: r for r in conn.execute(select(S.returns)).all()}
    old, new = logged["p2.xlsm"], logged["p2 corrected.xlsm"]
    assert (old.status, old.superseded_by, old.errors) == ("rejected", new.id, 1)
    assert old.findings == [
        {
            "sheet": "Pupils",
            "row": 10,
            "column": "Ethnicity",
            "cell": "F10",
            "code": "R003",
            "severity": "error",
            "message": "Ethnicity is missing. Please fill it in.",
        }
    ]
    assert (new.status, new.superseded_by, new.org_key, new.term) == ("accepted", None, "AP-002", "Autumn")
    # a later accepted return for AP-001 replaces the earlier one: only its children count
    load_term(
        engine,
        batch(
            tmp_path / "again",
            [provider("p1 v2.xlsm", " ap-001 ", AUTUMN, [pupil(A, date(2024, 9, 9))], completed=date(2025, 1, 20))],
            AUTUMN,
        ),
    )
    figures = year_figures(engine, AUTUMN)
    assert (figures["children"], figures["placements"], figures["returned_to_mainstream"]) == (2, 2, 1)  # A, D
    with engine.connect() as conn:
        p1 = conn.execute(
            select(S.returns.c.file, S.returns.c.superseded_by)
            .where(S.returns.c.org_key == "AP-001")
            .order_by(S.returns.c.id)
        ).all()
    assert [f for f, by in p1 if by is None] == ["p1 v2.xlsm"]
    # a rejected return arriving after an accepted one does not replace it
    load_term(
        engine,
        batch(
            tmp_path / "worse",
            [
                provider(
                    "p1 v3.xlsm",
                    "AP-001",
                    AUTUMN,
                    [pupil(C, date(2024, 9, 16))],
                    status=REJECTED,
                    completed=date(2025, 2, 1),
                )
            ],
            AUTUMN,
        ),
    )
    assert year_figures(engine, AUTUMN)["children"] == 2
    engine.dispose()


KILLED_LOAD = r"""
import pickle, sys, time
from ap_sheets.db import load, open_register
batch = pickle.load(open(sys.argv[2], "rb"))
real = load._organisations
def stop_here(conn, results):
    real(conn, results)
    print("inside the transaction", flush=True)
    time.sleep(120)
load._organisations = stop_here
load.load_term(open_register(sys.argv[1]), batch)
"""


def test_a_killed_load_leaves_the_database_as_it_was(db, tmp_path):
    engine = open_register(db)
    load_term(engine, autumn_batch(tmp_path))
    spring = spring_batch(tmp_path)
    (tmp_path / "batch.pickle").write_bytes(pickle.dumps(spring))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_LOAD, db, str(tmp_path / "batch.pickle")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    second: dict = {}
    waiting = threading.Thread(target=lambda: second.update(done=load_term(engine, summer_batch(tmp_path))))
    try:
        assert proc.stdout.readline().strip() == "inside the transaction", proc.stderr.read()
        waiting.start()  # a second run at the same time waits for the first ...
        waiting.join(timeout=1.0)
        assert waiting.is_alive() and "done" not in second
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        waiting.join(timeout=30)  # ... and goes ahead once it is gone
    finally:
        if proc.poll() is None:
            proc.kill()
    assert second["done"].loaded == ["p1.xlsm", "p2.xlsm"]
    engine.dispose()
    engine = open_register(db)
    # nothing of the killed run is held: Autumn as before, plus the Summer run that waited
    assert count(engine, S.returns, S.returns.c.term == "Spring") == 0
    assert count(engine, S.returns) == 3 + 2 and count(engine, S.placements) == 5 + 3
    assert year_figures(engine, AUTUMN)["terms"] == ["2024/25 Autumn", "2024/25 Summer"]
    assert load_term(engine, spring).loaded == ["p1.xlsm"]  # and the load can simply be run again
    assert year_figures(engine, SPRING)["terms"] == ["2024/25 Autumn", "2024/25 Spring", "2024/25 Summer"]
    engine.dispose()


def test_migrations_build_an_empty_database_and_a_newer_one_is_refused(db):
    engine = open_register(db)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT version_num FROM alembic_version")) == head_revision()
        assert conn.scalar(select(func.count()).select_from(S.placements)) == 0
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(
        RegisterError,
        match=r"written by a newer version of ap-sheets \(schema revision 9999; "
        r"this version knows up to 0003\)\. Upgrade ap-sheets",
    ):
        open_register(db)


def test_purge_deletes_personal_data_and_keeps_the_figures(db, tmp_path):
    engine = open_register(db)
    for make in (autumn_batch, corrected_batch, spring_batch, summer_batch):
        load_term(engine, make(tmp_path))
    # D's only placement ended 13/12/2024; B's ended 29/11/2024 but B came back (open again)
    plan = plan_purge(engine, date(2025, 1, 1))
    # (D's open placement on the rejected return does not count: the corrected return replaced it)
    assert (plan.children, plan.placements, plan.identities) == (1, 2, 1)
    assert count(engine, S.children, S.children.c.upn.is_(None)) == 0  # planning deletes nothing
    done = purge(engine, date(2025, 1, 1), today=date(2026, 9, 1))
    assert (done.children, done.placements) == (1, 2)
    assert count(engine, S.children, S.children.c.upn == D) == 0
    assert count(engine, S.children, S.children.c.purged_on == date(2026, 9, 1)) == 1
    assert count(engine, S.identities) == 5  # A twice, B, C, E
    with engine.connect() as conn:
        kept = conn.execute(
            select(S.placements).join(S.children).where(S.children.c.upn.is_(None)).order_by(S.placements.c.id.desc())
        ).first()
    assert (kept.end_date, kept.destination, kept.sen, kept.looked_after, kept.nc_year) == (
        date(2024, 12, 13),
        "New mainstream school",
        None,
        None,
        None,
    )
    assert year_figures(engine, AUTUMN) == {**YEAR, "children_purged": 1}
    assert plan_purge(engine, date(2025, 1, 1)).children == 0  # done once
    with engine.connect() as conn:
        assert conn.execute(select(S.purges.c.children, S.purges.c.ended_before)).one() == (1, date(2025, 1, 1))
    engine.dispose()


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    old = os.umask(0)
    try:
        engine = open_register(str(tmp_path / "register.db"))
    finally:
        os.umask(old)
    load_term(engine, autumn_batch(tmp_path))
    assert (tmp_path / "register.db").stat().st_mode & 0o777 == 0o600
    engine.dispose()


def test_a_database_that_cannot_be_used_is_named_plainly(tmp_path):
    with pytest.raises(RegisterError, match="is a folder"):
        open_register(str(tmp_path))
    with pytest.raises(RegisterError, match="does not exist"):
        open_register(str(tmp_path / "missing" / "register.db"))
    (tmp_path / "notes.db").write_text("not a database at all, just some notes\n" * 100)
    with pytest.raises(RegisterError, match="Could not open the register database .*notes.db"):
        open_register(str(tmp_path / "notes.db"))


def test_the_migrations_build_exactly_the_tables_the_code_uses(db):
    """schema.py (what the code reads and writes) and the migrations (what builds the database)
    must not drift apart: Alembic's autogenerate comparison finds no difference."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = open_register(db)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), S.metadata)
    engine.dispose()
    assert differences == []


def test_the_year_register_has_every_child_of_the_year_once(db, tmp_path):
    from ap_sheets.db import year_register

    engine = open_register(db)
    for make in (autumn_batch, corrected_batch, spring_batch, summer_batch):
        load_term(engine, make(tmp_path))
    children = {e["upn"]: e for e in year_register(engine, SPRING)}
    engine.dispose()
    assert list(children) == [A, B, C, D, E]  # by surname: Able-Smith, Baker, Cole, Dunn, Ede
    assert children[A] == {
        "upn": A,
        "surname": "Able-Smith",
        "forename": "Amy",
        "date_of_birth": date(2011, 5, 1),
        "placements": 2,
        "providers": "Provider AP-001; Provider AP-002",
        "first_start": date(2024, 9, 9),
        "open": True,
        "last_end": None,
        "latest_destination": "Another AP",
        "returned_to_mainstream": False,
        "back_in_ap": False,
        "terms": "Autumn, Spring, Summer",
        "names_held": 2,
    }
    assert (children[B]["placements"], children[B]["returned_to_mainstream"], children[B]["back_in_ap"]) == (
        2,
        True,
        True,
    )
    assert (children[D]["last_end"], children[D]["latest_destination"], children[D]["terms"]) == (
        date(2024, 12, 13),
        "New mainstream school",
        "Autumn",
    )


def test_a_term_rebuilt_from_the_database_with_trends_from_every_term_held(db, tmp_path):
    from ap_sheets.db.rebuild import register_batch

    engine = open_register(db)
    for make in (autumn_batch, corrected_batch, spring_batch):
        load_term(engine, make(tmp_path))
    spring = register_batch(engine)  # the latest term held
    autumn = register_batch(engine, AUTUMN)
    assert spring.year == year_figures(engine, SPRING)
    engine.dispose()
    assert (spring.term, spring.term_source, autumn.term_source) == (SPRING, "latest held", "given")
    assert {t: sorted(r.file for r in rs) for t, rs in spring.trend_terms.items()} == {
        AUTUMN: ["p1.xlsm (#1)", "p2 corrected.xlsm", "s1.xlsm"],
        SPRING: ["p1.xlsm (#5)"],
    }
    # the term as logged: the rejected return and the correction that replaced it, X005 as the folder would
    assert autumn.decisions == {
        "p1.xlsm (#1)": "Yes",
        "p2 corrected.xlsm": "Yes",
        "s1.xlsm": "Yes",
        "p2.xlsm": "No: another return for the same provider is used (p2 corrected.xlsm), X005",
    }
    rows = {r.file: r.rows for r in autumn.results}
    assert [(row.upn, row.surname, row.end_date, row.destination) for row in rows["p2 corrected.xlsm"]] == [
        (D, "Dunn", date(2024, 12, 13), "New mainstream school")
    ]
    assert rows["p1.xlsm (#1)"][1] == pupil(B, date(2024, 9, 9), date(2024, 11, 29), "Returned to home school", row=11)
