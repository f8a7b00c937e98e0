"""A committee's calendar settings: its time zone and the public-holiday rule of periods.

Stored as per-database settings rows keyed by committee (like the retention period), each change
recorded as a ``calendar_set`` event. See ``mediation.core.calendar`` for the rules themselves
and docs/settings.md for what each setting does.
"""

from __future__ import annotations

from typing import Any

from mediation.access.policy import Actor, require
from mediation.core.calendar import DEFAULT_ZONE, Calendar, UnknownZone, check_zone
from mediation.core.errors import InvalidInput
from mediation.core.i18n import N_, msg
from mediation.db import eventlog, settings
from mediation.db.storage import UnitOfWork


def of(uow: UnitOfWork, committee_id: int) -> Calendar:
    """The calendar a committee's rules are computed in (the default when nothing is set)."""
    zkey, hkey = settings.zone_key(committee_id), settings.holidays_key(committee_id)
    rows = settings.get_many(uow.conn, [zkey, hkey])
    holidays = rows.get(hkey) == "1"
    try:
        return Calendar(zone=rows.get(zkey) or DEFAULT_ZONE, holidays_extend=holidays)
    except UnknownZone:  # a zone the machine's time-zone database no longer knows
        return Calendar(holidays_extend=holidays)


def view(cal: Calendar) -> dict[str, Any]:
    return {"zone": cal.zone, "holidays_extend": cal.holidays_extend}


def show(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    require(actor, "case.read")  # whoever reads the committee's cases reads its calendar
    return view(of(uow, actor.committee_id))


def set_calendar(uow: UnitOfWork, actor: Actor, *, zone: str | None = None,
                 holidays_extend: bool | None = None) -> dict[str, Any]:
    """Change the committee's time zone and/or holiday rule (directors; recorded)."""
    require(actor, "committee.settings")
    before = of(uow, actor.committee_id)
    changes: dict[str, list[Any]] = {}
    s = uow.session
    if zone is not None:
        zone = zone.strip()
        try:
            check_zone(zone)
        except UnknownZone:
            raise InvalidInput(msg(
                "{zone!r} is not a time zone: give an IANA name such as Asia/Shanghai or "
                "Asia/Urumqi", zone=zone)) from None
        if zone != before.zone:
            settings.put(uow, settings.zone_key(actor.committee_id), zone)
            changes["calendar_zone"] = [before.zone, zone]
    if holidays_extend is not None and holidays_extend != before.holidays_extend:
        settings.put(uow, settings.holidays_key(actor.committee_id),
                     "1" if holidays_extend else "0")
        changes["calendar_holidays"] = [before.holidays_extend, holidays_extend]
    if changes:
        eventlog.append(s, at=uow.now(), actor=actor.username, role=actor.role,
                        action="calendar_set", committee_id=actor.committee_id,
                        changes=changes)
    return {**view(of(uow, actor.committee_id)), "changed": sorted(changes)}


# Display names of the event this module records and of its changed fields (history, audit).
EVENT_NAMES = (N_("trigger.calendar_set"), N_("field.calendar_zone"),
               N_("field.calendar_holidays"))
