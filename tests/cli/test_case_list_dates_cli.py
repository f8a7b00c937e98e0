"""`case list --from/--to` (a clerk's trial: `case list --from 上月` was 没有选项 --from): the
registration dates of case search's options, read by the same reader and meaning the same
days (caselist.registered_bounds), in both languages, at 80 columns and piped."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

import pytest

from cli.lines import width
from mediation.core.calendar import DEFAULT
from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    return cli


def _day(row: dict[str, str]) -> str:
    return DEFAULT.local_date(datetime.fromisoformat(row["registered_at"]).replace(tzinfo=None)
                              ).isoformat()


def _ids(result: Result) -> list[int]:
    assert result.code == 0, result.err
    return [r["id"] for r in json.loads(result.out)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_from_and_to_keep_the_cases_registered_on_those_days(demo: Cli, lang: str) -> None:
    L = ("--lang", lang)
    every = json.loads(demo(*L, "case", "list", "--all", "--json").out)
    days = sorted({_day(r) for r in every})
    assert len(days) >= 2
    first, last = days[0], days[-1]
    for lo, hi in ((first, first), (first, last), (last, last), (days[1], last)):
        want = [r["id"] for r in every if lo <= _day(r) <= hi]
        assert _ids(demo(*L, "case", "list", "--all", "--from", lo, "--to", hi, "--json")) == want
    assert _ids(demo(*L, "case", "list", "--all", "--from", last, "--json")) == [
        r["id"] for r in every if _day(r) >= last]
    assert _ids(demo(*L, "case", "list", "--all", "--to", first, "--json")) == [
        r["id"] for r in every if _day(r) <= first]
    table = demo(*L, "case", "list", "--from", first, "--to", last, "--format", "table",
                 env={"COLUMNS": "80"})
    assert table.code == 0 and max(width(line) for line in table.out.splitlines()) <= 80
    piped = demo(*L, "case", "list", "--from", first, "--to", last)
    assert piped.code == 0 and "\t" in piped.out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_period_word_is_told_as_case_search_tells_it(demo: Cli, lang: str) -> None:
    L = ("--lang", lang)
    listed = demo(*L, "case", "list", "--from", "上月")  # a period: its first day (9ca1e69)
    searched = demo(*L, "case", "search", "纠纷", "--from", "上月")
    assert listed.code == searched.code == 0, (listed.err, searched.err)
    bad = demo(*L, "case", "list", "--from", "xyz")
    worse = demo(*L, "case", "search", "纠纷", "--from", "xyz")
    assert bad.code == worse.code == 2
    assert "--from" in bad.err and "Traceback" not in bad.err
    assert "没有选项" not in bad.err and "No such option" not in bad.err
    assert bad.err.splitlines()[-1] == worse.err.splitlines()[-1]


def test_the_two_commands_share_one_definition_of_the_options() -> None:
    import typer

    from cli.main import build_app

    root = typer.main.get_command(build_app())
    case = root.commands["case"]  # type: ignore[attr-defined]
    for opt in ("--from", "--to"):
        seen = [(p.opts, p.metavar, p.help, p.default) for cmd in ("list", "search")
                for p in case.commands[cmd].params if opt in p.opts]
        assert len(seen) == 2 and seen[0] == seen[1]
