"""Issue 14 (a clerk's trial): in the guided intake there was no way back to a party's 类型
(person or organisation) in the middle of entering it: Ctrl-C and resuming returned to the same
question. Now ``<`` (or 返回) at a party's question goes back one question (cli.asking.BACK),
as far as its 类型; the first party's header says so once. At a real terminal (pexpect), 80
columns, in Chinese and in English."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.lines import width

pexpect = pytest.importorskip("pexpect")

MEDIATION = str(Path(sys.executable).parent / "mediation")

# (what the screen shows, what the clerk types), zh and en
DIALOGUE = {
    "zh": [
        ("纠纷类别（代码或名称）", "邻里纠纷"),
        ("案件来源", ""),
        ("简要案情", "楼上漏水泡坏天花板。"),
        ("当事人请求", "赔偿维修费用。"),
        ("涉及金额", ""),
        ("纠纷发现时间", ""),
        ("风险等级", ""),
        ("登记时间", ""),
        ("— 第1位申请人 —", None),
        ("输入 < 或“返回”可回到上一个问题", None),   # told once
        ("类型 \\[自然人\\]", "<"),                   # nothing before it
        ("这已是该当事人的第一个问题", None),
        ("类型 \\[自然人\\]", ""),
        ("姓名", "长沙某物业"),                       # not a person's name: 物业 is a company
        ("性别", "<"),                                # back to the name
        ("姓名", "返回"),                             # and to the kind
        ("类型", "法人"),
        ("姓名", "长沙市某物业服务有限公司"),
        ("统一社会信用代码", ""),
        ("法定代表人", "王建华"),
        ("职务", ""),
        ("联系电话", ""),
        ("住址或工作单位", ""),
        ("— 第1位被申请人 —", None),
        ("类型", ""),
        ("姓名", "李四"),
        ("性别", "女"),
        ("民族", ""),
        ("证件号码", ""),
        ("需要监护人", "否"),
        ("联系电话", ""),
        ("住址或工作单位", ""),
        ("是否添加其他当事人", "否"),
        ("确认登记吗", ""),
        ("已登记", None),
    ],
    "en": [
        ("Category", "02"),
        ("Source", ""),
        ("Facts", "Water from upstairs."),
        ("Requests", "Repairs."),
        ("Amount", ""),
        ("found", ""),
        ("Risk level", ""),
        ("registered", ""),
        ("pplicant 1", None),
        ("Type < to go back one question", None),
        ("Kind \\[person\\]", ""),
        ("Name", "Changsha Property"),
        ("Sex", "<"),
        ("Name", "<"),
        ("Kind", "legal_person"),
        ("Name", "Changsha Property Ltd"),
        ("credit code", ""),
        ("representative", "Wang Jianhua"),
        ("title", ""),
        ("Phone", ""),
        ("Address", ""),
        ("espondent 1", None),
        ("Kind", ""),
        ("Name", "Li Si"),
        ("Sex", "female"),
        ("Ethnicity", ""),
        ("ID number", ""),
        ("guardian", "n"),
        ("Phone", ""),
        ("Address", ""),
        ("Add another party", "n"),
        ("Register it", ""),
        ("Registered", None),
    ],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_going_back_to_a_partys_kind(tmp_path: Path, lang: str) -> None:
    env = {**os.environ, "MEDIATION_DB": str(tmp_path / "room.db"),
           "MEDIATION_USER": "wangfang", "MEDIATION_LANG": lang, "LANG": "zh_CN.UTF-8",
           "COLUMNS": "80", "LINES": "24", "NO_COLOR": "1", "TERM": "dumb",
           "MEDIATION_DRAFTS": str(tmp_path / "drafts")}
    env.pop("MEDIATION_TOKEN_FILE", None)

    def run(*args: str) -> str:
        done = subprocess.run([MEDIATION, *args], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙")
    child = pexpect.spawn(MEDIATION, ["case", "new"], env=env, encoding="utf-8",
                          dimensions=(24, 80), timeout=60)
    screen: list[str] = []
    try:
        for shows, typed in DIALOGUE[lang]:
            child.expect(shows)
            screen.append(child.before + child.after)
            if typed is not None:
                child.sendline(typed)
        child.expect(pexpect.EOF)
        screen.append(child.before)
    finally:
        child.close()
    text = "".join(screen)
    assert child.exitstatus == 0, text
    assert [line for line in text.splitlines() if width(line.rstrip("\r")) > 80] == []
    hint = "可回到上一个问题" if lang == "zh" else "to go back one question"
    assert text.count(hint) == 1  # told once, at the first party, not at the second
    case = json.loads(run("case", "show", "1", "--json"))
    first = case["parties"][0]
    assert first["kind"] == "legal_person", first
