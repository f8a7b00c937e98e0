"""The bulk import validates each line's JSON text directly (pydantic ``model_validate_json``);
whatever that route decides must be what ``case new --file`` decides (json.loads, then the
schema): the same records accepted with the same values, the same rejections worded the same."""

from __future__ import annotations

import copy
import json
import random
from decimal import Decimal
from typing import Any

import pytest

from mediation import bulk_validation
from mediation.core import money
from mediation.core.i18n import set_language
from tests.conftest import case_record

KEY = b"k" * 32


def _party(index: int, **changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(case_record())
    record["parties"][index].update(changes)
    return record


def _text(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False)


def _amount(literal: str) -> str:
    """case.json with the amount written exactly as ``literal`` in the JSON text."""
    return _text(case_record(amount=123456789)).replace("123456789", literal)


LINES = [
    _text(case_record()),
    json.dumps(case_record()),  # ASCII-escaped
    _text(case_record(discovered_at=None, amount=None)),
    _text(case_record(discovered_at="2026-09-07T09:00:00Z")),
    _text(case_record(discovered_at="2026-09-07")),
    _text(case_record(discovered_at=1_700_000_000)),
    _text(case_record(discovered_at="yesterday")),
    _text(case_record(persons_involved=3)),
    _text(case_record(persons_involved=2.0)),
    _text(case_record(persons_involved="2")),
    _text(case_record(persons_involved=0)),
    _text(case_record(risk_level="high")),
    _text(case_record(source="court")),  # referral without a reference
    _text(case_record(source="court", referral_ref="（2026）湘0104民诉前调1号")),
    _text(case_record(category="77")),
    _text(case_record(summary="  ")),
    _text(case_record(extra=1)),
    _text(case_record(parties=[])),
    _text({k: v for k, v in case_record().items() if k != "requests"}),
    _amount("12.50"), _amount("1e2"), _amount("1000.0"), _amount("-0.0"), _amount("0.1"),
    _amount('"12.50"'), _amount("1234.56789012345678901"), _amount("-1"), _amount("NaN"),
    _amount("1e400"), _amount("true"), _amount('"abc"'),
    _text(_party(0, id_number="430104198003120015")),  # check digit
    _text(_party(0, id_number="43010419800312001x")),  # lower-case x: wrong check digit here
    _text(_party(0, id_number=" 430104198003120014 ")),
    _text(_party(0, id_number="430104198013120014")),  # month 13
    _text(_party(0, birth_date="1980-03-12")),
    _text(_party(0, birth_date="1980-03-13")),
    _text(_party(0, id_number="430104201503120015", birth_date=None)),  # a minor
    _text(_party(0, id_number="430104201503120015", guardian="王五")),
    _text(_party(0, id_number="430104201503120015",
                 guardian={"name": "王五", "relation": "父亲", "phone": "0731-88886666"})),
    _text(_party(0, guardian={"name": ""})),
    _text(_party(0, id_type="passport", id_number="E12345678")),
    _text(_party(0, phone="+86 138 1234 5678")),
    _text(_party(0, phone="12345")),
    _text(_party(0, phone="")),
    _text(_party(0, kind="legal_person", name="某某物业公司", id_type="credit_code",
                 id_number="91430104MA4L0XXX0D", sex=None)),
    _text(_party(0, role="witness")),
    _text(_party(0, name=5)),
    _text(case_record())[:-1] + ', "source": "grid"}',  # a repeated key: the last one wins
    '{"category": "02", "source": "application", "summary": "\\ud800", "requests": "r", '
    '"parties": [{"role": "applicant", "name": "张三"}]}',
    "{not json", "[1, 2]", "5", "null", '"text"', "",
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_validating_the_text_decides_as_loading_it_does(lang: str) -> None:
    set_language(lang)
    for n, line in enumerate(LINES, start=1):
        fast = bulk_validation.prepare(n, line, KEY)
        loaded = bulk_validation.prepare_loaded(n, line, KEY)
        assert fast == loaded, line


def test_amounts_with_fractions_read_alike() -> None:
    rng = random.Random(5)
    for _ in range(500):
        value = rng.choice([rng.random() * 10 ** rng.randint(-3, 12),
                            float(rng.randint(0, 10 ** 6)), rng.randint(0, 10 ** 8) / 100])
        line = _amount(repr(value))
        fast = bulk_validation.prepare(1, line, KEY)
        assert fast == bulk_validation.prepare_loaded(1, line, KEY), line
        exact = Decimal(repr(value))
        # at most two decimals and within the bound: accepted; otherwise refused, never rounded
        refused = exact != exact.quantize(Decimal("0.01")) or exact > money.MAX_AMOUNT_YUAN
        assert isinstance(fast, bulk_validation.Rejected) == refused, line
