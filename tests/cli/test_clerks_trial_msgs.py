"""A clerk's trial (zh, 80 columns), messages round (issue 14): a message's own examples are
never masked (only the values it quotes are)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of("--cases", "12")
    return cli


def _mediating(demo: Cli) -> str:
    cases = json.loads(demo("case", "list", "--all", "--state", "mediating", "--json").out)
    return str(cases[0]["id"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refusal_keeps_its_examples_and_masks_the_typed_number(demo: Cli, lang: str) -> None:
    r = demo("--lang", lang, "stats", "十一月")
    assert r.code == 2 and "2026-01-01..2026-03-31" in r.err and "*" not in r.err, r.err
    ref = _mediating(demo)
    r = demo("--lang", lang, "case", "amend", ref, "--edit-party", '1:{"phone": "12345"}',
             "--reason", "笔误")
    assert r.code in (1, 2) and "13812345678" in r.err and "0731-88886666" in r.err, r.err
    assert "*" not in r.err, r.err
    r = demo("--lang", lang, "case", "amend", ref, "--edit-party",
             '1:{"ethnicity": "430104198003120022"}', "--reason", "笔误")
    assert r.code in (1, 2) and "430104198003120022" not in r.err, r.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unknown_user_names_the_staff_closest_first(demo: Cli, lang: str) -> None:
    r = demo("--lang", lang, "--user", "李", "case", "list")
    assert r.code == 1 and r.out == "", r.err
    assert "liming" in r.err and "zhaomin" in r.err and "赵敏" in r.err, r.err
    assert r.err.index("李明") < r.err.index("赵敏"), r.err  # the closest first
    r = demo("--lang", lang, "case", "list", "--user", "zhao")
    assert r.err.index("zhaomin") < r.err.index("liming"), r.err


def test_a_sign_in_committee_names_nobody_to_an_unknown_user(cli: Cli) -> None:
    # what was typed may be a password in the wrong field: nobody is named
    made = cli("init", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--director-name", "王芳", "--password-stdin", input="correct horse 9\n")
    assert made.code == 0, made.err
    r = cli("--user", "nobody", "case", "list", env={"MEDIATION_SESSION_FILE": "/nonexistent"})
    assert r.code == 1 and "wangfang" not in r.err and "nobody" in r.err, r.err


class _Terminal(io.StringIO):
    """Standard input that is a terminal (typer.prompt is answered by the test)."""

    def isatty(self) -> bool:
        return True


PW = "correct horse 9"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_login_asks_three_times_at_a_terminal(cli: Cli, lang: str) -> None:
    import typer

    made = cli("init", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--director-name", "王芳", "--password-stdin", input=PW + "\n")
    assert made.code == 0, made.err
    with pytest.MonkeyPatch.context() as mp:
        answers = iter(["wrong 1", "wrong 2", PW])
        mp.setattr(typer, "prompt", lambda *a, **k: next(answers))
        r = cli("--lang", lang, "login", "王芳", input=_Terminal())
        assert r.code == 0, r.err
        assert r.err.count("请再试一次" if lang == "zh" else "try again") == 2, r.err
        answers = iter(["wrong 1", "wrong 2", "wrong 3", PW])
        r = cli("--lang", lang, "login", "王芳", input=_Terminal())
        assert r.code == 1 and r.err.count("\n") == 3, r.err  # two asked again, then refused
        assert next(answers) == PW  # never asked a fourth time
    # from --password-stdin: once; each failure is in the audit log as before
    r = cli("--lang", lang, "login", "王芳", "--password-stdin", input="wrong\n" + PW + "\n")
    assert r.code == 1 and "try again" not in r.err and "请再试" not in r.err, r.err
    r = cli("login", "王芳", "--password-stdin", input=PW + "\n")
    assert r.code == 0, r.err
    log = cli("audit", "log", "--all", "--json")
    assert log.code == 0, log.err
    assert log.out.count("login_failed") == 6, log.out


def test_the_hint_to_sign_in_names_its_placeholder_in_chinese(cli: Cli) -> None:
    assert cli("init", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--director-name", "王芳", "--password-stdin", input=PW + "\n").code == 0
    r = cli("--lang", "zh", "case", "list", env={"MEDIATION_USER": ""})
    assert "`mediation login 用户名`" in r.err and "USER`" not in r.err, r.err
