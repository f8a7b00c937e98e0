"""The workflow steps: one service function per trigger.

Every step goes through :func:`_step`, which loads the case, checks the actor's permission,
refuses a stale ``expected_version``, asks the workflow whether the trigger may fire (guards
included), applies the step's own changes, bumps the version with a compare-and-set, and appends
the event -- all in the caller's unit of work, so that the state, the version and the event commit
together or not at all. Each step takes its inputs as keyword arguments, builds its trigger's
typed command (``mediation.core.commands``) for the guards, and returns a ``StepDone``; none
prints.

The shared machinery is on every step's path, so it uses few statements and Core rather than ORM
objects: one query for the case and the facts its trigger's guards read (``workflow.facts``), one
``UPDATE`` that is both the version's compare-and-set and the case's changed columns, then the
step's own records (ORM, flushed after the compare-and-set) and the event (eventlog). ``apply``
functions set attributes on the ``Case`` they are given (use :func:`_set`, which also records the
change for the event); that ``Case`` is in no session, so they must not ``session.add`` it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, delete, exists, func, update
from sqlalchemy import select as core_select
from sqlmodel import col, select

from mediation import calendars, workflow
from mediation.access.policy import Actor, require, require_appointment, require_on_case
from mediation.cases import (
    Agreement,
    Case,
    CaseMediator,
    Event,
    Extension,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Party,
    Prevention,
    from_row,
    iso,
)
from mediation.committee import assignable
from mediation.core import identity, normalise
from mediation.core.clock import local_date
from mediation.core.commands import (
    Accept,
    Agree,
    Assign,
    Assigned,
    Command,
    Confirm,
    Decline,
    Extend,
    Feedback,
    Judicial,
    Mediate,
    Prevent,
    Remediate,
    Session,
    StepDone,
    Terminate,
)
from mediation.core.errors import ConcurrentUpdate, Conflict, NotFound
from mediation.core.i18n import msg
from mediation.core.money import fen_to_yuan, yuan_to_fen
from mediation.core.vocab import JudicialResult, PartyRole, Role
from mediation.db import casefile, eventlog
from mediation.db.storage import UnitOfWork

Changes = dict[str, list[Any]]

_T = TypeVar("_T")
Apply = Callable[[Case], Changes]


# ---------------------------------------------------------------------------------------------
# Shared machinery


def find_case(uow: UnitOfWork, actor: Actor, ref: str | int) -> Case:
    """A case of the actor's committee, by id or by its full number."""
    key = normalise.case_key(ref)
    stmt = select(Case).where(Case.committee_id == actor.committee_id)
    stmt = stmt.where(Case.id == key) if isinstance(key, int) else stmt.where(Case.number == key)
    case = uow.session.exec(stmt).first()
    if case is None:
        raise NotFound(msg("no case {ref} in this committee", ref=key))
    return case


def assigned_to(uow: UnitOfWork, case_id: int) -> set[str]:
    rows = uow.session.exec(
        select(CaseMediator.username).where(CaseMediator.case_id == case_id)
    ).all()
    return set(rows)


def current_agreement(uow: UnitOfWork, case_id: int) -> Agreement | None:
    return uow.session.exec(
        select(Agreement)
        .where(Agreement.case_id == case_id, col(Agreement.superseded_at).is_(None))
        .order_by(col(Agreement.version).desc())
    ).first()


def _pending_judicial(uow: UnitOfWork, case_id: int) -> JudicialConfirmation | None:
    return uow.session.exec(
        select(JudicialConfirmation).where(
            JudicialConfirmation.case_id == case_id,
            JudicialConfirmation.result == JudicialResult.pending,
        )
    ).first()


def subject_of(uow: UnitOfWork, case: Case) -> workflow.Subject:
    """Every fact the guards may read about ``case``, one query each: the reference that the
    step's own loading (:func:`_load`: only the facts its trigger's guards need, with the case,
    in one query) is tested against."""
    assert case.id is not None
    roles = uow.session.exec(select(Party.role).where(Party.case_id == case.id)).all()
    agreement = current_agreement(uow, case.id)
    return workflow.Subject(
        number=case.number,
        state=case.state,
        category=case.category,
        applicants=sum(1 for r in roles if r == PartyRole.applicant),
        respondents=sum(1 for r in roles if r == PartyRole.respondent),
        lead_mediator=case.lead_mediator,
        rights_notified=case.rights_notified_at is not None,
        has_agreement=agreement is not None,
        agreement_effective_on=(
            local_date(agreement.effective_at) if agreement and agreement.effective_at else None
        ),
        judicial_pending=_pending_judicial(uow, case.id) is not None,
        deadline=case.deadline,
    )


def _check_version(uow: UnitOfWork, case: Case, expected: int | None) -> None:
    if expected is not None and expected != case.version:
        raise _conflict(uow, case)


def _conflict(uow: UnitOfWork, case: Case, *, retryable: bool = False) -> Conflict:
    # Core, not the session: pending ORM writes of a step being refused must not be flushed.
    last = uow.conn.execute(_LAST_EVENT, {"case_id": case.id}).first()
    return (ConcurrentUpdate if retryable else Conflict)(
        msg(
            "case {case} was changed by {actor} at {at} (now version {version}); "
            "reload it and try again",
            case=case.number,
            actor=last.actor if last else "?",
            at=iso(last.at) if last else "?",
            version=case.version,
        )
    )


# The step's statements, built once: SQLAlchemy compiles each once per process and reuses it.
_CASES = Case.__table__  # type: ignore[attr-defined]
_PARTY = Party.__table__  # type: ignore[attr-defined]
_AGREEMENT = Agreement.__table__  # type: ignore[attr-defined]
_JUDICIAL = JudicialConfirmation.__table__  # type: ignore[attr-defined]
_MEDIATOR = CaseMediator.__table__  # type: ignore[attr-defined]
_EVENT = Event.__table__  # type: ignore[attr-defined]
_CASE_COLUMNS: tuple[str, ...] = tuple(c.key for c in _CASES.columns)
_LAST_EVENT = (
    core_select(_EVENT.c.actor, _EVENT.c.at)
    .where(_EVENT.c.case_id == bindparam("case_id"))
    .order_by(_EVENT.c.seq.desc()).limit(1)
)
_CURRENT_VERSION = core_select(_CASES.c.version).where(_CASES.c.id == bindparam("case_id"))
# The compare-and-set and the step's column changes in one UPDATE; the SET clause is the
# changed columns (the parameters' keys), the WHERE names the version this step read.
_WRITE_CASE = update(_CASES).where(_CASES.c.id == bindparam("w_id"),
                                   _CASES.c.version == bindparam("w_version"))


def _party_count(role: PartyRole) -> Any:
    return (core_select(func.count()).select_from(_PARTY)
            .where(_PARTY.c.case_id == _CASES.c.id, _PARTY.c.role == role.value)
            .scalar_subquery())


@cache
def _load_statement(by_number: bool, facts: frozenset[str], mediator: bool) -> Select[Any]:
    """The case row and, in the same statement, the guard facts in ``facts`` (workflow.facts)
    and, for a mediator, whether the case is assigned to them."""
    columns: list[Any] = [_CASES]
    if "applicants" in facts:
        columns.append(_party_count(PartyRole.applicant).label("f_applicants"))
    if "respondents" in facts:
        columns.append(_party_count(PartyRole.respondent).label("f_respondents"))
    current = (_AGREEMENT.c.case_id == _CASES.c.id) & _AGREEMENT.c.superseded_at.is_(None)
    if facts & {"has_agreement", "agreement_effective_on"}:
        columns.append(exists().where(current).label("f_has_agreement"))
    if "agreement_effective_on" in facts:
        columns.append(core_select(_AGREEMENT.c.effective_at).where(current)
                       .order_by(_AGREEMENT.c.version.desc()).limit(1)
                       .scalar_subquery().label("f_effective_at"))
    if "judicial_pending" in facts:
        columns.append(exists().where(_JUDICIAL.c.case_id == _CASES.c.id,
                                      _JUDICIAL.c.result == JudicialResult.pending.value)
                       .label("f_judicial_pending"))
    if mediator:
        columns.append(exists().where(_MEDIATOR.c.case_id == _CASES.c.id,
                                      _MEDIATOR.c.username == bindparam("username"))
                       .label("f_assigned"))
    key = _CASES.c.number if by_number else _CASES.c.id
    return core_select(*columns).where(_CASES.c.committee_id == bindparam("committee_id"),
                                       key == bindparam("ref"))


def _load(uow: UnitOfWork, actor: Actor, ref: str | int, trigger: str
          ) -> tuple[Case, workflow.Subject, set[str]]:
    """:func:`find_case`, the facts ``trigger``'s guards read (:func:`subject_of`, but only those)
    and the mediators the permission check needs (:func:`assigned_to`, but only whether the
    actor is one of them, and only when the actor is a mediator), in one query.

    The ``Case`` is in no session: :func:`_step` writes its changes with one Core UPDATE.
    """
    key = normalise.case_key(ref)
    by_number = not isinstance(key, int)
    mediator = actor.role == Role.mediator
    stmt = _load_statement(by_number, workflow.facts(trigger), mediator)
    params: dict[str, Any] = {"committee_id": actor.committee_id, "ref": key}
    if mediator:
        params["username"] = actor.username
    row = uow.conn.execute(stmt, params).first()
    if row is None:
        raise NotFound(msg("no case {ref} in this committee", ref=key))
    facts = dict(row._mapping)
    case = from_row(Case, {k: facts[k] for k in _CASE_COLUMNS})
    effective = facts.get("f_effective_at")
    subject = workflow.Subject(
        number=case.number,
        state=case.state,
        category=case.category,
        applicants=facts.get("f_applicants") or 0,
        respondents=facts.get("f_respondents") or 0,
        lead_mediator=case.lead_mediator,
        rights_notified=case.rights_notified_at is not None,
        has_agreement=bool(facts.get("f_has_agreement")),
        agreement_effective_on=local_date(effective) if effective else None,
        judicial_pending=bool(facts.get("f_judicial_pending")),
        deadline=case.deadline,
    )
    assigned = {actor.username} if facts.get("f_assigned") else set()
    return case, subject, assigned


def _step(
    uow: UnitOfWork,
    actor: Actor,
    ref: str | int,
    command: Command,
    apply: Apply,
    *,
    expected_version: int | None = None,
    reason: str | Callable[[Case], str | None] | None = None,
    permission: str = "case.workflow",
) -> StepDone:
    trigger = command.trigger
    require(actor, permission)  # before looking the case up: no hint whether it exists
    case, subject, assigned = _load(uow, actor, ref, trigger)
    assert case.id is not None
    require_on_case(actor, permission, case_number=case.number, assigned=assigned,
                    state=case.state)
    if callable(reason):
        reason = reason(case)
    _check_version(uow, case, expected_version)
    before = case.state
    after = workflow.fire(subject, command)
    old_version = case.version
    read = {k: case.__dict__.get(k) for k in _CASE_COLUMNS}
    # The step's own records are written after the compare-and-set below, as they always were:
    # the session does not flush what ``apply`` adds until then. The step happens at one
    # instant, so statistics counted by the case's milestones equal a replay of the events.
    with uow.one_instant() as at:
        with uow.deferred_flush():
            try:
                changes = apply(case)
            except _Moved:
                raise _refused_as_stale(uow, case, expected_version) from None
        if after != before:
            changes = {"state": [before, after], **changes}
        case.state = after
        case.version = old_version + 1
        values = {k: case.__dict__.get(k) for k in _CASE_COLUMNS}
        written = {k: v for k, v in values.items() if v != read[k]}
        # Compare-and-set on the version: a concurrent writer that got here first fails this.
        bumped = uow.conn.execute(_WRITE_CASE,
                                  {"w_id": case.id, "w_version": old_version, **written})
        if bumped.rowcount != 1:
            case.version = old_version
            raise _refused_as_stale(uow, case, expected_version)
        for k, v in written.items():  # for the event (casefile: the ORM's writes it sees itself)
            casefile.note_update(uow.conn, "cases", case.id, case.id, k, read[k], v)
        uow.forget(Case, case.id)  # an ORM copy of this case in the session is now out of date
        uow.flush()
        event = eventlog.append(
            uow.conn, at=at, actor=actor.username, role=actor.role, action=trigger,
            committee_id=case.committee_id, case_id=case.id, from_state=before, to_state=after,
            version=case.version, reason=reason, changes=changes,
        )
    return StepDone(id=case.id, number=case.number, state=case.state, version=case.version,
                    event=event.seq)


class _Moved(Exception):
    """A row an ``apply`` function relies on is gone: a concurrent step changed the case after
    it was read (PostgreSQL's READ COMMITTED shows its commit). Refused as a stale write."""


def _still(value: _T | None) -> _T:
    """``value``, which the guards made sure of when the case was read; :class:`_Moved` if a
    concurrent step has since taken it away."""
    if value is None:
        raise _Moved
    return value


def _refused_as_stale(uow: UnitOfWork, case: Case, expected_version: int | None) -> Conflict:
    """The refusal of a step whose case changed under it: retried by ``storage.transaction``
    when no version was expected, else exit 3 naming who changed it and when."""
    now_version = uow.conn.execute(_CURRENT_VERSION, {"case_id": case.id}).scalar()
    if now_version is not None:
        case.version = now_version
    return _conflict(uow, case, retryable=expected_version is None)


def _set(case: Case, changes: Changes, field: str, value: Any) -> None:
    before = getattr(case, field)
    if before != value:
        changes[field] = [_plain(before), _plain(value)]
        setattr(case, field, value)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return iso(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


# ---------------------------------------------------------------------------------------------
# One function per trigger


def _conclusion_deadline(uow: UnitOfWork, case: Case, now: datetime) -> datetime:
    """The end of the period to conclude mediation from ``now`` (acceptance or re-mediation):
    CONCLUSION_DAYS days counted on the committee's calendar (Civil Code arts. 201-203)."""
    return calendars.of(uow, case.committee_id).period_end(now, workflow.CONCLUSION_DAYS)


def accept(uow: UnitOfWork, actor: Actor, ref: str | int, *,
           expected_version: int | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        ch: Changes = {}
        now = uow.now()
        _set(case, ch, "accepted_at", now)
        _set(case, ch, "deadline", _conclusion_deadline(uow, case, now))
        return ch

    return _step(uow, actor, ref, Accept(), apply, expected_version=expected_version)


def decline(uow: UnitOfWork, actor: Actor, ref: str | int, *, reason: str, advice: str,
            expected_version: int | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        ch: Changes = {}
        _set(case, ch, "declined_at", uow.now())
        _set(case, ch, "decline_reason", reason)
        _set(case, ch, "advice", advice.strip())
        return ch

    return _step(uow, actor, ref, Decline(reason=reason, advice=advice), apply,
                 expected_version=expected_version, reason=reason)


def mediate(uow: UnitOfWork, actor: Actor, ref: str | int, *, mediator: str | None,
            co_mediators: list[str] | None = None, rights_notified: bool = False,
            expected_version: int | None = None) -> StepDone:
    require(actor, "case.workflow")
    lead = assignable(uow, actor, mediator).username if mediator else None
    co = [assignable(uow, actor, m).username for m in (co_mediators or []) if m != lead]
    require_appointment(actor, lead=lead, co=co,
                        current_lead=find_case(uow, actor, ref).lead_mediator)

    def apply(case: Case) -> Changes:
        ch: Changes = {}
        now = uow.now()
        assert case.id is not None
        if lead:
            _set(case, ch, "lead_mediator", lead)
        existing = assigned_to(uow, case.id)
        for username, is_lead in [(lead, True), *((c, False) for c in co)]:
            if username and username not in existing:
                uow.session.add(CaseMediator(case_id=case.id, username=username, lead=is_lead,
                                             assigned_at=now))
        if co:
            ch["co_mediators"] = [None, co]
        if case.rights_notified_at is None:
            _set(case, ch, "rights_notified_at", now)
        _set(case, ch, "mediation_started_at", case.mediation_started_at or now)
        return ch

    return _step(uow, actor, ref,
                 Mediate(mediator=lead, co_mediators=tuple(co), rights_notified=rights_notified),
                 apply,
                 expected_version=expected_version)


def session(uow: UnitOfWork, actor: Actor, ref: str | int, *, minutes: str,
            place: str | None = None, attendees: str | None = None,
            expected_version: int | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        assert case.id is not None
        count = len(uow.session.exec(
            select(MediationSession.id).where(MediationSession.case_id == case.id)).all())
        row = MediationSession(case_id=case.id, no=count + 1, held_at=uow.now(), place=place,
                               attendees=attendees, minutes=minutes.strip(),
                               recorded_by=actor.username)
        uow.session.add(row)
        return {"session": [None, {"no": row.no, "place": place, "attendees": attendees,
                                   "minutes": identity.scrub(row.minutes)}]}

    return _step(uow, actor, ref,
                 Session(minutes=minutes, place=place, attendees=attendees), apply,
                 expected_version=expected_version)


def extend(uow: UnitOfWork, actor: Actor, ref: str | int, *, days: int, reason: str,
           consent: bool, expected_version: int | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        assert case.id is not None
        now = uow.now()
        new_deadline = calendars.of(uow, case.committee_id).extended_end(case.deadline, now,
                                                                         days)
        uow.session.add(Extension(case_id=case.id, days=days, reason=reason.strip(),
                                  consent=consent, new_deadline=new_deadline, granted_at=now,
                                  granted_by=actor.username))
        ch: Changes = {"consent": [None, consent]}
        _set(case, ch, "deadline", new_deadline)
        return ch

    return _step(uow, actor, ref, Extend(days=days, reason=reason, consent=consent), apply,
                 expected_version=expected_version, reason=reason)


def agree(uow: UnitOfWork, actor: Actor, ref: str | int, *, terms: str, written: bool,
          amount: Decimal | None = None, due: date | None = None,
          expected_version: int | None = None) -> StepDone:
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
        _set(case, ch, "concluded_at", now)
        _set(case, ch, "conclusion", "agreement")
        if case.first_concluded_at is None:  # derived (stats): not recorded in the changes
            case.first_concluded_at, case.first_outcome = now, a.form
        if fen is not None and case.amount_fen is None:
            _set(case, ch, "amount_fen", fen)
        return ch

    return _step(uow, actor, ref,
                 Agree(terms=terms, written=written, amount=amount, due=due), apply,
                 expected_version=expected_version)


def terminate(uow: UnitOfWork, actor: Actor, ref: str | int, *, reason: str, advice: str,
              expected_version: int | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        ch: Changes = {}
        _set(case, ch, "concluded_at", uow.now())
        _set(case, ch, "conclusion", "termination")
        if case.first_concluded_at is None:  # derived (stats): not recorded in the changes
            case.first_concluded_at, case.first_outcome = uow.now(), "termination"
        _set(case, ch, "termination_reason", reason)
        _set(case, ch, "advice", advice.strip())
        return ch

    return _step(uow, actor, ref, Terminate(reason=reason, advice=advice), apply,
                 expected_version=expected_version, reason=reason)


def confirm(uow: UnitOfWork, actor: Actor, ref: str | int, *,
            expected_version: int | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        assert case.id is not None
        now = uow.now()
        agreement = current_agreement(uow, case.id)
        agreement = _still(agreement)  # the guard has_agreement held when the case was read
        agreement.effective_at = now
        uow.session.add(agreement)
        ch: Changes = {"agreement_effective": [None, {"version": agreement.version,
                                                      "effective_at": iso(now)}]}
        _set(case, ch, "confirmed_at", now)
        if case.first_confirmed_at is None:  # derived (stats): not recorded in the changes
            case.first_confirmed_at = now
        return ch

    return _step(uow, actor, ref, Confirm(), apply, expected_version=expected_version)


def judicial(uow: UnitOfWork, actor: Actor, ref: str | int, *, court: str | None = None,
             filed_on: date | None = None, result: str | None = None,
             decided_on: date | None = None,
             expected_version: int | None = None) -> StepDone:
    """File for judicial confirmation (``court``, ``filed_on``) or record the court's result."""

    def apply(case: Case) -> Changes:
        assert case.id is not None
        if result is None:
            agreement = current_agreement(uow, case.id)
            agreement = _still(agreement)
            assert agreement.id is not None
            jc = JudicialConfirmation(case_id=case.id, agreement_id=agreement.id,
                                      court=(court or "").strip(),
                                      filed_on=filed_on or local_date(uow.now()))
            uow.session.add(jc)
            return {"judicial": [None, {"court": jc.court, "filed_on": iso(jc.filed_on),
                                        "result": JudicialResult.pending}]}
        pending = _pending_judicial(uow, case.id)
        pending = _still(pending)
        pending.result = result
        pending.decided_on = decided_on or local_date(uow.now())
        uow.session.add(pending)
        return {"judicial": [JudicialResult.pending, {"result": result,
                                                      "decided_on": iso(pending.decided_on)}]}

    command = Judicial(court=court, filed_on=filed_on or local_date(uow.now()), result=result,
                       decided_on=decided_on)
    return _step(uow, actor, ref, command, apply, expected_version=expected_version)


def feedback(uow: UnitOfWork, actor: Actor, ref: str | int, *, satisfaction: str,
             performance: str | None = None, note: str | None = None, lawsuit: bool = False,
             expected_version: int | None = None) -> StepDone:
    def apply(case: Case) -> Changes:
        assert case.id is not None
        now = uow.now()
        fu = FollowUp(case_id=case.id, visited_at=now, visitor=actor.username,
                      performance=performance, satisfaction=satisfaction, lawsuit=lawsuit,
                      note=note)
        uow.session.add(fu)
        ch: Changes = {"follow_up": [None, {"performance": performance,
                                            "satisfaction": satisfaction, "lawsuit": lawsuit,
                                            "note": identity.scrub(note)}]}
        _set(case, ch, "closed_at", now)
        return ch

    return _step(uow, actor, ref, Feedback(satisfaction=satisfaction, performance=performance,
                                           note=note, lawsuit=lawsuit), apply,
                 expected_version=expected_version)


def remediate(uow: UnitOfWork, actor: Actor, ref: str | int, *, reason: str, consent: bool,
              expected_version: int | None = None) -> StepDone:
    """Back to mediating: the current agreement is superseded (kept), a new one will follow."""

    def apply(case: Case) -> Changes:
        assert case.id is not None
        now = uow.now()
        ch: Changes = {}
        agreement = current_agreement(uow, case.id)
        if agreement is not None:
            agreement.superseded_at = now
            agreement.superseded_reason = reason.strip()
            uow.session.add(agreement)
            ch["agreement_superseded"] = [agreement.version, None]
        ch["consent"] = [None, consent]
        _set(case, ch, "concluded_at", None)
        _set(case, ch, "conclusion", None)
        _set(case, ch, "confirmed_at", None)
        _set(case, ch, "deadline", _conclusion_deadline(uow, case, now))
        return ch

    return _step(uow, actor, ref, Remediate(reason=reason, consent=consent), apply,
                 expected_version=expected_version, reason=reason)


def prevent(uow: UnitOfWork, actor: Actor, ref: str | int, *, kind: str, persons: int,
            expected_version: int | None = None) -> StepDone:

    def apply(case: Case) -> Changes:
        assert case.id is not None
        uow.session.add(Prevention(case_id=case.id, kind=kind, persons=persons,
                                   recorded_at=uow.now(), recorded_by=actor.username))
        return {"prevention": [None, {"kind": kind, "persons": persons}]}

    return _step(uow, actor, ref, Prevent(kind=kind, persons=persons), apply,
                 expected_version=expected_version)


def assign(uow: UnitOfWork, actor: Actor, ref: str | int, *, mediator: str,
           co_mediators: list[str] | None = None, expected_version: int | None = None
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
        _set(case, ch, "lead_mediator", lead)
        if old_co != co:
            ch["co_mediators"] = [old_co, co]
        for row in before:  # deleted with Core below: noted for the event (casefile)
            assert row.id is not None
            casefile.note_delete(uow.conn, "case_mediator", row.id, case.id, row.model_dump())
        s.execute(delete(CaseMediator).where(col(CaseMediator.case_id) == case.id))
        now = uow.now()
        for username, is_lead in [(lead, True), *((c, False) for c in co)]:
            s.add(CaseMediator(case_id=case.id, username=username, lead=is_lead,
                               assigned_at=now))
        return ch

    done = _step(uow, actor, ref, Assign(mediator=lead, co_mediators=tuple(co)), apply,
                 expected_version=expected_version, permission="case.assign",
                 reason=lambda case: "reassign" if case.lead_mediator else None)
    return Assigned(**asdict(done), lead_mediator=lead, co_mediators=co)


STEPS: dict[str, Callable[..., StepDone]] = {
    "accept": accept,
    "decline": decline,
    "mediate": mediate,
    "session": session,
    "extend": extend,
    "agree": agree,
    "terminate": terminate,
    "confirm": confirm,
    "judicial": judicial,
    "feedback": feedback,
    "remediate": remediate,
    "prevent": prevent,
    "assign": assign,
}
assert set(STEPS) == set(workflow.TRIGGERS), "every trigger has exactly one service"
