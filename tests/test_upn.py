"""UPN rules (R010, R015 helpers) against an independent implementation.

Check letters are computed here by ap-sheets and by python-stdnum's `stdnum.gb.upn` for
thousands of random permanent and temporary UPNs, never copied from worked examples (some
published ones are wrong).
"""

from __future__ import annotations

import random
import string

import pytest
from stdnum.gb import upn as stdnum_upn

from ap_sheets import values
from ap_sheets.spec.la_numbers import LA_NUMBERS, is_la_number

RNG_SEED = 20260429
TEMPORARY_LAST = values.UPN_LETTERS  # a temporary UPN ends in a letter, never I, O or S


def _bodies(n: int, temporary: bool, seed: int = RNG_SEED):
    rng = random.Random(seed + temporary)
    las = sorted(LA_NUMBERS)
    for _ in range(n):
        middle = "".join(rng.choice(string.digits) for _ in range(8))
        last = rng.choice(TEMPORARY_LAST if temporary else string.digits)
        yield rng.choice(las) + middle + last


@pytest.mark.parametrize("temporary", [False, True], ids=["permanent", "temporary"])
def test_check_letter_agrees_with_python_stdnum(temporary):
    compared = 0
    for body in _bodies(4000, temporary):
        ours = values.upn_check_letter("A" + body)
        assert ours == stdnum_upn.calc_check_digit(body), body
        upn = ours + body
        assert values.upn_problem(upn) is None, upn
        assert values.is_temporary_upn(upn) is temporary
        compared += 1
    assert compared == 4000


def test_wrong_check_letter_fails_as_stdnum_says():
    for body in _bodies(500, temporary=False, seed=7):
        right = values.upn_check_letter("A" + body)
        for wrong in values.UPN_LETTERS:
            if wrong == right:
                continue
            upn = wrong + body
            assert values.upn_problem(upn) == "has the wrong check letter"
            assert not stdnum_upn.is_valid(upn)


def test_la_numbers_include_every_number_stdnum_knows():
    # stdnum lists current LA numbers (2011); the DfE's list also keeps former and newer ones.
    known = {f"{n:03d}" for n in stdnum_upn._la_numbers}
    assert known <= LA_NUMBERS
    assert {"838", "839", "940", "941", "942", "943"} <= LA_NUMBERS  # councils made since


def _with_check_letter(body: str) -> str:
    return values.upn_check_letter("A" + body) + body


def test_placeholder_upn_fails_with_a_plain_reason():
    assert _with_check_letter("000000000000") == "A000000000000"  # its check letter is right
    assert values.upn_problem("A000000000000") == "is a placeholder (all zeros), not a real UPN"
    temporary = _with_check_letter("00000000000A")
    assert values.upn_problem(temporary) == "is a placeholder (all zeros), not a real UPN"


@pytest.mark.parametrize("la", ["000", "100", "400", "700", "999", "817", "944"])
def test_characters_2_to_4_must_be_an_la_number(la):
    upn = _with_check_letter(la + "20000050" + "1")
    assert not is_la_number(la)
    assert values.upn_problem(upn) == "does not have a local authority number in characters 2 to 4"
    assert not stdnum_upn.is_valid(upn)


@pytest.mark.parametrize("la", ["001", "312", "801", "820", "875", "943"])
def test_current_and_former_la_numbers_pass(la):
    assert values.upn_problem(_with_check_letter(la + "20000050" + "1")) is None


def test_temporary_upn():
    assert values.is_temporary_upn(_with_check_letter("80120000501A"))
    assert not values.is_temporary_upn(_with_check_letter("801200005012"))
    assert not values.is_temporary_upn("")
