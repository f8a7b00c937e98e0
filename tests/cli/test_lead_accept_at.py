"""`lead accept LEAD --at WHEN` (补录, a clerk's trial, issue 14): a case taken from a grid lead is
registered when it was, by the rule of `case new --at` (intake.new_case): not in the future,
within the committee's late-entry days, and never before the lead was found (even when the
case.json says the dispute was discovered earlier); a date alone on the day the lead was found
is the time it was found. A refusal is one line, exit 1 (a date that is no date: 2), and
writes nothing: the lead stays in the inbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from mediation.core.calendar import DEFAULT
from mediation.core.clock import utcnow
from tests.cli.test_grid_cli import _case_json, _setup
from tests.conftest import Result

Cli = Callable[..., Result]


def _utc(local: datetime) -> str:
    return DEFAULT.to_utc(local).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lead(cli: Cli, lang: str, found: datetime) -> None:
    r = cli("--lang", lang, "lead", "report", "--place", "桐梓坡路8栋", "--seen", "楼上漏水",
            "--found", f"{found:%Y-%m-%d %H:%M}")
    assert r.code == 0, r.err


def _open_leads(cli: Cli) -> list[int]:
    return [x["id"] for x in json.loads(cli("lead", "list", "--json").out)
            if x["status"] == "open"]


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_lead_is_taken_as_a_case_registered_when_it_was(
        cli: Cli, lang: str, backend: str, tmp_path: Path) -> None:
    _setup(cli, lang)
    today = DEFAULT.local_date(utcnow())
    found = datetime.combine(today - timedelta(days=3), datetime.min.time()).replace(hour=9,
                                                                                   minute=30)
    _lead(cli, lang, found)
    _lead(cli, lang, found)
    case = _case_json(tmp_path)
    refusals = [
        (f"{found.date() - timedelta(days=1)}", 1,
         ("不能早于发现纠纷的时间" if lang == "zh" else "before the dispute was discovered")),
        (f"{found:%Y-%m-%d} 09:00", 1,
         ("不能早于发现纠纷的时间" if lang == "zh" else "before the dispute was discovered")),
        (f"{today + timedelta(days=1)}", 1, ("将来" if lang == "zh" else "in the future")),
        ("昨天下午", 2, "--at")]
    for at, code, said in refusals:
        r = cli("--lang", lang, "lead", "accept", "1", "-f", case, "--at", at)
        assert r.code == code, (at, r.out, r.err)
        assert r.out == "" and len(r.err.strip().splitlines()) == 1, r.err
        assert said in r.err and "Traceback" not in r.err, (at, r.err)
    assert _open_leads(cli) == [2, 1]  # nothing written
    assert json.loads(cli("case", "list", "--json").out) == []
    # a date alone on the day it was found: the time it was found
    r = cli("--lang", lang, "lead", "accept", "1", "-f", case, "--at", f"{found:%Y-%m-%d}",
            "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["registered_at"] == _utc(found)
    # a date and time, in the committee's zone; the event keeps when it was typed too
    later = found + timedelta(days=1, hours=5)
    r = cli("--lang", lang, "lead", "accept", "2", "-f", case, "--at",
            f"{later:%Y年%m月%d日 %H:%M}", "--force", "--json")
    assert r.code == 0, r.err
    taken = json.loads(r.out)
    assert taken["registered_at"] == _utc(later)
    new = next(e for e in json.loads(cli("case", "history", str(taken["id"]), "--json").out)
               if e["action"] == "new")
    assert new["occurred_at"] == _utc(later) != new["at"]
    assert _open_leads(cli) == []


@pytest.mark.parametrize("backend", ["sqlite"])
def test_not_before_the_lead_was_found_whatever_the_file_says(
        cli: Cli, backend: str, tmp_path: Path) -> None:
    """The case.json may say the dispute was discovered before the grid worker found it;
    the case is still not registered from the lead before the lead was found."""
    _setup(cli, "en")
    today = DEFAULT.local_date(utcnow())
    found = datetime.combine(today - timedelta(days=2), datetime.min.time()).replace(hour=10)
    _lead(cli, "en", found)
    record = json.loads(Path(_case_json(tmp_path)).read_text("utf-8"))
    earlier = found - timedelta(days=5)
    record["discovered_at"] = f"{earlier:%Y-%m-%dT%H:%M}:00+08:00"
    path = tmp_path / "earlier.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    r = cli("lead", "accept", "1", "-f", str(path), "--at", f"{found - timedelta(days=1):%Y-%m-%d}")
    assert r.code == 1 and f"({found:%Y-%m-%d %H:%M})" in r.err, r.err
    r = cli("lead", "accept", "1", "-f", str(path), "--at", f"{found:%Y-%m-%d %H:%M}", "--json")
    assert r.code == 0, r.err
    case = json.loads(cli("case", "show", str(json.loads(r.out)["id"]), "--json").out)
    assert case["dates"]["discovered"] == _utc(earlier)  # what the file says, kept


@pytest.mark.parametrize("backend", ["sqlite"])
def test_at_most_the_late_entry_days_ago(cli: Cli, backend: str, tmp_path: Path) -> None:
    _setup(cli, "zh")
    today: date = DEFAULT.local_date(utcnow())
    found = datetime.combine(today - timedelta(days=50), datetime.min.time()).replace(hour=8)
    _lead(cli, "zh", found)
    late = today - timedelta(days=40)
    r = cli("--lang", "zh", "lead", "accept", "1", "-f", _case_json(tmp_path), "--at", f"{late}")
    assert r.code == 1 and "30" in r.err and len(r.err.strip().splitlines()) == 1, r.err
    assert cli("calendar", "set", "--late-entry-days", "60").code == 0
    r = cli("lead", "accept", "1", "-f", _case_json(tmp_path), "--at", f"{late}", "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["registered_at"] == _utc(datetime.combine(late, datetime.min.time()))


def test_lead_accept_at_has_chinese_help(cli: Cli) -> None:
    r = cli("--lang", "zh", "lead", "accept", "--help")
    assert r.code == 0 and "--at" in r.out and "补录" in r.out and "发现" in r.out, r.out
