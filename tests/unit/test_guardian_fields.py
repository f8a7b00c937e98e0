"""A guardian's name looks like a name (the rule of a party's name, fields.person_name) and the
relation is one of the list of Civil Code arts. 27-28 (vocab.GuardianRelation), typed as its
code, its Chinese or English name or a word for it (父亲), like every value (choices.parse); on
every path that reads a party: case.json, case import, the guided intake (issue 14)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core import choices
from mediation.core.errors import InvalidInput
from mediation.core.i18n import name, set_language
from mediation.core.vocab import RELATION_WORDS, GuardianRelation
from mediation.intake import parse_case

BOY = "430104201506010014"


def record(guardian: object = None, *, party_name: str = "张小明",
           kind: str = "person") -> dict[str, object]:
    child: dict[str, object] = {"role": "applicant", "kind": kind, "name": party_name}
    if guardian is not None:
        child["guardian"] = guardian
    if kind == "person":
        child["id_number"] = BOY
    return {"category": "02", "source": "application", "summary": "漏水", "requests": "赔偿",
            "parties": [child, {"role": "respondent", "name": "李四"}]}


NOT_NAMES = ["13812345678", "138 1234 5678", BOY, "zhang@example.com", "张三13800001111",
             "@@", "---", "０７３１－８８８８６６６６"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("typed", NOT_NAMES)
@pytest.mark.parametrize("whose", ["party", "guardian"])
def test_what_is_not_a_name_is_refused_for_a_party_and_a_guardian(lang: str, typed: str,
                                                                  whose: str) -> None:
    set_language(lang)
    try:
        data = record({"name": typed, "relation": "父母"}) if whose == "guardian" else \
            record({"name": "张大山", "relation": "父母"}, party_name=typed)
        with pytest.raises(InvalidInput) as caught:
            parse_case(data)
        said = caught.value.render()
        assert len(said.splitlines()) == 1
        assert ("不像人名" if lang == "zh" else "does not look like a person's name") in said
        assert ("监护人" if lang == "zh" and whose == "guardian" else "") in said
    finally:
        set_language("en")


@pytest.mark.parametrize("typed", ["张大山", "阿依古丽·买买提", "阿依古丽 • 买买提", "John O'Neil",
                                   "Jean-Luc Picard", "欧阳娜娜", "张三（小名）"])
def test_names_are_names(typed: str) -> None:
    checked = parse_case(record({"name": typed, "relation": "parent"}))
    guardian = checked.parties[0].guardian
    assert guardian is not None and guardian.name
    assert parse_case(record({"name": "张大山"}, party_name=typed)).parties[0].name


def test_an_organisation_may_hold_digits_but_not_only_digits() -> None:
    ok = parse_case(record(None, party_name="长沙市第一建筑公司", kind="legal_person"))
    assert ok.parties[0].name == "长沙市第一建筑公司"
    with pytest.raises(InvalidInput):
        parse_case(record(None, party_name="0731-88886666", kind="organisation"))
    # a residents' committee as guardian (Civil Code art. 32) is an organisation's name
    g = parse_case(record({"name": "龙王港第2社区居民委员会",
                           "relation": "村（居）民委员会/民政部门"}))
    assert g.parties[0].guardian is not None
    assert g.parties[0].guardian.relation == GuardianRelation.committee


@given(relation=st.sampled_from(list(GuardianRelation)),
       form=st.sampled_from(["code", "zh", "en", "upper"]))
def test_every_relation_by_code_or_name(relation: GuardianRelation, form: str) -> None:
    typed = {"code": relation.value, "zh": name("relation", relation.value, "zh"),
             "en": name("relation", relation.value, "en"),
             "upper": relation.value.upper()}[form]
    checked = parse_case(record({"name": "张大山", "relation": typed}))
    assert checked.parties[0].guardian is not None
    assert checked.parties[0].guardian.relation == relation


@pytest.mark.parametrize(("word", "code"), sorted(RELATION_WORDS.items()))
def test_the_words_people_write_are_the_relation_they_are(word: str, code: str) -> None:
    assert choices.parse("relation", word) == code


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("typed", ["叔叔", "朋友", "邻居", "13812345678", "x"])
def test_any_other_relation_is_refused_naming_the_list(lang: str, typed: str) -> None:
    set_language(lang)
    try:
        with pytest.raises(InvalidInput) as caught:
            parse_case(record({"name": "张大山", "relation": typed}))
        said = caught.value.render()
        assert len(said.splitlines()) == 1
        if lang == "zh":
            assert "父母" in said and "配偶" in said and "村（居）民委员会/民政部门" in said
        else:
            assert "parent" in said and "spouse" in said
    finally:
        set_language("en")
