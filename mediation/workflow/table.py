"""The transition table of a mediation case and the one machine built from it.

The table lists, for each trigger, the states it may be fired from, the state it leads to
(``None``: the case stays where it is and the step is recorded), the guards that must hold
(``mediation.workflow.guards``), and the legal basis (DOMAIN.md §1). One ``transitions.Machine``
is built from it once per process with ``model=None`` and ``auto_transitions=False``; a case is
bound only for the duration of one trigger (the machine fires its event against a small
:class:`~mediation.workflow.guards.Subject`), so the number of models the machine holds never
grows. :class:`Replay` judges a case's recorded steps by the same table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from transitions import Machine, MachineError

from mediation.core.commands import (
    Command,
)
from mediation.core.errors import InvalidInput, Refused
from mediation.core.i18n import N_, Msg, get_language, msg, name
from mediation.core.vocab import CONCLUDED as CONCLUDED  # the states grouped: workflow.NAME
from mediation.core.vocab import FINISHED as FINISHED
from mediation.core.vocab import OPEN_STATES as OPEN_STATES
from mediation.core.vocab import State
from mediation.workflow.guards import (
    Guard,
    Subject,
    advice_given,
    amendable,
    amount_not_negative,
    appointment_ahead,
    appointment_given,
    consent_recorded,
    dates_possible,
    decline_reason_allowed,
    extension_allowed,
    extension_within_limit,
    fed_back_before_closing,
    fed_back_recorded,
    follow_up_recorded,
    has_agreement,
    has_both_sides,
    has_category,
    minutes_given,
    names_mediator,
    no_performance_deadline,
    persons_within_involved,
    police_report_recorded,
    prevention_recorded,
    ready_to_close,
    reason_given,
    recusal_recorded,
    rights_notified,
    session_recorded,
    terminate_reason_allowed,
    terms_given,
    urging_recorded,
    visited_named,
    written_where_rights_settled,
)
from mediation.workflow.judicial import (
    judicial_filing_in_time,
    judicial_result_allowed,
    judicial_window_open,
    judicial_written_only,
)

# ---------------------------------------------------------------------------------------------
# The transition table


@dataclass(frozen=True)
class Transition:
    trigger: str
    sources: tuple[State, ...]
    dest: State | None  # None: the case stays in its state; the step is still recorded
    guards: tuple[Guard, ...]
    basis: str
    summary: str = field(default="")
    # Checks that do not refuse: each returns a warning the step reports, or None.
    warnings: tuple[Guard, ...] = ()


S = State
# FINISHED, OPEN_STATES and CONCLUDED, the states grouped, are core/vocab.py's (beside State),
# so that the case list reads them without the machine; workflow.NAME re-exports them.

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "accept", (S.intake,), S.accepted, (has_category, has_both_sides),
        N_("Law art. 17"), N_("The committee accepts the dispute; the 30-day clock starts."),
    ),
    Transition(
        "decline", (S.intake,), S.declined, (decline_reason_allowed, advice_given),
        N_("Law art. 17; Rules arts. 22-23 ≈"),
        N_("The committee declines, recording why and where the parties should go."),
    ),
    Transition(
        "mediate", (S.accepted,), S.mediating, (names_mediator, rights_notified),
        N_("Law arts. 19-20, 23; Rules art. 30 (rights notice)"),
        N_("Mediators are appointed and the parties told their rights and duties."),
    ),
    Transition(
        "session", (S.mediating,), None, (minutes_given,),
        N_("Law arts. 22, 27 (minutes and files); Rules art. 29"),
        N_("A mediation session, with its minutes."),
    ),
    Transition(
        "schedule", (S.accepted, S.mediating), None, (appointment_given, appointment_ahead),
        N_("Local practice"),
        N_("The next mediation session agreed with the parties (约定下次调解): when and where; "
           "a later one replaces it, --cancel withdraws it. The agenda reminds of it until a "
           "session is recorded on its day or after."),
    ),
    Transition(
        "extend", (S.accepted, S.mediating), None,
        (extension_within_limit, consent_recorded, reason_given, extension_allowed),
        N_("Local practice, not the 2002 Rules (Rules art. 33: one month)"),
        N_("The parties consent to mediation going on past the one-month period."),
    ),
    Transition(
        "agree", (S.mediating,), S.agreed,
        (terms_given, amount_not_negative, session_recorded, dates_possible),
        N_("Law arts. 28-29; Rules art. 34"), N_("An agreement is reached, written or oral."),
        warnings=(written_where_rights_settled, no_performance_deadline),
    ),
    Transition(
        "terminate", (S.accepted, S.mediating), S.terminated,
        (terminate_reason_allowed, advice_given),
        N_("Law art. 26"), N_("Mediation ends without agreement; the advice given is recorded."),
    ),
    Transition(
        "confirm", (S.agreed,), S.confirmed, (has_agreement,),
        N_("Law arts. 29-30"),
        N_("The agreement takes effect: a written one when signed and sealed, an oral one on "
           "the day it was reached (Law art. 30)."),
    ),
    Transition(
        "judicial", (S.confirmed, S.closed), None,
        (judicial_result_allowed, judicial_written_only, dates_possible,
         judicial_filing_in_time),
        N_("Law art. 33; SPC Interpretation [2011] No. 5 art. 3"),
        N_("Judicial confirmation of a written agreement: filed with a court within 30 days of "
           "the agreement taking effect, then confirmed or rejected (a filing made within the 30 "
           "days, and the decision, may be recorded after the case is closed)."),
    ),
    Transition(
        "feedback", (*CONCLUDED, S.closed), None,
        (fed_back_recorded, fed_back_before_closing),
        N_("Local practice (the \"five first-times\": 第一时间反馈) ≈"),
        N_("The outcome is reported back to whoever brought the dispute (反馈): the party, the "
           "grid worker, the referring court, police or office; when, how and to whom. It may "
           "be recorded on a closed case only as a late entry of a feedback given on or before the "
           "closing day (--at)."),
    ),
    Transition(
        "close", CONCLUDED, S.closed, (ready_to_close,),
        N_("Law arts. 27, 31 (files kept; performance urged); Rules art. 36 ≈ (follow-up "
           "before filing)"),
        N_("The case is closed and filed (结案归档), after its follow-up visit (setting "
           "close_needs_visit) and its feedback; an agreement found partly or not performed "
           "is closed only by a director, with the reason (--reason), after urging."),
        warnings=(judicial_window_open,),
    ),
    Transition(
        "remediate", (S.agreed, S.confirmed), S.mediating, (reason_given, consent_recorded),
        N_("Law art. 33; local rules"),
        N_("With both parties' consent, mediate again; a new agreement version follows."),
    ),
    Transition(
        "prevent", (S.intake, S.accepted, S.mediating, S.agreed, S.confirmed), None,
        (prevention_recorded, persons_within_involved),
        N_("Law arts. 21, 25; Rules art. 32"),
        N_("An escalation prevented is recorded (cases and persons)."),
    ),
    Transition(
        "assign", tuple(s for s in State if s not in FINISHED), None, (names_mediator,),
        N_("Law arts. 19-20 ≈"),
        N_("A director appoints or replaces the case's mediators; the state does not change."),
    ),
    Transition(
        "visit", (S.confirmed, S.terminated, S.declined), None,
        (follow_up_recorded, visited_named),
        N_("Law art. 31; Rules art. 36 ≈"),
        N_("A follow-up visit (回访): who visited whom, performance, satisfaction, measures "
           "taken and signs of escalation; a case may have several."),
    ),
    Transition(
        "urge", (S.confirmed,), None, (urging_recorded,),
        N_("Law art. 31; Rules art. 37 ≈"),
        N_("A party is urged to perform the agreement (督促履行)."),
    ),
    Transition(
        "recuse", (S.accepted, S.mediating), None, (recusal_recorded,),
        N_("Law art. 23 (choosing a mediator) ≈; 2002 Rules (recusal) ≈"),
        N_("A party asks for another mediator (回避): the request is recorded and the lead "
           "mediator replaced."),
    ),
    Transition(
        "police",
        (S.intake, S.accepted, S.mediating, S.agreed, S.confirmed, S.terminated), None,
        (police_report_recorded,), N_("Law art. 25"),
        N_("A dispute likely to lead to a public-security or criminal case is reported to the "
           "police."),
    ),
    Transition(
        "withdraw", (S.intake,), S.withdrawn, (reason_given,),
        N_("Law arts. 3, 23 ≈ (voluntary: a party may refuse mediation)"),
        N_("The applicant withdraws the application before acceptance (not a decline)."),
    ),
    Transition(
        "amend", tuple(State), None, (reason_given, amendable),
        N_("Law art. 27 (records kept); local rules"),
        N_("A registered case's fields or parties are corrected, with the reason; each "
           "change is recorded with its value before and after."),
    ),
)

# The facts beyond the case's own row that each guard reads (the guards not listed read only the
# case row and the step's command). A step loads only the facts its trigger's guards need, in the
# same query as the case (steps.py); tests/unit/test_workflow.py checks that no guard reads a fact
# it does not declare here.
# ``now``, ``today``, ``occurred_on`` and ``deadline_day`` are set by the service on every step.
ROW_FACTS = frozenset({"number", "state", "category", "lead_mediator", "rights_notified",
                       "deadline", "now", "today", "calendar", "occurred_on", "deadline_day",
                       "persons_involved", "fed_back", "closed_on"})
GUARD_FACTS: dict[Guard, frozenset[str]] = {
    has_both_sides: frozenset({"applicants", "respondents"}),
    has_agreement: frozenset({"has_agreement"}),
    follow_up_recorded: frozenset({"has_agreement"}),
    ready_to_close: frozenset({"visits", "settings", "last_performance", "urges"}),
    judicial_window_open: frozenset({"agreement_form", "agreement_effective_on",
                                     "judicial_pending", "judicial_decided"}),
    judicial_filing_in_time: frozenset({"judicial_pending", "agreement_effective_on",
                                        "judicial_decided", "judicial_decided_on"}),
    judicial_written_only: frozenset({"agreement_form"}),
    dates_possible: frozenset({"judicial_filed_on"}),
    session_recorded: frozenset({"sessions", "settings"}),
    extension_within_limit: frozenset({"settings"}),
    extension_allowed: frozenset({"extensions", "settings"}),
}


# The guards on a value given on the command line (--days; case schedule's --at): one outside
# its range is read but not allowed (exit 1, saying the range, or the time and now; docs/cli.md's
# exit codes), as the command line's own parser refuses one, not a refusal of the step by the
# case's state (no state, no list of steps follows). The range stays where the workflow keeps it
# (the guard, the committee's setting).
RANGE_GUARDS: frozenset[Guard] = frozenset({extension_within_limit, appointment_ahead})


@cache
def facts(trigger: str) -> frozenset[str]:
    """The facts beyond the case row that ``trigger``'s guards read."""
    needed: frozenset[str] = frozenset()
    t = transition(trigger)
    for guard in (*t.guards, *t.warnings):
        needed |= GUARD_FACTS.get(guard, frozenset())
    return needed


TRIGGERS: tuple[str, ...] = tuple(t.trigger for t in TRANSITIONS)
INITIAL = State.intake
# The states no trigger leads out of into another state (the diagram's end): derived from the
# table (a closed case may still record a court's decision, which leaves it closed).
FINAL: tuple[State, ...] = tuple(
    s for s in State
    if not any(s in t.sources and t.dest not in (None, s) for t in TRANSITIONS))


class _GuardFailed(Exception):
    def __init__(self, why: Msg, guard: Guard) -> None:
        super().__init__(why.id)
        self.why = why
        self.guard = guard


def _condition(guard: Guard) -> Callable[[Any], bool]:
    def check(event: Any) -> bool:
        why = guard(event.model, event.kwargs["command"])
        if why is not None:
            raise _GuardFailed(why, guard)
        return True

    return check


@cache
def machine() -> Machine:
    """The one Machine of this process, built from the table on first use."""
    return Machine(
        model=None,
        states=[s.value for s in State],
        transitions=[
            {
                "trigger": t.trigger,
                "source": [s.value for s in t.sources],
                "dest": "=" if t.dest is None else t.dest.value,
                "conditions": [_condition(g) for g in t.guards],
            }
            for t in TRANSITIONS
        ],
        initial=INITIAL.value,
        auto_transitions=False,
        send_event=True,
        model_attribute="state",
    )


def transition(trigger: str) -> Transition:
    for t in TRANSITIONS:
        if t.trigger == trigger:
            return t
    raise KeyError(trigger)


def warnings(subject: Subject, command: Command) -> list[Msg]:
    """What the table's warning checks of the command's trigger say (none refuses)."""
    found = (w(subject, command) for w in transition(command.trigger).warnings)
    return [w for w in found if w is not None]


def allowed_triggers(state: str) -> list[str]:
    """The triggers that may be fired from ``state``, in table order."""
    return [t.trigger for t in TRANSITIONS if state in t.sources]


# The guards that read only the case, never the step's command: what they say holds for the
# case whatever the inputs. The others read the command (an input the user may correct).
CASE_GUARDS: frozenset[Guard] = frozenset(
    {has_category, has_both_sides, session_recorded, has_agreement, extension_allowed,
     ready_to_close})


def offer_facts(state: str) -> frozenset[str]:
    """The facts the case-only guards (CASE_GUARDS) of the triggers allowed from ``state`` read:
    what a refusal's list of the steps allowed now is judged on (the service loads them when a
    refusal lists steps, so that it never offers a step the case's facts would refuse)."""
    needed: frozenset[str] = frozenset()
    for t in TRANSITIONS:
        if state in t.sources:
            for g in t.guards:
                if g in CASE_GUARDS:
                    needed |= GUARD_FACTS.get(g, frozenset())
    return needed


def allowed_now(subject: Subject, refused: str | None = None,
                known: frozenset[str] | None = None) -> list[str]:
    """The triggers allowed from the subject's state whose case-only guards (CASE_GUARDS) do
    not refuse them, so far as the facts ``known`` (by default those loaded for the ``refused``
    trigger; every one with :func:`offer_facts`) tell, never the ``refused`` trigger itself:
    what a refusal offers instead."""
    if known is None:
        known = ROW_FACTS | (facts(refused) if refused in TRIGGERS else frozenset())
    return [
        t.trigger for t in TRANSITIONS
        if subject.state in t.sources and t.trigger != refused
        and not any(g(subject, None) is not None for g in t.guards
                    if g in CASE_GUARDS and GUARD_FACTS.get(g, frozenset()) <= known)
    ]


def fire(subject: Subject, command: Command) -> str:
    """Fire the command's trigger on ``subject``; return the new state or raise Refused.

    ``subject.state`` is updated in place by the machine when the transition happens. A
    refusal lists what is allowed now instead (``allowed_now``), except when a guard on the
    step's inputs refused it: then the inputs are what is wrong, not the step, and no list
    follows.
    """
    trigger = command.trigger
    if trigger not in TRIGGERS:
        raise KeyError(trigger)
    before = subject.state
    event = machine().events[trigger]
    try:
        event.trigger(subject, command=command)
    except _GuardFailed as failed:
        subject.state = before
        if failed.guard in RANGE_GUARDS:
            raise InvalidInput(failed.why) from None
        raise Refused(
            case=subject.number,
            state=before,
            action=trigger,
            why=failed.why,
            allowed=(allowed_now(subject, trigger) or None)
            if failed.guard in CASE_GUARDS else None,
        ) from None
    except MachineError:
        subject.state = before
        raise Refused(
            case=subject.number,
            state=before,
            action=trigger,
            why=msg("not allowed in this state"),
            allowed=allowed_now(subject, trigger),
        ) from None
    return subject.state


def mermaid() -> str:
    """A Mermaid state diagram generated from the live machine (not from the table text), in
    the language of the process: the states' identifiers are their codes, each state declared
    with its name and each arrow labelled with its step's name where these differ from the
    codes (under zh: ``state "登记" as intake``, ``intake --> accepted : 受理``; under en each
    arrow is labelled with its step's command)."""
    m = machine()
    zh = get_language() == "zh"

    def label(trigger: str) -> str:  # under en the step's command, as it is typed
        return name("trigger", trigger) if zh else trigger

    lines = ["stateDiagram-v2"]
    for state in State:
        shown = name("state", state.value)
        if shown != state.value:
            lines.append(f'    state "{shown}" as {state.value}')
    lines.append(f"    [*] --> {m.initial}")
    for trigger, event in m.events.items():
        for source, transitions in event.transitions.items():
            for t in transitions:
                dest = t.dest if t.dest is not None else source
                lines.append(f"    {source} --> {dest} : {label(trigger)}")
    lines.extend(f"    {s.value} --> [*]" for s in FINAL)
    return "\n".join(lines) + "\n"
