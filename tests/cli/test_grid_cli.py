"""Sweeps (排查) and grid leads end to end, in both languages (docs/grid.md)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

_LATIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
_DEMO_CASE = Path(__file__).resolve().parents[2] / "data" / "demo" / "case.json"


def _setup(cli: Callable[..., Result], lang: str) -> None:
    r = cli("--lang", lang, "init", "--no-login", "--committee", "龙王港社区人民调解委员会",
            "--prefix", "龙", "--director-name", "王芳")
    assert r.code == 0, r.err
    r = cli("--lang", lang, "staff", "add", "liming", "--name", "李明", "--role", "mediator")
    assert r.code == 0, r.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sweeps_recorded_listed_and_counted(cli: Callable[..., Result], lang: str,
                                            backend: str) -> None:
    _setup(cli, lang)
    r = cli("--lang", lang, "sweep", "record", "--area", "桐梓坡小区", "--by", "李明、网格员王强",
            "--found", "0", "--date", "2026-11-02")
    assert r.code == 0, r.err
    assert ("零报告" if lang == "zh" else "zero report") in r.out
    r = cli("--lang", lang, "sweep", "record", "--area", "第３网格", "--by", "李明",
            "--found", "２", "--date", "2026年11月3日", "--note", "住户13812345678反映噪音",
            env={"MEDIATION_USER": "liming"})
    assert r.code == 0, r.err
    rows = json.loads(cli("sweep", "list", "--json", env={"MEDIATION_USER": "wangfang"}).out)
    assert [(s["date"], s["disputes_found"], s["zero_report"]) for s in rows] == [
        ("2026-11-03", 2, False), ("2026-11-02", 0, True)]
    assert rows[0]["area"] == "第３网格" or rows[0]["area"] == "第3网格"
    assert "13812345678" not in json.dumps(rows, ensure_ascii=False)
    assert "138****5678" in rows[0]["note"]
    assert [s["id"] for s in json.loads(cli("sweep", "list", "--zero", "--json").out)] == [1]
    shown = cli("--lang", lang, "sweep", "list")
    assert shown.code == 0 and "桐梓坡小区" in shown.out
    assert ("零报告" if lang == "zh" else "zero report") in shown.out
    doc = json.loads(cli("stats", "--month", "2026-11", "--json").out)
    assert doc["sweeps"] == {"sweeps": 2, "zero_reports": 1, "disputes_found": 2}
    doc = json.loads(cli("stats", "--month", "2026-10", "--json").out)
    assert doc["sweeps"] == {"sweeps": 0, "zero_reports": 0, "disputes_found": 0}
    table = cli("--lang", lang, "stats", "--month", "2026-11", "--no-chart")
    assert table.code == 0 and ("排查" if lang == "zh" else "Sweeps") in table.out
    audit = cli("audit", "log", "--json")
    assert audit.code == 0, (audit.out, audit.err)
    assert "13812345678" not in audit.out
    assert sum(1 for e in json.loads(audit.out) if e["action"] == "sweep_record") == 2


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_sweeps_are_one_line_and_write_nothing(cli: Callable[..., Result], lang: str,
                                                   backend: str) -> None:
    _setup(cli, lang)
    # --found -1 is read but not allowed: 1 (docs/cli.md, exit codes)
    for args, code in ((("--area", " ", "--by", "李明", "--found", "0"), 1),
                       (("--area", "小区", "--by", "李明", "--found", "-1"), 1),
                       (("--area", "小区", "--by", "李明", "--found", "0", "--date",
                         "2999-01-01"), 1),
                       (("--area", "小区", "--by", "李明", "--found", "0", "--date",
                         "上周"), 2)):
        r = cli("--lang", lang, "sweep", "record", *args)
        assert r.code == code, (args, r.out, r.err)
        assert "Traceback" not in r.err and r.err.strip()
    assert json.loads(cli("sweep", "list", "--json").out) == []
    r = cli("--lang", lang, "sweep", "record", "--area", "小区", "--by", "李明", "--found", "0",
            env={"MEDIATION_USER": "nobody"})
    assert r.code == 1


@pytest.mark.parametrize("backend", ["sqlite"])
def test_grid_help_is_chinese_under_zh(cli: Callable[..., Result], backend: str) -> None:
    for path in (("sweep",), ("sweep", "record"), ("sweep", "list")):
        r = cli("--lang", "zh", *path, "--help")
        assert r.code == 0, r.err
        text = re.sub(r"--[a-z-]+|[A-Z]{2,}|docs/\S+|YYYY-MM-DD|MEDIATION_\w+", "", r.out)
        words = set(_LATIN_WORD.findall(text)) - {"Usage", "Options", "Commands", "help",
                                                  "mediation", "sweep", "record", "list",
                                                  "json", "zero", "Show", "this", "message",
                                                  "exit", "required", "table", "tsv",
                                                  "csv"}  # click's own --help line; formats
        assert not words, (path, words, r.out)


def _case_json(tmp_path: Path) -> str:
    from tests.conftest import case_record

    record = case_record()
    for key in ("source", "discovered_at", "summary", "referral_ref", "risk_level"):
        record.pop(key, None)
    path = tmp_path / "lead-case.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_leads_reported_dismissed_accepted_and_fed_back(
        cli: Callable[..., Result], lang: str, backend: str, tmp_path: Path) -> None:
    _setup(cli, lang)
    for user, name in (("wangqiang", "王强"), ("zhaogang", "赵刚")):
        r = cli("--lang", lang, "staff", "add", user, "--name", name, "--role", "grid_worker",
                env={"MEDIATION_USER": "wangfang"})
        assert r.code == 0, r.err
    grid = {"MEDIATION_USER": "wangqiang"}
    r = cli("--lang", lang, "lead", "report", "--place", "桐梓坡路8栋", "--cell", "龙王港-03",
            "--seen", "楼上漏水，住户13812345678与楼下争吵，身份证430104198003120014",
            "--parties", "张三、李四", "--found", "2026-11-29 09:30", "--risk", "medium",
            env=grid)
    assert r.code == 0, r.err
    assert cli("--lang", lang, "lead", "report", "--place", "二号楼", "--seen", "噪音",
               env=grid).code == 0
    assert cli("--lang", lang, "lead", "report", "--place", "三号楼", "--seen", "占道",
               env={"MEDIATION_USER": "zhaogang"}).code == 0
    # the grid worker: only their own reports, no parties, no case content
    own = json.loads(cli("lead", "list", "--json", env=grid).out)
    assert [x["id"] for x in own] == [2, 1] and all("parties" not in x for x in own)
    assert own[1]["found_at"] == "2026-11-29T01:30:00Z"
    assert "13812345678" not in json.dumps(own) and "430104198003120014" not in json.dumps(own)
    assert cli("case", "list", env=grid).code == 1
    assert cli("sweep", "list", env=grid).code == 1
    # the inbox
    inbox = json.loads(cli("lead", "list", "--json", env={"MEDIATION_USER": "liming"}).out)
    assert [x["id"] for x in inbox] == [3, 2, 1] and inbox[2]["parties"] == "张三、李四"
    shown = cli("--lang", lang, "lead", "list")
    assert shown.code == 0 and ("待调委会处理" if lang == "zh" else "inbox") in shown.out
    r = cli("--lang", lang, "lead", "dismiss", "2", "--reason", "resolved_on_spot")
    assert r.code == 0, r.err
    assert ("已当场化解" if lang == "zh" else "resolved on the spot") in r.out
    r = cli("--lang", lang, "lead", "accept", "1", "-f", _case_json(tmp_path), "--json")
    assert r.code == 0, r.err
    taken = json.loads(r.out)
    assert taken["reporter"] == "wangqiang" and taken["source"] == "grid"
    case = json.loads(cli("case", "show", str(taken["id"]), "--json").out)
    assert case["dates"]["discovered"] == "2026-11-29T01:30:00Z"
    assert case["risk_level"] == "medium" and case["referral_ref"] == "L1"
    # fed back: what became of each report
    own = {x["id"]: x for x in json.loads(cli("lead", "list", "--mine", "--json",
                                              env=grid).out)}
    assert own[1]["status"] == "accepted" and own[1]["case_state"] == "intake"
    assert own[1]["case_number"] == taken["number"]
    assert own[2]["status"] == "dismissed" and own[2]["dismiss_reason"] == "resolved_on_spot"
    mine = cli("--lang", lang, "lead", "list", "--mine", env=grid)
    assert mine.code == 0 and taken["number"][:6] in mine.out
    assert "张三" not in mine.out
    assert own[1]["fed_back_at"] is None
    # the feedback (反馈) of a case from a lead goes by default to its grid worker (issue 17)
    director = {"MEDIATION_USER": "wangfang"}
    assert cli("case", "decline", str(taken["id"]), "--reason", "party_refuses",
               "--advice", "告知向法院起诉", env=director).code == 0
    r = cli("--lang", lang, "case", "feedback", str(taken["id"]), "--channel",
            "电话" if lang == "zh" else "phone", "--json", env=director)
    assert r.code == 0, r.err
    history = json.loads(cli("case", "history", str(taken["id"]), "--json", env=director).out)
    assert history[-1]["action"] == "feedback"
    assert history[-1]["changes"]["feedback"][1]["to"] == "wangqiang"
    own = {x["id"]: x for x in json.loads(cli("lead", "list", "--mine", "--json",
                                              env=grid).out)}
    assert own[1]["case_state"] == "declined" and own[1]["fed_back_at"] is not None
    mine = cli("--lang", lang, "lead", "list", "--mine", env=grid)
    assert ("反馈" if lang == "zh" else "fed back") in mine.out
    # decided leads stay decided; every decision is on the record
    again = cli("--lang", lang, "lead", "dismiss", "1", "--reason", "duplicate",
                env={"MEDIATION_USER": "wangfang"})
    assert again.code == 1 and "Traceback" not in again.err
    # the line a clerk reads when a lead is taken: Chinese throughout under zh (was "（id 11）")
    said = cli("--lang", lang, "lead", "accept", "3", "-f", _case_json(tmp_path), "--force")
    assert said.code == 0, said.err
    if lang == "zh":
        assert "已登记为" in said.out and "（编号 " in said.out and "id" not in said.out
    else:
        assert "taken as" in said.out and "(id " in said.out
    actions = [e["action"] for e in json.loads(cli("audit", "log", "--json").out)]
    assert {"lead_report", "lead_dismiss", "lead_accept"} <= set(actions)
    assert "13812345678" not in cli("audit", "log", "--json").out


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_leads_are_one_line_and_write_nothing(cli: Callable[..., Result], lang: str,
                                                  backend: str, tmp_path: Path) -> None:
    _setup(cli, lang)
    for args, code in ((("report", "--place", "楼", "--seen", " "), 1),
                       (("report", "--place", "楼", "--seen", "吵", "--risk", "extreme"), 2),
                       (("report", "--place", "楼", "--seen", "吵", "--found",
                         "2999-01-01 10:00"), 1),
                       (("report", "--place", "楼", "--seen", "吵", "--found", "上周"), 2),
                       (("dismiss", "9", "--reason", "not_a_dispute"), 1),
                       (("accept", "9", "-f", _case_json(tmp_path)), 1)):
        r = cli("--lang", lang, "lead", *args)
        assert r.code == code, (args, r.out, r.err)
        assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1, r.err
    assert json.loads(cli("lead", "list", "--json").out) == []
    assert cli("lead", "report", "--place", "楼", "--seen", "吵").code == 0
    r = cli("--lang", lang, "lead", "dismiss", "1", "--reason", "whatever")
    assert r.code == 2 and ("不属于纠纷" if lang == "zh" else "not_a_dispute") in r.err, r.err
    assert json.loads(cli("lead", "list", "--json").out)[0]["status"] == "open"
    # values typed as their Chinese names
    assert cli("lead", "report", "--place", "楼", "--seen", "吵", "--risk", "高").code == 0
    assert json.loads(cli("lead", "list", "--json").out)[0]["risk"] == "high"
    assert cli("lead", "dismiss", "1", "--reason", "已当场化解").code == 0
    assert [x["id"] for x in json.loads(cli("lead", "list", "--status", "不予受理",
                                            "--json").out)] == [1]


@pytest.mark.parametrize("backend", ["sqlite"])
def test_lead_help_is_chinese_under_zh(cli: Callable[..., Result], backend: str) -> None:
    for path in (("lead",), ("lead", "report"), ("lead", "list"), ("lead", "dismiss"),
                 ("lead", "accept"), ("lead", "import")):
        r = cli("--lang", "zh", *path, "--help")
        assert r.code == 0, r.err
        text = re.sub(r"--[a-z-]+|[A-Z]{2,}|docs/\S+|YYYY-MM-DD|MEDIATION_\w+|\w+_\w+|"
                      r"\b(?:low|medium|high|open|accepted|dismissed|duplicate|case\.json)\b",
                      "", r.out)
        words = set(_LATIN_WORD.findall(text)) - {"Usage", "Options", "Commands", "help",
                                                  "mediation", "lead", "report", "list",
                                                  "dismiss", "accept", "import", "json", "Show",
                                                  "this",
                                                  "message", "exit", "required", "mine",
                                                  "Arguments", "table", "tsv", "csv"}
        assert not words, (path, words, r.out)


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_grid_worker_asking_for_the_agenda_is_pointed_to_their_leads(
        cli: Callable[..., Result], lang: str, backend: str) -> None:
    """A grid worker reads no case file: `agenda` names `lead list --mine` instead of the
    general refusal, in one line, exit 1."""
    _setup(cli, lang)
    r = cli("--lang", lang, "staff", "add", "wangqiang", "--name", "王强", "--role",
            "grid_worker", env={"MEDIATION_USER": "wangfang"})
    assert r.code == 0, r.err
    r = cli("--lang", lang, "agenda", env={"MEDIATION_USER": "wangqiang"})
    assert r.code == 1, (r.out, r.err)
    assert "mediation lead list --mine" in r.err and "Traceback" not in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert ("没有案件待办" if lang == "zh" else "no case agenda") in r.err
    assert "王强" in r.err and "wangqiang" not in r.err  # named by display name
    if lang == "zh":  # every word Chinese but the permission and the command to type
        rest = r.err.replace("mediation lead list --mine", "").replace("case.read", "")
        assert not _LATIN_WORD.findall(rest), r.err


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lists_show_staff_by_their_names(cli: Callable[..., Result], lang: str,
                                         backend: str) -> None:
    """`case list` shows the mediator, `lead list` the reporter, by display name (李明, 王强);
    two staff sharing a name show with their user names; JSON keeps the user names."""
    _setup(cli, lang)
    director = {"MEDIATION_USER": "wangfang"}
    for user, name, role in (("wangqiang", "王强", "grid_worker"),
                             ("liming2", "李明", "mediator")):
        r = cli("--lang", lang, "staff", "add", user, "--name", name, "--role", role,
                env=director)
        assert r.code == 0, r.err
    assert cli("--lang", lang, "lead", "report", "--place", "二号楼", "--seen", "噪音",
               env={"MEDIATION_USER": "wangqiang"}).code == 0
    table = cli("--lang", lang, "lead", "list", env=director)
    assert table.code == 0 and "王强" in table.out and "wangqiang" not in table.out, table.out
    rows = json.loads(cli("lead", "list", "--json", env=director).out)
    assert rows[0]["reported_by"] == "wangqiang" and rows[0]["reported_by_name"] == "王强"
    for args in (("case", "new", "--file", str(_DEMO_CASE)), ("case", "accept", "1"),
                 ("case", "mediate", "1", "--mediator", "liming", "--rights-notified")):
        r = cli("--lang", lang, *args, env=director)
        assert r.code == 0, r.err
    table = cli("--lang", lang, "case", "list", env=director)
    assert table.code == 0 and "李明(liming)" in table.out, table.out  # two 李明
    listed = json.loads(cli("case", "list", "--json", env=director).out)
    assert listed[0]["lead_mediator"] == "liming"
    assert listed[0]["lead_mediator_name"] == "李明(liming)"
    # the case's history and the audit log: the actor by name, JSON keeps the user name
    for history in (("case", "history", "1"), ("audit", "log")):
        shown = cli("--lang", lang, *history, env=director)  # a pipe: TSV, the actor 4th
        assert shown.code == 0, shown.err
        actors = {line.split("\t")[3] for line in shown.out.splitlines()}
        assert "王芳" in actors and actors <= {"王芳", "王强"}, shown.out
        rows = json.loads(cli(*history, "--json", env=director).out)
        assert {e["actor"] for e in rows} >= {"wangfang"}
        assert {e["actor_name"] for e in rows} >= {"王芳"}
