"""Every month the command line takes is read by one parser (issue 14: ``report monthly --month
11月`` was refused with exit 1, and ``report monthly`` on 1 December reported December, which is
empty): ``2026-11``, ``2026年11月``, ``11月`` (the most recent November not in the future,
periods.with_year's rule) and ``上月``; anything else is a usage error (exit 2) naming the forms.
The month options are found in the command tree, so a new one cannot miss the rule."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer

from mediation.core import periods
from mediation.core.calendar import DEFAULT
from mediation.core.clock import utcnow
from mediation.core.errors import UsageError
from tests.conftest import DATA, Result

Cli = Callable[..., Result]


@pytest.mark.parametrize(("today", "typed", "month"), [
    (date(2026, 12, 1), "11月", "2026-11"), (date(2026, 12, 1), "12月", "2026-12"),
    (date(2026, 12, 1), "1月", "2026-01"), (date(2026, 3, 15), "11月", "2025-11"),
    (date(2026, 3, 15), "3月", "2026-03"), (date(2026, 3, 15), "４月份", "2025-04"),
    (date(2026, 12, 1), "2026-11", "2026-11"), (date(2026, 12, 1), "2026年11月", "2026-11"),
    (date(2026, 12, 1), "上月", "2026-11"), (date(2026, 1, 1), "上月", "2025-12"),
])
def test_a_month_in_every_form(today: date, typed: str, month: str) -> None:
    assert periods.period_from_options(month_=typed, today=today).label == month
    assert periods.period_from_options(spec=typed, today=today).label == month


@pytest.mark.parametrize("typed", ["13月", "0月", "2026-13", "十三月", "November", "2026-11-31"])
def test_a_bad_month_is_a_usage_error_naming_the_forms(typed: str) -> None:
    with pytest.raises(UsageError) as raised:
        periods.period_from_options(month_=typed, today=date(2026, 12, 1))
    assert raised.value.exit_code == 2
    assert "11月" in raised.value.render() and "2026年11月" in raised.value.render()


@pytest.mark.parametrize(("today", "month"), [
    (date(2026, 12, 1), "2026-11"), (date(2026, 12, 31), "2026-11"),
    (date(2026, 1, 1), "2025-12"), (date(2026, 3, 31), "2026-02")])
def test_the_last_complete_month(today: date, month: str) -> None:
    p = periods.last_month(today)
    assert p.label == month and p.end <= today.replace(day=1)


def month_options() -> list[tuple[str, str | None]]:
    """Every parameter that takes a month: (command, option; None for the stats period)."""
    from cli.main import build_app

    found: list[tuple[str, str | None]] = []

    def walk(cmd: Any, prefix: str) -> None:
        for sub_name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, f"{prefix} {sub_name}".strip())
        for p in cmd.params:
            if p.name == "month":
                found.append((prefix, p.opts[0]))
            elif p.name == "period" and prefix in ("stats", "report monthly"):
                found.append((prefix, None))  # report quarterly/yearly: a quarter, a year

    walk(typer.main.get_command(build_app()), "")
    return sorted(found, key=str)


MONTH_OPTIONS = month_options()
REST = {"report monthly": ("--json", "--out", "{out}.xlsx", "--force"), "stats": ("--json",)}


def test_the_month_options_are_known() -> None:
    assert {c for c, _o in MONTH_OPTIONS} == set(REST), MONTH_OPTIONS


@pytest.fixture
def room(cli: Cli) -> Cli:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("case", "new", "--file", str(DATA / "demo" / "case.json")).code == 0
    return cli


def _period(r: Result) -> str:
    data = json.loads(r.out)
    found = data.get("period")
    return str(found["label"] if isinstance(found, dict) else found)


@pytest.mark.parametrize(("command", "option"), MONTH_OPTIONS, ids=str)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_month_option_takes_every_form(room: Cli, tmp_path: Path, command: str,
                                            option: str | None, lang: str) -> None:
    today = DEFAULT.local_date(utcnow())
    november = f"{today.year if today.month >= 11 else today.year - 1}-11"
    rest = [a.replace("{out}", str(tmp_path / "out")) for a in REST[command]]
    for typed in ("11月", f"{november[:4]}年11月", november):
        r = room("--lang", lang, *command.split(), *rest, *([option] if option else []), typed)
        assert r.code == 0, (typed, r.err)
        assert november in _period(r), (typed, r.out)
    bad = room("--lang", lang, *command.split(), *rest, *([option] if option else []), "13月")
    assert bad.code == 2 and "Traceback" not in bad.err, bad.err
    assert len(bad.err.strip().splitlines()) == 1 and "2026年11月" in bad.err, bad.err


def test_report_monthly_reports_the_last_complete_month(room: Cli, tmp_path: Path) -> None:
    r = room("report", "monthly", "--json", "--out", str(tmp_path / "m.xlsx"))
    assert r.code == 0, r.err
    assert _period(r) == periods.last_month(DEFAULT.local_date(utcnow())).label


@pytest.mark.parametrize(("lang", "name"), [("zh", "月报-2026-11.xlsx"),
                                             ("en", "monthly-2026-11.xlsx")])
def test_report_monthly_without_out_writes_a_file_named_for_the_report(
        room: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, name: str
) -> None:
    """No --out: a file named for the report in the current folder, owner-only, the path and
    the month's figures on screen; an existing one is refused (one line, exit 1) without
    --force."""
    import os
    import stat

    monkeypatch.chdir(tmp_path)
    r = room("--lang", lang, "report", "monthly", "--month", "2026-11")
    assert r.code == 0, r.err
    path = tmp_path / name
    assert path.is_file() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert str(path) in r.out and "2026-11" in r.out
    if lang == "zh":
        assert "成功" in r.out and not any(w in r.out for w in ("Wrote", "succeeded"))
    before = path.read_bytes()
    again = room("--lang", lang, "report", "monthly", "--month", "2026-11")
    assert again.code == 1 and len(again.err.strip().splitlines()) == 1, again.err
    assert "--force" in again.err and name in again.err and "Traceback" not in again.err
    assert ("已存在" in again.err) == (lang == "zh"), again.err
    assert path.read_bytes() == before
    forced = room("--lang", lang, "report", "monthly", "--month", "2026-11", "--force")
    assert forced.code == 0, forced.err
