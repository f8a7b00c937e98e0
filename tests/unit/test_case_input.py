"""case.json validated field by field, with a message naming the field and what is allowed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mediation.core.errors import InvalidInput
from mediation.core.i18n import set_language
from mediation.intake import load_case_file, parse_case
from tests.conftest import case_record


def refuse(record: Any) -> str:
    with pytest.raises(InvalidInput) as err:
        parse_case(record)
    text = err.value.render()
    assert "\n" not in text
    return text


def with_party(index: int, **changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(case_record())
    record["parties"][index].update(changes)
    return record


def test_the_example_file_is_valid() -> None:
    record = parse_case(case_record())
    assert record.category == "02" and len(record.parties) == 2
    assert record.parties[0].birth_date is not None  # taken from the ID number


@pytest.mark.parametrize(
    ("record", "words"),
    [
        (case_record(category="77"), ["category", "is not a category", "allowed", "01"]),
        (case_record(source="rumour"), ["source", "'rumour' is not one of", "application"]),
        (case_record(summary=""), ["facts", "must not be empty"]),
        (case_record(parties=[]), ["parties", "must not be empty"]),
        (case_record(colour="red"), ["'colour'", "unknown field"]),
        (case_record(source="court"), ["referral reference", "referring body"]),
        (with_party(0, id_number="430104198003120011"), ["party 1's ID number",
                                                         "check digit"]),
        (with_party(1, phone="1234"), ["party 2's phone", "not a phone number"]),
        (with_party(0, role="witness"), ["party 1's role", "applicant, respondent"]),
        (with_party(0, birth_date="1980-13-01"), ["party 1's date of birth"]),
        (with_party(0, id_number=None, birth_date="2015-01-01"), ["party 1's guardian",
                                                                  "minor"]),
    ],
)
def test_bad_records_are_refused_naming_the_field(record: dict[str, Any],
                                                  words: list[str]) -> None:
    text = refuse(record)
    for w in words:
        assert w in text, text


def test_a_minor_with_a_guardian_is_accepted() -> None:
    record = with_party(0, id_number=None, birth_date="2015-01-01",
                        guardian={"name": "周敏", "relation": "母亲", "phone": "13900002222"})
    assert parse_case(record).parties[0].guardian is not None


def test_not_json_and_not_an_object() -> None:
    with pytest.raises(InvalidInput, match="line 1"):
        load_case_file("{oops", origin="case.json")
    assert "JSON object" in refuse([1, 2])


def test_messages_in_chinese() -> None:
    set_language("zh")
    text = refuse(with_party(0, id_number="430104198003120011"))
    assert "校验码不正确" in text and "第1位当事人的证件号码" in text, text
    assert "parties" not in text and "[0]" not in text, text
