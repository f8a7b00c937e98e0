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
    assert bool(done.warnings) is warned, done.warnings
    if warned:
        assert "no more visits or urging" in done.warnings[0]


def test_the_warning_reads_the_latest_visit(room: Room) -> None:
    cid = _confirmed(room)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三",
             performance="partial")
    room.run(steps.urge, None, cid, note="电话督促")
    at(room, "2026-11-20 09:00")
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三",
             performance="full")
    assert room.run(steps.close, None, cid).warnings == ()


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
