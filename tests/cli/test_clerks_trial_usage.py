"""A clerk's trial (zh, 80 columns), second round: a number outside its range is refused (exit 1)
saying the range (case extend --days 0); a period not yet begun is refused (report monthly
--month 2027-01); case list --mediator's missing or unknown value is worded for that option."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of("--cases", "12")
    return cli


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("days", ["0", "999", "-3"])
def test_extend_days_outside_its_range_is_refused(demo: Cli, lang: str, days: str) -> None:
    """Read as a number but not allowed: exit 1 (docs/cli.md's exit codes), saying the range."""
    cases = json.loads(demo("case", "list", "--all", "--state", "mediating", "--json").out)
    ref = str(cases[0]["id"])
    before = demo("case", "show", ref, "--json").out
    r = demo("--lang", lang, "case", "extend", ref, "--days", days, "--reason", "等待鉴定",
             "--consent")
    assert r.code == 1, (r.code, r.err)
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1, r.err
    assert ("--days 应为 1 至 30" if lang == "zh" else "--days must be 1 to 30") in r.err, r.err
    assert demo("case", "show", ref, "--json").out == before  # nothing written


# the demo's committee's today is 2026-12-01 (the month in progress: 2026-12)
NOT_BEGUN = [("report", "monthly", "--month", "2027-01"), ("stats", "--month", "2027-01"),
             ("report", "quarterly", "--quarter", "2027Q1"),
             ("report", "yearly", "--year", "2027"), ("stats", "--year", "2027")]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("args", NOT_BEGUN)
def test_a_period_not_yet_begun_is_refused_naming_the_latest(
        demo: Cli, lang: str, args: tuple[str, ...], tmp_path: Path) -> None:
    out = ("--out", str(tmp_path / "r.xlsx")) if args[0] == "report" else ()
    r = demo("--lang", lang, *args, *out)
    assert r.code == 1, (r.code, r.out, r.err)
    assert r.out == "" and len(r.err.strip().splitlines()) == 1, r.err
    assert ("尚未开始" if lang == "zh" else "has not begun") in r.err, r.err
    latest = {"--month": "2026-12", "--quarter": "2026Q4", "--year": "2026"}[args[-2]]
    assert latest in r.err, r.err
    assert not (tmp_path / "r.xlsx").exists()  # nothing written


@pytest.mark.parametrize("args", [("report", "monthly", "--month", "2026-12"),
                                  ("stats", "--month", "本月"), ("stats", "--year", "2026")])
def test_a_period_in_progress_is_still_counted_to_date(demo: Cli, args: tuple[str, ...],
                                                       tmp_path: Path) -> None:
    out = ("--out", str(tmp_path / "r.xlsx")) if args[0] == "report" else ()
    r = demo("--lang", "zh", *args, *out)
    assert r.code == 0, r.err


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("args", [("case", "list", "--mediator"), ("case", "list", "--state"),
                                  ("case", "extend", "1", "--days"), ("stats", "--month"),
                                  ("agenda", "--days")])
def test_an_option_without_its_value_points_to_its_own_commands_help(
        demo: Cli, lang: str, args: tuple[str, ...]) -> None:
    r = demo("--lang", lang, *args)
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1, r.err
    command = " ".join(a for a in args if not a.startswith("-") and not a.isdigit())
    assert f"`mediation {command} --help`" in r.err, r.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_mediator_nobody_is_is_quoted(demo: Cli, lang: str) -> None:
    r = demo("--lang", lang, "case", "list", "--mediator", "不存在")
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1, r.err
    assert ("本调委会没有名为“不存在”的工作人员" if lang == "zh"
            else 'no staff member named "不存在" in this committee') in r.err, r.err
