"""`lead accept LEAD` at a terminal (issue 17): the guided intake starts from what the grid
worker reported (source grid, when found, risk, what was seen, the lead's reference) and asks
only the rest; the reporter is carried over, and sees the outcome in `lead list --mine`."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.cli.test_guided_intake import Terminal
from tests.conftest import Result

ANSWERS = [
    "02",                      # category (source, facts, found, risk: from the lead)
    "赔偿维修费",               # requests
    "",                        # amount: none
    # applicant
    "person", "张三", "male", "汉族", "430104198003120014", "13812345678",
    "湖南省长沙市岳麓区桐梓坡路8栋502",  # an adult: no guardian asked
    # respondent
    "person", "李四", "male", "", "", "", "", "",
    "n",                       # no more parties
    "y",                       # the summary: register it
]


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lead_accept_through_the_guided_intake(cli: Callable[..., Result], lang: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("staff", "add", "wangqiang", "--name", "王强", "--role", "grid_worker").code == 0
    r = cli("lead", "report", "--place", "桐梓坡路8栋", "--seen", "楼上漏水，两户争吵",
            "--found", "2026-11-29 09:30", "--risk", "high", env={"MEDIATION_USER": "wangqiang"})
    assert r.code == 0, r.err
    out = cli("--lang", lang, "lead", "accept", "1", "--json",
              input=Terminal("\n".join(ANSWERS) + "\n"), env={"MEDIATION_USER": "wangfang"})
    assert out.code == 0, out.err + out.out
    made = json.loads(out.out)
    assert made["reporter"] == "wangqiang" and made["source"] == "grid"
    # What the lead said is in the summary the clerk confirmed, not asked again.
    assert "楼上漏水，两户争吵" in out.err and "2026-11-29 09:30" in out.err
    shown = json.loads(cli("case", "show", "1", "--json").out)
    assert shown["risk_level"] == "high" and shown["referral_ref"] == "L1"
    assert shown["dates"]["discovered"].startswith("2026-11-29T01:30")
    mine = json.loads(cli("lead", "list", "--mine", "--json",
                          env={"MEDIATION_USER": "wangqiang"}).out)
    assert mine[0]["status"] == "accepted" and mine[0]["case_number"] == made["number"]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_without_a_terminal_a_file_is_needed(cli: Callable[..., Result]) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("lead", "report", "--place", "桐梓坡路8栋", "--seen", "争吵").code == 0
    r = cli("lead", "accept", "1")
    assert r.code == 2 and "--file" in r.err
