"""The next mediation session agreed with the parties (约定下次调解, ``case schedule``).

A step of its own through the one step path (``step_machinery.step``); it leaves the case's
state. Its rule is a row of the transition table (``mediation.workflow``: a case accepted or
being mediated; the time later than now). The appointment is its event alone: the latest
``schedule`` event of a case says when and where (``next_session``: before and after, so that
the history shows an appointment moved or cancelled); no column of the case holds it.

Its time is an instant, as every step's is (issue 14, a clerk's trial: after ``calendar set
--zone`` the booking kept its wall time while the steps moved): typed as a wall time of the
committee's zone, recorded as UTC (``2026-12-03T01:30:00Z``), shown in the committee's zone
of the day it is read, as the steps are. A booking recorded before that holds the wall time it
was typed as (``2026-12-03 09:30``), in the zone the committee had when it was booked (its
``calendar_set`` events say which: ``calendars.zone_then``); :func:`instant` reads both, and
every reader (case show and its JSON, the agenda, the history) asks it. The event log itself
is never rewritten (its entries are hash-chained): an export holds such an old event as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from mediation import calendars
from mediation.access.policy import Actor
from mediation.cases import Case, MediationSession
from mediation.core import identity
from mediation.core.calendar import Calendar
from mediation.core.clock import iso
from mediation.core.commands import Schedule, StepDone
from mediation.core.errors import InvalidInput, Unchanged, UsageError
from mediation.core.i18n import N_, msg
from mediation.db import casestore
from mediation.db.storage import UnitOfWork
from mediation.step_machinery import Changes, step, text_inputs
from mediation.tables import Event
from mediation.workflow import appointment_holds

if TYPE_CHECKING:
    from mediation.tables import EventView

SCHEDULED = ("accepted", "mediating")  # the table's sources: where an appointment still holds
_EVENT = Event.__table__  # type: ignore[attr-defined]
_SESSION = MediationSession.__table__  # type: ignore[attr-defined]


def instant(at: str, then: Callable[[], Calendar]) -> datetime:
    """THE reading of a booking's time, as a naive-UTC instant: an instant as recorded since
    issue 14 (``2026-12-03T01:30:00Z``), or a wall time an earlier version recorded
    (``2026-12-03 09:30``) in the committee's calendar when it was booked (``then``, asked
    only for such a one)."""
    if at.endswith("Z"):
        return datetime.fromisoformat(at[:-1])
    return then().to_utc(datetime.fromisoformat(at))


def _walled(nxt: Any) -> bool:
    """Whether an appointment's record holds a wall time (recorded before issue 14)."""
    return isinstance(nxt, dict) and isinstance(nxt.get("at"), str) \
        and not nxt["at"].endswith("Z")


def _as_instant(nxt: Any, then: Callable[[], Calendar]) -> Any:
    """An appointment's record with its time as an instant (:func:`instant`), or as it is."""
    return {**nxt, "at": iso(instant(nxt["at"], then))} if _walled(nxt) else nxt


def appointment(changes: Any, then: Callable[[], Calendar]) -> dict[str, Any] | None:
    """The appointment a ``schedule`` event's changes leave (None: cancelled), its ``at`` an
    instant (``YYYY-MM-DDTHH:MM:SSZ``; ``then``: the committee's calendar when it was booked,
    for a wall time recorded before issue 14, :func:`instant`)."""
    if isinstance(changes, str):
        changes = json.loads(changes)
    after = (changes or {}).get("next_session", [None, None])[1]
    return _as_instant(after, then) if isinstance(after, dict) and after.get("at") else None


def current(uow: UnitOfWork, case: Case) -> dict[str, Any] | None:
    """The case's next session (``at`` an instant ``YYYY-MM-DDTHH:MM:SSZ``, shown in the
    committee's zone as every time is; ``place``, ``note``), or None: none agreed, cancelled,
    or the case no longer being mediated."""
    if case.state not in SCHEDULED:
        return None
    row = uow.conn.execute(
        select(_EVENT.c.changes, _EVENT.c.seq).where(_EVENT.c.case_id == case.id,
                                                     _EVENT.c.action == "schedule")
        .order_by(_EVENT.c.seq.desc()).limit(1)).first()
    nxt = None if row is None else appointment(
        row[0], lambda: calendars.zone_then(uow, case.committee_id)(int(row[1])))
    if nxt is None:
        return None
    held = uow.conn.execute(select(func.max(_SESSION.c.held_at))
                            .where(_SESSION.c.case_id == case.id)).scalar()
    return nxt if holds(nxt, held, calendars.of(uow, case.committee_id)) else None


def holds(nxt: dict[str, Any], held: Any, cal: Calendar) -> bool:
    """Whether the appointment ``nxt`` (:func:`appointment`'s) still holds after the case's
    latest session, held at ``held`` (naive UTC, or its text as a raw query gives it; None:
    none): the workflow's rule (``workflow.appointment_holds``) on the days of both in the
    committee's calendar."""
    if isinstance(held, str):
        held = datetime.fromisoformat(held)
    return appointment_holds(cal.local_date(instant(nxt["at"], lambda: cal)),
                             None if held is None else cal.local_date(held))


def shown_events(uow: UnitOfWork, views: Sequence[EventView]) -> list[EventView]:
    """Events as people read them (``case history``, ``audit log``): a booking recorded as a
    wall time before issue 14 with its time as the instant it was (:func:`instant`), so that
    it is shown in the committee's zone of today as every other time is."""
    old = [v.seq for v in views if v.action == "schedule"
           and any(_walled(side) for side in v.changes.get("next_session", ()))]
    if not old:
        return list(views)
    committees: dict[int, int] = {int(s): int(c) for s, c in uow.conn.execute(
        select(_EVENT.c.seq, _EVENT.c.committee_id).where(_EVENT.c.seq.in_(old))).all()}
    zones = {c: calendars.zone_then(uow, c) for c in set(committees.values())}

    def read(v: EventView) -> EventView:
        then = zones[committees[v.seq]]
        pair = [_as_instant(side, lambda: then(v.seq)) for side in v.changes["next_session"]]
        return v.model_copy(update={"changes": {**v.changes, "next_session": pair}})
    return [read(v) if v.seq in committees else v for v in views]


@text_inputs(multiline=("note",), line=("place",))
def schedule(uow: UnitOfWork, actor: Actor, ref: str | int, *, when: date | None = None,
             place: str | None = None, note: str | None = None, cancel: bool = False,
             expected_version: int | None = None, at: date | None = None) -> StepDone:
    """``case schedule``: the next session agreed with the parties, at ``when`` (a wall time of
    the committee's calendar, later than now; recorded as the instant it names), where, and a
    note; it replaces an earlier one. ``cancel``: the appointment is withdrawn."""
    if cancel and (when is not None or place or note):
        raise UsageError(msg("--cancel takes no --at, --place or --note"))
    if not cancel and when is not None and not isinstance(when, datetime):
        raise UsageError(msg("--at needs the time of the session too: {example}",
                             example=when.isoformat() + " 09:30"))
    case = casestore.find(uow, actor, ref)
    before = current(uow, case)
    if cancel and before is None:
        raise InvalidInput(msg("case {case}: no next session is scheduled: nothing to cancel",
                               case=case.number))
    cal = calendars.of(uow, case.committee_id)
    starts = cal.to_utc(when) if isinstance(when, datetime) else None
    after = None if cancel or starts is None else {
        "at": iso(starts),  # an instant, as every step's time (:func:`instant`)
        "place": (place or "").strip() or None,
        "note": identity.scrub((note or "").strip()) or None}

    if after is not None and before == after:  # the one rule: the same value is no change
        raise Unchanged(msg("case {case}: this session is already booked, at the same time and "
                            "place: nothing recorded", case=case.number))

    def apply(case: Case) -> Changes:
        return {"next_session": [before, after]}

    return step(uow, actor, ref, Schedule(when=starts, place=place, note=note, cancel=cancel),
                apply, expected_version=expected_version, at=at)


# Display names of the changes this step records (history, audit).
EVENT_NAMES = (N_("field.next_session"), N_("field.at"))
