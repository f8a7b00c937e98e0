"""A guided intake at a real terminal (a pseudo-terminal driven by pexpect), in Chinese, 80
columns wide (issue 14, "Guided intake that does not lose work"): a minor is asked for a
guardian and an adult only whether she lacks civil capacity, a sex the ID number contradicts
is said at once and asked again, and Ctrl-C keeps what was typed in a private draft that the
next `case new` continues."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

MEDIATION = str(Path(sys.executable).parent / "mediation")

# (what the screen shows, what the clerk types); None: only shown
BEFORE_CTRL_C = [
    ("纠纷类别（代码或名称）", "邻里纠纷"),
    ("案件来源", ""),
    ("简要案情", "张小明在李四家门前玩耍时被李四家的狗咬伤。"),
    ("当事人请求", "请求李四赔偿医药费。"),
    ("涉及金额", "800"),
    ("纠纷发现时间", ""),
    ("风险等级", ""),
    ("登记时间", ""),
    ("— 第1位申请人 —", None),
    ("类型", ""),
    ("姓名", "张小明"),
    ("性别", "女"),                                 # the ID number says male
    ("民族", ""),
    ("证件号码", "430104201506010014"),             # a boy born 2015: a minor
    ("性别填的是女，但证件号码第17位表示男，请核对后重新填写", None),
    ("性别 \\[男\\]", ""),                          # the ID number's, by default
    ("该当事人是未成年人", None),                    # so the guardian, at once
    ("监护人与当事人的关系", "父子"),                # a word for 父母
    ("监护人姓名", "张大山"),
    ("监护人身份证号", "110101198001010010"),       # optional; checked at once
    ("监护人电话", "13812345678"),
    ("联系电话", ""),
    ("住址或工作单位", "湖南省长沙市岳麓区桐梓坡路8栋502"),
    ("— 第1位被申请人 —", None),
    ("类型", ""),
    ("姓名", "李四"),
    ("性别", "女"),
    ("民族", ""),
    ("证件号码", "430104197511200024"),             # an adult: is she without capacity?
    ("无民事行为能力或限制民事行为能力的成年人", "否"),
    ("联系电话", "13900001111"),
]

AFTER_RESUME = [
    ("上次未完成的登记，是否继续？", "是"),
    ("— 第1位被申请人 —", None),              # which one, on resuming too
    ("住址或工作单位", ""),                         # where it stopped
    ("是否添加其他当事人", "否"),
    ("请核对填写的内容", None),
    ("申请人：自然人，张小明，男，430\\*+0014，\\s*湖南省[^，]*，\\s*监护人 张大山（父母）",
     None),  # the review wraps between values (issue 14), the address whole
    ("确认登记吗", "是"),
    ("已登记 \\(\\d{4}\\)龙人调字第1号", None),
]


def _talk(args: list[str], env: dict[str, str], dialogue: list[tuple[str, str | None]],
          *, then_ctrl_c: bool = False, at: str = "住址或工作单位") -> tuple[str, int]:
    child = pexpect.spawn(MEDIATION, args, env=env, encoding="utf-8", dimensions=(24, 80),
                          timeout=60)
    screen: list[str] = []
    try:
        for shows, typed in dialogue:
            child.expect(shows)
            screen.append(child.before + child.after)
            if typed is not None:
                child.sendline(typed)
        if then_ctrl_c:
            child.expect(at)
            child.sendcontrol("c")
        child.expect(pexpect.EOF)
        screen.append(child.before)
    finally:
        child.close()
    return "".join(screen).replace("\r", ""), int(child.exitstatus or 0)


def _env(tmp_path: Path) -> dict[str, str]:
    drafts = tmp_path / "drafts"
    env = {**os.environ, "MEDIATION_DB": str(tmp_path / "room.db"),
           "MEDIATION_USER": "wangfang", "MEDIATION_LANG": "zh", "LANG": "zh_CN.UTF-8",
           "COLUMNS": "80", "LINES": "24", "NO_COLOR": "1", "TERM": "dumb",
           "MEDIATION_DRAFTS": str(drafts)}
    env.pop("MEDIATION_TOKEN_FILE", None)
    return env


def test_a_minor_an_adult_a_contradiction_and_ctrl_c_then_resume(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts"
    env = _env(tmp_path)

    def run(*args: str) -> str:
        done = subprocess.run([MEDIATION, *args], env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙")
    screen, code = _talk(["case", "new"], env, BEFORE_CTRL_C, then_ctrl_c=True)
    assert code == 130, screen
    [draft] = sorted(drafts.glob("*.json"))
    # wrapped to the 80 columns by the program, the path whole on its line, nothing lost
    said = screen[screen.rindex("已取消"):].strip().splitlines()
    assert "".join(said).replace(" ", "") == (f"已取消，尚未登记；草稿在{draft}，"
                                             "mediationcasenew可续"), said
    assert any(str(draft) in line for line in said), said
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    adult = screen.split("— 第1位被申请人 —")[1]  # the adult: asked only whether she lacks capacity
    assert "监护人姓名" not in adult and adult.count("无民事行为能力") == 1
    assert screen.count("第17位") == 1 and "Traceback" not in screen
    assert json.loads(run("case", "list", "--json")) == []

    screen, code = _talk(["case", "new"], env, AFTER_RESUME)
    assert code == 0, screen
    assert not draft.exists()
    assert "简要案情：" in screen and "简要案情:" not in screen  # the facts: not asked again
    assert all(len(line) <= 80 for line in screen.splitlines())
    shown = json.loads(run("case", "show", "1", "--json", "--reveal", "--reason", "核对"))
    applicant, respondent = shown["parties"]
    assert applicant["sex"] == "male" and applicant["guardian"]["name"] == "张大山"
    assert respondent["guardian"] is None and respondent["phone"] == "13900001111"


# the summary's line of the minor, wrapped at 80 columns wherever it falls (a line may break
# inside a Chinese word and goes on indented)
WRAPPED_ID = r"监\s*护\s*人\s*身\s*份\s*证\s*号\s*110\*+0010"
WRAPPED_PHONE = r"监\s*护\s*人\s*电\s*话\s*138\*+5678"

TO_THE_SUMMARY = [
    *BEFORE_CTRL_C[:4],
    ("涉及金额", "430104198003120014"),            # an ID number as an amount: at once
    ("超过允许的最高金额", None),
    ("涉及金额", "800"),
    *BEFORE_CTRL_C[5:13],
    ("证件号码", "?"),                               # no document's number: at once
    ("4 至 20 位字母或数字", None),
    *BEFORE_CTRL_C[13:],
    ("住址或工作单位", ""),
    ("是否添加其他当事人", "否"),
    ("请核对填写的内容", None),
    (WRAPPED_ID, None),                             # every answer shown, masked: the guardian's
    (WRAPPED_PHONE, None),                          # ID number, phone
]


def test_ctrl_c_at_the_summary_resumes_at_the_summary_and_no_there_exits_1(
        tmp_path: Path) -> None:
    """A clerk's trial: Ctrl-C at 确认登记吗 resumed at 是否添加其他当事人 (and Enter twice
    registered); 否 at the summary exited 130, Ctrl-C's code. Now the draft resumes at the
    summary, shown again; 否 exits 1 saying nothing was written and where the draft is kept;
    continued once more, it is registered."""
    drafts = tmp_path / "drafts"
    env = _env(tmp_path)
    done = subprocess.run([MEDIATION, "init", "--no-login", "--committee",
                           "龙王港社区人民调解委员会", "--prefix", "龙"], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    screen, code = _talk(["case", "new"], env, TO_THE_SUMMARY, then_ctrl_c=True, at="确认登记吗")
    assert code == 130, screen
    [draft] = sorted(drafts.glob("*.json"))
    back = [("上次未完成的登记，是否继续？", "是"), ("请核对填写的内容", None),
            (WRAPPED_PHONE, None)]
    screen, code = _talk(["case", "new"], env, [*back, ("确认登记吗", "否")])
    assert code == 1, screen
    assert "是否添加其他当事人" not in screen
    said = "".join(screen[screen.rindex("已取消"):].split())
    assert said.startswith("已取消，未写入任何数据") and str(draft) in said, said
    assert draft.exists()
    screen, code = _talk(["case", "new"], env, [*back, ("确认登记吗", "是"),
                                               ("已登记 \\(\\d{4}\\)龙人调字第1号", None)])
    assert code == 0 and not draft.exists(), screen
    assert "是否添加其他当事人" not in screen
