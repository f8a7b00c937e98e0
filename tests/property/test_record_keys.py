"""A case record may key each field by its code or by its Chinese name, the one case show and
every refusal name it by (issue 14, a clerk's trial: ``"角色": "申请人"`` was refused as an
unknown key). For every field of a record (the case's, a party's, a guardian's, a
representative's), its code and its Chinese name give the same case; a field keyed twice is
refused in one line; any other key is refused in one line naming the keys allowed, zh and en."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.cases import CaseIn
from mediation.core import recordkeys
from mediation.core.errors import InvalidInput
from mediation.core.i18n import get_language, set_language
from mediation.intake import parse_case

# Every field of every kind of record at least once: a party with a guardian, an organisation
# with its representative.
FULL: dict[str, Any] = {
    "category": "02", "source": "court", "referral_ref": "（2026）湘0104民调1号",
    "summary": "楼上漏水，天花板受损。", "requests": "赔偿维修费500元。",
    "discovered_at": "2026-09-07T09:00:00+08:00", "risk_level": "medium",
    "persons_involved": 3, "amount": "500",
    "parties": [
        {"role": "applicant", "kind": "person", "name": "张三", "sex": "male",
         "ethnicity": "汉族", "birth_date": "1980-03-12", "id_type": "resident_id",
         "id_number": "430104198003120014", "phone": "13812345678", "address": "桐梓坡路8栋",
         "guardian": {"relation": "parent", "name": "张大山", "id_number": "430104197511200024",
                      "phone": "13987654321"}},
        {"role": "respondent", "kind": "legal_person", "name": "长沙市某物业服务有限公司",
         "id_type": "credit_code", "id_number": "91430104MA4L0XXX0D",
         "representative": {"name": "王建华", "title": "总经理"}},
    ],
}


def _places(record: dict[str, Any], loc: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The place of every key of ``record`` (a path of keys and party numbers)."""
    for key, value in record.items():
        yield (*loc, key)
        if isinstance(value, dict):
            yield from _places(value, (*loc, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from _places(item, (*loc, key, str(i)))


PLACES = sorted(_places(FULL))


def _holder(record: dict[str, Any], place: tuple[str, ...]) -> dict[str, Any]:
    target: Any = record
    for part in place[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    assert isinstance(target, dict)
    return target


def _renamed(record: dict[str, Any], place: tuple[str, ...], key: str) -> dict[str, Any]:
    """``record`` with the key at ``place`` written ``key`` (at the same position)."""
    out = copy.deepcopy(record)
    holder = _holder(out, place)
    items = [(key if k == place[-1] else k, v) for k, v in holder.items()]
    holder.clear()
    holder.update(items)
    return out


def _forms(label: str) -> list[str]:
    """The ways a clerk writes a Chinese name: as shown, ASCII brackets, its note left out."""
    return [label, label.replace("（", "(").replace("）", ")"), re.sub(r"（[^（）]*）$", "", label),
            f" {label}"]


@contextmanager
def _language(lang: str) -> Iterator[None]:
    was = get_language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(was)


EXPECTED = parse_case(copy.deepcopy(FULL), origin="案件.json")


def test_every_field_has_a_chinese_name_that_gives_the_same_case() -> None:
    for place in PLACES:
        label = recordkeys.label(place[-1])
        assert label != place[-1] and not label.isascii(), place
        for form in _forms(label):
            assert parse_case(_renamed(FULL, place, form), origin="案件.json") == EXPECTED, (
                place, form)


@given(st.lists(st.tuples(st.sampled_from(PLACES), st.integers(0, 3)), unique_by=lambda t: t[0]))
def test_any_mix_of_codes_and_chinese_names_gives_the_same_case(
        chosen: list[tuple[tuple[str, ...], int]]) -> None:
    record = copy.deepcopy(FULL)
    # deepest first, so a renamed holder does not hide the place of a key inside it
    for place, form in sorted(chosen, key=lambda c: -len(c[0])):
        record = _renamed(record, place, _forms(recordkeys.label(place[-1]))[form])
    assert parse_case(record, origin="案件.json") == EXPECTED


@pytest.mark.parametrize("lang", ["zh", "en"])
@given(place=st.sampled_from(PLACES), form=st.integers(0, 3), first=st.booleans())
def test_a_field_keyed_twice_is_refused_in_one_line(lang: str, place: tuple[str, ...],
                                                    form: int, first: bool) -> None:
    record = copy.deepcopy(FULL)
    holder = _holder(record, place)
    label = _forms(recordkeys.label(place[-1]))[form]
    value = holder.pop(place[-1])
    pair = [(place[-1], value), (label, value)]
    holder.update(pair if first else pair[::-1])
    with _language(lang), pytest.raises(InvalidInput) as refused:
        parse_case(record, origin="案件.json")
    with _language(lang):
        said = refused.value.render()
    assert "\n" not in said and label.strip() in said and place[-1] in said, said
    assert not refused.value.details(), said


KEYS = st.text(st.characters(codec="utf-8"), min_size=1, max_size=12)


@pytest.mark.parametrize("lang", ["zh", "en"])
@given(holder=st.sampled_from(sorted({p[:-1] for p in PLACES} - {("parties",)})), key=KEYS)
def test_any_other_key_is_refused_in_one_line(lang: str, holder: tuple[str, ...],
                                              key: str) -> None:
    model = recordkeys.nested(CaseIn, list(holder))
    if recordkeys.code_of(model, key) in model.model_fields:
        return  # a field's own key
    record = copy.deepcopy(FULL)
    _holder(record, (*holder, "x"))[key] = "x"
    with _language(lang), pytest.raises(InvalidInput) as refused:
        parse_case(record, origin="案件.json")
    with _language(lang):
        said = refused.value.render()
        problems = [p.render() for p in refused.value.details()]
    assert not problems, problems
    assert "\n" not in said and "\r" not in said, said
    allowed = said.rsplit("可用的键：" if lang == "zh" else "the keys allowed here: ", 1)[1]
    for code in model.model_fields:
        assert (recordkeys.label(code) if lang == "zh" else code) in allowed, (code, said)
