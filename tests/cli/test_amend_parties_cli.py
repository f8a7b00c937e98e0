"""``case amend`` on the parties through the real CLI (a clerk's trial, issue 14): a misspelt
name is corrected after acceptance (``--edit-party``, until the case is closed); a party added or
removed, or its role changed, only before acceptance: one line, exit 1, nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


def version(cli: Cli) -> int:
    shown: int = json.loads(ok(cli("case", "show", "1", "--json")).out)["version"]
    return shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_misspelt_name_is_corrected_after_acceptance(cli: Cli, lang: str) -> None:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    ok(cli("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(cli("case", "accept", "1"))
    r = ok(cli("--lang", lang, "case", "amend", "1", "--edit-party", '1:{"name": "马红美"}',
               "--reason", "姓名写错"))
    assert ("已受理" if lang == "zh" else "accepted") in r.out
    revealed = json.loads(ok(cli("case", "show", "1", "--reveal", "--reason", "核对",
                                 "--json")).out)
    assert revealed["parties"][0]["name"] == "马红美"
    history = ok(cli("--lang", lang, "case", "history", "1")).out
    # the director may see names: the correction shows what changed (张三 → 马红美), from the
    # values kept out of the log (tests/integration/test_kept_values.py: masked for others)
    assert "姓名写错" in history and "马红美" in history and "张三" in history
    before = version(cli)
    for argv in (("--edit-party", '1:{"role": "被申请人"}'), ("--remove-party", "2"),
                 ("--add-party", '{"role": "被申请人", "name": "王五"}')):
        r = cli("--lang", lang, "case", "amend", "1", *argv, "--reason", "更正")
        assert r.code == 1 and len(r.err.strip().splitlines()) == 1, r.err
        expected = ("受理前才能增删当事人或调换身份" if lang == "zh"
                    else "only before the case is accepted")
        assert expected in r.err, r.err
        assert ("当事人信息" if lang == "zh" else "parties' particulars") in r.err
        if lang == "zh":
            assert "party" not in r.err and "accepted" not in r.err
    assert version(cli) == before


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("role", ["director", "mediator"])
def test_an_id_number_corrected_with_the_phone_is_one_party_changed(
        cli: Cli, lang: str, role: str) -> None:
    """Issue 14, a clerk's trial: the number and the phone of party 2 corrected together were
    shown as party 2 removed and another added (mediation.party_changes: another number counted
    as another person). Now one party changed, its two fields, the number masked; for a
    director and a mediator alike, on a terminal at 80 columns and piped."""
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    ok(cli("staff", "add", "liming", "--name", "李明"))
    ok(cli("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(cli("case", "accept", "1"))
    ok(cli("case", "mediate", "1", "--mediator", "liming", "--rights-notified"))
    ok(cli("case", "amend", "1", "--edit-party",
           '2:{"id_number": "430104197511200040", "phone": "13900001111"}',
           "--reason", "证件号码抄错"))
    user = "wangfang" if role == "director" else "liming"
    for terminal in (True, False):
        shown = ok(cli("--user", user, "--lang", lang, "case", "history", "1",
                       terminal=terminal, env={"COLUMNS": "80"})).out
        lines = [line for line in shown.splitlines() if "430104" in line or "139" in line]
        assert "430104197511200040" not in shown and "13900001111" not in shown, shown
        assert "139****1111" in shown and "0040" in shown, shown
        words = ("新增", "删除") if lang == "zh" else ("added", "removed")
        assert not any(w in line for w in words for line in lines), shown
        assert ("第2位当事人" if lang == "zh" else "party 2") in shown.replace("Party", "party")
