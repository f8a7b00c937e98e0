"""The calendar rules through the services, on both backends: a case's deadline is the end of
its last local day (Civil Code arts. 201, 203), in the committee's zone, with the holiday rule
the committee chose; ``calendar set`` is recorded."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select

from mediation import calendars, intake, queries, steps
from mediation.cases import Case
from mediation.core import periods
from mediation.core.calendar import Calendar
from mediation.core.errors import InvalidInput, PermissionDenied
from mediation.reporting import stats
from mediation.tables import Event
from tests.conftest import Room, case_record


def _accepted_at(room: Room, local: str, zone: str = "Asia/Shanghai") -> int:
    room.clock.now = Calendar(zone=zone).to_utc(datetime.fromisoformat(local))
    cid: int = room.run(intake.new_case, None, intake.parse_case(case_record()))["id"]
    room.run(steps.accept, None, cid)
    return cid


def _overdue(room: Room, local: str) -> bool:
    room.clock.now = Calendar().to_utc(datetime.fromisoformat(local))
    with room.uow(write=False) as uow:
        listed = [c.id for c in queries.list_cases(uow, room.director, overdue=True)]
        figures = stats.compute(uow, room.director, periods.month(2026, 12), as_of=room.clock.now)
    assert (len(listed) == 1) == (figures.overdue == 1)
    return bool(listed)


def test_art_203_overdue_only_after_24_00_of_the_last_day(room: Room) -> None:
    _accepted_at(room, "2026-11-01 10:00")  # last day 1 December
    assert not _overdue(room, "2026-12-01 10:01")  # was overdue here under +720 hours
    assert not _overdue(room, "2026-12-01 23:59")
    assert _overdue(room, "2026-12-02 00:00:01")


def test_the_committee_zone_and_holiday_rule_set_the_deadline(room: Room) -> None:
    result = room.run(calendars.set_calendar, None, zone="Asia/Urumqi", holidays_extend=True)
    assert result["zone"] == "Asia/Urumqi" and result["holidays_extend"] is True
    cid = _accepted_at(room, "2026-09-01 10:00", zone="Asia/Urumqi")  # day 30: 1 October
    with room.uow(write=False) as uow:
        case = uow.session.get(Case, cid)
        assert case is not None and case.deadline is not None
        last = Calendar(zone="Asia/Urumqi").last_day_of(case.deadline)
        assert last > datetime(2026, 10, 7).date()  # after National Day
        events = [e.action for e in uow.session.exec(select(Event)).all()]
    assert "calendar_set" in events


def test_calendar_settings_are_a_directors_and_checked(room: Room) -> None:
    with pytest.raises(PermissionDenied):
        room.run(calendars.set_calendar, room.mediator, zone="Asia/Urumqi")
    with pytest.raises(InvalidInput, match="not a time zone"):
        room.run(calendars.set_calendar, None, zone="Beijing")
    with room.uow(write=False) as uow:
        assert calendars.show(uow, room.mediator) == {"zone": "Asia/Shanghai",
                                                      "holidays_extend": False,
                                                      "late_entry_days": 30}


@pytest.mark.parametrize(("zone", "year"), [("Pacific/Kiritimati", 2027),
                                             ("Pacific/Pago_Pago", 2026)])
def test_a_short_form_names_a_case_of_the_committees_year(room: Room, zone: str,
                                                          year: int) -> None:
    """龙12, 第12号 and 12号 are this year's case 12 in the committee's calendar, the year its
    case numbers take (intake), not the default zone's: at 12:00 UTC on 31 December it is
    already 2027 at UTC+14 and still 2026 at UTC-11 (issue 14)."""
    room.run(calendars.set_calendar, None, zone=zone)
    room.clock.now = datetime(2026, 12, 31, 12, 0)
    number = room.run(intake.new_case, None, intake.parse_case(case_record()))["number"]
    assert number.startswith(f"({year})")
    seq = number.rsplit("第", 1)[1].rstrip("号")
    prefix = number[6:number.index("人调字")]
    for typed in (f"{prefix}{seq}", f"第{seq}号", f"{seq}号"):
        with room.uow(write=False) as uow:
            assert queries.case_for(uow, room.director, typed)[0].number == number, typed
