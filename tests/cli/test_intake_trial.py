"""A clerk's trial of the guided intake (issue 14): an ethnicity is one of GB/T 3304's, never
an ID number; dates on screen never show an ISO ``T``; a party corrected at the summary offers
what was entered (Enter keeps it); the header says which party (第2位被申请人); the case is
registered when the clerk says (yesterday's dispute, entered today), not in the future."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from cli.output import local_time
from mediation.cases import GuardianIn, PartyIn
from mediation.core import choices, fields, normalise
from mediation.core.i18n import name
from mediation.core.vocab import ETHNICITIES
from tests.cli.test_guided_intake import Terminal
from tests.conftest import Result

ID, PHONE = "430104198003120014", "13812345678"


@pytest.mark.parametrize("code", ETHNICITIES)
def test_every_ethnic_group_by_code_name_and_short_name(code: str) -> None:
    zh = name("ethnicity", code, "zh")
    typed = {code, zh, name("ethnicity", code, "en"), f"  {zh} "}
    if zh.endswith("族"):
        typed.add(zh.removesuffix("族"))
    for text in typed:
        assert PartyIn(role="applicant", name="张三", ethnicity=text).ethnicity == zh, text


@pytest.mark.parametrize("value", [ID, PHONE, "x", "族", "汉人族", "张三"])
def test_anything_else_is_no_ethnicity_and_a_number_is_masked_in_the_refusal(
        value: str) -> None:
    with pytest.raises(ValidationError):
        PartyIn(role="applicant", name="张三", ethnicity=value)
    with pytest.raises(normalise.Unreadable) as refused:
        fields.ethnicity(value)
    for lang in ("zh", "en"):
        said = refused.value.message.render(lang)
        assert ID not in said and PHONE not in said and "GB/T 3304" in said


# Every name-like field of a party (a field that should be a name or one of a list) refuses a
# phone or an ID number: the party's name and the guardian's (fields.person_name), the
# ethnicity, the vocabularies (sex, relation...).
@pytest.mark.parametrize("field", ["name", "ethnicity", "sex", "kind", "id_type"])
@pytest.mark.parametrize("number", [ID, PHONE])
def test_no_name_like_field_of_a_party_takes_a_number(field: str, number: str) -> None:
    with pytest.raises(ValidationError):
        PartyIn(**{"role": "applicant", "name": "张三", field: number})
    with pytest.raises(ValidationError):
        GuardianIn(name=number)
    with pytest.raises(ValidationError):
        GuardianIn(name="张大山", relation=number)


def test_the_ethnic_groups_are_the_standards() -> None:
    assert len(ETHNICITIES) == 58 and choices.parse("ethnicity", "汉") == "01"
    assert name("ethnicity", "56", "zh") == "基诺族" and name("ethnicity", "98", "zh") == \
        "外国血统中国籍人士"
    assert choices.parse("ethnicity", "土") == "30" and choices.parse("ethnicity", "土家") == "15"


@pytest.mark.parametrize("value", ["2026-11-03T00:00:00", "2026-11-03T09:30:00",
                                   "2026-11-03T01:30:00Z", "2026-11-03T01:30:00+00:00",
                                   "2026-11-03"])
def test_one_formatter_shows_every_time_without_a_t(value: str) -> None:
    shown = local_time(value)
    assert "T" not in shown and shown.startswith("2026-11-03")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_yesterdays_dispute_registered_yesterday_a_party_corrected_keeps_its_answers(
        cli: Callable[..., Result], lang: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    found, registered = today - timedelta(days=2), today - timedelta(days=1)
    tomorrow = today + timedelta(days=1)
    answers = ["邻里纠纷", "", "楼上漏水", "赔偿维修费", "",
               found.isoformat(),                          # found: a date
               "",                                         # risk
               tomorrow.isoformat(),                       # registered: the future, refused
               f"{registered.month}-{registered.day}",     # registered: yesterday, no year
               "", "张三", "男", ID, "汉", ID, "", "", "",  # an ID number as 民族: refused
               "", "李四", "女", "", "", "", "", "",
               "y", "respondent", "", "王五", "男", "01", "", "", "", "",  # a second one
               "n",
               "9",                                        # correct the applicant ...
               "", "", "", "", "", "", "", "",             # ... Enter keeps every answer
               "是" if lang == "zh" else "y"]
    out = cli("--lang", lang, "case", "new", "--json", input=Terminal("\n".join(answers) + "\n"))
    assert out.code == 0, out.err
    zh = lang == "zh"
    assert out.err.count("不是民族" if zh else "is not an ethnic group") == 1
    assert ID not in out.err.split("不是民族" if zh else "is not an ethnic group")[0][-30:]
    assert out.err.count("该时间在将来" if zh else "that is in the future") == 1
    assert ("第2位被申请人" if zh else "respondent 2") in out.err
    # a date answered alone is shown alone (issue 14: no midnight nobody typed), never ISO's T
    assert found.isoformat() in out.err and f"{found.isoformat()}T" not in out.err
    assert f"{found.isoformat()} 00:00" not in out.err
    assert "y/n" not in out.err.lower() or not zh
    if zh:
        assert "确认登记吗？是：登记" in out.err and "[是]" in out.err
    shown = json.loads(cli("case", "show", "1", "--json", "--reveal", "--reason", "核对").out)
    applicant = shown["parties"][0]
    assert (applicant["name"], applicant["sex"], applicant["ethnicity"], applicant["id_number"]
            ) == ("张三", "male", "汉族", ID)
    assert shown["parties"][2]["ethnicity"] == "汉族"
    assert local_time(shown["dates"]["registered"]).startswith(registered.isoformat()), shown
