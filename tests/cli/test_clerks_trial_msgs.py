"""A clerk's trial (zh, 80 columns), messages round (issue 14): a message's own examples are
never masked (only the values it quotes are)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli) -> Cli:
    assert cli("demo", "--quiet", "--cases", "12").code == 0
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
