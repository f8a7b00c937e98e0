"""Issue 14: appointing a mediator says why someone cannot mediate (disabled, or which role they
have) and names by display name those who may; ``--mediator 李`` is 李明 when he is the only
one of them whose name holds it, otherwise the candidates are named. Both languages, piped and
with an 80-column terminal; under zh no Latin word."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from tests.conftest import Result, Templates, case_record, prepared

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


def _committee(cli: Cli) -> None:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
           "--director-name", "王芳"))
    for user, name, role in (("liming", "李明", "mediator"), ("zhaomin", "赵敏", "mediator"),
                             ("chenjing", "陈静", "clerk"), ("sunli", "孙丽", "mediator")):
        ok(cli("staff", "add", user, "--name", name, "--role", role, "--no-password"))
    ok(cli("staff", "disable", "sunli"))
    ok(cli("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(cli("case", "accept", "1"))


@pytest.fixture
def room(cli: Cli, cli_db: str, cli_templates: Templates) -> Cli:
    """The committee and its case made once through the CLI, a copy of them for each test."""
    return prepared(cli, cli_db, cli_templates, "committee", _committee)


def lead_of(cli: Cli) -> str:
    view = json.loads(ok(cli("case", "show", "1", "--json")).out)
    return ",".join(m["username"] for m in view["mediators"] if m["lead"]) or "None"


def refused(cli: Cli, lang: str, terminal: bool, mediator: str) -> str:
    r = cli("--lang", lang, "case", "assign", "1", "--mediator", mediator, terminal=terminal,
            env={"COLUMNS": "80"})
    assert r.code == 1 and r.out == "" and "Traceback" not in r.err, r.err
    assert len(r.err.strip().splitlines()) == 1, r.err
    if lang == "zh":
        assert not re.search(r"[A-Za-z]{2,}", r.err), r.err  # every word Chinese
    return r.err


ABLE = ["王芳", "李明", "赵敏"]  # who may mediate: active, a mediator or the director
SEP = {"zh": "、", "en": ", "}  # a list in the language's own separator (i18n.join)


@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_why_someone_cannot_mediate_and_who_can(room: Cli, lang: str, terminal: bool) -> None:
    clerk = refused(room, lang, terminal, "陈静")
    disabled = refused(room, lang, terminal, "sunli")
    nobody = refused(room, lang, terminal, "钱")
    for err in (clerk, disabled, nobody):
        assert SEP[lang].join(ABLE) in err and "陈静" + SEP[lang] not in err
        assert "孙丽" + SEP[lang] not in err
    if lang == "zh":
        assert "陈静 不能担任调解员：统计员不是调解员" in clerk
        assert "孙丽 不能担任调解员：账号已停用" in disabled
        assert "没有名为“钱”" in nobody
    else:
        assert "陈静 cannot mediate: a clerk is not a mediator" in clerk
        assert "孙丽 cannot mediate: the account is disabled" in disabled
        assert "nobody named 钱 may mediate" in nobody
    assert lead_of(room) == "None"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_part_of_one_name(room: Cli, lang: str) -> None:
    ok(room("--lang", lang, "case", "assign", "1", "--mediator", "李", "--co", "敏"))
    assert lead_of(room) == "liming"
    ok(room("staff", "add", "lihua", "--name", "李华", "--role", "mediator", "--no-password"))
    err = refused(room, lang, False, "李")
    assert f"李明{SEP[lang]}李华" in err
    assert ("有几位的名字含有“李”" if lang == "zh" else "李 is part of the names of several") \
        in err
    ok(room("--lang", lang, "case", "assign", "1", "--mediator", "李华"))
    assert lead_of(room) == "lihua"
    latin = room("--lang", lang, "case", "assign", "1", "--mediator", "li")
    assert latin.code == 1 and "李明" in latin.err  # Latin letters are codes: no part of them
