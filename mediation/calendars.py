"""A committee's calendar settings: its time zone, the public-holiday rule of periods, and how
many days late a step may be entered (``--at``, workflow.LATE_ENTRY_DAYS).

Stored as per-database settings rows keyed by committee (like the retention period), each change
recorded as a ``calendar_set`` event. See ``mediation.core.calendar`` for the rules themselves
and docs/settings.md for what each setting does.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from mediation import workflow
from mediation.access.policy import Actor, require
from mediation.core.calendar import Calendar, UnknownZone, check_zone
from mediation.core.changes import Changes, record
from mediation.core.errors import InvalidInput, UsageError
from mediation.core.i18n import N_, msg
from mediation.db import eventlog, settings
from mediation.db.storage import UnitOfWork


def of(uow: UnitOfWork, committee_id: int) -> Calendar:
    """The calendar a committee's rules are computed in (the default when nothing is set);
    read once per unit of work (``uow.memo``, which settings.put clears): settings.calendar,
    where the database layer reads it too (a case's short form is of the committee's year)."""
    return settings.calendar(uow, committee_id)


def zone_then(uow: UnitOfWork, committee_id: int) -> Callable[[int], Calendar]:
    """The committee's calendar as it was when event ``seq`` was recorded: its zone the one its
    ``calendar_set`` events had set before it (the first one's former zone before any; today's
    when none changed it). What a time written as a wall time by an earlier version was read in
    (a booking, ``steps_schedule.instant``). The events are read once, at the first call."""
    from mediation.tables import Event

    now = of(uow, committee_id)
    changes: list[tuple[int, list[str]]] = []

    def at(seq: int) -> Calendar:
        if not changes:
            e = Event.__table__  # type: ignore[attr-defined]
            changes.append((0, [now.zone, now.zone]))  # read: none changed it before 0
            for s, text in uow.conn.execute(
                    select(e.c.seq, e.c.changes).where(e.c.committee_id == committee_id,
                                                        e.c.action == "calendar_set")
                    .order_by(e.c.seq)).all():
                pair = json.loads(text).get("calendar_zone")
                if isinstance(pair, list) and len(pair) == 2:
                    changes.append((int(s), pair))
        later = [pair for s, pair in changes[1:] if s > seq]
        before = [pair for s, pair in changes[1:] if s < seq]
        zone = before[-1][1] if before else later[0][0] if later else now.zone
        try:
            return dataclasses.replace(now, zone=zone)
        except UnknownZone:  # a zone the machine's time-zone database no longer knows
            return now
    return at


def today(uow: UnitOfWork, actor: Actor) -> date:
    """Today in the actor's committee's calendar (its zone): what 本月 or 去年 count from."""
    return of(uow, actor.committee_id).local_date(uow.now())


def late_entry_limit(uow: UnitOfWork, committee_id: int) -> int:
    """How many days after it happened a step may still be entered (--at): the committee's
    setting, or workflow.LATE_ENTRY_DAYS."""
    value = settings.get_many(uow.conn, [settings.late_entry_key(committee_id)])
    text = next(iter(value.values()), None)
    return int(text) if text is not None and text.isdigit() else workflow.LATE_ENTRY_DAYS


def view(cal: Calendar, late_days: int = workflow.LATE_ENTRY_DAYS) -> dict[str, Any]:
    return {"zone": cal.zone, "holidays_extend": cal.holidays_extend,
            "late_entry_days": late_days}


def _view(uow: UnitOfWork, committee_id: int) -> dict[str, Any]:
    return view(of(uow, committee_id), late_entry_limit(uow, committee_id))


def show(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    require(actor, "case.read")  # whoever reads the committee's cases reads its calendar
    return _view(uow, actor.committee_id)


def set_calendar(uow: UnitOfWork, actor: Actor, *, zone: str | None = None,
                 holidays_extend: bool | None = None,
                 late_entry_days: int | None = None) -> dict[str, Any]:
    """Change the committee's time zone, holiday rule and/or how many days late a step may be
    entered (directors; recorded)."""
    require(actor, "committee.settings")
    before = of(uow, actor.committee_id)
    changes: Changes = {}
    if late_entry_days is not None:
        if not 0 <= late_entry_days <= workflow.MAX_LATE_ENTRY_DAYS:
            raise InvalidInput(msg("--late-entry-days is 0 to {max} days",
                                   max=workflow.MAX_LATE_ENTRY_DAYS))
        was = late_entry_limit(uow, actor.committee_id)
        if record(changes, "late_entry_days", was, late_entry_days):
            settings.put(uow, settings.late_entry_key(actor.committee_id), str(late_entry_days))
    s = uow.session
    if zone is not None:
        zone = zone.strip()
        try:
            check_zone(zone)
        except UnknownZone:
            raise UsageError(msg(
                "{zone!r} is not a time zone: give an IANA name such as Asia/Shanghai or "
                "Asia/Urumqi", zone=zone)) from None
        if record(changes, "calendar_zone", before.zone, zone):
            settings.put(uow, settings.zone_key(actor.committee_id), zone)
    if holidays_extend is not None and record(changes, "calendar_holidays",
                                              before.holidays_extend, holidays_extend):
        settings.put(uow, settings.holidays_key(actor.committee_id),
                     "1" if holidays_extend else "0")
    if changes:
        eventlog.append(s, at=uow.now(), actor=actor.username, role=actor.role,
                        action="calendar_set", committee_id=actor.committee_id,
                        changes=changes)
    return {**_view(uow, actor.committee_id), "changed": sorted(changes)}


# Display names of the event this module records and of its changed fields (history, audit).
EVENT_NAMES = (N_("trigger.calendar_set"), N_("field.calendar_zone"),
               N_("field.calendar_holidays"), N_("field.late_entry_days"))
