"""A guided intake completed at a real terminal (a pseudo-terminal driven by pexpect), in Chinese,
80 columns wide: a mistyped category and ID number are asked again, a field is corrected from the
summary, and a probable duplicate is shown side by side and registered anyway, as --force is
(issue 14)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from cli.lines import width
from tests.conftest import Result

pexpect = pytest.importorskip("pexpect")

ROOT = Path(__file__).resolve().parents[2]
MEDIATION = str(Path(sys.executable).parent / "mediation")

# (what the screen shows, what the clerk types)
DIALOGUE = [
    ("纠纷类别（代码或名称）", "77"),           # a typo: no such category
    ("未知的纠纷类别", None),
    ("纠纷类别（代码或名称）", "邻里纠纷"),      # by its name
    ("案件来源 \\[当事人申请\\]", ""),           # the default, shown by name
    ("简要案情", "张三家天花板被楼上李四家卫生间漏水泡坏。"),
    ("当事人请求", "请求李四赔偿维修费用并修复防水层。"),
    ("涉及金额", "500"),
    ("纠纷发现时间", ""),                      # now
    ("1=低  2=中  3=高", None),
    ("风险等级", "中"),
    ("登记时间", ""),                          # now
    ("— 第1位申请人 —", None),
    ("类型 \\[自然人\\]", ""),
    ("姓名", "张三"),
    ("1=男  2=女", None),
    ("性别", "男"),
    ("民族", "汉族"),
    ("证件号码", "430104198003120011"),        # a typo: the check digit is wrong
    ("校验码不正确", None),
    ("证件号码", "430104198003120014"),
    ("无民事行为能力或限制民事行为能力的成年人", "否"),  # an adult with full capacity
    ("联系电话", "13812345678"),
    ("住址或工作单位", "湖南省长沙市岳麓区龙王港街道桐梓坡路8栋502"),
    ("— 第1位被申请人 —", None),
    ("类型", ""),
    ("姓名", "李四"),
    ("性别", "女"),
    ("民族", ""),
    ("证件号码", "430104197511200024"),
    ("无民事行为能力或限制民事行为能力的成年人", ""),   # no, by default
    ("联系电话", ""),
    ("住址或工作单位", ""),
    ("是否添加其他当事人", "否"),
    ("请核对填写的内容", None),
    ("涉及金额（元）：500", None),
    ("确认登记吗", "5"),                       # back to the amount
    ("涉及金额", "1,500元"),
    ("涉及金额（元）：1500", None),
    ("确认登记吗？是：登记；输入编号：修改该项；否：取消 \\[是\\]", ""),
    ("疑似重复案件", None),                     # side by side, before anything is written
    ("同一当事人证件号码", None),
    ("仍然登记吗", "是"),
    ("已登记 \\(\\d{4}\\)龙人调字第2号", None),
]


def test_a_guided_intake_in_chinese_with_a_typo_and_a_duplicate(tmp_path: Path) -> None:
    env = {**os.environ, "MEDIATION_DB": str(tmp_path / "room.db"),
           "MEDIATION_USER": "wangfang", "MEDIATION_LANG": "zh", "LANG": "zh_CN.UTF-8",
           "COLUMNS": "80", "LINES": "24", "NO_COLOR": "1", "TERM": "dumb",
           "MEDIATION_DRAFTS": str(tmp_path / "drafts")}
    env.pop("MEDIATION_TOKEN_FILE", None)

    def run(*args: str) -> str:
        done = subprocess.run([MEDIATION, *args], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙")
    run("case", "new", "--file", str(ROOT / "data" / "demo" / "case.json"))

    child = pexpect.spawn(MEDIATION, ["case", "new"], env=env, encoding="utf-8",
                          dimensions=(24, 80), timeout=60)
    screen: list[str] = []
    try:
        for shows, typed in DIALOGUE:
            child.expect(shows)
            screen.append(child.before + child.after)
            if typed is not None:
                child.sendline(typed)
        child.expect(pexpect.EOF)
        screen.append(child.before)
    finally:
        child.close()
    assert child.exitstatus == 0, "".join(screen)
    text = "".join(screen)
    assert all(len(line) <= 80 for line in text.splitlines())
    for english in ("Category", "Source", "Error", "Aborted", "invalid input"):
        assert english not in text

    cases = json.loads(run("case", "list", "--all", "--json"))
    assert len(cases) == 2
    second = json.loads(run("case", "show", "2", "--json"))
    assert second["amount"] in ("1500", "1500.00") and second["duplicate_of"]
    assert [p["name"] for p in second["parties"]] == ["张三", "李四"]
    log = json.loads(run("audit", "log", "--action", "new", "--json"))
    forced = [e for e in log if e["case"] == second["number"]]
    assert forced and forced[0]["reason"] == "forced: probable duplicate"  # as --force records


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_new_password_is_checked_before_it_is_asked_again(tmp_path: Path, lang: str) -> None:
    env = {**os.environ, "MEDIATION_DB": str(tmp_path / "room.db"),
           "MEDIATION_USER": "wangfang", "MEDIATION_LANG": lang, "COLUMNS": "80",
           "NO_COLOR": "1", "TERM": "dumb", "MEDIATION_ARGON2_FAST": "1",
           "MEDIATION_SESSION_FILE": str(tmp_path / "session")}
    zh = lang == "zh"
    child = pexpect.spawn(MEDIATION, ["init", "--committee", "龙王港社区人民调解委员会",
                                      "--prefix", "龙"], env=env, encoding="utf-8",
                          dimensions=(24, 80), timeout=60)
    try:
        child.expect("为 wangfang 设置新密码" if zh else "New password for wangfang")
        child.sendline("short")
        child.expect("至少" if zh else "at least 8")  # at once, not after typing it twice
        child.expect("为 wangfang 设置新密码" if zh else "New password for wangfang")
        child.sendline("director-pass")
        child.expect("再输入一次" if zh else "again")
        child.sendline("director-typo")
        child.expect("不一致" if zh else "differ")
        child.expect("为 wangfang 设置新密码" if zh else "New password for wangfang")
        child.sendline("director-pass")
        child.expect("再输入一次" if zh else "again")
        child.sendline("director-pass")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0, child.before


@pytest.mark.parametrize(("lang", "key"), [("zh", "\x03"), ("en", "\x03"), ("zh", "\x04")])
def test_ctrl_c_in_the_guided_intake_says_nothing_was_registered(tmp_path: Path, lang: str,
                                                                 key: str) -> None:
    """Ctrl-C cancels as Ctrl-D does: the one line (saying where what was typed is kept),
    exit 130, no traceback, no case."""
    env = {**os.environ, "MEDIATION_DB": str(tmp_path / "room.db"),
           "MEDIATION_USER": "wangfang", "MEDIATION_LANG": lang, "COLUMNS": "80",
           "NO_COLOR": "1", "TERM": "dumb", "MEDIATION_DRAFTS": str(tmp_path / "drafts")}
    env.pop("MEDIATION_TOKEN_FILE", None)
    subprocess.run([MEDIATION, "init", "--no-login", "--committee", "龙王港社区人民调解委员会",
                    "--prefix", "龙"], env=env, capture_output=True, check=True, timeout=120)
    child = pexpect.spawn(MEDIATION, ["case", "new"], env=env, encoding="utf-8",
                          dimensions=(24, 80), timeout=60)
    try:
        child.expect("纠纷类别" if lang == "zh" else "Category")
        child.sendline("02")
        child.expect("案件来源" if lang == "zh" else "Source")
        child.send(key)
        child.expect(pexpect.EOF)
    finally:
        child.close()
    said = child.before
    assert ("已取消，尚未登记" if lang == "zh" else "cancelled; nothing was registered") in said
    assert str(tmp_path / "drafts") in said.replace("\r\n", "")
    assert "Traceback" not in said
    assert child.exitstatus == 130
    listed = subprocess.run([MEDIATION, "case", "list", "--json"], env=env,
                            capture_output=True, text=True, check=True, timeout=120)
    assert json.loads(listed.stdout) == []


@pytest.fixture
def backend() -> str:
    return "sqlite"  # (the in-process runner's own database is not used: --db names the demo)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_a_real_80_column_terminal_nothing_is_split(cli: Callable[..., Result],
                                                       tmp_path: Path, lang: str) -> None:
    """case show, case history and audit log in a pseudo-terminal 80 columns wide: no line
    wider, every case number whole on its line (issue 14: the guardian header, the case number
    in audit log); the same commands in a pipe are tab-separated rows, never wrapped. Only what
    needs the terminal runs as a process; the demo and the pipes run in-process."""
    db = str(tmp_path / "demo.db")
    env = {**os.environ, "MEDIATION_DB": db,
           "MEDIATION_USER": "wangfang", "MEDIATION_LANG": lang, "NO_COLOR": "1",
           "TERM": "dumb"}
    env.pop("MEDIATION_TOKEN_FILE", None)
    env.pop("COLUMNS", None)
    made = cli("--db", db, "demo", "--quiet")
    assert made.code == 0, made.err
    listed = cli("--db", db, "case", "list", "--all", "--json")
    numbers = [c["number"] for c in json.loads(listed.out)]
    for args in (["case", "show", "6"], ["case", "show", "2"], ["case", "history", "6"],
                 ["audit", "log", "--limit", "30"]):
        child = pexpect.spawn(MEDIATION, args, env=env, encoding="utf-8",
                              dimensions=(24, 80), timeout=60)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, child.before
        screen = re.sub(r"\x1b\[[0-9;]*m", "", child.before).replace("\r", "")
        lines = screen.splitlines()
        assert max(width(line) for line in lines) <= 80, (args, screen)
        said = [n for n in numbers if n in screen]
        assert said, (args, screen)
        # every case number on the screen is whole on one line
        assert len(re.findall("人调字", screen)) == \
            len(re.findall(r"\(\d{4}\)龙人调字第\d+号", screen)), (args, screen)
        piped = [cli("--db", db, "--lang", lang, *args, env={"COLUMNS": str(cells)})
                 for cells in (80, 300)]
        assert piped[0].code == 0, piped[0].err
        assert piped[0].out == piped[1].out  # nothing wrapped in a pipe
