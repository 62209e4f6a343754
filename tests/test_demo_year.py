"""`plan_year`: a whole academic year of demo returns, the children carrying on."""

from __future__ import annotations

from collections import Counter

from ap_sheets.demo import plan_demo, plan_year


def test_a_year_of_demo_terms_carries_children_on():
    autumn, spring, summer = plan_year()
    assert [d.term.label for d in (autumn, spring, summer)] == ["2024/25 Autumn", "2024/25 Spring", "2024/25 Summer"]
    # the first term is the one-term demo, unchanged
    assert [w.records for w in autumn.workbooks] == [w.records for w in plan_demo().workbooks]
    for before, now in ((autumn, spring), (spring, summer)):
        assert max(Counter((p.child.upn, p.provider.id) for p in now.placements).values()) == 1
        earlier = {(p.child.upn, p.provider.id): p for p in before.placements if p.end is None and p.child.tag is None}
        carried = [p for p in now.placements if (p.child.upn, p.provider.id) in earlier]
        assert len(carried) > 30
        assert all(p.start == earlier[(p.child.upn, p.provider.id)].start for p in carried)
        assert all(p.end is None or p.end >= now.term.start for p in carried)
        assert any(p.end is not None for p in carried)  # some of them end this term
        # two children who went back to school come back into AP this term, after they left
        gone = {
            p.child.upn: p.end
            for d in (autumn, spring)
            for p in d.placements
            if p.end and p.destination in ("Returned to home school", "New mainstream school")
        }
        back = [
            p
            for p in now.placements
            if p.child.upn in gone and p.start > gone[p.child.upn] and p.start >= now.term.start
        ]
        assert len(back) == 2
    assert len({p.child.upn for d in (autumn, spring, summer) for p in d.placements}) > 200


def test_each_term_has_its_directory_dated_near_its_end():
    """One AP Directory a term (the QA officer keeps it up to date), dated a week before the
    term ends, with the same planted differences each term."""
    from datetime import timedelta

    year = plan_year()
    for d in year:
        assert d.directory.path == "ap_directory.xlsm" and d.directory.kind == "ap-directory"
        assert d.directory.records["About"]["directory_date"] == d.term.end - timedelta(7)
        planted = sorted((g.code, g.provider_id) for g in d.gaps if g.code in ("X007", "X008", "X009"))
        assert planted == [
            ("X007", "AP-0010"),
            ("X007", "AP-0015"),
            ("X007", "AP-0018"),
            ("X007", "AP-0021"),
            ("X008", "AP-0003"),
            ("X009", "AP-0004"),
        ]
    visits = [next(r for r in d.directory.records["Directory"] if r["provider_id"] == "AP-0004") for d in year]
    assert len({v["last_qa_visit"] for v in visits}) == 3  # overdue afresh each term
