"""Closing a case (结案归档) is the workflow's one rule (workflow.ready_to_close): after its
follow-up visit and its feedback (反馈); an agreement found partly or not performed is closed
only by a director, with the reason, after urging (Law art. 31) -- a clerk's trial closed one
with no feedback and a partial performance, with two warnings and no question."""

from __future__ import annotations

from datetime import date

import pytest

from mediation import steps
from mediation.core.errors import PermissionDenied, Refused
from mediation.core.i18n import set_language
from tests.conftest import Room
from tests.integration.test_procedure_steps import at, mediating


def _confirmed(room: Room) -> int:
    """A case whose written agreement is confirmed, ready for its follow-up visits."""
    cid = mediating(room)
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True)
    room.run(steps.confirm, None, cid)
    return cid


def _visited(room: Room, found: str, *, fed_back: bool = True) -> int:
    cid = _confirmed(room)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三",
             performance=found)
    if fed_back:
        room.run(steps.feedback, None, cid, channel="phone")
    return cid


def test_no_closing_before_feedback(room: Room) -> None:
    cid = _visited(room, "full", fed_back=False)
    with pytest.raises(Refused) as refused:
        room.run(steps.close, None, cid)
    assert "record the feedback first (case feedback)" in str(refused.value)


@pytest.mark.parametrize("found", ["partial", "none"])
def test_performance_outstanding_refuses_closing_naming_the_way(room: Room, found: str) -> None:
    cid = _visited(room, found)
    with pytest.raises(Refused) as refused:
        room.run(steps.close, None, cid)
    assert "urge performance and visit again" in str(refused.value)
    assert "--reason" in str(refused.value) and "\n" not in str(refused.value)


def test_a_director_closes_with_the_reason_after_urging(room: Room) -> None:
    cid = _visited(room, "partial")
    with pytest.raises(Refused) as refused:
        room.run(steps.close, None, cid, reason="已告知可起诉")
    assert "urge performance first (case urge)" in str(refused.value)
    room.run(steps.urge, None, cid, note="电话督促")
    with pytest.raises(PermissionDenied):
        room.run(steps.close, room.mediator, cid, reason="已告知可起诉")
    assert room.run(steps.close, None, cid, reason="已告知可起诉").state == "closed"


def test_the_rule_reads_the_latest_visit(room: Room) -> None:
    cid = _visited(room, "partial")
    room.run(steps.urge, None, cid, note="电话督促")
    at(room, "2026-11-20 09:00")
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三",
             performance="full")
    assert room.run(steps.close, None, cid).state == "closed"


def test_the_refusal_is_chinese_under_zh(room: Room) -> None:
    cid = _visited(room, "partial")
    set_language("zh")
    try:
        with pytest.raises(Refused) as refused:
            room.run(steps.close, None, cid)
        text = refused.value.render()
    finally:
        set_language("en")
    assert "最近一次回访发现协议部分履行" in text, text


def test_feedback_after_closing_only_as_a_late_entry_before_it(room: Room) -> None:
    cid = _visited(room, "full")
    at(room, "2026-11-10 09:00")
    room.run(steps.close, None, cid)
    at(room, "2026-11-12 09:00")
    with pytest.raises(Refused) as refused:
        room.run(steps.feedback, None, cid, channel="phone")
    assert "closed on 2026-11-10" in str(refused.value)
    room.run(steps.feedback, None, cid, channel="phone", at=date(2026, 11, 10))


def _judicial_warnings(room: Room, cid: int) -> list[str]:
    return [w for w in room.run(steps.close, None, cid).warnings if "judicial" in w]


def test_law_art_33_closing_while_the_judicial_window_is_open_warns(room: Room) -> None:
    """Issue 14: a written agreement's 30 days for judicial confirmation are still running and
    nothing is filed: closing is allowed, with the last day named."""
    cid = _confirmed(room)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三", performance="full")
    room.run(steps.feedback, None, cid, channel="phone")
    (warned,) = _judicial_warnings(room, cid)
    assert "until 2026-12-02" in warned and "still recorded after closing" in warned


def test_no_judicial_warning_once_filed(room: Room) -> None:
    cid = _confirmed(room)
    room.run(steps.judicial, None, cid, court="岳麓区人民法院")
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三", performance="full")
    room.run(steps.feedback, None, cid, channel="phone")
    assert _judicial_warnings(room, cid) == []


def test_no_judicial_warning_after_the_window(room: Room) -> None:
    cid = _confirmed(room)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三", performance="full")
    room.run(steps.feedback, None, cid, channel="phone")
    at(room, "2026-12-03 09:00")
    assert _judicial_warnings(room, cid) == []


def test_the_judicial_warning_is_chinese_under_zh(room: Room) -> None:
    cid = _confirmed(room)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三", performance="full")
    room.run(steps.feedback, None, cid, channel="phone")
    set_language("zh")
    try:
        done = room.run(steps.close, None, cid)
    finally:
        set_language("en")
    assert any("2026-12-02" in w and "司法确认" in w for w in done.warnings), done.warnings


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "may not close a case whose agreement was not fully performed, with a reason "
           "(--reason); that is for: director (permission: case.close.reason)"),
    ("zh", "不能在协议未完全履行时说明理由结案；可以的角色：主任"
           "（权限：在协议未完全履行时说明理由结案）"),
])
def test_a_mediator_closing_with_a_reason_is_told_only_a_director_may(
        room: Room, lang: str, words: str) -> None:
    """A clerk's trial: the refusal named the agenda's permission (统管本调委会的案件...); closing
    with a reason is its own permission, worded as that action."""
    cid = _visited(room, "partial")
    room.run(steps.urge, None, cid, note="电话督促")
    set_language(lang)
    try:
        with pytest.raises(PermissionDenied) as refused:
            room.run(steps.close, room.mediator, cid, reason="已告知可起诉")
        text = refused.value.render()
    finally:
        set_language("en")
    assert words in text, text
    assert "agenda" not in text and "待办" not in text, text
