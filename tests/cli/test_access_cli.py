"""The access commands end to end, in both languages (issue 6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.access_world import case_record

PW = "district-password"
SIGNED_IN = {"MEDIATION_USER": ""}  # the session names the actor


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MEDIATION_ARGON2_FAST", "1")
    monkeypatch.setenv("MEDIATION_SESSION_FILE", str(tmp_path / "session.json"))


@pytest.fixture
def cli(cli: Callable[..., Any]) -> Callable[..., Any]:
    """The CLI as the director unless ``env`` says otherwise (env changes do not persist)."""

    def run(*args: str, env: dict[str, str] | None = None, **kw: Any) -> Any:
        base = {"MEDIATION_USER": "wangfang", "MEDIATION_TOKEN_FILE": ""}
        return cli(*args, env={**base, **(env or {})}, **kw)

    return run


def test_administrator_flow(cli: Callable[..., Any]) -> None:
    made = cli("init", "--committee", "岳麓区司法局", "--prefix", "岳", "--admin",
               "--password-stdin", env={"MEDIATION_USER": "qu"}, input=PW + "\n")
    assert made.code == 0 and "district administrator" in made.out
    assert cli("login", "qu", "--password-stdin", input=PW + "\n",
               env={"MEDIATION_USER": ""}).code == 0
    added = cli("committee", "add", "--name", "龙王港社区人民调解委员会", "--prefix", "龙",
                "--director", "wangfang", "--director-name", "王芳", env=SIGNED_IN)
    assert added.code == 0 and "One-time code for 王芳" in added.out, added.err
    chosen = cli("staff", "add", "liming", "--name", "李明", "--committee", "龙",
                 "--password-stdin", input="mediator-pw\n", env=SIGNED_IN)
    assert chosen.code == 1 and "one-time code" in chosen.err  # not a password the admin knows
    staff = cli("staff", "add", "liming", "--name", "李明", "--committee", "龙", env=SIGNED_IN)
    assert staff.code == 0 and "First half of the one-time code for 李明" in staff.out, staff.err
    listed = cli("committee", "list", "--json", env=SIGNED_IN)
    rows = json.loads(listed.out)
    assert [(r["prefix"], r["staff"], r["cases"]) for r in rows] == [("岳", 1, 0), ("龙", 2, 0)]
    zh = cli("--lang", "zh", "committee", "list", env=SIGNED_IN)
    assert zh.code == 0 and "要求登录" in zh.out
    names = json.loads(cli("staff", "list", "--committee", "龙", "--json", env=SIGNED_IN).out)
    assert [n["username"] for n in names] == ["wangfang", "liming"]
    refused = cli("case", "list", env=SIGNED_IN)
    assert refused.code == 1 and "qu (district administrator) may not read case files" \
        in refused.err


def _no_login_room(cli: Callable[..., Any], tmp_path: Path) -> None:
    assert cli("init", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--no-login").code == 0
    for user, name, role in (("liming", "李明", "mediator"), ("zhaomin", "赵敏", "mediator"),
                             ("sunli", "孙力", "auditor"), ("chenjing", "陈静", "clerk")):
        assert cli("staff", "add", user, "--name", name, "--role", role).code == 0
    (tmp_path / "case.json").write_text(json.dumps(case_record()), "utf-8")
    assert cli("case", "new", "-f", str(tmp_path / "case.json")).code == 0


def test_assign_reveal_and_retention(cli: Callable[..., Any], tmp_path: Path) -> None:
    _no_login_room(cli, tmp_path)
    assert cli("case", "assign", "1", "--mediator", "liming").code == 0
    moved = cli("--lang", "zh", "case", "assign", "1", "--mediator", "zhaomin", "--co", "liming")
    assert moved.code == 0, moved.err
    history = cli("--lang", "zh", "case", "history", "1")
    assert "指派调解员" in history.out
    mediator = cli("case", "assign", "1", "--mediator", "liming",
                   env={"MEDIATION_USER": "liming"})
    assert mediator.code == 1 and "case.assign" in mediator.err
    auditor = {"MEDIATION_USER": "sunli"}
    shown = cli("case", "show", "1", "--json", env=auditor)
    parties = json.loads(shown.out)["parties"]
    assert [p["name"] for p in parties] == ["张某", "李某"]
    assert parties[0]["id_number"] == "430***********0014" and parties[0]["phone"] == "138****5678"
    assert cli("case", "show", "1", "--reveal", env=auditor).code == 2  # no reason: usage
    revealed = cli("case", "show", "1", "--reveal", "--reason", "审计抽查", "--json", env=auditor)
    assert json.loads(revealed.out)["parties"][0]["id_number"] == "430104198003120014"
    clerk = cli("--lang", "zh", "case", "show", "1", env={"MEDIATION_USER": "chenjing"})
    assert clerk.code == 1 and "陈静（统计员）不能查看案卷" in clerk.err
    assert cli("retention", "apply").code == 1
    assert cli("retention", "set", "--days", "30").code == 0
    shown = cli("--lang", "zh", "retention", "show", terminal=True)
    assert "保留期限：30 天" in shown.out
    assert "未立案的网格线索：0 条到期" in shown.out and "排查备注：0 条到期" in shown.out
    assert "保留天数\t30" in cli("--lang", "zh", "retention", "show").out.splitlines()
    applied = cli("retention", "apply", "--json")
    assert applied.code == 0 and json.loads(applied.out)["anonymised"] == []


def test_token_list_and_revoke(cli: Callable[..., Any], tmp_path: Path) -> None:
    _no_login_room(cli, tmp_path)
    out = tmp_path / "clerk.token"
    assert cli("token", "create", "chenjing", "--days", "2", "--out", str(out)).code == 0
    again = cli("token", "create", "chenjing", "--days", "2", "--out", str(out))
    assert again.code == 1 and "--force" in again.err  # no second token made
    rows = json.loads(cli("token", "list", "--json").out)
    assert [(r["user"], r["kind"], r["status"]) for r in rows] == [("chenjing", "api", "valid")]
    assert out.read_text().strip() not in cli("token", "list").out
    clerk = cli("--token-file", str(out), "case", "list", env={"MEDIATION_USER": ""})
    assert clerk.code == 1 and "case.read" in clerk.err
    assert cli("token", "revoke", str(rows[0]["id"])).code == 0
    revoked = cli("--token-file", str(out), "case", "list", env={"MEDIATION_USER": ""})
    assert revoked.code == 1 and "not valid" in revoked.err


def test_sign_in_and_act_by_the_display_name(cli: Callable[..., Any]) -> None:
    """`mediation login 王芳` signs in wangfang; MEDIATION_USER=王芳 then names the same account
    (no warning that it names someone else); the session file keeps the user name."""
    made = cli("init", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--director-name", "王芳", "--password-stdin", input=PW + "\n")
    assert made.code == 0, made.err
    signed = cli("--lang", "zh", "login", "王芳", "--password-stdin", input=PW + "\n",
                 env={"MEDIATION_USER": "王芳"})
    assert signed.code == 0 and signed.err == "", signed.err
    assert "王芳（主任）已登录至" in signed.out, signed.out
    listed = cli("case", "list", "--json", env={"MEDIATION_USER": "王芳"})
    assert listed.code == 0, listed.err
    wrong = cli("login", "王小芳", "--password-stdin", input=PW + "\n", env=SIGNED_IN)
    assert wrong.code != 0 and "wangfang" not in wrong.err and "王芳" not in wrong.err


@pytest.mark.parametrize(("lang", "said"), [("zh", "没有令牌。"), ("en", "No tokens.")])
def test_an_empty_token_list_says_so(cli: Callable[..., Any],
                                     demo_of: Callable[..., None], lang: str, said: str) -> None:
    demo_of()
    shown = cli("--lang", lang, "token", "list", "--format", "table")
    assert shown.code == 0 and shown.out.strip() == said, shown
    assert cli("--lang", lang, "token", "list", "--format", "tsv").out == ""  # a pipe: no rows
