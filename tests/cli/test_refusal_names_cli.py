"""Issue 14: a refusal names the person by display name (a namesake with the user name), ends
with the permission in the same brackets, in one line, in the user's language, piped and with
standard output an 80-column terminal."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def committee(cli: Cli) -> Cli:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--director-name", "王芳").code == 0
    for user, name, role in (("chenjing", "陈静", "clerk"), ("liming", "李明", "mediator"),
                             ("liming2", "李明", "clerk")):
        added = cli("staff", "add", user, "--name", name, "--role", role)
        assert added.code == 0, added.err
    return cli


@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refusal_names_the_person(committee: Cli, lang: str, terminal: bool) -> None:
    env = {"COLUMNS": "80"}
    for user, who in (("chenjing", "陈静"), ("liming2", "李明(liming2)")):
        r = committee("--lang", lang, "case", "list", terminal=terminal,
                      env={**env, "MEDIATION_USER": user})
        assert r.code == 1 and r.out == "" and "Traceback" not in r.err, r.err
        line = r.err.strip()
        if lang == "zh":
            assert line.startswith(f"错误：{who}（统计员）不能查看案卷"), line
            assert line.endswith("（权限：查看案卷）"), line
            rest = line.replace("case.read", "").replace("liming2", "")
            assert not re.search(r"[A-Za-z]{2,}", rest), line
        else:
            assert line.startswith(f"error: {who} (clerk) may not read case files"), line
            assert line.endswith("(permission: case.read)"), line
        if user == "chenjing":
            assert "chenjing" not in line
        assert len(r.err.strip().splitlines()) == 1  # one line (standard error is not wrapped)
