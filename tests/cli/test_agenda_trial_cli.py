"""A clerk's trial of the agenda (issue 14, zh and en, 80 columns): a closed case still takes a
judicial confirmation filed within the 30 days (and the agenda does not suggest closing while
they run); a declined case's feedback line says it was declined; a partly performed agreement
asks for urging at once; the feedback line leaves the recipient to case feedback's default."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from mediation.core.clock import local_date, utcnow
from tests.conftest import Result

Cli = Callable[..., Result]
W80 = {"COLUMNS": "80"}
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


def _items(cli: Cli, lang: str, ref: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(ok(cli("--lang", lang, "agenda", "--committee",
                                                    "--json")).out)
    return [i for i in items if i["ref"] == ref]


def _agreement_effective(cli: Cli, ref: str) -> str:
    shown = json.loads(ok(cli("case", "show", ref, "--json")).out)
    effective: str = shown["agreements"][-1]["effective_at"]
    return effective[:10]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filing_within_the_window_is_recorded_after_closing(
        cli: Cli, demo_of: Callable[..., None], fixed_now: Callable[[datetime], None],
        lang: str) -> None:
    demo_of()
    L = ("--lang", lang)
    ok(cli(*L, "case", "visit", "6", "--performance", "full", "--satisfaction", "satisfied"))
    ok(cli(*L, "case", "feedback", "6", "--channel", "phone"))
    kinds = [i["kind"] for i in _items(cli, lang, "龙6")]
    assert "close" not in kinds, kinds  # the parties may still apply: closing waits
    ok(cli(*L, "case", "close", "6"))  # closed all the same (with the warning)
    today = local_date(utcnow())
    done = ok(cli(*L, "case", "judicial", "6", "--court", "岳麓区人民法院", "--filed",
                  today.isoformat(), env=W80))
    history = ok(cli(*L, "case", "history", "6", env=W80)).out
    assert ("结案后登记" if lang == "zh" else "recorded after closing") in history, history
    ok(cli(*L, "case", "judicial", "6", "--result", "confirmed"))
    effective = datetime.fromisoformat(_agreement_effective(cli, "6")).date()
    end = effective + timedelta(days=30)
    fixed_now(utcnow() + timedelta(days=(end - today).days + 2))
    late = cli(*L, "case", "judicial", "6", "--court", "岳麓区人民法院", "--filed",
               (end + timedelta(days=1)).isoformat())
    assert late.code == 1 and len(late.err.splitlines()) == 1, late.err
    assert ("30 日内" if lang == "zh" else "within 30 days") in late.err, late.err
    assert done.code == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_closing_is_suggested_once_the_window_ends(
        cli: Cli, demo_of: Callable[..., None], fixed_now: Callable[[datetime], None],
        lang: str) -> None:
    demo_of()
    ok(cli("case", "visit", "6", "--performance", "full", "--satisfaction", "satisfied"))
    ok(cli("case", "feedback", "6", "--channel", "phone"))
    end = datetime.fromisoformat(_agreement_effective(cli, "6")).date() + timedelta(days=30)
    fixed_now(utcnow() + timedelta(days=(end - local_date(utcnow())).days))
    assert "close" not in [i["kind"] for i in _items(cli, lang, "龙6")]  # its last day
    fixed_now(utcnow() + timedelta(days=1))
    close = [i for i in _items(cli, lang, "龙6") if i["kind"] == "close"]
    assert close and close[0]["command"] == "mediation case close 龙6"
    assert close[0]["date"] == (end + timedelta(days=1)).isoformat()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_declined_case_is_said_declined(cli: Cli, demo_of: Callable[..., None],
                                          lang: str) -> None:
    demo_of()
    ok(cli("case", "decline", "9", "--reason", "party_refuses", "--advice", "可向法院起诉"))
    (item,) = _items(cli, lang, "龙9")
    assert item["kind"] == "feedback" and "‹" in item["command"]
    said = "不予受理" if lang == "zh" else "declined"
    assert said in item["todo"] and ("调解" not in item["todo"] and "mediation" not in
                                     item["todo"]), item["todo"]
    table = ok(cli("--lang", lang, "agenda", "--committee", "--format", "table", env=W80,
                   terminal=True)).out
    assert said in table


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_partly_performed_agreement_is_urged_at_once(cli: Cli, demo_of: Callable[..., None],
                                                        lang: str) -> None:
    demo_of()
    ok(cli("case", "visit", "6", "--performance", "部分履行", "--satisfaction", "基本满意"))
    (urge,) = [i for i in _items(cli, lang, "龙6") if i["kind"] == "urge"]
    assert urge["days"] == 0 and ("督促" in urge["todo"] if lang == "zh" else
                                  "urge" in urge["todo"])
    assert urge["command"].startswith("mediation case urge 龙6 --note ‹")
    ok(cli("case", "urge", "6", "--note", "电话督促被申请人"))
    assert "urge" not in [i["kind"] for i in _items(cli, lang, "龙6")]


def test_referred_cases_feedback_goes_to_the_default(cli: Cli, demo_of: Callable[..., None]
                                                     ) -> None:
    """No --to on a feedback line: case feedback's default is whoever brought the dispute (the
    court of a 法院委派 case, not the applicant)."""
    demo_of()
    items = json.loads(ok(cli("agenda", "--committee", "--json")).out)
    feedback = [i for i in items if i["kind"] == "feedback"]
    assert feedback and all("--to" not in i["command"] for i in feedback)
