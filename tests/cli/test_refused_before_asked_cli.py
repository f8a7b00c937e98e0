"""A staff command the actor may not run is refused before any password is asked for: a
mediator typing `staff add` or `staff password` for another was prompted for a password (and,
with no terminal, told to use --password-stdin) before the refusal (a clerk's trial)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import Result, Templates, prepared

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _committee(cli: Cli) -> None:
    for args in (("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
                  "--prefix", "龙"),
                 ("staff", "add", "liming", "--name", "李明", "--role", "mediator",
                  "--no-password")):
        made = cli(*args)
        assert made.code == 0, made.err


@pytest.fixture
def room(cli: Cli, cli_db: str, cli_templates: Templates) -> Cli:
    """The committee made once through the CLI, a copy of it for each test."""
    return prepared(cli, cli_db, cli_templates, "committee", _committee)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("args", [
    ("staff", "add", "xiaozhao", "--name", "小赵"),
    ("staff", "add", "xiaozhao", "--name", "小赵", "--password-stdin"),
    ("staff", "password", "wangfang"),
    ("staff", "password", "wangfang", "--password-stdin"),
])
def test_refused_at_once_not_after_a_password(room: Cli, lang: str,
                                              args: tuple[str, ...]) -> None:
    refused = room("--lang", lang, "--user", "liming", *args, input="a-password-8\n")
    assert refused.code == 1, (refused.code, refused.err)
    assert (("staff.manage" in refused.err or lang == "zh")  # zh: the permission's name alone
            and "password-stdin" not in refused.err
            and len(refused.err.strip().splitlines()) == 1), refused.err
    assert ("李明" in refused.err) if lang == "zh" else True
    listed = room("staff", "list", "--json")
    assert "xiaozhao" not in listed.out  # nothing written
