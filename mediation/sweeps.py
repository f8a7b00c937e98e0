"""Dispute sweeps (矛盾纠纷排查): ``sweep record`` and ``sweep list`` (docs/grid.md).

A sweep is one walk through an area on one day by the people named; ``disputes_found`` 0 is a
零报告, a report that nothing was found, which committees must file as well. Free text (area,
who, note) is kept without control characters and scrubbed of ID and phone numbers
(:func:`mediation.core.redaction.scrub`, the one redaction of free text); every sweep is
recorded as a ``sweep_record`` event in the hash chain.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import col, select

from mediation.access.policy import Actor, require
from mediation.core import normalise, redaction
from mediation.core.clock import local_date
from mediation.core.errors import InvalidInput
from mediation.core.i18n import N_, Msg, msg
from mediation.db import eventlog
from mediation.db.storage import UnitOfWork
from mediation.tables import Sweep

TEXT_MAX = 200
MAX_FOUND = 10_000


def _free(value: str | None, what: Msg, *, required: bool) -> str | None:
    """One free-text field: control characters out, ID and phone numbers scrubbed."""
    cleaned = redaction.scrub(normalise.text_or_none(value))
    if cleaned is None and required:
        raise InvalidInput(msg("give {what}: it may not be empty", what=what))
    if cleaned is not None and len(cleaned) > TEXT_MAX:
        raise InvalidInput(msg("{what} has at most {max} characters", what=what, max=TEXT_MAX))
    return cleaned


def view(s: Sweep) -> dict[str, Any]:
    return {"id": s.id, "date": s.swept_on.isoformat(), "area": s.area, "by": s.swept_by,
            "disputes_found": s.disputes_found, "zero_report": s.disputes_found == 0,
            "note": s.note, "recorded_by": s.recorded_by,
            "recorded_at": s.recorded_at.strftime("%Y-%m-%dT%H:%M:%SZ")}


def record(uow: UnitOfWork, actor: Actor, *, area: str, by: str, found: int,
           on: date | None = None, note: str | None = None) -> dict[str, Any]:
    """Record one sweep (0 disputes found: a zero report). Recorded as a ``sweep_record``
    event."""
    require(actor, "sweep.record")
    now = uow.now()
    today = local_date(now)
    on = on or today
    if on > today:
        raise InvalidInput(msg("the sweep's date {date} is in the future", date=on.isoformat()))
    if not 0 <= found <= MAX_FOUND:
        raise InvalidInput(msg("disputes found must be a whole number from 0 to {max}",
                               max=MAX_FOUND))
    row = Sweep(committee_id=actor.committee_id, swept_on=on,
                area=_free(area, msg("the area (--area)"), required=True) or "",
                swept_by=_free(by, msg("who swept (--by)"), required=True) or "",
                disputes_found=found, note=_free(note, msg("the note (--note)"),
                                                 required=False),
                recorded_at=now, recorded_by=actor.username)
    s = uow.session
    s.add(row)
    s.flush()
    eventlog.append(s, at=now, actor=actor.username, role=actor.role, action="sweep_record",
                    committee_id=actor.committee_id,
                    changes={"sweep": [None, row.id], "date": [None, on.isoformat()],
                             "area": [None, row.area], "by": [None, row.swept_by],
                             "disputes_found": [None, found]})
    return view(row)


def list_sweeps(uow: UnitOfWork, actor: Actor, *, first: date | None = None,
                last: date | None = None, zero_only: bool = False) -> list[dict[str, Any]]:
    """The committee's sweeps, newest first, optionally within ``first``..``last`` (days
    included) or only the zero reports."""
    require(actor, "sweep.read")
    stmt = select(Sweep).where(Sweep.committee_id == actor.committee_id)
    if first is not None:
        stmt = stmt.where(Sweep.swept_on >= first)
    if last is not None:
        stmt = stmt.where(Sweep.swept_on <= last)
    if zero_only:
        stmt = stmt.where(Sweep.disputes_found == 0)
    rows = uow.session.exec(stmt.order_by(col(Sweep.swept_on).desc(), col(Sweep.id).desc()))
    return [view(r) for r in rows.all()]


# Display names of the event this records and of its fields (history, audit log).
EVENT_NAMES = (N_("trigger.sweep_record"), N_("field.sweep"), N_("field.date"),
               N_("field.area"), N_("field.by"), N_("field.disputes_found"))
