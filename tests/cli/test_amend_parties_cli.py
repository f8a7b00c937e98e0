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
        expected = ("当事人只能在受理前增加、删除或调换" if lang == "zh"
                    else "only before the case is accepted")
        assert expected in r.err, r.err
        assert ("当事人信息" if lang == "zh" else "parties' particulars") in r.err
        if lang == "zh":
            assert "party" not in r.err and "accepted" not in r.err
    assert version(cli) == before
