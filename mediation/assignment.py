"""``case assign``: a director appoints or replaces a case's mediators.

Not a workflow trigger (the state does not change), but a recorded step all the same: the
version is bumped with the same compare-and-set as a trigger, and an ``assign`` event names the
mediators before and after. Closed and declined cases cannot be reassigned.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, delete, update
from sqlmodel import col, select

from mediation.access.policy import Actor, require
from mediation.cases import Case, CaseMediator
from mediation.committee import assignable
from mediation.core.errors import Refused
from mediation.core.i18n import msg
from mediation.core.vocab import State
from mediation.db import eventlog
from mediation.db.storage import UnitOfWork
from mediation.steps import _check_version, _conflict, find_case

_FINAL = (State.closed, State.declined)


def assign(uow: UnitOfWork, actor: Actor, ref: str | int, *, mediator: str,
           co_mediators: list[str] | None = None, expected_version: int | None = None
           ) -> dict[str, Any]:
    require(actor, "case.assign")
    s = uow.session
    case = find_case(uow, actor, ref)
    assert case.id is not None
    if case.state in _FINAL:
        raise Refused(case=case.number, state=case.state, action="assign",
                      why=msg("the case is finished"), allowed=[])
    _check_version(uow, case, expected_version)
    lead = assignable(uow, actor, mediator).username
    co: list[str] = []
    for m in co_mediators or []:
        name = assignable(uow, actor, m).username
        if name != lead and name not in co:
            co.append(name)
    before = s.exec(select(CaseMediator).where(CaseMediator.case_id == case.id)
                    .order_by(col(CaseMediator.id))).all()
    old_lead = case.lead_mediator
    old_co = [m.username for m in before if not m.lead and m.username != old_lead]
    old_version = case.version
    bumped: CursorResult[Any] = s.execute(  # type: ignore[assignment]
        update(Case).where(col(Case.id) == case.id, col(Case.version) == old_version)
        .values(version=old_version + 1, lead_mediator=lead)
    )
    if bumped.rowcount != 1:
        s.refresh(case)
        raise _conflict(uow, case)
    s.execute(delete(CaseMediator).where(col(CaseMediator.case_id) == case.id))
    now = uow.now()
    for username, is_lead in [(lead, True), *((c, False) for c in co)]:
        s.add(CaseMediator(case_id=case.id, username=username, lead=is_lead, assigned_at=now))
    s.flush()
    s.refresh(case)
    changes: dict[str, list[Any]] = {}
    if old_lead != lead:
        changes["lead_mediator"] = [old_lead, lead]
    if old_co != co:
        changes["co_mediators"] = [old_co, co]
    event = eventlog.append(
        s, at=now, actor=actor.username, role=actor.role, action="assign",
        committee_id=case.committee_id, case_id=case.id, from_state=case.state,
        to_state=case.state, version=case.version,
        reason="reassign" if old_lead else None, changes=changes,
    )
    return {"id": case.id, "number": case.number, "state": case.state,
            "version": case.version, "event": event.seq, "lead_mediator": lead,
            "co_mediators": co}
