"""A list with nothing to show says so, in a pipe too (issue 14: `case search 李明 | cat`
printed nothing at all): standard output stays empty (rows only), the reason is one line on
standard error, exit 0; on a terminal the line is on standard output. Every list command,
through one function (cli.tables.nothing), in zh and en."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import Result

EMPTY = [
    (("case", "search", "李明"), "没有相符的案件", "No case matches"),
    (("case", "list", "--state", "withdrawn"), "没有案件", "No cases"),
    (("audit", "log", "--action", "nothing-such"), "没有事件", "No events"),
    (("lead", "list"), "没有线索", "No leads"),
    (("sweep", "list"), "尚无排查记录", "No sweeps recorded"),
]


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_list_says_so_on_standard_error_in_a_pipe(cli: Callable[..., Result],
                                                           demo_of: Callable[..., None],
                                                           lang: str) -> None:
    demo_of()
    for command, zh, en in EMPTY:
        said = zh if lang == "zh" else en
        piped = cli("--lang", lang, *command)
        assert piped.code == 0, (command, piped.err)
        assert piped.out == "", (command, piped.out)
        assert said in piped.err and len(piped.err.strip().splitlines()) == 1, (command,
                                                                                piped.err)
        shown = cli("--lang", lang, *command, env={"COLUMNS": "80"}, terminal=True)
        assert shown.code == 0 and said in shown.out, (command, shown.out, shown.err)
        as_csv = cli("--lang", lang, *command, "--format", "csv")
        assert said in as_csv.err and len(as_csv.out.splitlines()) == 1, (command, as_csv.out)
