"""`case search` counts a deadline in the committee's own calendar, as `case list` does: the
calendar's settings are read in the search's one statement (issue 14), not on their own."""

from __future__ import annotations

from datetime import datetime

from mediation import calendars, caselist, intake, search, steps
from mediation.core.calendar import DEFAULT
from tests.conftest import Room, case_record


def _hit_and_listed(room: Room, cid: int) -> tuple[caselist.CaseSummary, caselist.CaseSummary]:
    with room.uow(write=False) as uow:
        hits = search.search_cases(uow, room.director, "漏水")
        listed = caselist.summaries(uow, [cid])
    found = [h.case for h in hits if h.case.id == cid]
    assert len(found) == 1 and len(listed) == 1
    return found[0], listed[0]


def test_search_shows_the_last_day_and_days_late_in_the_committees_calendar(room: Room) -> None:
    # 20:00 UTC: already the next day in Shanghai, still the same day at UTC-11
    room.run(calendars.set_calendar, None, zone="Pacific/Pago_Pago", holidays_extend=True)
    room.clock.now = datetime(2026, 1, 10, 20, 0)
    cid = int(room.run(intake.new_case, None, intake.parse_case(case_record()),
                       force=True)["id"])
    room.run(steps.accept, None, cid)
    room.clock.now = datetime(2026, 3, 20, 20, 0)  # long past the period
    hit, listed = _hit_and_listed(room, cid)
    assert hit.model_dump() == listed.model_dump()
    assert hit.overdue and hit.days_overdue > 0
    assert hit.deadline is not None
    assert hit.deadline_last_day != DEFAULT.last_day_of(
        datetime.fromisoformat(hit.deadline.removesuffix("Z"))).isoformat()
    # a change of the calendar is seen by the next search
    room.run(calendars.set_calendar, None, zone="Asia/Shanghai", holidays_extend=False)
    hit, listed = _hit_and_listed(room, cid)
    assert hit.model_dump() == listed.model_dump()
