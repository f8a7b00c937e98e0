"""GB 11643 check digits, phone numbers, masking and scrubbing (no database)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core import identity

VALID = "11010519491231002X"  # the standard's own example


def make_id(first17: str) -> str:
    return first17 + identity.gb11643_check_char(first17)


def test_the_standards_example_is_valid() -> None:
    assert identity.resident_id_problem(VALID) is None
    assert identity.resident_id_problem(VALID.lower()) is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("110105194912310021", "check digit"),
        ("11010519491231002", "18 characters"),
        ("01010519491231002X", "17 digits and a check digit"),
        ("110105194913310029", "birth date"),
        ("11010519491231002Y", "17 digits and a check digit"),
        (make_id("11010518991231002"), "before 1900"),
        (make_id("11010530001231002"), "in the future"),
        ("１１０１０５１９４９１２３１００２", "18 characters"),
    ],
)
def test_bad_resident_ids_name_what_is_wrong(value: str, problem: str) -> None:
    assert problem in (identity.resident_id_problem(value) or "")


@given(st.from_regex(r"[1-8][0-9]{5}(19[5-9][0-9]|200[0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])"
                     r"[0-9]{3}", fullmatch=True))
def test_every_computed_check_digit_validates_and_any_other_fails(first17: str) -> None:
    good = make_id(first17)
    assert identity.resident_id_problem(good) is None
    for other in "0123456789X":
        if other != good[-1]:
            assert identity.resident_id_problem(first17 + other) is not None


@pytest.mark.parametrize("phone", ["13812345678", "138 1234 5678", "+8613812345678",
                                   "0731-88886666", "073188886666", "010-12345678-123"])
def test_valid_phones(phone: str) -> None:
    assert identity.phone_valid(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "abc", "731-8888666",
                                   "138123456789"])
def test_invalid_phones(phone: str) -> None:
    assert not identity.phone_valid(phone)


def test_masks_match_the_documented_forms() -> None:
    assert identity.mask_id("110105194912310021") == "110***********0021"
    assert identity.mask_phone("13812345678") == "138****5678"
    assert identity.mask_name("张三丰") == "张某"
    assert identity.mask_name("欧阳娜娜") == "欧阳某"
    assert identity.mask_address("湖南省长沙市岳麓区龙王港街道8栋502") == "湖南省长沙市岳麓区***"
    assert identity.mask_id(None) is None and identity.mask_phone("") == ""


def test_scrub_masks_ids_and_mobiles_inside_free_text() -> None:
    text = f"张三（身份证{VALID}，电话13812345678）同意赔偿500元，合同号 20261234567890"
    out = identity.scrub(text) or ""
    assert VALID not in out and "13812345678" not in out
    assert "110***********002X" in out and "138****5678" in out
    assert "500元" in out


@given(st.text(alphabet="0123456789X张三 ，。", max_size=60))
def test_scrub_never_leaves_a_valid_id_or_mobile(text: str) -> None:
    out = identity.scrub(text) or ""
    for m in re.finditer(r"(?<!\d)\d{17}[\dX](?!\d)", out):
        assert "*" in m.group(0)
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", out)


def test_keyed_hash_is_stable_and_keyed() -> None:
    a = identity.keyed_hash(b"k1", VALID)
    assert a == identity.keyed_hash(b"k1", VALID.lower())
    assert a != identity.keyed_hash(b"k2", VALID)
    assert VALID not in a


def test_only_ascii_digits_count() -> None:
    assert not identity.phone_valid("13٨12345678")  # an Arabic-Indic digit
    assert identity.resident_id_problem("11010519491231002X".replace("1", "١", 1)) is not None


def test_today_of_an_id_number_is_the_clock_s(fixed_now: Any) -> None:
    """identity's today is THE clock's (issue 14: it read the machine's, out of a fixed now's
    reach): a birth date on the committee's today is allowed, the day after it is not, whatever
    the machine's date; 16:00 UTC is the next day in Beijing."""
    from datetime import datetime

    from mediation.core.identity import check_resident_id, gb11643_check_char

    first17 = "430104" + "20300102" + "001"
    number = first17 + gb11643_check_char(first17)
    fixed_now(datetime(2030, 1, 1, 15, 59))  # 2030-01-01 23:59 in Beijing
    assert check_resident_id(number) == "the birth date inside it is in the future"
    fixed_now(datetime(2030, 1, 1, 16, 0))  # 2030-01-02 00:00 in Beijing
    assert check_resident_id(number) == (number, date(2030, 1, 2))
