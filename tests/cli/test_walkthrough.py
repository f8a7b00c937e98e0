"""The mediator's day from the core issue, through the command line, in both languages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DATA, Result, case_record

Cli = Callable[..., Result]


def ok(result: Result) -> Result:
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    return result


def new_case(cli: Cli, tmp_path: Path, n: int, **overrides: object) -> dict[str, object]:
    record = case_record(**overrides)
    if n > 1:  # different people each time, so they are not duplicates
        record["parties"] = [{"role": "applicant", "name": f"申请人{n}"},
                             {"role": "respondent", "name": f"被申请人{n}"}]
    path = tmp_path / f"case{n}.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return json.loads(ok(cli("case", "new", "--file", str(path), "--json")).out)  # type: ignore[no-any-return]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_mediators_day(cli: Cli, tmp_path: Path, lang: str) -> None:
    L = ["--lang", lang]
    ok(cli(*L, "init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    ok(cli(*L, "staff", "add", "liming", "--name", "李明", "--role", "mediator"))
    first = new_case(cli, tmp_path, 1)
    assert first["id"] == 1 and first["state"] == "intake"
    assert str(first["number"]).endswith("龙人调字第1号")
    for n in (2, 3, 4):
        new_case(cli, tmp_path, n)
    ok(cli(*L, "case", "accept", "1"))
    ok(cli(*L, "case", "decline", "2", "--reason", "already_in_court",
           "--advice", "向岳麓区人民法院咨询"))
    ok(cli(*L, "case", "mediate", "1", "--mediator", "liming", "--rights-notified"))
    ok(cli(*L, "case", "session", "1", "--minutes", "双方陈述……"))
    ok(cli(*L, "case", "agree", "1", "--written", "--terms", "李四于12月31日前赔偿张三500元",
           "--amount", "500", "--due", "2026-12-31"))
    ok(cli(*L, "case", "accept", "3"))
    ok(cli(*L, "case", "terminate", "3", "--reason", "no_agreement",
           "--advice", "可向人民法院起诉"))
    ok(cli(*L, "case", "confirm", "1"))
    ok(cli(*L, "case", "visit", "1", "--performance", "full", "--satisfaction",
           "satisfied", "--note", "已履行"))
    ok(cli(*L, "case", "feedback", "1", "--to", "张三", "--channel",
           "电话" if lang == "zh" else "phone"))
    ok(cli(*L, "case", "close", "1"))
    for step in (["accept"], ["mediate", "--mediator", "liming", "--rights-notified"],
                 ["session", "--minutes", "双方陈述"],
                 ["agree", "--oral", "--terms", "当场赔偿300元"], ["confirm"]):
        ok(cli(*L, "case", step[0], "4", *step[1:]))
    ok(cli(*L, "case", "remediate", "4", "--reason", "协议显失公平", "--consent"))

    show = json.loads(ok(cli(*L, "case", "show", "1", "--json")).out)
    for key in ("id", "number", "state", "category", "source", "version", "parties",
                "mediators", "dates", "agreements", "follow_ups"):
        assert key in show
    assert show["state"] == "closed" and show["version"] == 9
    assert show["parties"][0]["id_number"] == "430***********0014"
    assert show["parties"][0]["phone"] == "138****5678"
    by_number = json.loads(ok(cli("case", "show", show["number"], "--json")).out)
    assert by_number["id"] == 1

    remediated = json.loads(ok(cli("case", "show", "4", "--json")).out)
    assert remediated["state"] == "mediating"
    assert remediated["agreements"][0]["superseded_at"] is not None

    mediating = json.loads(ok(cli("case", "list", "--state", "mediating", "--json")).out)
    assert [c["id"] for c in mediating] == [4]
    assert json.loads(ok(cli("case", "list", "--overdue", "--json")).out) == []
    history = json.loads(ok(cli("case", "history", "1", "--json")).out)
    assert [e["action"] for e in history] == ["new", "accept", "mediate", "session", "agree",
                                              "confirm", "visit", "feedback", "close"]
    assert all(e["actor"] == "wangfang" and e["role"] == "director" for e in history)
    diagram = ok(cli("workflow", "diagram")).out
    assert diagram.startswith("stateDiagram-v2") and "confirmed --> closed : close" in diagram

    human = ok(cli(*L, "case", "show", "1")).out
    assert ("已结案" if lang == "zh" else "closed") in human
    listing = ok(cli(*L, "case", "list")).out
    assert ("调解中" if lang == "zh" else "mediating") in listing


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["Case (2026)", "is intake; cannot confirm", "Allowed now: accept, decline"]),
    ("zh", ["为“登记”", "不能执行“确认协议”", "当前可执行：受理、不予受理"]),
])
def test_a_refusal_is_one_line_naming_case_state_action_reason_and_what_is_allowed(
        cli: Cli, tmp_path: Path, lang: str, words: list[str]) -> None:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    new_case(cli, tmp_path, 1)
    before = ok(cli("case", "history", "1", "--json")).out
    result = cli("--lang", lang, "case", "confirm", "1")
    assert result.code == 1 and result.out == ""
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    for w in words:
        assert w.replace("(2026)", "(") in result.err, result.err
    assert ok(cli("case", "history", "1", "--json")).out == before


@pytest.mark.parametrize(("args", "code", "words"), [
    (["case", "show", "99"], 1, "no case 99"),
    (["case", "decline", "1", "--reason", "bored", "--advice", "x"], 2, "is not one of"),
    (["case", "agree", "1", "--terms", "x", "--amount", "lots"], 2, "not an amount"),
    (["case", "list", "--state", "sleeping"], 2, "is not one of"),
    (["case", "accept"], 2, "missing argument"),
    (["case", "frobnicate", "1"], 2, "no such command"),
    (["case", "new", "--file", "/nonexistent.json"], 2, "no such file"),
    (["--user", "nobody", "case", "list"], 1, 'no staff member named "nobody"'),
    (["case", "accept", "1", "--expect-version", "5"], 3, "was changed by wangfang"),
])
def test_bad_input_gets_one_line_and_the_documented_exit_code(
        cli: Cli, tmp_path: Path, args: list[str], code: int, words: str) -> None:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    new_case(cli, tmp_path, 1)
    result = cli(*args)
    assert result.code == code, (result.out, result.err)
    assert words in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err


@pytest.mark.parametrize(("lang", "quoted"), [("en", '"no body"'), ("zh", "“no body”")])
def test_an_unknown_user_is_quoted_as_typed(cli: Cli, lang: str, quoted: str) -> None:
    """The user name typed (MEDIATION_USER or --user) is quoted in the refusal, in both
    languages, as the other refusals of a staff member's name quote it."""
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    for result in (cli("--lang", lang, "case", "list", env={"MEDIATION_USER": "no body"}),
                   cli("--lang", lang, "--user", "no body", "case", "list")):
        assert result.code == 1 and result.out == "", result.err
        assert quoted in result.err and len(result.err.strip().splitlines()) == 1, result.err


def test_a_malformed_file_names_the_field(cli: Cli, tmp_path: Path) -> None:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    record = case_record()
    record["parties"][0]["id_number"] = "430104198003120011"
    record["parties"][1]["phone"] = "12345"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    for lang, words, where, phone in (
            ("en", "check digit does not match", "party 1's ID number", "party 2's phone"),
            ("zh", "校验码不正确", "第1位当事人的证件号码", "第2位当事人的电话")):
        result = cli("--lang", lang, "case", "new", "--file", str(path))
        assert result.code == 1 and where in result.err and words in result.err, result.err
        assert phone in result.err, result.err  # every problem at once
    assert json.loads(ok(cli("case", "list", "--json")).out) == []


def test_a_probable_duplicate_is_shown_side_by_side_and_refused_unless_forced(
        cli: Cli, tmp_path: Path) -> None:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    path = DATA / "demo" / "case.json"
    ok(cli("case", "new", "--file", str(path)))
    refused = cli("case", "new", "--file", str(path))
    assert refused.code == 1
    assert "Probable duplicates" in refused.err and "(new)" in refused.err
    assert "May duplicate (20" in refused.err
    forced = json.loads(ok(cli("case", "new", "--file", str(path), "--force", "--json")).out)
    assert forced["number"].endswith("第2号") and forced["duplicate_of"]


def test_case_new_from_stdin_and_without_input(cli: Cli) -> None:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    text = (DATA / "demo" / "case.json").read_text("utf-8")
    assert json.loads(ok(cli("case", "new", "--file", "-", "--json", input=text)).out)["id"] == 1
    no_tty = cli("case", "new")
    assert no_tty.code == 2 and "needs a terminal" in no_tty.err


def test_workflow_table_lists_every_trigger_with_its_basis(cli: Cli) -> None:
    rows = json.loads(ok(cli("workflow", "table", "--json")).out)
    from mediation.workflow import TRIGGERS

    assert [r["trigger"] for r in rows] == list(TRIGGERS)
    assert all(r["basis"] for r in rows)
    assert "人民调解法" in ok(cli("--lang", "zh", "workflow", "table")).out


def test_an_unreachable_database_is_one_line_not_a_traceback(cli: Cli) -> None:
    result = cli("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "case", "list")
    assert result.code == 70 and "internal error" in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
