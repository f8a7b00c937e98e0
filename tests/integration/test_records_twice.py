"""A record typed twice is kept once (issue 15): the same session, escalation prevented, urging,
follow-up visit or report to the police, on the same local day with the same content, is refused
in one line and nothing is written; a record that differs, or another day's, is a record of its
own."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import col, func, select

from mediation import steps
from mediation.cases import FollowUp, MediationSession, Prevention
from mediation.core.errors import InvalidInput
from mediation.tables import Event
from tests.conftest import Room
from tests.integration.test_procedure_steps import at, mediating


def _count(room: Room, model: type, cid: int) -> int:
    with room.uow(write=False) as uow:
        return int(uow.session.exec(select(func.count()).select_from(model)
                                    .where(col(model.case_id) == cid)).one())  # type: ignore[attr-defined]


def _events(room: Room, cid: int) -> int:
    return _count(room, Event, cid)


def test_law_art_27_a_session_typed_twice_is_recorded_once(room: Room) -> None:
    cid = mediating(room)  # one session, "双方陈述", at 09:00
    at(room, "2026-11-02 11:30")
    events = _events(room, cid)
    with pytest.raises(InvalidInput, match=r"already recorded \(2026-11-02 09:00"):
        room.run(steps.session, None, cid, minutes="双方陈述")
    assert _count(room, MediationSession, cid) == 1 and _events(room, cid) == events
    # the same typed late for the same day, likewise
    with pytest.raises(InvalidInput, match="already recorded"):
        room.run(steps.session, None, cid, minutes="  双方陈述 ", at=date(2026, 11, 2))
    # other minutes, another place, or another day: a session of its own
    room.run(steps.session, None, cid, minutes="第二次调解，双方让步")
    room.run(steps.session, None, cid, minutes="双方陈述", place="村委会")
    at(room, "2026-11-03 09:00")
    room.run(steps.session, None, cid, minutes="双方陈述")
    assert _count(room, MediationSession, cid) == 4


def test_law_art_21_an_escalation_prevented_typed_twice_is_recorded_once(room: Room) -> None:
    cid = mediating(room)
    room.run(steps.prevent, None, cid, kind="group_fight", persons=2)
    with pytest.raises(InvalidInput, match="already recorded"):
        room.run(steps.prevent, None, cid, kind="group_fight", persons=2)
    room.run(steps.prevent, None, cid, kind="group_fight", persons=1)
    assert _count(room, Prevention, cid) == 2


def test_law_art_25_a_report_to_the_police_typed_twice_is_recorded_once(room: Room) -> None:
    cid = mediating(room)
    room.run(steps.report_police, None, cid, to="望月湖派出所", note="张三扬言报复")
    events = _events(room, cid)
    with pytest.raises(InvalidInput, match="already recorded"):
        room.run(steps.report_police, None, cid, to="望月湖派出所", note="张三扬言报复")
    assert _events(room, cid) == events
    room.run(steps.report_police, None, cid, to="望月湖派出所", note="再次报告")
    assert _events(room, cid) == events + 1


def test_law_art_31_urging_performance_typed_twice_is_recorded_once(room: Room) -> None:
    cid = mediating(room)
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True)
    room.run(steps.confirm, None, cid)
    room.run(steps.urge, None, cid, note="电话督促乙方履行")
    with pytest.raises(InvalidInput, match="already recorded"):
        room.run(steps.urge, None, cid, note="电话督促乙方履行")
    at(room, "2026-11-09 09:00")
    room.run(steps.urge, None, cid, note="电话督促乙方履行")  # a week later: again


def test_law_art_31_a_follow_up_visit_typed_twice_is_recorded_once(room: Room) -> None:
    cid = mediating(room)
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True)
    room.run(steps.confirm, None, cid)
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三",
             performance="partial", note="已付一半")
    events = _events(room, cid)
    with pytest.raises(InvalidInput, match="already recorded"):
        room.run(steps.visit, None, cid, satisfaction="satisfied", visited=" 张三 ",
                 performance="partial", note="已付一半")
    assert _count(room, FollowUp, cid) == 1 and _events(room, cid) == events
    # another person visited, or another finding: a visit of its own
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="李四",
             performance="partial", note="已付一半")
    room.run(steps.visit, None, cid, satisfaction="satisfied", visited="张三",
             performance="full", note="已全部付清")
    assert _count(room, FollowUp, cid) == 3


def test_a_twin_is_judged_on_the_committees_calendar(room: Room) -> None:
    """Two sessions an hour apart across local midnight are two days' sessions."""
    cid = mediating(room, "2026-11-02 23:30")
    at(room, "2026-11-03 00:30")
    room.run(steps.session, None, cid, minutes="双方陈述", at=datetime(2026, 11, 3, 0, 10))
    assert _count(room, MediationSession, cid) == 2
