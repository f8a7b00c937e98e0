"""After mediation: follow-up visits (回访, several per case), urging performance (督促履行),
feeding the outcome back to whoever brought the dispute (反馈) and closing the case (结案归档)
(issue 15). Each goes through the one step path (``step_machinery.step``); only ``close``
changes the case's state. Their rules are rows of the transition table (``mediation.workflow``).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from mediation.access.policy import Actor
from mediation.cases import Case, CaseFeedback, FollowUp, Urging
from mediation.core import identity
from mediation.core.commands import Close, Feedback, StepDone, Urge, Visit
from mediation.core.i18n import N_
from mediation.db import casestore
from mediation.db.storage import UnitOfWork
from mediation.step_machinery import Changes, Twin, set_field, step, text_inputs


@text_inputs(multiline=("note", "measures", "escalation"), line=("visitor", "visited"))
def visit(uow: UnitOfWork, actor: Actor, ref: str | int, *, satisfaction: str,
          visited: str, performance: str | None = None, visitor: str | None = None,
          measures: str | None = None, escalation: str | None = None, lawsuit: bool = False,
          note: str | None = None, expected_version: int | None = None,
          at: date | None = None) -> StepDone:
    """``case visit``: one follow-up visit, when it happened (``at``), who visited (the actor
    unless named) and whom, how the agreement is performed, the parties' satisfaction, the
    measures taken and any signs of escalation."""

    def apply(case: Case) -> Changes:
        assert case.id is not None
        fu = FollowUp(case_id=case.id, visited_at=uow.now(),
                      visitor=(visitor or "").strip() or actor.username,
                      visited=visited.strip(), performance=performance,
                      satisfaction=satisfaction, lawsuit=lawsuit, note=note,
                      measures=measures, escalation=escalation)
        uow.session.add(fu)
        return {"follow_up": [None, {
            "visitor": fu.visitor, "visited": fu.visited, "performance": performance,
            "satisfaction": satisfaction, "lawsuit": lawsuit, "note": identity.scrub(note),
            "measures": identity.scrub(measures), "escalation": identity.scrub(escalation)}]}

    command = Visit(satisfaction=satisfaction, performance=performance, visitor=visitor,
                    visited=visited, measures=measures, escalation=escalation,
                    lawsuit=lawsuit, note=note)
    twin = Twin(FollowUp.__table__, "visited_at",  # type: ignore[attr-defined]
                {"visitor": (visitor or "").strip() or actor.username,
                 "visited": visited.strip(), "performance": performance,
                 "satisfaction": satisfaction, "lawsuit": lawsuit, "note": note,
                 "measures": measures, "escalation": escalation})
    return step(uow, actor, ref, command, apply, expected_version=expected_version, at=at,
                twin=twin)


@text_inputs(multiline=("note",))
def urge(uow: UnitOfWork, actor: Actor, ref: str | int, *, note: str,
         expected_version: int | None = None, at: date | None = None) -> StepDone:
    """``case urge``: a party who has not (fully) performed the agreement was urged to (Law art.
    31: the committee supervises performance and urges the parties to perform). The note is kept
    as typed in the urging's row of the case file (the event holds it masked)."""
    typed = (note or "").strip() or None

    def apply(case: Case) -> Changes:
        assert case.id is not None
        uow.session.add(Urging(case_id=case.id, urged_at=uow.now(), urged_by=actor.username,
                               note=typed))
        return {"urge": [None, {"note": identity.scrub(typed or "")}]}

    twin = Twin(Urging.__table__, "urged_at", {"note": typed})  # type: ignore[attr-defined]
    return step(uow, actor, ref, Urge(note=note), apply, expected_version=expected_version,
                at=at, twin=twin)


@text_inputs(multiline=("note",), line=("to",))
def feedback(uow: UnitOfWork, actor: Actor, ref: str | int, *, channel: str,
             to: str | None = None, note: str | None = None,
             expected_version: int | None = None, at: date | None = None) -> StepDone:
    """``case feedback``: the outcome was reported back (反馈) to whoever brought the dispute --
    the parties, the grid worker, the referring court, police or office -- when (``at``), how
    (``channel``) and to whom (``to``: one of those who may receive it, mediation.recipients;
    without it, whoever brought the dispute). Anyone else is refused, naming who may, and
    nothing is written. The first feedback is the case's ``fed_back_at`` (the statistics'
    interval confirmed → feedback); a later one is recorded and leaves it. Each is a row of the
    case file (``feedback``), its recipient and note as typed (the event holds them masked)."""
    from mediation import recipients

    if not (to or "").strip():  # whoever brought the dispute (no names: a code, a user name)
        to = recipients.allowed(uow, casestore.find(uow, actor, ref)).default

    told: list[str] = []

    def apply(case: Case) -> Changes:
        assert case.id is not None
        recipient = recipients.resolve(uow, actor, case, to)
        told[:] = [recipients.through(uow, actor, case, recipient)]
        uow.session.add(CaseFeedback(case_id=case.id, fed_back_at=uow.now(),
                                     fed_back_by=actor.username, channel=channel,
                                     recipient=recipient, note=note))
        ch: Changes = {"feedback": [None, {"to": recipient, "channel": channel,
                                           "note": identity.scrub(note)}]}
        if case.fed_back_at is None:
            set_field(case, ch, "fed_back_at", uow.now())
        return ch

    done = step(uow, actor, ref, Feedback(to=to, channel=channel, note=note), apply,
                expected_version=expected_version, at=at)
    said = tuple(t for t in told if t)  # told through a guardian: said whom, for whom
    return dataclasses.replace(done, warnings=(*said, *done.warnings)) if said else done


@text_inputs(multiline=("reason",))
def close(uow: UnitOfWork, actor: Actor, ref: str | int, *, reason: str | None = None,
          expected_version: int | None = None, at: date | None = None) -> StepDone:
    """``case close``: the case is closed and filed (结案归档), when the workflow's one rule
    (``workflow.guards.ready_to_close``) holds: visited, fed back, and an agreement fully
    performed -- or, with a reason (a director only: ``case.close.reason``), after urging."""
    why = (reason or "").strip() or None

    def apply(case: Case) -> Changes:
        ch: Changes = {}
        set_field(case, ch, "closed_at", uow.now())
        return ch

    return step(uow, actor, ref, Close(reason=why), apply, expected_version=expected_version,
                at=at, reason=why, permission="case.close.reason" if why else "case.workflow")


# Display names of the changes these steps record (history, audit).
EVENT_NAMES = (N_("date.fed_back"), N_("field.feedback"), N_("field.fed_back_at"),
               N_("field.channel"), N_("field.urge"), N_("field.visited"), N_("field.visitor"),
               N_("field.measures"), N_("field.escalation"))
