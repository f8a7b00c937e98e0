"""The log read as timelines for a reviewer: the committee's events filtered, and one case's."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from mediation.access.policy import Actor, audit_scope
from mediation.cases import Case, Party
from mediation.core import redaction
from mediation.core.clock import iso, start_of_local_day_utc
from mediation.db import casestore, kept
from mediation.db.storage import UnitOfWork
from mediation.tables import Event, EventView


def _local_day(d: date | datetime, *, end: bool = False) -> datetime:
    """A date is a whole day in China Standard Time; a datetime is a naive-UTC instant."""
    if isinstance(d, datetime):
        return d
    return start_of_local_day_utc(d + timedelta(days=1) if end else d)


def log(uow: UnitOfWork, actor: Actor, *, case: str | None = None,
        actor_name: str | None = None, since: date | datetime | None = None,
        until: date | datetime | None = None, action: str | None = None,
        limit: int | None = 500, offset: int = 0, newest_first: bool = False,
        revealed: bool = False, restored: bool = True) -> list[EventView]:
    """The committee's events, oldest first (``newest_first``: the latest first), filtered;
    ``since`` and ``until`` days inclusive; ``limit`` events from ``offset`` (None: all).

    A mediator sees only the events they made (``access.audit_scope``); a reader without access
    to parties' names (the auditor) sees them masked, also inside free text, unless the case
    was ``revealed`` to them (:func:`case_timeline`); a reader who may see names sees those
    the log holds masked put back, by the one rule of every record view
    (``known_names.restore``; ``restored=False``: left to the caller, :func:`case_timeline`).
    """
    stmt = _log_filter(uow, actor, case=case, actor_name=actor_name, since=since,
                       until=until, action=action)
    order = col(Event.seq).desc() if newest_first else col(Event.seq)
    stmt = stmt.order_by(order).offset(offset)
    rows = uow.session.execute(stmt if limit is None else stmt.limit(limit)).all()
    from mediation import known_names
    from mediation.queries import event_view, named_actors, redact_event

    names: list[str] = []
    names_ok = known_names.may_restore(actor, revealed=revealed)
    if not names_ok:
        # The persons of every case in the extract (redaction.persons: parties who are
        # persons, guardians and representatives; organisations keep their registered names).
        case_ids = {ev.case_id for ev, _ in rows if ev.case_id is not None}
        names = redaction.persons_of_rows(uow.session.execute(
            select(col(Party.name), col(Party.kind), col(Party.guardian_name),
                   col(Party.representative_name))
            .where(col(Party.case_id).in_(case_ids))).all())
    values = kept.of_events(uow.conn, [ev.seq for ev, _ in rows])  # kept out of the log
    views = [redact_event(kept.shown(event_view(ev, number), values.get(ev.seq, ()),
                                     names=names_ok), names) for ev, number in rows]
    if restored:
        views = known_names.restore(uow, actor, views, revealed=revealed)
    return named_actors(uow, views)


def log_page(uow: UnitOfWork, actor: Actor, *, limit: int | None = 50, page: int = 1,
             **filters: Any) -> tuple[list[EventView], int]:
    """One page of the log, newest first, and how many events the filters match in all."""
    from sqlalchemy import func

    counted = _log_filter(uow, actor, **filters).with_only_columns(func.count()) \
        .order_by(None)
    total = int(uow.session.execute(counted).scalar_one())
    offset = (page - 1) * limit if limit else 0
    return log(uow, actor, limit=limit, offset=offset, newest_first=True, **filters), total


def _log_filter(uow: UnitOfWork, actor: Actor, *, case: str | None = None,
                actor_name: str | None = None, since: date | datetime | None = None,
                until: date | datetime | None = None, action: str | None = None) -> Any:
    """The events the reader may see that the filters match (a select of event and number)."""
    scope = audit_scope(actor)
    stmt = select(Event, col(Case.number)).outerjoin(Case, col(Case.id) == col(Event.case_id)) \
        .where(col(Event.committee_id) == actor.committee_id)
    if scope == "own":
        stmt = stmt.where(col(Event.actor) == actor.username)
    if case is not None:
        stmt = stmt.where(col(Event.case_id) == _case_id(uow, actor, case))
    if actor_name:
        from mediation.access import staff_names  # a user name or a display name (王芳)

        actor_name = staff_names.find(uow, actor_name, committee_id=actor.committee_id) \
            or actor_name  # events also name actors who are no staff ("(unknown)")
        stmt = stmt.where(col(Event.actor) == actor_name)
    if action:
        stmt = stmt.where(col(Event.action) == action)
    if since is not None:
        stmt = stmt.where(col(Event.at) >= _local_day(since))
    if until is not None:
        end = _local_day(until, end=True)
        stmt = stmt.where(col(Event.at) < end if not isinstance(until, datetime)
                          else col(Event.at) <= end)
    return stmt


def _case_id(uow: UnitOfWork, actor: Actor, ref: str) -> int:
    case_id = casestore.find(uow, actor, ref).id
    assert case_id is not None
    return case_id


def case_timeline(uow: UnitOfWork, actor: Actor, ref: str, *, reveal: bool = False,
                  reason: str | None = None) -> dict[str, Any]:
    """One case for a reviewer: its current state and every event, with before and after; the
    parties the events name shown as ``case history`` shows them, and ``reveal`` checked and
    recorded as ``case show --reveal`` is (queries.record_reveal)."""
    from mediation.queries import PartiesShown, corrected_since, record_reveal

    audit_scope(actor)
    case = casestore.find(uow, actor, ref)
    cid = case.id
    assert cid is not None
    parties = uow.session.execute(select(Party).where(col(Party.case_id) == cid)
                                  .order_by(col(Party.position))).scalars().all()
    if reveal:
        record_reveal(uow, actor, case, casestore.assigned_to(uow, cid), parties, reason)
    from mediation import known_names

    logged = log(uow, actor, case=str(cid), limit=1_000_000, revealed=reveal, restored=False)
    shown = PartiesShown(parties, case, reveal=reveal,
                         names_ok=known_names.may_restore(actor, revealed=reveal),
                         corrected=corrected_since(e.changes for e in logged),
                         former=kept.names(uow.conn, cid))  # as case history (queries.history)
    # the names the log holds masked, where known: the one rule of every record view
    events = known_names.restore(uow, actor, [shown.event(e) for e in logged],
                                 revealed=reveal, parties={cid: parties})
    return {"id": cid, "number": case.number, "state": case.state, "version": case.version,
            "registered_at": iso(case.registered_at),
            "events": [e.model_dump() for e in events],
            # the persons' names its events' free text may hold, as restored for this reader:
            # for the screen to keep each whole (cli.lines.words_kept); not part of the record
            "names": sorted({n for e in events for n in e.names})}
