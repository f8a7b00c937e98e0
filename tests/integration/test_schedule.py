"""The next mediation session agreed with the parties (约定下次调解, ``case schedule``, issue 14):
the service on both backends -- later than now only, in the states the table allows, a later
one replacing an earlier one, cancelled, shown in the case file and on the agenda."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlmodel import col, select

from mediation import agenda, intake, queries, steps
from mediation.core.calendar import Calendar
from mediation.core.errors import InvalidInput, Refused, UsageError
from mediation.db.casestore import find
from mediation.steps_schedule import current
from mediation.tables import Event
from tests.conftest import Room, case_record


def at(room: Room, local: str) -> None:
    room.clock.now = Calendar().to_utc(datetime.fromisoformat(local))


def utc(local: str) -> str:
    """A Shanghai wall time as the instant a booking records (steps_schedule.instant)."""
    return Calendar().to_utc(datetime.fromisoformat(local)).isoformat() + "Z"


def registered(room: Room) -> int:
    at(room, "2026-11-02 09:00")
    return int(room.run(intake.new_case, None, intake.parse_case(case_record()),
                        force=True)["id"])


def mediating(room: Room) -> int:
    cid = registered(room)
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.run(steps.session, None, cid, minutes="双方陈述")
    return cid


def appointment(room: Room, cid: int) -> dict[str, str] | None:
    with room.uow(write=False) as uow:
        return queries.build_view(uow, room.director, find(uow, room.director, cid),
                                  reveal=False, names_ok=True).next_session


def test_only_later_than_now(room: Room) -> None:
    cid = mediating(room)
    at(room, "2026-11-03 10:00")
    for when in (datetime(2026, 11, 3, 9, 59), datetime(2026, 11, 3, 10, 0)):
        with pytest.raises(InvalidInput, match="has passed"):
            room.run(steps.schedule, None, cid, when=when)
    with pytest.raises(UsageError, match="time of the session"):
        room.run(steps.schedule, None, cid, when=date(2026, 11, 5))
    with pytest.raises(Refused, match="date and time"):
        room.run(steps.schedule, None, cid)
    assert appointment(room, cid) is None
    room.run(steps.schedule, None, cid, when=datetime(2026, 11, 3, 10, 1))
    assert appointment(room, cid) == {"at": utc("2026-11-03 10:01"), "place": None, "note": None}


def test_the_states_the_table_allows(room: Room) -> None:
    cid = registered(room)
    when = datetime(2026, 11, 20, 9, 30)
    with pytest.raises(Refused, match="not allowed in this state"):
        room.run(steps.schedule, None, cid, when=when)
    room.run(steps.accept, None, cid)
    room.run(steps.schedule, None, cid, when=when, place="村委会调解室")  # accepted
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    assert appointment(room, cid) == {"at": utc("2026-11-20 09:30"), "place": "村委会调解室",
                                      "note": None}
    room.run(steps.session, None, cid, minutes="双方陈述")
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True)
    assert appointment(room, cid) is None  # the case is no longer being mediated
    with pytest.raises(Refused, match="not allowed in this state"):
        room.run(steps.schedule, None, cid, when=when)


def test_a_later_one_replaces_it_and_cancel_withdraws_it(room: Room) -> None:
    cid = mediating(room)
    room.run(steps.schedule, None, cid, when=datetime(2026, 11, 20, 9, 30), place="调解室",
             note="带齐票据")
    room.run(steps.schedule, None, cid, when=datetime(2026, 11, 21, 14, 0), place="村委会")
    assert appointment(room, cid) == {"at": utc("2026-11-21 14:00"), "place": "村委会",
                                      "note": None}
    with pytest.raises(UsageError, match="--cancel takes no"):
        room.run(steps.schedule, None, cid, cancel=True, place="村委会")
    room.run(steps.schedule, None, cid, cancel=True)
    assert appointment(room, cid) is None
    with pytest.raises(InvalidInput, match="nothing to cancel"):
        room.run(steps.schedule, None, cid, cancel=True)
    with room.uow(write=False) as uow:
        rows = uow.session.exec(select(Event.changes).where(
            Event.case_id == cid, Event.action == "schedule").order_by(col(Event.seq))).all()
    moves = [json.loads(r)["next_session"] for r in rows]
    assert [m[0] and m[0]["at"] for m in moves] == [None, utc("2026-11-20 09:30"),
                                                    utc("2026-11-21 14:00")]
    assert [m[1] and m[1]["at"] for m in moves] == [utc("2026-11-20 09:30"),
                                                    utc("2026-11-21 14:00"), None]


def test_a_wall_time_of_the_committee_calendar_on_the_agenda(room: Room) -> None:
    cid = mediating(room)
    at(room, "2026-11-03 23:00")
    room.run(steps.schedule, None, cid, when=datetime(2026, 11, 4, 0, 30))  # after midnight
    with room.uow(write=False) as uow:
        nxt = current(uow, find(uow, room.director, cid))
        assert nxt is not None and nxt["at"] == utc("2026-11-04 00:30")
        items = [i for i in agenda.agenda(uow, room.director, everyone=True)
                 if i.kind == "session"]
    assert [(i.case_id, i.when, i.days) for i in items] == [(cid, date(2026, 11, 4), 1)]
    assert items[0].command.startswith("mediation case session ")
    assert "2026-11-04 00:30" in items[0].todo.render()
    at(room, "2026-11-20 09:00")  # past: no longer due
    with room.uow(write=False) as uow:
        assert not [i for i in agenda.agenda(uow, room.director, everyone=True)
                    if i.kind == "session"]


# (when the session is recorded as held, whether the appointment of 2026-11-20 09:30 stands)
HELD = [("2026-11-19 16:00", True),  # the day before: an extra session, the appointment stands
        ("2026-11-20 08:00", False),  # earlier on the appointed day: that session, held early
        ("2026-11-20 09:30", False),  # at the appointed time
        ("2026-11-20 15:00", False),  # later that day
        ("2026-11-23 10:00", False)]  # days later: the appointment was kept late


@pytest.mark.parametrize(("held", "stands"), HELD)
def test_a_session_held_on_its_day_or_after_clears_it(room: Room, held: str,
                                                      stands: bool) -> None:
    """A session recorded on the appointed day or after it is the appointed session: the
    appointment leaves case show (下次调解) and the agenda at once, not when its day passes;
    one held before that day leaves it standing (workflow.appointment_holds)."""
    cid = mediating(room)
    at(room, "2026-11-03 10:00")
    room.run(steps.schedule, None, cid, when=datetime(2026, 11, 20, 9, 30), place="调解室")
    at(room, held)
    room.run(steps.session, None, cid, minutes="第二次调解")
    at(room, "2026-11-19 09:00" if stands else held)  # the agenda seen while it would be due
    with room.uow(write=False) as uow:
        sessions = [i for i in agenda.agenda(uow, room.director, everyone=True)
                    if i.kind == "session"]
    assert (appointment(room, cid) is not None) is stands
    assert bool(sessions) is stands


def test_a_late_entry_counts_by_when_the_session_was_held(room: Room) -> None:
    """A session entered late (--at) counts by the day it was held: held the day before the
    appointment and entered on its day, the appointment stands; a later appointment after a
    session on the appointed day holds again."""
    cid = mediating(room)
    at(room, "2026-11-03 10:00")
    room.run(steps.schedule, None, cid, when=datetime(2026, 11, 20, 9, 30))
    at(room, "2026-11-20 08:00")
    room.run(steps.session, None, cid, minutes="昨天的调解", at=date(2026, 11, 19))
    assert appointment(room, cid) is not None
    room.run(steps.session, None, cid, minutes="约定的调解")
    assert appointment(room, cid) is None
    room.run(steps.schedule, None, cid, when=datetime(2026, 11, 27, 9, 30))
    assert appointment(room, cid) == {"at": utc("2026-11-27 09:30"), "place": None, "note": None}
