"""After the agreement: follow-up visits (回访, several per case) and urging performance (督促履行)
(issue 15). Each goes through the one step path (``step_machinery.step``) and leaves the case in
its state; their rules are rows of the transition table (``mediation.workflow``).
"""

from __future__ import annotations

from datetime import date

from mediation.access.policy import Actor
from mediation.cases import Case, FollowUp
from mediation.core import identity
from mediation.core.commands import StepDone, Urge, Visit
from mediation.core.i18n import N_
from mediation.db.storage import UnitOfWork
from mediation.step_machinery import Changes, Twin, step, text_inputs
from mediation.tables import Event


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
    return step(uow, actor, ref, command, apply, expected_version=expected_version, at=at)


@text_inputs(multiline=("note",))
def urge(uow: UnitOfWork, actor: Actor, ref: str | int, *, note: str,
         expected_version: int | None = None, at: date | None = None) -> StepDone:
    """``case urge``: a party who has not (fully) performed the agreement was urged to (Law art.
    31: the committee supervises performance and urges the parties to perform)."""

    recorded: Changes = {"urge": [None, {"note": identity.scrub((note or "").strip())}]}

    def apply(case: Case) -> Changes:
        return dict(recorded)

    twin = Twin(Event.__table__, "occurred_at",  # type: ignore[attr-defined]
                {"action": "urge", "changes": recorded}, event=True)
    return step(uow, actor, ref, Urge(note=note), apply, expected_version=expected_version,
                at=at, twin=twin)


# Display names of the changes these steps record (history, audit).
EVENT_NAMES = (N_("field.urge"), N_("field.visited"), N_("field.visitor"),
               N_("field.measures"), N_("field.escalation"))
