"""`lead accept LEAD` at a terminal (issue 17): the guided intake starts from what the grid
worker reported (source grid, when found, risk, what was seen, the lead's reference) and asks
only the rest; the reporter is carried over, and sees the outcome in `lead list --mine`."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.cli.test_guided_intake import Terminal
from tests.cli.test_intake_draft import Stops, _drafts
from tests.conftest import Result

ANSWERS = [
    "02",                      # category (source, facts, found, risk: from the lead)
    "赔偿维修费",               # requests
    "",                        # amount: none
    "",                        # registered: now
    # applicant
    "person", "张三", "male", "汉族", "430104198003120014",
    "",                        # an adult lacking civil capacity? no
    "13812345678", "湖南省长沙市岳麓区桐梓坡路8栋502",
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
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_guided_lead_accept_asks_when_the_case_was_registered(
        cli: Callable[..., Result], lang: str) -> None:
    """As guided case new asks it (edbb9df's --at rule): default now; before the lead was
    found is refused at the question, which is asked again; a date alone on the lead's day is
    the time it was found; the answer is in the summary the clerk confirms."""
    _lead(cli)
    answers = [*ANSWERS[:3], "11-28", "2026-11-29", *ANSWERS[4:]]
    out = cli("--lang", lang, "lead", "accept", "1", "--json",
              input=Terminal("\n".join(answers) + "\n"), env={"MEDIATION_USER": "wangfang"})
    assert out.code == 0, out.err + out.out
    refused = ("登记时间不能早于发现时间" if lang == "zh"
               else "the case cannot be registered before the dispute was found")
    assert refused in out.err and "2026-11-29 09:30" in out.err, out.err
    summary = out.err[out.err.rindex("Please check" if lang == "en" else "请核对"):]
    assert ("登记时间" if lang == "zh" else "Registered") in summary, summary
    assert "2026-11-29" in summary.split("登记时间" if lang == "zh" else "Registered")[1]
    made = json.loads(out.out)
    assert made["registered_at"] == "2026-11-29T01:30:00Z", made  # the lead's time that day


@pytest.mark.parametrize("backend", ["sqlite"])
def test_without_a_terminal_a_file_is_needed(cli: Callable[..., Result]) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("lead", "report", "--place", "桐梓坡路8栋", "--seen", "争吵").code == 0
    r = cli("lead", "accept", "1")
    assert r.code == 2 and "--file" in r.err


def _lead(cli: Callable[..., Result]) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("staff", "add", "wangqiang", "--name", "王强", "--role", "grid_worker").code == 0
    r = cli("lead", "report", "--place", "桐梓坡路8栋", "--seen", "楼上漏水，两户争吵",
            "--found", "2026-11-29 09:30", env={"MEDIATION_USER": "wangqiang"})
    assert r.code == 0, r.err


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ctrl_c_in_lead_accept_keeps_a_draft_the_next_lead_accept_continues(
        cli: Callable[..., Result], lang: str) -> None:
    """As in case new (tests/cli/test_intake_draft.py): Ctrl-C keeps what was typed in a
    private draft (0600), exit 130, one line naming it and the command that continues it; the
    draft is the lead's own, not offered by case new; the next lead accept offers it and asks
    only what is left; once the case is written the draft is gone."""
    import stat

    _lead(cli)
    typed = ANSWERS[:7]  # stopped after the applicant's name and sex
    out = cli("--lang", lang, "lead", "accept", "1", input=Stops(typed),
              env={"MEDIATION_USER": "wangfang"})
    assert out.code == 130 and out.out == "" and "Traceback" not in out.err
    [draft] = _drafts()
    last = out.err.splitlines()[-1]
    assert str(draft) in last and "mediation lead accept 1" in last
    assert last.startswith("已取消，尚未登记" if lang == "zh" else "cancelled; nothing was "
                           "registered")
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    assert json.loads(cli("case", "list", "--json").out) == []
    # case new does not offer the lead's draft (Ctrl-C at its first question)
    other = cli("--lang", lang, "case", "new", input=Stops([]))
    assert ("unfinished" if lang == "en" else "上次未完成") not in other.err
    assert _drafts() == [draft]
    rest = ["", *ANSWERS[7:]]  # continue it (yes by default), then what is left
    out = cli("--lang", lang, "lead", "accept", "1", "--json",
              input=Terminal("\n".join(rest) + "\n"), env={"MEDIATION_USER": "wangfang"})
    assert out.code == 0, out.err
    assert ("unfinished" if lang == "en" else "上次未完成") in out.err
    shown = json.loads(cli("case", "show", "1", "--json").out)
    assert [p["name"] for p in shown["parties"]] == ["张三", "李四"]
    assert shown["source"] == "grid" and _drafts() == []


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_feedback_of_a_case_from_a_lead_goes_to_its_grid_worker(
        cli: Callable[..., Result]) -> None:
    """Without --to, the lead's grid worker; 网格员, his name or a part of it name him too,
    shown by display name; a grid worker's case takes no referring body."""
    _lead(cli)
    assert cli("lead", "accept", "1", input=Terminal("\n".join(ANSWERS) + "\n"),
               env={"MEDIATION_USER": "wangfang"}).code == 0
    for step in (("accept", "1"), ("mediate", "1", "--mediator", "wangfang",
                                   "--rights-notified"),
                 ("session", "1", "--minutes", "双方陈述"),
                 ("agree", "1", "--terms", "赔偿500元", "--written"), ("confirm", "1"),
                 ("visit", "1", "--satisfaction", "satisfied", "--performance", "full")):
        assert cli("case", *step).code == 0, step
    for to in ([], ["--to", "网格员"], ["--to", "王强"], ["--to", "强"], ["--to", "wangqiang"]):
        r = cli("case", "feedback", "1", "--channel", "phone", *to)
        assert r.code == 0, (to, r.err)
    feedbacks = json.loads(cli("case", "show", "1", "--json").out)["feedbacks"]
    assert [f["to"] for f in feedbacks] == ["王强"] * 5
    zh = cli("--lang", "zh", "case", "show", "1").out
    assert zh.count("反馈对象 王强") == 5
    history = cli("--lang", "zh", "case", "history", "1").out
    assert "wangqiang" not in history and "王强" in history
    r = cli("--lang", "zh", "case", "feedback", "1", "--channel", "phone", "--to", "法院")
    assert r.code == 1 and "网格员" in r.err and "王强" in r.err
