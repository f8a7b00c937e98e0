"""The next mediation session agreed with the parties (约定下次调解, ``case schedule``).

A step of its own through the one step path (``step_machinery.step``); it leaves the case's
state. Its rule is a row of the transition table (``mediation.workflow``: a case accepted or
being mediated; the time later than now). The appointment is its event alone: the latest
``schedule`` event of a case says when and where (``next_session``: before and after, so that
the history shows an appointment moved or cancelled); no column of the case holds it. The time
is a wall time of the committee's calendar (``mediation.calendars``), kept as it is shown.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from mediation import calendars
from mediation.access.policy import Actor
from mediation.cases import Case, MediationSession
from mediation.core import identity
from mediation.core.calendar import Calendar
from mediation.core.commands import Schedule, StepDone
from mediation.core.errors import InvalidInput, UsageError
from mediation.core.i18n import N_, msg
from mediation.db import casestore
from mediation.db.storage import UnitOfWork
from mediation.step_machinery import Changes, step, text_inputs
from mediation.tables import Event
from mediation.workflow import appointment_holds

SCHEDULED = ("accepted", "mediating")  # the table's sources: where an appointment still holds
_EVENT = Event.__table__  # type: ignore[attr-defined]
_SESSION = MediationSession.__table__  # type: ignore[attr-defined]


def appointment(changes: Any) -> dict[str, Any] | None:
    """The appointment a ``schedule`` event's changes leave (None: cancelled)."""
    if isinstance(changes, str):
        changes = json.loads(changes)
    after = (changes or {}).get("next_session", [None, None])[1]
    return after if isinstance(after, dict) and after.get("at") else None


def current(uow: UnitOfWork, case: Case) -> dict[str, Any] | None:
    """The case's next session (``at`` a local wall time ``YYYY-MM-DD HH:MM``, ``place``,
    ``note``), or None: none agreed, cancelled, or the case no longer being mediated."""
    if case.state not in SCHEDULED:
        return None
    row = uow.conn.execute(
        select(_EVENT.c.changes).where(_EVENT.c.case_id == case.id,
                                       _EVENT.c.action == "schedule")
        .order_by(_EVENT.c.seq.desc()).limit(1)).first()
    nxt = None if row is None else appointment(row[0])
    if nxt is None:
        return None
    held = uow.conn.execute(select(func.max(_SESSION.c.held_at))
                            .where(_SESSION.c.case_id == case.id)).scalar()
    return nxt if holds(nxt, held, calendars.of(uow, case.committee_id)) else None


def holds(nxt: dict[str, Any], held: Any, cal: Calendar) -> bool:
    """Whether the appointment ``nxt`` still holds after the case's latest session, held at
    ``held`` (naive UTC, or its text as a raw query gives it; None: none): the workflow's rule
    (``workflow.appointment_holds``) on the day of that session in the committee's calendar."""
    if isinstance(held, str):
        held = datetime.fromisoformat(held)
    return appointment_holds(nxt["at"], None if held is None else cal.local_date(held))


@text_inputs(multiline=("note",), line=("place",))
def schedule(uow: UnitOfWork, actor: Actor, ref: str | int, *, when: date | None = None,
             place: str | None = None, note: str | None = None, cancel: bool = False,
             expected_version: int | None = None, at: date | None = None) -> StepDone:
    """``case schedule``: the next session agreed with the parties, at ``when`` (a wall time of
    the committee's calendar, later than now), where, and a note; it replaces an earlier one.
    ``cancel``: the appointment is withdrawn."""
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
        "at": cal.local(starts).strftime("%Y-%m-%d %H:%M"),
        "place": (place or "").strip() or None,
        "note": identity.scrub((note or "").strip()) or None}

    def apply(case: Case) -> Changes:
        return {"next_session": [before, after]}

    return step(uow, actor, ref, Schedule(when=starts, place=place, note=note, cancel=cancel),
                apply, expected_version=expected_version, at=at)


# Display names of the changes this step records (history, audit).
EVENT_NAMES = (N_("field.next_session"), N_("field.at"))
