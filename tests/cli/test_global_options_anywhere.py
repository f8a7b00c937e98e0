"""The global options (--lang, --user, --db, --token-file) are taken anywhere on the command
line (issue 14: ``case list --lang zh`` said 没有选项 --lang), for every command; a command's
own option of that name (report ... --lang, the report's language) stays its own."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import typer

from cli import framework
from cli.main import _own_options, build_app, lift_globals
from tests.conftest import Result

Cli = Callable[..., Result]
GLOBALS = ["--lang", "zh", "--user=李明", "--db", "x.db", "--token-file", "t"]


def _commands() -> list[tuple[list[str], object]]:
    root = framework.install(typer.main.get_command(build_app()))
    return [(path.split()[1:], cmd) for path, cmd in framework.walk(root) if path != "mediation"]


def test_every_command_takes_the_global_options_after_it() -> None:
    root = framework.install(typer.main.get_command(build_app()))
    commands = _commands()
    assert len(commands) > 60
    for words, cmd in commands:
        own = _own_options(cmd)
        lifted = lift_globals([*words, *GLOBALS], root)
        moved = [g for g in GLOBALS if g.split("=")[0] in {"--lang", "--user", "--db",
                                                             "--token-file"}]
        for option in moved:
            name = option.split("=")[0]
            if name in own:  # its own option: left where it is
                assert lifted.index(option) > lifted.index(words[-1]), (words, lifted)
            else:
                assert lifted.index(option) < lifted.index(words[0]), (words, lifted)
        assert [a for a in lifted if a not in GLOBALS] == words  # the command's words in order


def test_values_and_the_end_of_options_are_not_lifted() -> None:
    root = framework.install(typer.main.get_command(build_app()))
    assert lift_globals(["case", "list", "--", "--lang", "en"], root) == \
        ["case", "list", "--", "--lang", "en"]
    # a value of the command's own option that looks like a global option stays its value
    assert lift_globals(["case", "note", "1", "--text", "--lang"], root)[:2] == ["case", "note"]
    assert lift_globals(["report", "monthly", "--lang", "en"], root) == \
        ["report", "monthly", "--lang", "en"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_global_options_after_the_command_run(cli: Cli,
                                              demo_of: Callable[..., None], lang: str) -> None:
    demo_of("--cases", "6")
    before = cli("--lang", lang, "case", "list").out
    r = cli("case", "list", "--lang", lang)
    assert r.code == 0 and r.out == before, r.err
    r = cli("case", "list", "--user", "liming", f"--lang={lang}")
    assert r.code == 0, r.err
    r = cli("case", "list", "--help", "--lang", lang)
    assert r.code == 0 and ("用法" if lang == "zh" else "Usage") in r.out, r.out
