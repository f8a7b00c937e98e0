"""Closing a case whose latest visit found the agreement partly or not performed is allowed,
with a warning (Law art. 31: the committee urges performance; a closed case takes no more
visits or urging) -- a clerk's trial closed one with no word."""

from __future__ import annotations

import pytest

from mediation import steps
from mediation.core.i18n import set_language
from tests.conftest import Room
from tests.integration.test_procedure_steps import at, mediating


def _confirmed(room: Room) -> int:
    """A case whose written agreement is confirmed, ready for its follow-up visits."""
    cid = mediating(room)
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True)
    room.run(steps.confirm, None, cid)
    return cid


@pytest.mark.parametrize(("found", "warned"), [("partial", True), ("none", True),
                                               ("full", False)])
def test_law_art_31_closing_with_performance_outstanding_warns(room: Room, found: str,
                                                               warned: bool) -> None:
    cid = _confirmed(room)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三",
             performance=found)
    done = room.run(steps.close, None, cid)
    outstanding = [w for w in done.warnings if "no more visits or urging" in w]
    assert bool(outstanding) is warned, done.warnings


def test_the_warning_reads_the_latest_visit(room: Room) -> None:
    cid = _confirmed(room)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三",
             performance="partial")
    room.run(steps.urge, None, cid, note="电话督促")
    at(room, "2026-11-20 09:00")
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三",
             performance="full")
    assert not [w for w in room.run(steps.close, None, cid).warnings if "urging" in w]


def test_the_warning_is_chinese_under_zh(room: Room) -> None:
    cid = _confirmed(room)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三",
             performance="partial")
    set_language("zh")
    try:
        done = room.run(steps.close, None, cid)
    finally:
        set_language("en")
    assert "最近一次回访发现协议部分履行" in done.warnings[0], done.warnings


def _judicial_warnings(room: Room, cid: int) -> list[str]:
    return [w for w in room.run(steps.close, None, cid).warnings if "judicial" in w]


def test_law_art_33_closing_while_the_judicial_window_is_open_warns(room: Room) -> None:
    """Issue 14: a written agreement's 30 days for judicial confirmation are still running and
    nothing is filed: closing is allowed, with the last day named."""
    cid = _confirmed(room)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三", performance="full")
    (warned,) = _judicial_warnings(room, cid)
    assert "until 2026-12-02" in warned and "filing made before closing" in warned


def test_no_judicial_warning_once_filed(room: Room) -> None:
    cid = _confirmed(room)
    room.run(steps.judicial, None, cid, court="岳麓区人民法院")
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三", performance="full")
    assert _judicial_warnings(room, cid) == []


def test_no_judicial_warning_after_the_window(room: Room) -> None:
    cid = _confirmed(room)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三", performance="full")
    at(room, "2026-12-03 09:00")
    assert _judicial_warnings(room, cid) == []


def test_the_judicial_warning_is_chinese_under_zh(room: Room) -> None:
    cid = _confirmed(room)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三", performance="full")
    set_language("zh")
    try:
        done = room.run(steps.close, None, cid)
    finally:
        set_language("en")
    assert any("2026-12-02" in w and "司法确认" in w for w in done.warnings), done.warnings
