"""The registration time corrected (登记时间, issue 14, a clerk's trial: a case registered
without ``--at`` took the clock's time, 21:41, and then ``case accept --at 08:00`` was refused as
earlier than the registration, with nothing to correct it by): ``case amend --registered-at``,
on both backends. One rule, ``workflow.registration_problem``: not in the future, not after the
case's first step after registration, not before the discovery time, in the case number's year;
a refusal writes nothing. The statistics' counters (triggers on the case row) follow."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlmodel import col, select

from mediation import audit, steps
from mediation.cases import Case
from mediation.core import periods
from mediation.core.errors import InvalidInput
from mediation.db import statcounts
from mediation.reporting import stats
from mediation.tables import Event
from tests.audit_support import new_case
from tests.conftest import Room
from tests.integration.test_procedure_steps import at

FIX = "登记时未填时间，取了录入时间"


def _case(room: Room, cid: int) -> Case:
    with room.uow(write=False) as uow:
        case = uow.session.get(Case, cid)
        assert case is not None
        return case


def _events(room: Room, cid: int) -> list[Event]:
    with room.uow(write=False) as uow:
        return list(uow.session.exec(select(Event).where(Event.case_id == cid)
                                     .order_by(col(Event.seq))).all())


def _trial(room: Room, **record: object) -> int:
    at(room, "2026-12-01 21:41")  # registered without --at: the clock's time
    cid = new_case(room, **record)
    at(room, "2026-12-01 22:30")
    return cid


def test_the_trial_register_correct_to_eight_then_accept_at_half_past(room: Room) -> None:
    cid = _trial(room)
    with pytest.raises(InvalidInput, match="case amend --registered-at"):
        room.run(steps.accept, None, cid, at=datetime(2026, 12, 1, 8, 30))
    room.run(steps.amend, None, cid, reason=FIX, registered_at=datetime(2026, 12, 1, 8, 0))
    assert _case(room, cid).registered_at == datetime(2026, 12, 1, 0, 0)  # 08:00 Beijing
    last = _events(room, cid)[-1]
    assert last.action == "amend" and last.reason == FIX
    assert json.loads(last.changes)["registered_at"] == ["2026-12-01T13:41:00Z",
                                                         "2026-12-01T00:00:00Z"]
    room.run(steps.accept, None, cid, at=datetime(2026, 12, 1, 8, 30))
    assert _case(room, cid).accepted_at == datetime(2026, 12, 1, 0, 30)
    with room.uow(write=False) as uow:
        assert audit.verify(uow).first is None
        assert statcounts.differences(uow.session.connection(), limit=0) == []


def test_the_counters_follow_a_registration_moved_to_another_month(room: Room) -> None:
    cid = _trial(room)
    november, december = periods.month(2026, 11), periods.month(2026, 12)
    with room.uow(write=False) as uow:
        assert stats.compute(uow, room.director, december).intake == 1
    room.run(steps.amend, None, cid, reason=FIX, registered_at=date(2026, 11, 30))
    assert _case(room, cid).registered_at == datetime(2026, 11, 29, 16, 0)  # its first instant
    with room.uow(write=False) as uow:
        assert statcounts.differences(uow.session.connection(), limit=0) == []
        assert stats.compute(uow, room.director, december).intake == 0
        assert stats.compute(uow, room.director, november).intake == 1


@pytest.mark.parametrize(("when", "why"), [
    (datetime(2026, 12, 1, 23, 0), "is in the future"),
    (datetime(2026, 12, 1, 9, 30), r"after the case's first step after registration, "
                                   r"accept \(2026-12-01 09:00\)"),
    (datetime(2026, 11, 20, 8, 0), r"before the dispute was discovered \(2026-11-25 10:00\)"),
])
def test_a_registration_time_that_cannot_be_is_refused_and_nothing_written(
        room: Room, when: datetime, why: str) -> None:
    cid = _trial(room, discovered_at="2026-11-25T10:00:00+08:00")
    room.run(steps.amend, None, cid, reason=FIX, registered_at=datetime(2026, 12, 1, 8, 0))
    room.run(steps.accept, None, cid, at=datetime(2026, 12, 1, 9, 0))
    before = (_case(room, cid), len(_events(room, cid)))
    with pytest.raises(InvalidInput, match=why):
        room.run(steps.amend, None, cid, reason=FIX, registered_at=when)
    after = (_case(room, cid), len(_events(room, cid)))
    assert (after[0].registered_at, after[0].version, after[1]) == (
        before[0].registered_at, before[0].version, before[1])


def test_a_registration_in_another_year_than_the_case_number_is_refused(room: Room) -> None:
    at(room, "2027-01-01 00:20")
    cid = new_case(room)
    with pytest.raises(InvalidInput, match="not in 2027"):
        room.run(steps.amend, None, cid, reason=FIX, registered_at=datetime(2026, 12, 31, 23, 0))
