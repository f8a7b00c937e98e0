"""Hypothesis, both backends: a booked next session (``case schedule``) is an instant like a
step's time (issue 14, a clerk's trial: after ``calendar set --zone Asia/Urumqi`` the booking
kept its wall time 09:30 while the steps moved to 07:30).

For any two zones and any time typed: the time booked in one case and a session recorded at the
same typed time in another read the same in ``case show`` (and its JSON instant), in the
history and on the agenda, before and after the committee's zone changes. A booking recorded
before issue 14 (its wall time as text) is read in the zone the committee had when it was
booked, and then shown as one booked today is.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cli.output import local_time
from cli.timeline import _value
from mediation import agenda, calendars, intake, queries, steps
from mediation.core import clock
from mediation.core.calendar import DEFAULT, Calendar
from mediation.db import eventlog
from mediation.db.casestore import find
from tests.conftest import Room, case_record

ZONES = ("Asia/Shanghai", "Asia/Urumqi", "UTC", "America/New_York", "Asia/Kathmandu",
         "Pacific/Kiritimati", "Europe/London", "America/St_Johns")
START = datetime(2026, 11, 2, 1, 0)  # naive UTC


def _mediating(room: Room) -> int:
    cid = int(room.run(intake.new_case, None, intake.parse_case(case_record()),
                       force=True)["id"])
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    return cid


def _shown(room: Room, booked: int, held: int) -> tuple[set[str], set[str]]:
    """How the booking of case ``booked`` and the latest session of case ``held`` read in
    case show, its JSON, the history and the agenda, in the committee's zone now."""
    with room.uow(write=False) as uow:
        cal = calendars.of(uow, room.director.committee_id)
        clock.use(cal)
        try:
            a = queries.build_view(uow, room.director, find(uow, room.director, booked),
                                   reveal=False, names_ok=True)
            b = queries.build_view(uow, room.director, find(uow, room.director, held),
                                   reveal=False, names_ok=True)
            assert a.next_session is not None
            booking = {local_time(a.next_session["at"])}
            session = {local_time(b.sessions[-1]["held_at"])}
            assert a.next_session["at"].endswith("Z")  # an instant, as held_at is
            last = queries.history(uow, room.director, booked)[-1]
            booking.add(_value(last.changes["next_session"][1]["at"], "at"))
            recorded = queries.history(uow, room.director, held)[-1]
            session.add(local_time(recorded.occurred_at))
            items = [i for i in agenda.agenda(uow, room.director, everyone=True, days=366)
                     if i.kind == "session" and i.case_id == booked]
            assert len(items) == 1
            assert all(t in items[0].todo.render() for t in booking), items[0].todo.render()
        finally:
            clock.use(DEFAULT)
    return booking, session


@settings(max_examples=12, deadline=None)
@given(first=st.sampled_from(ZONES), then=st.sampled_from(ZONES),
       ahead=st.integers(min_value=60, max_value=60 * 24 * 6), minute=st.integers(0, 59))
def test_a_booking_reads_as_a_session_typed_the_same(room: Room, first: str, then: str,
                                                     ahead: int, minute: int) -> None:
    room.clock.now = START
    room.run(calendars.set_calendar, None, zone=first)
    booked, held = _mediating(room), _mediating(room)
    cal = Calendar(first)
    typed = cal.local(START + timedelta(minutes=ahead)).replace(minute=minute, tzinfo=None)
    if cal.to_utc(typed) <= START:
        typed += timedelta(hours=1)
    room.run(steps.schedule, None, booked, when=typed, place="调解室")
    room.clock.now = cal.to_utc(typed) + timedelta(seconds=1)  # that day still: the agenda
    room.run(steps.session, None, held, minutes="调解", at=typed)
    booking, session = _shown(room, booked, held)
    assert booking == session and len(booking) == 1, (booking, session)
    room.run(calendars.set_calendar, None, zone=then)
    booking, session = _shown(room, booked, held)
    assert booking == session and len(booking) == 1, (booking, session)


def test_a_booking_recorded_as_a_wall_time_is_read_in_the_zone_it_was_booked_in(
        room: Room) -> None:
    """An appointment an earlier version recorded as its wall time (``2026-11-03 09:30``,
    Shanghai, the zone then) reads as 01:30 UTC, shown 07:30 once the zone is Asia/Urumqi,
    and 09:30 again back in Shanghai."""
    room.clock.now = START
    booked, held = _mediating(room), _mediating(room)
    with room.uow() as uow:  # as steps_schedule recorded it before issue 14
        eventlog.append(uow.session, at=uow.now(), actor="wangfang", role="director",
                        action="schedule", committee_id=room.director.committee_id,
                        case_id=booked, changes={"next_session": [None, {
                            "at": "2026-11-03 09:30", "place": "调解室", "note": None}]})
        uow.commit()
    room.clock.now = datetime(2026, 11, 3, 1, 31)
    room.run(steps.session, None, held, minutes="调解", at=datetime(2026, 11, 3, 9, 30))
    for zone, wall in (("Asia/Urumqi", "2026-11-03 07:30"), ("Asia/Shanghai",
                                                             "2026-11-03 09:30")):
        room.run(calendars.set_calendar, None, zone=zone)
        booking, session = _shown(room, booked, held)
        assert booking == session == {wall}, (zone, booking, session)
