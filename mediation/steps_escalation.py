"""The steps of a case's people and risks beside its course: recusal (回避) and the report to the
police (Law art. 25). Each goes through the one step path (``step_machinery.step``); neither
changes the case's state. Their rules are rows of the transition table (``mediation.workflow``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlmodel import col, select

from mediation.access.policy import Actor, require
from mediation.cases import Case, CaseMediator
from mediation.committee import assignable
from mediation.core import identity
from mediation.core.commands import Recuse, ReportPolice, StepDone
from mediation.core.i18n import N_
from mediation.db import casefile_changes
from mediation.db.storage import UnitOfWork
from mediation.step_machinery import Changes, Twin, set_field, step, text_inputs
from mediation.tables import Event


@text_inputs(multiline=("reason",), line=("party",))
def recuse(uow: UnitOfWork, actor: Actor, ref: str | int, *, party: str, reason: str,
           mediator: str, expected_version: int | None = None, at: date | None = None
           ) -> StepDone:
    """``case recuse``: a party asked for another mediator (回避); the director records the
    request and appoints ``mediator`` as lead in place of the one asked to step aside (who is
    no longer on the case)."""
    require(actor, "case.assign")
    new = assignable(uow, actor, mediator).username

    def apply(case: Case) -> Changes:
        assert case.id is not None
        s = uow.session
        old = case.lead_mediator
        rows = s.exec(select(CaseMediator).where(CaseMediator.case_id == case.id,
                                                 CaseMediator.username.in_(  # type: ignore[attr-defined]
                                                     [u for u in (old, new) if u]))).all()
        for row in rows:  # deleted with Core below: noted for the event (casefile)
            assert row.id is not None
            casefile_changes.note_delete(uow.conn, "case_mediator", row.id, case.id,
                                         row.model_dump())
        s.execute(delete(CaseMediator).where(col(CaseMediator.id).in_([r.id for r in rows])))
        s.add(CaseMediator(case_id=case.id, username=new, lead=True, assigned_at=uow.now()))
        ch: Changes = {"recusal": [None, {"party": party.strip(), "reason": reason.strip(),
                                          "stepped_aside": old}]}
        set_field(case, ch, "lead_mediator", new)
        return ch

    return step(uow, actor, ref, Recuse(party=party, reason=reason, mediator=new), apply,
                expected_version=expected_version, at=at, permission="case.assign",
                reason=reason)


@text_inputs(multiline=("note",), line=("to",))
def report_police(uow: UnitOfWork, actor: Actor, ref: str | int, *, to: str,
                  note: str | None = None, expected_version: int | None = None,
                  at: date | None = None) -> StepDone:
    """``case report-police``: a dispute likely to lead to a public-security or criminal case
    was reported to the police (Law art. 25), to whom and what was said."""

    recorded: Changes = {"police_report": [None, {
        "to": (to or "").strip(), "note": identity.scrub(note.strip()) if note else None}]}

    def apply(case: Case) -> Changes:
        return dict(recorded)

    twin = Twin(Event.__table__, "occurred_at",  # type: ignore[attr-defined]
                {"action": "police", "changes": recorded}, event=True)
    return step(uow, actor, ref, ReportPolice(to=to, note=note), apply,
                expected_version=expected_version, at=at, twin=twin)


# Display names of the changes these steps record (history, audit).
EVENT_NAMES = (N_("field.recusal"), N_("field.police_report"), N_("field.stepped_aside"),
               N_("field.party"), N_("field.to"))
