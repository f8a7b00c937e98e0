"""``init`` without ``--director-name`` says whose name is kept as the user name by the role
being created (issue 14, the fifth clerk's trial: ``init --admin`` said 主任姓名暂记为 quadmin,
and a district administrator is no director)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.mark.parametrize(("lang", "admin", "director"), [
    ("zh", "区县管理员姓名暂记为 quadmin", "主任姓名暂记为 quadmin"),
    ("en", "The district administrator's name is recorded as quadmin",
     "The director's name is recorded as quadmin"),
])
def test_the_note_names_the_role(cli: Cli, lang: str, admin: str, director: str) -> None:
    done = cli("--lang", lang, "--user", "quadmin", "init", "--no-login", "--committee",
               "岳麓区司法局", "--prefix", "岳", "--admin")
    assert done.code == 0, done.err
    assert admin in done.out and director not in done.out


def test_a_director_is_still_named_director(cli: Cli) -> None:
    done = cli("--lang", "zh", "--user", "quadmin", "init", "--no-login", "--committee",
               "龙王港社区人民调解委员会", "--prefix", "龙")
    assert done.code == 0 and "主任姓名暂记为 quadmin" in done.out, done.out
