"""`case show` lists each follow-up visit with who visited, who was visited, the measures taken
and signs of escalation, and every urging to perform (督促履行, Law art. 31), in Chinese and in
English, masked like the rest of the case file (issue 15)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import DATA, Result


def _confirmed(cli: Callable[..., Result]) -> None:
    def ok(*args: str) -> Result:
        r = cli(*args)
        assert r.code == 0, (args, r.err)
        return r

    ok("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
       "--director-name", "王芳")
    ok("staff", "add", "liming", "--name", "李明", "--role", "mediator")
    ok("case", "new", "--file", str(DATA / "demo" / "case.json"))
    ok("case", "accept", "1")
    ok("case", "mediate", "1", "--mediator", "liming", "--rights-notified")
    ok("case", "session", "1", "--minutes", "双方陈述")
    ok("case", "agree", "1", "--terms", "赔偿500元", "--written")
    ok("case", "confirm", "1")
    ok("case", "visit", "1", "--visited", "村主任刘强", "--performance", "partial",
       "--satisfaction", "satisfied", "--measures", "约定月底前付清", "--escalation", "无")
    ok("case", "urge", "1", "--note", "电话督促被申请人履行")


def test_law_art_31_case_show_lists_visits_and_urging(cli: Callable[..., Result],
                                                      tmp_path: Path) -> None:
    _confirmed(cli)
    zh = cli("--lang", "zh", "case", "show", "1", terminal=True)
    assert zh.code == 0, zh.err
    assert "回访人：王芳" in zh.out and "被回访人：村主任刘强" in zh.out
    assert "采取的措施：约定月底前付清" in zh.out and "激化迹象：无" in zh.out
    assert "督促履行" in zh.out and "电话督促被申请人履行" in zh.out
    en = cli("--lang", "en", "case", "show", "1", terminal=True)
    assert "visited by 王芳; visited: 村主任刘强" in en.out
    assert "measures taken: 约定月底前付清" in en.out and "Urged to perform" in en.out
    piped = cli("--lang", "zh", "case", "show", "1").out.splitlines()  # labelled rows
    assert {"回访人\t王芳", "被回访人\t村主任刘强", "采取的措施\t约定月底前付清",
            "激化苗头\t无"} <= set(piped)
    doc = json.loads(cli("case", "show", "1", "--json").out)
    assert doc["follow_ups"][0]["visited"] == "村主任刘强"
    assert doc["urgings"][0]["note"] == "电话督促被申请人履行"


def test_law_art_27_a_session_typed_twice_and_a_due_date_before_the_agreement_in_chinese(
        cli: Callable[..., Result]) -> None:
    """The refusals of issue 15's late-entry rules are one Chinese line under --lang zh."""
    def ok(*args: str) -> Result:
        r = cli(*args)
        assert r.code == 0, (args, r.err)
        return r

    ok("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
       "--director-name", "王芳")
    ok("staff", "add", "liming", "--name", "李明", "--role", "mediator")
    ok("case", "new", "--file", str(DATA / "demo" / "case.json"))
    ok("case", "accept", "1")
    ok("case", "mediate", "1", "--mediator", "liming", "--rights-notified")
    ok("case", "session", "1", "--minutes", "双方陈述")
    twice = cli("--lang", "zh", "case", "session", "1", "--minutes", "双方陈述")
    assert twice.code == 1 and "已经登记过" in twice.err
    assert len(twice.err.strip().splitlines()) == 1 and "Traceback" not in twice.err
    due = cli("--lang", "zh", "case", "agree", "1", "--terms", "赔偿500元", "--written",
              "--due", "2000-01-01")
    assert due.code == 1 and "早于本步骤发生的日期" in due.err, due.err
    assert len(due.err.strip().splitlines()) == 1
