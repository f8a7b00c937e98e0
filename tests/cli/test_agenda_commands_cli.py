"""Every command the agenda prints, run as printed (a clerk's trial, issue 14): it does the
right thing with no value nobody gave (``case accept``, ``case close``, ``case mediate``), or
it is refused in one line, nothing written, until its placeholders (``‹原因›``) are replaced
(or, for ``case mediate``, until the mediator adds that the parties were told their rights).
A clerk follows the agenda over two months of the demo, filling each placeholder with a value
Hypothesis picks (a partly performed agreement, a court, a reason), and every kind of line
comes up."""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation.core.clock import utcnow
from mediation.core.placeholders import found
from tests.conftest import Result

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

# The commands that may run as printed: nothing in them is a value the clerk must supply
# (case mediate is refused, saying so, until the clerk adds --rights-notified).
AS_PRINTED = {"accept", "close", "mediate"}
# What a clerk types for a free placeholder (zh and en words are read under either language).
TYPED = {"天数": "10", "days": "10", "终止原因": "未达成协议", "reason-for-ending": "no_agreement",
         "法院名称": "岳麓区人民法院", "court": "岳麓区人民法院"}
_PLACEHOLDER = re.compile("‹([^‹›]*)›")


_STARTED: list[datetime] = []


def _start(fixed_now: Callable[[datetime], None], demo_of: Callable[..., None]) -> datetime:
    """Each example starts at the same instant on a fresh copy of the demo (the database of
    the example before closed, its journal gone)."""
    from mediation.db.engines import database_url, release_engine

    if not _STARTED:
        _STARTED.append(utcnow())
    fixed_now(_STARTED[0])
    db = os.environ["MEDIATION_DB"]
    release_engine(database_url(db))
    for suffix in ("-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    demo_of()
    return _STARTED[0]


def _version(cli: Cli, ref: str) -> int:
    shown = cli("case", "show", ref, "--json")
    assert shown.code == 0, shown.err
    version: int = json.loads(shown.out)["version"]
    return version


def _as_printed(cli: Cli, lang: str, item: dict[str, str]) -> None:
    """THE property: run as printed, the command either needs nothing and does it, or is
    refused in one line naming the placeholder, and the case is unchanged."""
    words = shlex.split(item["command"])[1:]
    ref = words[2]
    before = _version(cli, ref)
    done = cli("--lang", lang, *words)
    placeholder = found(item["command"])
    if placeholder is None:
        assert words[1] in AS_PRINTED, item
        if words[1] == "mediate" and done.code:  # the rights notice is the mediator's to say
            assert done.code == 1 and "--rights-notified" in done.err, (item, done.err)
            assert len(done.err.splitlines()) == 1 and _version(cli, ref) == before
            return
        assert done.code == 0, (item, done.err)
        return
    assert done.code == 1 and done.out == "", (item, done.err)
    assert len(done.err.splitlines()) == 1 and "Traceback" not in done.err
    assert (f"请把 {placeholder} 换成实际内容" if lang == "zh"
            else f"replace {placeholder} with the actual value") in done.err, done.err
    assert _version(cli, ref) == before, item


def _filled(command: str, pick: Callable[[list[str]], str]) -> list[str]:
    def fill(m: re.Match[str]) -> str:
        inside = m.group(1)
        if "/" in inside:
            return pick(inside.split("/"))
        return TYPED.get(inside, "核实情况")

    return shlex.split(_PLACEHOLDER.sub(fill, command))[1:]


def _drawing(data: st.DataObject, kind: str) -> Callable[[list[str]], str]:
    return lambda options: data.draw(st.sampled_from(options), label=kind)


def _preferring(chosen: str) -> Callable[[list[str]], str]:
    return lambda options: chosen if chosen in options else options[0]


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lang=st.sampled_from(["zh", "en"]), data=st.data(),
       steps=st.lists(st.integers(0, 12), min_size=6, max_size=6))
def test_every_line_run_as_printed_is_right_or_refused(
        cli: Cli, demo_of: Callable[..., None], fixed_now: Callable[[datetime], None],
        lang: str, data: st.DataObject, steps: list[int]) -> None:
    now = _start(fixed_now, demo_of)
    seen: set[str] = set()
    for days in steps:
        now += timedelta(days=days)
        fixed_now(now)
        items = json.loads(cli("--lang", lang, "agenda", "--committee", "--json").out)
        for item in items:
            seen.add(item["kind"])
            assert "--to" not in item["command"]  # whoever brought it: feedback's default
            _as_printed(cli, lang, item)
            if found(item["command"]) is None:
                continue
            words = _filled(item["command"], _drawing(data, item["kind"]))
            cli("--lang", lang, *words)  # a clerk's real values: may still be refused
    assert seen >= {"feedback", "performance", "overdue"}


def test_each_kind_comes_up_and_is_right_or_refused(
        cli: Cli, demo_of: Callable[..., None], fixed_now: Callable[[datetime], None]) -> None:
    """The same clerk, choosing a partly performed agreement first: the urging is due at once,
    then closing once fully performed and the window for judicial confirmation is over."""
    now = _start(fixed_now, demo_of)
    seen: set[str] = set()
    for days in (0, 3, 6, 10, 20, 31, 32, 40, 70):
        fixed_now(now + timedelta(days=days))
        for lang in ("zh", "en"):
            for item in json.loads(cli("--lang", lang, "agenda", "--committee", "--json").out):
                seen.add(item["kind"])
                _as_printed(cli, lang, item)
                performance = "部分履行" if "urge" not in seen else "全部履行"
                if found(item["command"]) is not None:
                    cli(*_filled(item["command"], _preferring(performance)))
    assert seen >= {"feedback", "performance", "overdue", "due_soon", "intake", "judicial",
                    "follow_up", "urge", "close"}, seen
