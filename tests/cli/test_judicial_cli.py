"""Judicial confirmation (司法确认, Law art. 33) through the real CLI (issue 14): a filing dated
before the agreement took effect is refused with that reason, in English and in Chinese."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest

from mediation.core.calendar import DEFAULT
from mediation.core.clock import utcnow
from tests.conftest import Result, case_record

Cli = Callable[..., Result]


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


@pytest.fixture
def agreed(cli: Cli) -> Cli:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    ok(cli("staff", "add", "liming", "--name", "李明", "--role", "mediator", "--no-password"))
    today = DEFAULT.local_date(utcnow())
    ago = (today - timedelta(days=5)).isoformat()
    ok(cli("case", "new", "--file", "-", "--at", ago, input=json.dumps(case_record())))
    for step in (("accept", "1"), ("mediate", "1", "--mediator", "liming", "--rights-notified"),
                 ("session", "1", "--minutes", "双方陈述了事实。"),
                 ("agree", "1", "--terms", "赔偿500元。", "--written", "--amount", "500"),
                 ("confirm", "1")):
        ok(cli("case", *step, "--at", ago))
    return cli


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "is before the agreement took effect"), ("zh", "早于协议生效日")])
def test_a_filing_before_the_agreement_took_effect_says_so(agreed: Cli, lang: str,
                                                           words: str) -> None:
    today = DEFAULT.local_date(utcnow())
    effective = today - timedelta(days=5)
    filed = today - timedelta(days=7)
    r = agreed("--lang", lang, "case", "judicial", "1", "--court", "岳麓区人民法院",
               "--filed", f"{filed:%Y年%m月%d日}")
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1, r.err
    assert words in r.err and effective.isoformat() in r.err and filed.isoformat() in r.err
    assert "30" in r.err


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "already decided (rejected, "), ("zh", "已申请的司法确认已有结果（驳回申请，")])
def test_a_second_decision_after_a_decided_filing_says_it_was_decided(agreed: Cli, lang: str,
                                                                      words: str) -> None:
    day = DEFAULT.local_date(utcnow()) - timedelta(days=3)
    ok(agreed("case", "judicial", "1", "--court", "岳麓区人民法院", "--filed", day.isoformat()))
    ok(agreed("case", "judicial", "1", "--result", "rejected", "--decided", day.isoformat()))
    r = agreed("--lang", lang, "case", "judicial", "1", "--result", "confirmed")
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1, r.err
    assert words in r.err and day.isoformat() in r.err


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "may apply for judicial confirmation until"), ("zh", "前申请司法确认")])
def test_closing_while_the_judicial_window_is_open_warns(agreed: Cli, lang: str,
                                                         words: str) -> None:
    until = DEFAULT.local_date(utcnow()) + timedelta(days=25)
    ok(agreed("case", "visit", "1", "--visited", "张三", "--performance", "full",
              "--satisfaction", "satisfied"))
    ok(agreed("case", "feedback", "1", "--channel", "phone"))  # closed after it is fed back
    r = ok(agreed("--lang", lang, "case", "close", "1"))
    assert words in r.out + r.err and until.isoformat() in r.out + r.err
