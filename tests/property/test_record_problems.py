"""Every problem of a case record is reported at once, each named in words (issue 14).

A valid ``case.json`` is broken in a random set of its fields (top-level, a party's, a
guardian's, a key it should not have); ``parse_case`` must refuse it with exactly one problem per
broken field, each naming the field as a clerk reads it (第1位当事人的性别 under zh, party 1's sex
under en), never the internal path (``parties[0].sex``). A field whose check stops the others, or
a place named by its path, fails here. A check that depends on a refused field is skipped (a
party's ID number when its kind or ID type is refused)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core.errors import InvalidInput
from mediation.core.i18n import get_language, gettext_, name, set_language
from mediation.intake import RECORD_FIELDS, parse_case
from tests.conftest import case_record

# (party number or None, guardian?, field, a value that field alone refuses)
BREAKERS: list[tuple[int | None, bool, str, Any]] = [
    (None, False, "source", "rumour"), (None, False, "summary", ""),
    (None, False, "requests", ""), (None, False, "amount", "-5"),
    (None, False, "persons_involved", "0"), (None, False, "risk_level", "extreme"),
    (None, False, "category", "无此类别"), (None, False, "discovered_at", "yesterday-ish"),
    (None, False, "colour", "red"),
    *[(n, False, f, v) for n in (1, 2) for f, v in (
        ("sex", "x"), ("role", "witness"), ("phone", "12"), ("id_number", "123"),
        ("ethnicity", "火星族"), ("birth_date", "1980-13-01"), ("id_type", "card"),
        ("kind", "alien"), ("name", ""), ("colour", "red"))],
    (1, True, "phone", "1"), (1, True, "relation", "stranger"), (1, True, "name", ""),
]


def _where(party: int | None, guardian: bool, field: str, lang: str) -> str:
    label = name("field", field, lang) if field in RECORD_FIELDS else (
        f"“{field}”" if lang == "zh" else f"'{field}'")
    if party is None:
        return label
    owner = f"第{party}位当事人" if lang == "zh" else f"party {party}"
    if guardian:
        owner += "的监护人" if lang == "zh" else "'s guardian"
    return f"{owner}的{label}" if lang == "zh" else f"{owner}'s {label}"


def _broken(chosen: list[tuple[int | None, bool, str, Any]]) -> dict[str, Any]:
    record = copy.deepcopy(case_record())
    for party, guardian, field, value in chosen:
        target = record if party is None else record["parties"][party - 1]
        if guardian:
            target = target.setdefault("guardian", {"name": "王五", "relation": "parent"})
        target[field] = value
    return record


@pytest.mark.parametrize("lang", ["zh", "en"])
@given(chosen=st.lists(st.sampled_from(BREAKERS), min_size=1, max_size=8,
                       unique_by=lambda b: (b[0], b[1], b[2])))
def test_every_broken_field_is_one_problem_named_in_words(
        lang: str, chosen: list[tuple[int | None, bool, str, Any]]) -> None:
    was = get_language()
    set_language(lang)
    try:
        with pytest.raises(InvalidInput) as refused:
            parse_case(_broken(chosen), origin="案件.json")
        problems = [p.render() for p in refused.value.details()] or [refused.value.render()]
    finally:
        set_language(was)
    # a party's number is checked by its kind and type: with either refused, it is not checked
    # (fields.refused_before: one problem, not a second misleading one)
    said = [b for b in chosen if not (b[2] == "id_number" and any(
        (o[0], o[1], o[2]) in ((b[0], b[1], "kind"), (b[0], b[1], "id_type")) for o in chosen))]
    assert len(problems) == len(said), (chosen, problems)
    for party, guardian, field, _value in said:
        where = _where(party, guardian, field, lang)
        assert any(p.startswith(("案件.json: " if lang == "en" else "案件.json：") + where)
                   for p in problems), (where, problems)
    for p in problems:  # the keys an unknown key's refusal lists are the keys as written
        p = p.split("可用的键：" if lang == "zh" else "the keys allowed here:")[0]
        assert "parties" not in p and "[0]" not in p and "[1]" not in p, p


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_field_of_a_record_has_a_name_in_words(lang: str) -> None:
    """A field the record may hold is named, never by its key: under zh in Chinese only."""
    for field in RECORD_FIELDS:
        label = name("field", field, lang)
        assert gettext_(f"field.{field}", lang) != f"field.{field}", field  # in the catalogue
        assert "_" not in label, (field, label)
        if lang == "zh":
            assert not any(c.isascii() and c.isalpha() for c in label), (field, label)
