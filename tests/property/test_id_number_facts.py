"""A resident ID number (居民身份证号码, GB 11643) holds its holder's birth date (digits 7-14) and
sex (the 17th digit: odd male, even female). For any valid number, a party given without a
birth date or a sex gets the ones it encodes, through case.json and the import alike; a given
value the number contradicts is refused on one line naming both, in either language (issue 14,
fields.identity_of).

The expected values are read off the digits here, not through the code under test."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import bulk_validation, intake
from mediation.core.errors import InvalidInput
from mediation.core.i18n import set_language
from mediation.intake import PARTY_COLUMNS
from tests.conftest import case_record

KEY = b"k" * 32
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _check(first17: str) -> str:  # GB 11643 ISO 7064 MOD 11-2, written out
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.integers(110000, 999999))
    born = draw(st.dates(date(1900, 1, 1), date(2025, 12, 31)))
    order = draw(st.integers(0, 999))
    first17 = f"{region:06d}{born:%Y%m%d}{order:03d}"
    return first17 + _check(first17)


def _encoded(number: str) -> tuple[date, str]:
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return born, ("male" if int(number[16]) % 2 else "female")


def _record(number: str, **given: Any) -> dict[str, Any]:
    record = case_record()
    party = {"role": "applicant", "kind": "person", "name": "周小明", "id_number": number,
             # a guardian always, so that a minor's number is valid too (fields.check_guardian)
             "guardian": {"name": "周敏", "relation": "parent"}, **given}
    record["parties"] = [party, record["parties"][1]]
    return record


def _imported(record: dict[str, Any]) -> tuple[Any, ...] | str:
    """The party row the import would write, or its rejection."""
    item = bulk_validation.prepare(1, json.dumps(record, ensure_ascii=False), KEY)
    if isinstance(item, bulk_validation.Rejected):
        return item.message
    return item[2][0]


@pytest.fixture(autouse=True)
def _english() -> Any:
    set_language("en")
    yield
    set_language("en")


@settings(max_examples=150, deadline=None)
@given(id_numbers())
def test_absent_birth_date_and_sex_are_the_ones_the_number_encodes(number: str) -> None:
    born, sex = _encoded(number)
    party = intake.parse_case(_record(number)).parties[0]
    assert (party.birth_date, party.sex) == (born, sex)
    row = _imported(_record(number))
    assert isinstance(row, tuple), row
    assert (row[PARTY_COLUMNS.index("birth_date")], row[PARTY_COLUMNS.index("sex")]) == (
        born.isoformat(), sex)
    # given and agreeing: kept
    same = intake.parse_case(_record(number, birth_date=born.isoformat(), sex=sex)).parties[0]
    assert (same.birth_date, same.sex) == (born, sex)


@settings(max_examples=150, deadline=None)
@given(id_numbers(), st.dates(date(1900, 1, 1), date(2025, 12, 31)))
def test_a_birth_date_the_number_contradicts_is_refused_naming_both(number: str,
                                                                    other: date) -> None:
    born, _sex = _encoded(number)
    if other == born:
        return
    record = _record(number, birth_date=other.isoformat())
    with pytest.raises(InvalidInput) as caught:
        intake.parse_case(record)
    said = caught.value.render()
    assert "\n" not in said and "party 1's date of birth" in said
    assert other.isoformat() in said and born.isoformat() in said
    assert said.index(other.isoformat()) < said.index(born.isoformat())  # given, then the ID's
    refused = _imported(record)
    assert isinstance(refused, str) and other.isoformat() in refused \
        and born.isoformat() in refused


@settings(max_examples=100, deadline=None)
@given(id_numbers(), st.sampled_from(["en", "zh"]))
def test_a_sex_the_number_contradicts_is_refused_naming_both(number: str, lang: str) -> None:
    _born, sex = _encoded(number)
    other = "female" if sex == "male" else "male"
    set_language(lang)
    record = _record(number, sex=other)
    with pytest.raises(InvalidInput) as caught:
        intake.parse_case(record)
    said = caught.value.render()
    names = {"male": "男", "female": "女"} if lang == "zh" else {"male": "male",
                                                                 "female": "female"}
    sex_at = {"zh": "第1位当事人的性别", "en": "party 1's sex"}
    assert "\n" not in said and sex_at[lang] in said
    tail = said.split(sex_at[lang], 1)[1]
    assert tail.index(names[other]) < tail.rindex(names[sex]), said  # both named, given first
    refused = _imported(record)  # the import, in the same words after its line number
    assert said.startswith("case.json") and isinstance(refused, str)
    assert refused.endswith(said.removeprefix("case.json")) and refused != said
