"""The workflow steps: one service function per trigger.

Each step takes its inputs as keyword arguments, builds its trigger's typed command
(``mediation.core.commands``) for the guards and its own changes (``apply``), and goes through
the one path every step shares (``mediation.step_machinery.step``: permission, load, version,
guards, compare-and-set, event), in the caller's unit of work. Each returns a ``StepDone``; none
prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete
from sqlmodel import col, select

from mediation import calendars, workflow
from mediation.access.policy import Actor, require, require_appointment, takes_on_accept
from mediation.cases import (
    Agreement,
    Case,
    CaseMediator,
    Extension,
    JudicialConfirmation,
    Prevention,
)
from mediation.committee import assignable
from mediation.core import identity
from mediation.core.clock import iso, local_date
from mediation.core.commands import (
    Accept,
    Agree,
    Assign,
    Assigned,
    Confirm,
    Decline,
    Extend,
    Judicial,
    Mediate,
    Prevent,
    Remediate,
    StepDone,
    Terminate,
)
from mediation.core.money import fen_to_yuan, yuan_to_fen
from mediation.core.vocab import AgreementForm, JudicialResult, State
from mediation.corrections import amend as amend
from mediation.corrections import withdraw as withdraw
from mediation.db import casefile_changes, casestore
from mediation.db.storage import UnitOfWork
from mediation.step_machinery import Changes, Twin, set_field, step, text_inputs
from mediation.steps_aftercare import close as close
from mediation.steps_aftercare import feedback as feedback
from mediation.steps_aftercare import urge as urge
from mediation.steps_aftercare import visit as visit
from mediation.steps_escalation import recuse as recuse
from mediation.steps_escalation import report_police as report_police
from mediation.steps_schedule import schedule as schedule
from mediation.steps_session import session as session

# ---------------------------------------------------------------------------------------------
# One function per trigger


def _conclusion_deadline(uow: UnitOfWork, case: Case, now: datetime) -> datetime:
    """The end of the period to conclude mediation from ``now`` (acceptance or re-mediation):
    CONCLUSION_DAYS days counted on the committee's calendar (Civil Code arts. 201-203)."""
    return calendars.of(uow, case.committee_id).period_end(now, workflow.CONCLUSION_DAYS)


def accept(uow: UnitOfWork, actor: Actor, ref: str | int, *,
           expected_version: int | None = None,
           at: date | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        ch: Changes = {}
        now = uow.now()
        set_field(case, ch, "accepted_at", now)
        set_field(case, ch, "deadline", _conclusion_deadline(uow, case, now))
        case_id = case.id
        assert case_id is not None
        if takes_on_accept(actor, assigned=lambda: casestore.assigned_to(uow, case_id)):
            set_field(case, ch, "lead_mediator", actor.username)  # theirs: in the event
            uow.session.add(CaseMediator(case_id=case_id, username=actor.username, lead=True,
                                         assigned_at=now))
        return ch

    return step(uow, actor, ref, Accept(), apply, expected_version=expected_version, at=at)


@text_inputs(multiline=("advice",))
def decline(uow: UnitOfWork, actor: Actor, ref: str | int, *, reason: str, advice: str,
            expected_version: int | None = None,
            at: date | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        ch: Changes = {}
        set_field(case, ch, "declined_at", uow.now())
        set_field(case, ch, "decline_reason", reason)
        set_field(case, ch, "advice", advice.strip())
        return ch

    return step(uow, actor, ref, Decline(reason=reason, advice=advice), apply,
                 expected_version=expected_version, at=at, reason=reason)


def mediate(uow: UnitOfWork, actor: Actor, ref: str | int, *, mediator: str | None,
            co_mediators: list[str] | None = None, rights_notified: bool = False,
            expected_version: int | None = None,
            at: date | None = None) -> StepDone:
    require(actor, "case.workflow")
    lead = assignable(uow, actor, mediator).username if mediator else None
    co = [n for n in (assignable(uow, actor, m).username for m in (co_mediators or []))
          if n != lead]
    require_appointment(actor, lead=lead, co=co,
                        current_lead=casestore.find(uow, actor, ref).lead_mediator)

    def apply(case: Case) -> Changes:
        ch: Changes = {}
        now = uow.now()
        assert case.id is not None
        if lead:
            set_field(case, ch, "lead_mediator", lead)
        existing = casestore.assigned_to(uow, case.id)
        for username, is_lead in [(lead, True), *((c, False) for c in co)]:
            if username and username not in existing:
                uow.session.add(CaseMediator(case_id=case.id, username=username, lead=is_lead,
                                             assigned_at=now))
        if co:
            ch["co_mediators"] = [None, co]
        if case.rights_notified_at is None:
            set_field(case, ch, "rights_notified_at", now)
        set_field(case, ch, "mediation_started_at", case.mediation_started_at or now)
        return ch

    return step(uow, actor, ref,
                 Mediate(mediator=lead, co_mediators=tuple(co), rights_notified=rights_notified),
                 apply,
                 expected_version=expected_version, at=at)


@text_inputs(multiline=("reason",))
def extend(uow: UnitOfWork, actor: Actor, ref: str | int, *, days: int, reason: str,
           consent: bool, expected_version: int | None = None,
           at: date | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        assert case.id is not None
        now = uow.now()
        new_deadline = calendars.of(uow, case.committee_id).extended_end(case.deadline, now,
                                                                         days)
        uow.session.add(Extension(case_id=case.id, days=days, reason=reason.strip(),
                                  consent=consent, new_deadline=new_deadline, granted_at=now,
                                  granted_by=actor.username))
        ch: Changes = {"consent": [None, consent]}
        set_field(case, ch, "deadline", new_deadline)
        return ch

    return step(uow, actor, ref, Extend(days=days, reason=reason, consent=consent), apply,
                 expected_version=expected_version, at=at, reason=reason)


@text_inputs(multiline=("terms",))
def agree(uow: UnitOfWork, actor: Actor, ref: str | int, *, terms: str, written: bool,
          amount: Decimal | None = None, due: date | None = None,
          expected_version: int | None = None,
          at: date | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        assert case.id is not None
        now = uow.now()
        versions = uow.session.exec(
            select(Agreement.version).where(Agreement.case_id == case.id)).all()
        fen = None if amount is None else yuan_to_fen(amount)
        a = Agreement(case_id=case.id, version=max(versions, default=0) + 1,
                      form="written" if written else "oral", terms=terms.strip(),
                      amount_fen=fen, due=due, reached_at=now)
        uow.session.add(a)
        ch: Changes = {"agreement": [None, {"version": a.version, "form": a.form,
                                            "terms": identity.scrub(a.terms),
                                            "amount": fen_to_yuan(fen), "due": iso(due)}]}
        set_field(case, ch, "concluded_at", now)
        set_field(case, ch, "conclusion", "agreement")
        if case.first_concluded_at is None:  # derived (stats): not recorded in the changes
            case.first_concluded_at, case.first_outcome = now, a.form
        if fen is not None and case.amount_fen is None:
            set_field(case, ch, "amount_fen", fen)
        return ch

    return step(uow, actor, ref,
                 Agree(terms=terms, written=written, amount=amount, due=due), apply,
                 expected_version=expected_version, at=at)


@text_inputs(multiline=("advice",))
def terminate(uow: UnitOfWork, actor: Actor, ref: str | int, *, reason: str, advice: str,
              expected_version: int | None = None,
              at: date | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        ch: Changes = {}
        set_field(case, ch, "concluded_at", uow.now())
        set_field(case, ch, "conclusion", "termination")
        if case.first_concluded_at is None:  # derived (stats): not recorded in the changes
            case.first_concluded_at, case.first_outcome = uow.now(), "termination"
        set_field(case, ch, "termination_reason", reason)
        set_field(case, ch, "advice", advice.strip())
        return ch

    return step(uow, actor, ref, Terminate(reason=reason, advice=advice), apply,
                 expected_version=expected_version, at=at, reason=reason)


def confirm(uow: UnitOfWork, actor: Actor, ref: str | int, *,
            expected_version: int | None = None,
            at: date | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        assert case.id is not None
        now = uow.now()
        agreement = casestore.current_agreement(uow, case.id)
        # the guard has_agreement held when the case was read
        agreement = casestore.still(agreement)
        # Law art. 30: an oral agreement takes effect on the day it is reached; a written one
        # when it is signed and sealed, which this step records.
        effective = agreement.reached_at if agreement.form == AgreementForm.oral else now
        agreement.effective_at = effective
        uow.session.add(agreement)
        ch: Changes = {"agreement_effective": [None, {"version": agreement.version,
                                                      "effective_at": iso(effective)}]}
        set_field(case, ch, "confirmed_at", effective)
        if case.first_confirmed_at is None:  # derived (stats): not recorded in the changes
            case.first_confirmed_at = effective
        return ch

    return step(uow, actor, ref, Confirm(), apply, expected_version=expected_version, at=at)


@text_inputs(line=("court",))
def judicial(uow: UnitOfWork, actor: Actor, ref: str | int, *, court: str | None = None,
             filed_on: date | None = None, result: str | None = None,
             decided_on: date | None = None,
             expected_version: int | None = None,
             at: date | None = None) -> StepDone:
    """File for judicial confirmation (``court``, ``filed_on``) or record the court's result."""

    def apply(case: Case) -> Changes:
        assert case.id is not None
        if result is None:
            agreement = casestore.current_agreement(uow, case.id)
            agreement = casestore.still(agreement)
            assert agreement.id is not None
            jc = JudicialConfirmation(case_id=case.id, agreement_id=agreement.id,
                                      court=(court or "").strip(),
                                      filed_on=filed_on or local_date(uow.now()))
            uow.session.add(jc)
            filed: dict[str, Any] = {"court": jc.court, "filed_on": iso(jc.filed_on),
                                     "result": JudicialResult.pending}
            if case.state == State.closed:  # filed within the window, recorded after closing
                filed["after_closing"] = True  # (workflow.judicial): history says so
            return {"judicial": [None, filed]}
        pending = casestore.pending_judicial(uow, case.id)
        pending = casestore.still(pending)
        pending.result = result
        pending.decided_on = decided_on or local_date(uow.now())
        uow.session.add(pending)
        return {"judicial": [JudicialResult.pending, {"result": result,
                                                      "decided_on": iso(pending.decided_on)}]}

    if at is not None and result is None and filed_on is None:
        # entered late (--at): filed the day it happened (its local date), not today
        filed_on = at.date() if isinstance(at, datetime) else at
    if at is not None and result is not None and decided_on is None:
        decided_on = at.date() if isinstance(at, datetime) else at
    command = Judicial(court=court, filed_on=filed_on or local_date(uow.now()), result=result,
                       decided_on=decided_on)
    return step(uow, actor, ref, command, apply, expected_version=expected_version, at=at)


def follow_up_and_close(uow: UnitOfWork, actor: Actor, ref: str | int, *, satisfaction: str,
                        performance: str | None = None, note: str | None = None,
                        lawsuit: bool = False, expected_version: int | None = None,
                        at: date | None = None) -> StepDone:
    """The former combined ``feedback`` as its three steps: a follow-up visit of the parties,
    the outcome fed back to them in person, and the case closed (for callers that record all
    three at once)."""
    visit(uow, actor, ref, satisfaction=satisfaction, performance=performance, note=note,
          lawsuit=lawsuit, visited="当事人", expected_version=expected_version, at=at)
    feedback(uow, actor, ref, to="当事人", channel="in_person", at=at)
    return close(uow, actor, ref, at=at)


@text_inputs(multiline=("reason",))
def remediate(uow: UnitOfWork, actor: Actor, ref: str | int, *, reason: str, consent: bool,
              expected_version: int | None = None,
              at: date | None = None) -> StepDone:
    """Back to mediating: the current agreement is superseded (kept), a new one will follow."""

    def apply(case: Case) -> Changes:
        assert case.id is not None
        now = uow.now()
        ch: Changes = {}
        agreement = casestore.current_agreement(uow, case.id)
        if agreement is not None:
            agreement.superseded_at = now
            agreement.superseded_reason = reason.strip()
            uow.session.add(agreement)
            ch["agreement_superseded"] = [agreement.version, None]
        ch["consent"] = [None, consent]
        set_field(case, ch, "concluded_at", None)
        set_field(case, ch, "conclusion", None)
        set_field(case, ch, "confirmed_at", None)
        set_field(case, ch, "deadline", _conclusion_deadline(uow, case, now))
        return ch

    return step(uow, actor, ref, Remediate(reason=reason, consent=consent), apply,
                 expected_version=expected_version, at=at, reason=reason)


def prevent(uow: UnitOfWork, actor: Actor, ref: str | int, *, kind: str, persons: int,
            expected_version: int | None = None,
            at: date | None = None) -> StepDone:

    def apply(case: Case) -> Changes:
        assert case.id is not None
        uow.session.add(Prevention(case_id=case.id, kind=kind, persons=persons,
                                   recorded_at=uow.now(), recorded_by=actor.username))
        return {"prevention": [None, {"kind": kind, "persons": persons}]}

    twin = Twin(Prevention.__table__, "recorded_at",  # type: ignore[attr-defined]
                {"kind": kind, "persons": persons})
    return step(uow, actor, ref, Prevent(kind=kind, persons=persons), apply,
                 expected_version=expected_version, at=at, twin=twin)


def assign(uow: UnitOfWork, actor: Actor, ref: str | int, *, mediator: str,
           co_mediators: list[str] | None = None, expected_version: int | None = None,
           at: date | None = None
           ) -> Assigned:
    """``case assign``: a director appoints or replaces a case's mediators. The state does not
    change; a finished case (``workflow.FINISHED``) is refused by the table."""
    require(actor, "case.assign")
    lead = assignable(uow, actor, mediator).username
    co: list[str] = []
    for m in co_mediators or []:
        name = assignable(uow, actor, m).username
        if name != lead and name not in co:
            co.append(name)

    def apply(case: Case) -> Changes:
        assert case.id is not None
        s = uow.session
        before = s.exec(select(CaseMediator).where(CaseMediator.case_id == case.id)
                        .order_by(col(CaseMediator.id))).all()
        old_co = [m.username for m in before if not m.lead and m.username != case.lead_mediator]
        ch: Changes = {}
        set_field(case, ch, "lead_mediator", lead)
        if old_co != co:
            ch["co_mediators"] = [old_co, co]
        for row in before:  # deleted with Core below: noted for the event (casefile)
            assert row.id is not None
            casefile_changes.note_delete(uow.conn, "case_mediator", row.id, case.id,
                                         row.model_dump())
        s.execute(delete(CaseMediator).where(col(CaseMediator.case_id) == case.id))
        now = uow.now()
        for username, is_lead in [(lead, True), *((c, False) for c in co)]:
            s.add(CaseMediator(case_id=case.id, username=username, lead=is_lead,
                               assigned_at=now))
        return ch

    done = step(uow, actor, ref, Assign(mediator=lead, co_mediators=tuple(co)), apply,
                 expected_version=expected_version, at=at, permission="case.assign",
                 reason=lambda case: "reassign" if case.lead_mediator else None)
    return Assigned(**asdict(done), lead_mediator=lead, co_mediators=co)


STEPS: dict[str, Callable[..., StepDone]] = {
    "accept": accept,
    "decline": decline,
    "mediate": mediate,
    "session": session,
    "schedule": schedule,
    "extend": extend,
    "agree": agree,
    "terminate": terminate,
    "confirm": confirm,
    "judicial": judicial,
    "feedback": feedback,
    "close": close,
    "remediate": remediate,
    "prevent": prevent,
    "assign": assign,
    "visit": visit,
    "urge": urge,
    "recuse": recuse,
    "police": report_police,
    "withdraw": withdraw,
    "amend": amend,
}
assert set(STEPS) == set(workflow.TRIGGERS), "every trigger has exactly one service"
