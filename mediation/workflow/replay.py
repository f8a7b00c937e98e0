"""The replay of a case's recorded steps, judged by the transition table
(``mediation.workflow.table``), and the steps an earlier table recorded that old logs still hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from mediation.core.i18n import Msg, msg, or_absent
from mediation.core.vocab import CONCLUDED, State
from mediation.workflow.dates import REGISTRATION
from mediation.workflow.table import (
    INITIAL,
    TRIGGERS,
    Transition,
    transition,
)

S = State

# Steps recorded under an earlier table that the replay still accepts, so that old logs verify
# (``audit verify``, ``db check``) but that no longer fire. Before issue 15 ``feedback`` recorded
# the follow-up visit and closed the case in one step; it is now three (``visit``, ``feedback``,
# ``close``), and an old database keeps its combined events. Migration 0020 took such a case's
# closing as its feedback (``fed_back_at``), and the replay of its case file does the same
# (:func:`legacy_feedback`).
LEGACY_STEPS: tuple[Transition, ...] = (
    Transition("feedback", CONCLUDED, S.closed, (), "Law art. 31; local rules",
               "(before issue 15) The follow-up visit was recorded and the case closed."),
)


def legacy_feedback(action: str, to_state: str | None) -> bool:
    """Whether a recorded step is the former combined feedback (visit, feedback and closing)."""
    return action == "feedback" and to_state == State.closed


@dataclass
class Replay:
    """THE replay of one case's recorded steps: its events that carry a version, in ``seq``
    order, each checked against the transition table as it is applied.

    ``audit verify`` and ``db check`` both replay every case through this (via
    ``mediation.db.casefile``), so "what may have happened to a case" is judged by the same
    rule that decides what may happen to it.
    """

    state: str | None = None
    version: int = 0

    def step(self, action: str, from_state: str | None, to_state: str | None,
             version: int | None) -> Msg | None:
        """Apply one event; the reason it could not have happened, or None. The case is
        advanced either way, so that one bad event does not make every later one look bad."""
        problem = _step_problem(self.state, self.version, action, from_state, to_state,
                                version)
        if to_state is not None:
            self.state = to_state
        if version is not None:
            self.version = version
        return problem


def _step_problem(state: str | None, last_version: int, action: str, from_state: str | None,
                  to_state: str | None, version: int | None) -> Msg | None:
    if version != last_version + 1:
        return msg("version {version} follows version {previous}", version=or_absent(version),
                   previous=last_version)
    if state is None:
        if action != REGISTRATION or from_state is not None or to_state != INITIAL:
            return msg("the first event of a case must register it (new, into {state})",
                       state=INITIAL.value)
        return None
    if from_state != state:
        return msg("it starts from {from_state}, but the case was {state}",
                   from_state=or_absent(from_state), state=state)
    if action in TRIGGERS:
        problem = _against(transition(action), state, to_state)
        for old in LEGACY_STEPS:
            if problem is not None and old.trigger == action:
                problem = problem if _against(old, state, to_state) else None
        return problem
    return msg("{action} is not a step of the workflow", action=action)


def _against(t: Transition, state: str, to_state: str | None) -> Msg | None:
    """Why the step ``t`` could not have led from ``state`` to ``to_state``, or None."""
    action = t.trigger
    dest = state if t.dest is None else t.dest.value
    if state not in t.sources:
        return msg("{action} is not allowed in {state}", action=action, state=state)
    if to_state != dest:
        return msg("{action} from {state} leads to {dest}, not {to_state}", action=action,
                   state=state, dest=dest, to_state=or_absent(to_state))
    return None
