"""A committee's calendar settings: its time zone and the public-holiday rule of periods.

Stored as per-database settings rows keyed by committee (like the retention period), each change
recorded as a ``calendar_set`` event. See ``mediation.core.calendar`` for the rules themselves
and docs/settings.md for what each setting does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from mediation.access.policy import Actor, require
from mediation.cases import Setting
from mediation.core.calendar import DEFAULT_ZONE, Calendar, UnknownZone, check_zone
from mediation.core.errors import InvalidInput
from mediation.core.i18n import N_, msg
from mediation.db import eventlog
from mediation.db.storage import UnitOfWork


def _zone_key(committee_id: int) -> str:
    return f"calendar_zone.{committee_id}"


def _holidays_key(committee_id: int) -> str:
    return f"calendar_holidays.{committee_id}"


_SETTING = Setting.__table__  # type: ignore[attr-defined]
_SETTINGS = select(_SETTING.c.key, _SETTING.c.value).where(
    _SETTING.c.key.in_(bindparam("keys", expanding=True)))


def of(uow: UnitOfWork, committee_id: int) -> Calendar:
    """The calendar a committee's rules are computed in (the default when nothing is set)."""
    zkey, hkey = _zone_key(committee_id), _holidays_key(committee_id)
    rows = {str(k): str(v) for k, v in uow.conn.execute(_SETTINGS, {"keys": [zkey, hkey]})}
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
            row = s.get(Setting, _zone_key(actor.committee_id)) or Setting(
                key=_zone_key(actor.committee_id), value="")
            row.value = zone
            s.add(row)
            changes["calendar_zone"] = [before.zone, zone]
    if holidays_extend is not None and holidays_extend != before.holidays_extend:
        row = s.get(Setting, _holidays_key(actor.committee_id)) or Setting(
            key=_holidays_key(actor.committee_id), value="")
        row.value = "1" if holidays_extend else "0"
        s.add(row)
        changes["calendar_holidays"] = [before.holidays_extend, holidays_extend]
    if changes:
        eventlog.append(s, at=uow.now(), actor=actor.username, role=actor.role,
                        action="calendar_set", committee_id=actor.committee_id,
                        changes=changes)
    return {**view(of(uow, actor.committee_id)), "changed": sorted(changes)}


# Display names of the event this module records and of its changed fields (history, audit).
EVENT_NAMES = (N_("trigger.calendar_set"), N_("field.calendar_zone"),
               N_("field.calendar_holidays"))
